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
from dashboard.i18n import PluralTranslator, Translator, format_number
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


def shown_count(view: View, settings: ListSettings) -> int:
    """How many offers the list renders (the first ``settings.limit`` of the view)."""
    return min(view.count, settings.limit)


def shown_status(view: View, settings: ListSettings, ngettext: PluralTranslator) -> str:
    """ "100 von 162 Angeboten angezeigt" in the interface language (plural by ``count``, locale numbers)."""
    return ngettext(
        "{shown} von {count} Angebot angezeigt",
        "{shown} von {count} Angeboten angezeigt",
        view.count,
        shown=shown_count(view, settings),
        count=view.count,
    )


def list_status(view: View, settings: ListSettings, ngettext: PluralTranslator) -> str:
    """'Showing 50 of 1,234' when the list is cut, else empty."""
    return shown_status(view, settings, ngettext) if shown_count(view, settings) < view.count else ""


def result_count(view: View, lang: str) -> str:
    """The number of offers found, written with ``lang``'s grouping ("1.200" in German)."""
    return format_number(view.count, lang)


def more_label(view: View, settings: ListSettings, ngettext: PluralTranslator) -> str:
    """Label of the "more" button: how many offers the next click adds (plural by that number)."""
    more = max(min(PAGE_SIZE, view.count - shown_count(view, settings)), 0)
    return ngettext("{n} weiteres Angebot anzeigen", "{n} weitere Angebote anzeigen", more)


def sort_phrase(sort: str, _: Translator) -> str:
    """The list order in words, for the status announcement ("Sortiert nach Stadtteil.")."""
    return _("Sortiert nach Stadtteil.") if sort == "district" else _("Sortiert nach Name.")


def announcement(view: View, settings: ListSettings, _: Translator, ngettext: PluralTranslator) -> str:
    """What the polite live region says after a filter or sort change (WCAG 4.1.3).

    "100 von 162 Angeboten angezeigt. Sortiert nach Name." — the sort is named, so a sort change
    (same counts) is announced too. An empty result is announced by the empty notice (its own
    status region, with the way out), so this one stays empty rather than say it twice.
    """
    if view.count == 0:
        return ""
    return f"{shown_status(view, settings, ngettext)}. {sort_phrase(settings.sort, _)}"


def api_href(view: View, fmt: str) -> str:
    """Download link of the current view (``fmt`` is ``geojson`` or ``csv``)."""
    return f"/api/offers.{fmt}" + view.query
