"""The coverage room: where offers are missing, by district, against residents (``/coverage``, ``/profile``).

* :mod:`~dashboard.coverage.compute` — pure data for one page state (metric tables, ranking,
  district profiles, CSV rows), adapting the snapshot's dataset to :mod:`analysis`;
* :mod:`~dashboard.coverage.context` — the coverage context per snapshot (built on first use,
  warmed in the background);
* :mod:`~dashboard.coverage.figures` and :mod:`~dashboard.coverage.view` — figures and markup;
* :mod:`~dashboard.coverage.page` and :mod:`~dashboard.coverage.profile` — the page layouts
  (registered by the thin modules in ``dashboard/pages/``);
* :mod:`~dashboard.coverage.callbacks` — :func:`register_coverage` and the thin callbacks;
* :mod:`~dashboard.coverage.api` — ``GET /api/coverage.csv``.
"""

from __future__ import annotations

from dashboard.coverage.callbacks import register_coverage

__all__ = ["register_coverage"]
