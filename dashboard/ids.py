"""Every component id of the dashboard, in one place.

Ids in :data:`STABLE_HOOKS` are a public interface for integrators and tests
(documented in the README) and must not change:

* ``result-count``: the element showing the number of offers in the current view;
* ``offer-list``: the list of offers; each entry carries ``data-offer-id``.

The view store (:data:`VIEW_STORE`) is what the server's filter callback sends
per interaction: ``{"count": int, "n": int, "mask": str}`` where ``mask`` is the
base64 of a little-endian bitset of ``n`` bits (bit ``i`` = byte ``i >> 3``,
bit ``i & 7``; set when offer ``i`` in file order is visible), see
:func:`dashboard.filters.encode_mask`.
"""

from __future__ import annotations

# stable hooks (public)
RESULT_COUNT = "result-count"
OFFER_LIST = "offer-list"

# stores
FILTER_STORE = (
    "filter-store"  #: the filter selection {categories, languages, target_groups, districts, q, barrier_free}
)
LIST_STORE = "list-store"  #: list presentation {sort: "name"|"district", limit: int}
VIEW_STORE = "view-store"  #: compact view state for the map (see module docstring)
SELECTED_OFFER = "selected-offer"  #: id of the offer shown in the detail panel (str or None)
QUERY_STORE = "query-store"  #: the current view's query string ("?lang=..."), mirrored into the URL
UI_LANG = "ui-lang"  #: {"lang": code, "dir": "ltr"|"rtl"} of the interface

# page structure
MAP = "offer-map"
MAP_SECTION = "map-section"
LIST_SECTION = "list-section"
FILTER_PANEL = "filter-panel"
FILTER_TOGGLE = "filter-toggle"
VIEW_TOGGLE = "view-toggle"
SEARCH = "search"
RESET = "reset-filters"
DETAIL = "offer-detail"
NOTICES = "notices"
MORE = "more-offers"
DOWNLOAD_GEOJSON = "download-geojson"
DOWNLOAD_CSV = "download-csv"
LANG_SWITCH = "lang-switch"
URL_SYNC = "url-sync"  #: dummy output of the clientside callback that mirrors QUERY_STORE into the URL
LANG_LINK_PREFIX = "lang-link-"  #: + interface language code
MAIN = "main"

STABLE_HOOKS: tuple[str, ...] = (RESULT_COUNT, OFFER_LIST)


def lang_link(lang: str) -> str:
    """Id of the interface-language link for ``lang``."""
    return LANG_LINK_PREFIX + lang


# map (dashboard/map_callbacks.py)
MAP_POINTS = "map-points"  #: the URL and version of the map points (dashboard.map.points.points_ref)
MAP_LEGEND = "map-legend"

# coverage page
COV_METRIC = "cov-metric"  #: store: the metric shown ("per_1000", "within_500", "within_1000", "e2sfca")
COV_FOCUS = "cov-focus"  #: store: id of the focused district (or None)
COV_METRIC_PICKER = "cov-metric-picker"  #: fieldset of the metric toggles
COV_CHOROPLETH = "cov-choropleth"
COV_BARS = "cov-bars"
COV_HEATMAP = "cov-heatmap"
COV_CURVE = "cov-curve"
COV_TABLES = "cov-tables"  #: figures as accessible tables (choropleth/bars table)
COV_HEAT_TABLE = "cov-heat-table"
COV_CURVE_TABLE = "cov-curve-table"
COV_FOCUS_PANEL = "cov-focus-panel"  #: the focused district's summary; carries data-district
COV_COMPARE = "cov-compare"  #: side-by-side comparison of two districts (compare=a,b)
COV_CSV = "cov-csv"  #: link to /api/coverage.csv for the current view
COV_NOTES = "cov-notes"  #: workshop notes textarea
COV_NOTES_DOWNLOAD = "cov-notes-download"  #: button: notes + figures as Markdown
COV_DOWNLOAD = "cov-download"  #: dcc.Download of the notes
COV_ORDER = "cov-order"  #: element whose data-order lists the district ids in stepping order
COV_SUMMARY = "cov-summary"  #: the sentence with the shown metric and the population method
COV_PAGE = "cov-page"  #: store: fixed page parameters {"mode": "workshop"|"", "compare": [a, b]}
COV_FOCUS_BODY = "cov-focus-body"  #: the focused district's figures inside COV_FOCUS_PANEL
COV_PROFILE_LINK = "cov-profile-link"  #: link to the focused district's printable profile
COV_FILTERS = "cov-filters"  #: store on the coverage page mirroring {filters, q}: its callbacks never see the map page

# snapshots (dashboard/snapshot.py, dashboard/map/)
MAP_VERSION = "map-version"  #: store: snapshot version of the page's MAP_POINTS (the filter callback compares it)

# main navigation (dashboard/layout.py)
MAIN_NAV = "main-nav"
EMPTY_NOTICE = "empty-notice"  #: message, suggested search and reset above map and list when nothing matches
SEARCH_SUGGESTION = "search-suggestion"  #: button with the nearest search term ("did you mean")
MAP_GROUP = "map-group"  #: the offers of a clicked marker that holds several (each a button selecting it)
MAP_HIGHLIGHT = "map-highlight"  #: dummy output of the clientside callback that shows the selected offer on the map
#: The map page's own copy of the shared filters and search (its callback listens here, so it never fires on /coverage).
MAP_FILTERS = "map-filters"
