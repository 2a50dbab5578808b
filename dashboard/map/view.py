"""Pure view computation shared by the page layout, the filter callback and tests.

Given a :class:`~dashboard.filters.FilterState` and the list settings, compute
everything the filter callback sends: the count, the first page of the list, the
compact view state for the map (``ids.VIEW_STORE``) and the links of this view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dashboard.data import Dataset
from dashboard.filters import FilterState, encode_mask, filter_mask, search_suggestion, to_query, visible_rows
from dashboard.i18n import Translator
from dashboard.map.offer_list import PAGE_SIZE, empty_notice, empty_result, entries

SORTS: tuple[str, ...] = ("name", "district")
MAX_LIMIT = 100_000


@dataclass(frozen=True)
class ListSettings:
    """How the list is shown: sort key and how many entries are rendered."""

    sort: str = "name"
    limit: int = PAGE_SIZE

    @classmethod
    def from_store(cls, data: dict[str, Any] | None) -> ListSettings:
        """Settings from the browser's list store; unknown or bad values give the defaults."""
        data = data or {}
        sort = data.get("sort") if data.get("sort") in SORTS else "name"
        try:
            limit = min(max(int(data.get("limit") or PAGE_SIZE), PAGE_SIZE), MAX_LIMIT)
        except (TypeError, ValueError):
            limit = PAGE_SIZE
        return cls(sort=str(sort), limit=limit)


@dataclass(frozen=True)
class View:
    """The result of one filter state: mask over all offers and the sorted visible rows."""

    state: FilterState
    mask: np.ndarray
    rows: np.ndarray

    @property
    def count(self) -> int:
        return len(self.rows)

    def store(self, version: str) -> dict[str, Any]:
        """The compact view state for the map: count, offer total, the visibility bitset and the snapshot version."""
        return {"count": self.count, "n": len(self.mask), "mask": encode_mask(self.mask), "version": version}

    @property
    def query(self) -> str:
        return to_query(self.state)


def compute_view(dataset: Dataset, state: FilterState, settings: ListSettings) -> View:
    """Filter ``dataset`` by ``state`` and order the visible rows by ``settings.sort``."""
    mask = filter_mask(dataset, state)
    return View(state=state, mask=mask, rows=visible_rows(dataset, mask, settings.sort))


def list_children(dataset: Dataset, view: View, settings: ListSettings, _: Translator) -> list[Any]:
    """List items of the first ``settings.limit`` visible offers (an empty-result hint when none)."""
    if view.count == 0:
        return [empty_result(_)]
    return entries(dataset, view.rows[: settings.limit], _, view.state.lang)


def empty_children(dataset: Dataset, view: View, _: Translator) -> list[Any]:
    """The notice above map and list for an empty result (with a suggested search), else ``[]``."""
    if view.count:
        return []
    return empty_notice(search_suggestion(dataset, view.state.q) if view.state.q else None, _)


def list_status(view: View, settings: ListSettings, _: Translator) -> str:
    """'Showing 50 of 1,234' when the list is cut, else empty."""
    shown = min(view.count, settings.limit)
    return _("{shown} von {count} Angeboten angezeigt", shown=shown, count=view.count) if shown < view.count else ""


def api_href(view: View, fmt: str) -> str:
    """Download link of the current view (``fmt`` is ``geojson`` or ``csv``)."""
    return f"/api/offers.{fmt}" + view.query
