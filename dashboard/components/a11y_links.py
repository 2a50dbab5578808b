"""Header links to the Leichte Sprache and Gebärdensprache (DGS) pages (BITV 2.0 § 4).

Each link has a text label and a decorative pictogram drawn in CSS (``assets/a11y.css``: a
book with a reading person for Leichte Sprache, two hands for DGS; our own simple drawings,
not the protected Inclusion Europe logo). Both pages hold German content, so the links
carry ``hreflang="de"``.
"""

from __future__ import annotations

from dash import html

from dashboard.filters import FilterState, to_query
from dashboard.i18n import translator

#: Paths of the two pages (registered in dashboard/pages/easy_language.py and sign_language.py).
EASY_LANGUAGE_PATH = "/leichte-sprache"
SIGN_LANGUAGE_PATH = "/gebaerdensprache"
A11Y_NAV_ID = "a11y-links"


def page_href(path: str, lang: str) -> str:
    """``path`` with the interface language ``lang`` kept in the query (``?lang=``)."""
    return path + to_query(FilterState(lang=lang))


def _link(label: str, href: str, icon: str, current: bool) -> html.Li:
    return html.Li(
        html.A(
            [html.Span(className=f"a11y-icon a11y-icon--{icon}", **{"aria-hidden": "true"}), html.Span(label)],
            href=href,
            hrefLang="de",
            className="a11y-link",
            **({"aria-current": "page"} if current else {}),
        )
    )


def accessibility_links(lang: str, path: str = "") -> html.Nav:
    """The header's links to the Leichte Sprache and DGS pages, labelled in the interface language ``lang``.

    Parameters
    ----------
    lang : str
        Interface language (unknown codes fall back to German).
    path : str, optional
        Path of the current page: its link is marked ``aria-current="page"``.
    """
    _ = translator(lang)
    return html.Nav(
        html.Ul(
            [
                _link(
                    _("Leichte Sprache"),
                    page_href(EASY_LANGUAGE_PATH, lang),
                    "easy",
                    path == EASY_LANGUAGE_PATH,
                ),
                _link(
                    _("Gebärdensprache"),
                    page_href(SIGN_LANGUAGE_PATH, lang),
                    "sign",
                    path == SIGN_LANGUAGE_PATH,
                ),
            ]
        ),
        id=A11Y_NAV_ID,
        className="a11y-links",
        **{"aria-label": _("Leichte Sprache und Gebärdensprache")},
    )
