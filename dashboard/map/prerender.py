"""The map page's first view as HTML, sent inside the page before any script runs (issue 12).

A phone on a mobile network needs seconds to load Dash's scripts, fetch the layout and run the
page callback; until then Dash shows only "Loading...". So the server writes the page's frame
(header with the demo badge, navigation and language menu, notices, H1), the filter panel and the
first :data:`~dashboard.map.offer_list.PAGE_SIZE` entries of the list for the URL's filters into
the HTML, in the request's interface language (``dir="rtl"`` for Arabic). It is built from the
*same* component functions the Dash page uses (:func:`dashboard.layout.frame`,
:func:`dashboard.map.view.list_children`, :func:`dashboard.components.filter_panel.filter_panel` …)
and turned into HTML by :func:`to_html`, so order, markup and classes are the Dash list's; the map
is an empty box of the map's size (it needs scripts anyway).

The copy stands after ``#react-entry-point`` (React would empty its container on mount, long
before the page callback has delivered the list). While it is there, ``assets/app.css`` keeps the
entry point invisible and out of the flow, so Dash draws the page unseen; ``dashboard.app`` removes
the copy once Dash has drawn (see :data:`REMOVE_JS`) and the page takes its place without a layout
shift; the DOM never holds two visible lists. Every id in
the copy carries the prefix :data:`ID_PREFIX`, so no id is ever doubled and the page's scripts find
Dash's elements, not the copy's.

Only the list's public fields are used (name, category, district, the "approximate" note): the
data set is the published, privacy-coarsened one (:mod:`geodata.privacy`), and no coordinate or
address is written. Every text and attribute value is HTML-escaped.
"""

from __future__ import annotations

import html as html_escape
import json
import logging
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from dash import html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.components.filter_panel import filter_panel, filter_toggle_button
from dashboard.components.notices import notices_block
from dashboard.filters import parse_query
from dashboard.i18n import plural_translator, translator
from dashboard.layout import frame
from dashboard.map.detail import detail_panel
from dashboard.map.layout import map_canvas, map_legend, map_section, sort_switch, view_switch
from dashboard.map.points import points_href, setup_payload
from dashboard.map.view import (
    ListSettings,
    View,
    api_href,
    compute_view,
    empty_children,
    list_children,
    list_status,
    result_count,
)
from dashboard.snapshot import Snapshot

logger = logging.getLogger(__name__)

#: Id of the element that holds the server-rendered first view.
PRERENDER_ID = "first-view"
#: Elements without an end tag.
VOID_ELEMENTS = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
#: Dash props that are not HTML attributes.
SKIPPED_PROPS = frozenset(
    {"children", "style", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "loading_state", "key", "setProps"}
)
#: React prop names whose HTML attribute is not simply the lower-cased name.
ATTRIBUTE_NAMES: Mapping[str, str] = MappingProxyType({"className": "class", "htmlFor": "for"})
#: Attributes that name ids of the same page (prefixed with the ids themselves, see :func:`to_html`).
ID_REFERENCES = frozenset({"id", "for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns"})
#: Prefix of every id in the first view: the page Dash draws has the same ids, and both are in the
#: DOM for a moment (scripts that look an element up by id must find Dash's, never the copy's).
ID_PREFIX = "fv-"
#: Props of ``dcc.Input`` that become attributes of the ``<input>``.
INPUT_PROPS = ("id", "type", "value", "placeholder", "autoComplete", "className", "name", "inputMode")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")

#: Removes the first view once Dash has rendered the page (a clientside callback of ``dashboard.app``
#: on the interface-language store, which every page's frame holds; its output is a ``data-`` prop of
#: the frame's hidden ``url-sync`` element). Two animation frames later, so
#: the page's own start-up callbacks (e.g. the phone's collapsed filter panel) have run: the view
#: underneath is then the same as the copy that goes away.
#: The one script of the first view, inline right after it (its hash is in the Content-Security-Policy:
#: ``StadtkarteDash.csp_hashes``): the view switch (list | map) works at once, before any script file
#: has arrived (on a phone ~1 s later); ``assets/filters.js`` does the same once loaded, and carries the
#: choice over to Dash's page. A tap is never lost.
FIRST_VIEW_JS = (
    "(function () { var toggle = document.getElementById('" + ID_PREFIX + "filter-toggle');"
    " if (toggle && window.matchMedia('(max-width: 47.99em)').matches) { toggle.setAttribute('aria-expanded', 'false'); }"
    "})();"
    "document.addEventListener('click', function (event) {"
    " var button = event.target.closest ? event.target.closest('#" + PRERENDER_ID + " button[data-view]') : null;"
    " var grid = document.querySelector('#" + PRERENDER_ID + " .layout-grid');"
    " if (!button || !grid) { return; }"
    " grid.setAttribute('data-view', button.getAttribute('data-view'));"
    " grid.querySelectorAll('button[data-view]').forEach(function (b) {"
    "  b.setAttribute('aria-checked', b === button ? 'true' : 'false'); b.tabIndex = b === button ? 0 : -1; });"
    " window.dispatchEvent(new Event('resize'));"
    "});"
)

