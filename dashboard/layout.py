"""The frame every page shares: skip link, header with main navigation and language switch, notices, footer.

Every page gets its own H1 (:func:`page_heading`, or the ``heading`` a page passes to :func:`frame`)
and the main navigation (:func:`main_nav`): map, coverage (with workshop mode and district comparison
as plain links) and the accessibility statement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
from dash import Input, Output, dcc, html
from flask import has_request_context, request

from dashboard import ids
from dashboard.components.a11y_links import accessibility_links
from dashboard.data import Dataset
from dashboard.filters import DEFAULT_LANG, UI_LANGUAGES, FilterState, to_query
from dashboard.i18n import Translator, text_direction, translator
from dashboard.snapshot import current_snapshot
from geodata.errors import DatasetError
from geodata.languages import native_name


def lang_href(state: FilterState, lang: str, path: str = "/") -> str:
    """URL of the current view (``state``) in interface language ``lang``."""
    return path + to_query(FilterState(**{**state.__dict__, "lang": lang}))


def language_switch(state: FilterState, _: Translator, path: str = "/") -> html.Nav:
    """Links to the same view in each interface language, each named in its own language."""
    links = [
        html.Li(
            html.A(
                native_name(code),
                href=lang_href(state, code, path),
                id=ids.lang_link(code),
                lang=code,
                hrefLang=code,
                dir=text_direction(code),
                **({"aria-current": "true"} if code == state.lang else {}),
            )
        )
        for code in UI_LANGUAGES
    ]
    return html.Nav(
        html.Ul(links), id=ids.LANG_SWITCH, className="lang-switch", **{"aria-label": _("Sprache der Oberfläche")}
    )


def nav_items(dataset: Dataset, state: FilterState, _: Translator) -> list[tuple[str, str, str]]:
    """``(key, label, href)`` of the main navigation's links in interface language ``state.lang``.

    The key is the page path the link belongs to (``aria-current`` marks it); workshop mode and the
    district comparison are parameters of the coverage page, offered here as plain links (the
    comparison starts with the first two districts; the page lets the planner pick others).
    """
    lang = to_query(FilterState(lang=state.lang))
    sep = "&" if lang else "?"
    items = [
        ("/", _("Karte"), "/" + lang),
        ("/coverage", _("Abdeckung"), "/coverage" + lang),
        ("/coverage?mode=workshop", _("Workshop-Modus"), "/coverage" + lang + sep + "mode=workshop"),
    ]
    if len(dataset.district_ids) >= 2:
        pair = ",".join(dataset.district_ids[:2])
        items.append(("/coverage?compare", _("Stadtteile vergleichen"), "/coverage" + lang + sep + "compare=" + pair))
    items.append(("/netzwerk", _("Netzwerk-Börse"), "/netzwerk" + lang))
    items.append(("/eintragen", _("Angebot eintragen"), "/eintragen" + lang))
    items.append(("/barrierefreiheit", _("Barrierefreiheit"), "/barrierefreiheit" + lang))
    return items


def main_nav(dataset: Dataset, state: FilterState, _: Translator, current: str = "/") -> html.Nav:
    """The main navigation of every page; the link whose key is ``current`` carries ``aria-current="page"``."""
    links = [
        html.Li(
            html.A(label, href=href, **({"aria-current": "page"} if key == current else {})),
        )
        for key, label, href in nav_items(dataset, state, _)
    ]
    return html.Nav(html.Ul(links), id=ids.MAIN_NAV, className="main-nav", **{"aria-label": _("Hauptnavigation")})


def header_menu(label: Any, content: Any, kind: str) -> html.Details:
    """A header menu that works without JavaScript: a ``<details>`` whose ``<summary>`` is ``label``.

    On phones it folds ``content`` (the main navigation, the language links) so the header takes
    two rows; on wider screens ``assets/app.css`` shows the content unfolded and hides the summary.
    """
    return html.Details([html.Summary(label, className="header-menu-label"), content], className=f"header-menu {kind}")


def page_heading(dataset: Dataset, path: str, _: Translator) -> str:
    """The H1 of the page at ``path`` (each page its own)."""
    city = dataset.city.get("name") or ""
    if path == "/coverage":
        return _("Abdeckung der Angebote in {city}", city=city) if city else _("Abdeckung der Angebote")
    if path == "/barrierefreiheit":
        return _("Erklärung zur Barrierefreiheit")
    if path == "/profile":
        return _("Stadtteilprofil")
    return _("Integrationsangebote in {city}", city=city) if city else _("Integrationsangebote")


def frame(
    dataset: Dataset,
    state: FilterState,
    _: Translator,
    main: Sequence[Any],
    notices: Any = None,
    path: str = "/",
    heading: str | None = None,
    nav_current: str | None = None,
    skip_links: Sequence[tuple[str, str]] = (),
) -> html.Div:
    """Skip links, header (title, demo badge, main navigation, language switch), notices, ``main`` and footer.

    ``heading`` is the page's H1 (default :func:`page_heading` of ``path``); ``nav_current`` the key
    of the navigation link to mark as current (default ``path``); ``skip_links`` are ``(text, href)``
    of further skip links after "Zum Inhalt springen" (the map page: "Zu den Ergebnissen").
    """
    title = heading or page_heading(dataset, path, _)
    lang_query = to_query(FilterState(lang=state.lang))
    return html.Div(
        [
            dcc.Store(id=ids.UI_LANG, data={"lang": state.lang, "dir": text_direction(state.lang)}),
            html.Div(id=ids.URL_SYNC, hidden=True),
            html.A(_("Zum Inhalt springen"), href="#" + ids.MAIN, className="skip-link"),
            *[html.A(text, href=href, className="skip-link") for text, href in skip_links],
            html.Header(
                [
                    html.Div(
                        [
                            html.P(html.A(_("Stadtkarte Integration"), href="/" + lang_query), className="brand"),
                            html.P(_("Demodaten"), className="badge") if dataset.is_demo else None,
                        ],
                        className="brand-row",
                    ),
                    html.Div(
                        [
                            header_menu(_("Menü"), main_nav(dataset, state, _, nav_current or path), "nav-menu"),
                            header_menu(
                                [
                                    html.Span(_("Sprache der Oberfläche") + ": ", className="visually-hidden"),
                                    native_name(state.lang),
                                ],
                                language_switch(state, _, path),
                                "lang-menu",
                            ),
                            accessibility_links(state.lang, path),
                        ],
                        className="header-tools",
                    ),
                ],
                className="site-header",
            ),
            notices,
            html.Main([html.H1(title), *main], id=ids.MAIN, tabIndex=-1, className="site-main"),
            html.Footer(
                html.Ul(
                    [
                        html.Li(html.A(_("Erklärung zur Barrierefreiheit"), href="/barrierefreiheit" + lang_query)),
                        html.Li(html.A(_("Daten als GeoJSON"), href="/api/offers.geojson")),
                        html.Li(_("Kartengrundlage: eigene Stadtteildaten, ohne externe Dienste")),
                    ]
                ),
                className="site-footer",
            ),
        ],
        className="page",
        dir=text_direction(state.lang),
        lang=state.lang,
    )


def mirror_filters(app: dash.Dash, store_id: str) -> None:
    """Copy the shared filter store and search box into ``store_id``, a store of one page only.

    The filter store and the search box are on the map and the coverage page; a page's callback
    that also listens to a store of its own page only would fail on the other page ("nonexistent
    object used in an Input"). So each page's callback listens to its own mirror instead.
    """
    app.clientside_callback(
        "function (filters, q) { return {filters: filters, q: q}; }",
        Output(store_id, "data"),
        Input(ids.FILTER_STORE, "data"),
        Input(ids.SEARCH, "value"),
        prevent_initial_call=True,
    )


# --------------------------------------------------------------------------- page titles (WCAG 2.4.2)

#: Page path -> msgid of its ``<title>`` ("… – {site}"); the profile's names its district.
PAGE_TITLES: Mapping[str, str] = {
    "/": "Karte der Integrationsangebote – {site}",
    "/coverage": "Abdeckung nach Stadtteil – {site}",
    "/barrierefreiheit": "Erklärung zur Barrierefreiheit – {site}",
    "/leichte-sprache": "Leichte Sprache – {site}",
    "/gebaerdensprache": "Gebärdensprache – {site}",
}
PROFILE_PATH = "/profile"
#: The id of Dash Pages' location component (its ``search`` is a routing callback's input).
_PAGES_LOCATION = "_pages_location"


def document_title(
    path: str, query: Mapping[str, str], _: Translator, district_names: Mapping[str, str] | None = None
) -> str:
    """The ``<title>`` of the page at ``path`` with URL parameters ``query``, translated by ``_``.

    Page-specific ("Stadtteilprofil Eglosheim – Stadtkarte Integration"); an unknown path gets
    "Seite nicht gefunden – …".
    """
    site = _("Stadtkarte Integration")
    if path == PROFILE_PATH:
        name = (district_names or {}).get(str(query.get("district") or ""))
        if name:
            return _("Stadtteilprofil {district} – {site}", district=name, site=site)
        return f"{_('Stadtteilprofil')} – {site}"
    msgid = PAGE_TITLES.get(path)
    return _(msgid, site=site) if msgid else f"{_('Seite nicht gefunden')} – {site}"


def request_query() -> dict[str, str]:
    """The URL parameters of the page being served: the page request's own, or, inside Dash Pages'
    routing callback (client-side navigation), those of the location it navigates to."""
    if not has_request_context():
        return {}
    if request.method == "GET":
        return {k: v for k, v in request.args.items()}
    try:
        search = dash.callback_context.inputs.get(f"{_PAGES_LOCATION}.search") or ""
    except (AttributeError, LookupError, TypeError):  # not inside a callback
        search = ""
    return {k: v[0] for k, v in parse_qs(urlsplit(str(search)).query or str(search).lstrip("?")).items() if v}


def _district_names() -> Mapping[str, str]:
    try:
        return current_snapshot().dataset.district_names
    except (RuntimeError, OSError, LookupError, DatasetError):  # no snapshot: a title without the district
        return {}


def title_for(path: str) -> Callable[..., str]:
    """A Dash Pages ``title=`` function for ``path``: the title in the language of the request (``?lang=``)."""

    def _title(**_path_variables: str) -> str:
        query = request_query()
        lang = query.get("lang", DEFAULT_LANG)
        names = _district_names() if path == PROFILE_PATH else None
        return document_title(path, query, translator(lang if lang in UI_LANGUAGES else DEFAULT_LANG), names)

    return _title


def translate_page_titles(registry: Mapping[str, dict[str, Any]]) -> None:
    """Give every registered page (``dash.page_registry``) the translated, page-specific title of its path.

    Dash uses it for ``og:title`` and, after client-side navigation, for ``document.title``; the
    served ``<title>`` comes from :func:`served_title`.
    """
    for page in registry.values():
        page["title"] = title_for(str(page.get("path") or "/"))


def served_title() -> str:
    """The ``<title>`` of the page this request serves (its path and ``?lang=``)."""
    if not has_request_context():
        return translator(DEFAULT_LANG)("Stadtkarte Integration")
    path = "/" + request.path.strip("/") if request.path.strip("/") else "/"
    return title_for(path)()
