"""The ETL: turn a city's offer list into the contract's GeoJSON files.

Stages (one module each): :mod:`etl.extract` -> :mod:`etl.validate` ->
:mod:`etl.geocode` -> :mod:`etl.enrich` -> :mod:`etl.write`. The checking stages run
through :class:`etl.record.RecordChecker` (also the register's per-record check);
problems are codes rendered by :mod:`etl.problems`. :func:`etl.pipeline.build` publishes
a snapshot; :mod:`etl.cli` is ``stadtkarte build``.
"""

from __future__ import annotations

__all__ = ["build"]


def __getattr__(name: str):  # lazy, so that importing etl does not load geopandas
    if name == "build":
        from etl.pipeline import build

        return build
    raise AttributeError(f"module 'etl' has no attribute {name!r}")