REMOVE_JS = (
    "function (ui) {"
    " var done = function () {"
    "  if (window.stadtkarteMap) { window.stadtkarteMap.adopt(); }"
    "  var copy = document.getElementById('" + PRERENDER_ID + "');"
    "  if (copy) { var focused = copy.contains(document.activeElement) ? document.activeElement : null;"
    "   copy.remove(); if (window.stadtkarteFilters) { window.stadtkarteFilters.handOver(copy, focused); } }"
    "  var entry = document.getElementById('react-entry-point'); if (entry) { entry.removeAttribute('aria-busy'); }"
    " };"
    " window.requestAnimationFrame(function () { window.requestAnimationFrame(done); });"
    " return 'removed';"
    "}"
)


# --------------------------------------------------------------------------- Dash components -> HTML


def _attribute(name: str) -> str:
    if name.startswith(("data-", "aria-")):
        return name
    return ATTRIBUTE_NAMES.get(name, name.lower())


def _style(style: Mapping[str, Any]) -> str:
    return "; ".join(f"{_CAMEL.sub('-', str(k)).lower()}: {v}" for k, v in style.items() if v is not None)


def _with_prefix(name: str, value: str, prefix: str) -> str:
    """``value`` of attribute ``name`` with ``prefix`` before every id it names (``href="#id"`` too)."""
    if name in ID_REFERENCES:
        return " ".join(prefix + part for part in value.split())
    if name == "href" and value.startswith("#") and len(value) > 1:
        return "#" + prefix + value[1:]
    return value


def _attributes(props: Mapping[str, Any], prefix: str = "") -> str:
    """`` name="value"`` pairs of ``props``, escaped and sorted by name (Dash's own order varies).

    True gives a bare attribute, False and None none; ``style`` dicts become CSS declarations;
    ids and references to ids get ``prefix``.
    """
    pairs: dict[str, str | None] = {}
    for name, value in props.items():
        if name in SKIPPED_PROPS or value is None or value is False:
            continue
        attr = _attribute(name)
        pairs[attr] = None if value is True else _with_prefix(attr, str(value), prefix)
    style = props.get("style")
    if isinstance(style, Mapping) and style:
        pairs["style"] = _style(style)
    esc = html_escape.escape
    return "".join(
        f" {esc(name, quote=True)}" if value is None else f' {esc(name, quote=True)}="{esc(value, quote=True)}"'
        for name, value in sorted(pairs.items())
    )


def _element(tag: str, props: Mapping[str, Any], children: Any, prefix: str) -> str:
    if tag in VOID_ELEMENTS:
        return f"<{tag}{_attributes(props, prefix)}>"
    return f"<{tag}{_attributes(props, prefix)}>{to_html(children, prefix)}</{tag}>"


def _core_component(kind: str, props: Mapping[str, Any], prefix: str) -> str:
    """``dcc`` components: an input stays an input, a graph an empty box of its size, the rest nothing."""
    if kind == "Input":
        return _element("input", {k: props.get(k) for k in INPUT_PROPS}, None, prefix)
    if kind == "Graph":
        return _element("div", {"id": props.get("id"), "className": props.get("className")}, None, prefix)
    return ""  # Store, Location, …: state for scripts, nothing to read


def to_html(node: Any, id_prefix: str = "") -> str:
    """HTML of a Dash component tree (``dash.html`` elements, ``dcc.Input``/``dcc.Graph``), escaped.

    Parameters
    ----------
    node : Component, str, number, list or None
        What a Dash ``children`` prop may hold.
    id_prefix : str, optional
        Written before every id and every reference to one (``for``, ``aria-labelledby``,
        ``aria-controls``, ``href="#…"``), so a copy of a page never repeats the page's ids.

    Returns
    -------
    str
        The markup React would produce for the ``dash.html`` elements (same tags, classes,
        ``data-*``/``aria-*`` attributes; attributes sorted by name); text and attribute values are
        HTML-escaped; ``dcc`` stores and other script-only components give nothing.
    """
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, str | int | float):
        return html_escape.escape(str(node), quote=False)
    if isinstance(node, list | tuple):
        return "".join(to_html(child, id_prefix) for child in node)
    if isinstance(node, Component):
        props = node.to_plotly_json()["props"]
        if node._namespace == "dash_html_components":
            return _element(node._type.lower(), props, props.get("children"), id_prefix)
        if node._namespace == "dash_core_components":
            return _core_component(node._type, props, id_prefix)
        return to_html(props.get("children"), id_prefix)
    raise TypeError(f"cannot render {type(node).__name__} as HTML: pass Dash components, text or lists")


# --------------------------------------------------------------------------- the first view


