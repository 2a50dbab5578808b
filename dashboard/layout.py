"""The frame every page shares: skip link, header with language switch, notices, footer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import dcc, html

from dashboard import ids
from dashboard.components.a11y_links import accessibility_links
from dashboard.data import Dataset
from dashboard.filters import UI_LANGUAGES, FilterState, to_query
from dashboard.i18n import Translator, text_direction
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


def frame(
    dataset: Dataset,
    state: FilterState,
    _: Translator,
    main: Sequence[Any],
    notices: Any = None,
    path: str = "/",
) -> html.Div:
    """Skip link, header (title, demo badge, language switch), notices, ``main`` and footer."""
    city = dataset.city.get("name") or ""
    title = _("Integrationsangebote in {city}", city=city) if city else _("Integrationsangebote")
    lang_query = to_query(FilterState(lang=state.lang))
    return html.Div(
        [
            dcc.Store(id=ids.UI_LANG, data={"lang": state.lang, "dir": text_direction(state.lang)}),
            html.Div(id=ids.URL_SYNC, hidden=True),
            html.A(_("Zum Inhalt springen"), href="#" + ids.MAIN, className="skip-link"),
            html.Header(
                [
                    html.Div(
                        [
                            html.P(html.A(_("Stadtkarte Integration"), href="/" + lang_query), className="brand"),
                            html.P(_("Demodaten"), className="badge") if dataset.is_demo else None,
                        ],
                        className="brand-row",
                    ),
                    language_switch(state, _, path),
                    accessibility_links(state.lang, path),
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