def _results(snapshot: Snapshot, view: View, settings: ListSettings) -> html.Div:
    """Result count, downloads, view switch (on the list), an empty map box, the list and the detail hint.

    The same elements and classes as :func:`dashboard.map.layout.results`; the map is a box of its size.
    """
    dataset = snapshot.dataset
    _ = translator(view.state.lang)
    ngettext = plural_translator(view.state.lang)
    head = html.Div(
        [
            html.P(
                [_("Gefundene Angebote:"), " ", html.Span(result_count(view, view.state.lang), id=ids.RESULT_COUNT)],
                className="result-summary",
                role="status",
            ),
            html.P(
                [
                    _("Aktuelle Auswahl herunterladen:"),
                    " ",
                    html.A("GeoJSON", href=api_href(view, "geojson"), download="angebote.geojson"),
                    " · ",
                    html.A("CSV", href=api_href(view, "csv"), download="angebote.csv"),
                ],
                className="downloads",
            ),
            html.Div(view_switch(_, map_first=False), className="view-toggle"),
        ],
        className="results-head",
    )
    return html.Div(
        [
            head,
            html.Div(empty_children(dataset, view, _), className="empty-notice", role="status", hidden=view.count > 0),
            # with the legend, as on Dash's page, so the list below does not move when the page takes over
            map_section([_early_map(snapshot, view), map_legend(dataset, view.state.lang)], _),
            html.Section(
                [
                    html.H2(_("Liste der Angebote"), id="list-heading"),
                    html.Div(sort_switch(settings, _), className="sort"),
                    html.Ul(list_children(dataset, view, settings, _), id=ids.OFFER_LIST, className="offer-list"),
                    html.P(list_status(view, settings, ngettext), className="list-status"),
                ],
                className="list-section",
                **{"aria-labelledby": "list-heading"},
            ),
            html.Section(
                detail_panel(dataset, None, _, view.state.lang),
                className="detail",
                **{"aria-label": _("Details zum Angebot")},
            ),
        ],
        className="results",
    )


def _early_map(snapshot: Snapshot, view: View) -> html.Div:
    """The map box of the first view, with what ``assets/map.js`` needs to draw it before Dash starts.

    The offers' points are not in the page (no offer's coordinate is written here): the box names the
    URL of the snapshot's points (fetched once MapLibre has loaded) and carries the map's setup
    (style with the district outlines, first view, marker images, labels: MapLibre starts with it at
    once) and the view store (count, visibility bitset, version) for the URL's filters.
    """
    lang = view.state.lang
    setup = snapshot.derived(
        ("map-setup-json", lang), lambda: json.dumps(setup_payload(snapshot, lang), separators=(",", ":"))
    )
    early = {
        "data-points": points_href(snapshot, lang),
        "data-setup": setup,
        "data-view": json.dumps(view.store(snapshot.version)),
    }
    return map_canvas(snapshot, lang, early)


def first_view(snapshot: Snapshot, query: Mapping[str, Any]) -> html.Div:
    """The map page's first view for the URL parameters ``query`` as Dash components (no scripts needed).

    Parameters
    ----------
    snapshot : Snapshot
        The snapshot the request reads (:func:`dashboard.snapshot.current_snapshot`).
    query : Mapping
        The URL's parameters as Dash Pages passes them to a layout (``lang``, filters, ``q``, ``sort``).
    """
    dataset = snapshot.dataset
    state, notices = parse_query(dict(query), dataset)
    _ = translator(state.lang)
    settings = ListSettings.from_store({"sort": query.get("sort")})
    view = compute_view(dataset, state, settings)
    main = [
        filter_toggle_button(_),
        html.Div(
            [filter_panel(dataset, state, _), _results(snapshot, view, settings)],
            className="layout-grid",
            **{"data-view": "list"},
        ),
    ]
    return frame(dataset, state, _, main, notices_block(dataset, notices, _), path="/")


def first_view_html(snapshot: Snapshot, query: Mapping[str, Any]) -> str:
    """:func:`first_view` as HTML inside ``<div id="first-view" class="first-view">``.

    The views without filters or notices (one per interface language and sort order: what a
    shared link or the home screen opens) are rendered once per snapshot and kept with it
    (:meth:`Snapshot.derived`); other views are rendered per request (a few milliseconds).
    """
    state, notices = parse_query(dict(query), snapshot.dataset)
    sort = ListSettings.from_store({"sort": query.get("sort")}).sort
    if not notices and not state.is_filtered and set(query) <= {"lang", "sort"}:
        plain = {"lang": state.lang, "sort": sort}
        return snapshot.derived(("first-view-html", state.lang, sort), lambda: _wrap(first_view(snapshot, plain)))
    return _wrap(first_view(snapshot, query))


def _wrap(tree: html.Div) -> str:
    return (
        f'<div id="{PRERENDER_ID}" class="first-view">{to_html(tree, ID_PREFIX)}</div><script>{FIRST_VIEW_JS}</script>'
    )
