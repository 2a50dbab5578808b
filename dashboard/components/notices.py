"""Notices: demo data, approximate districts, URL values that were ignored."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html

from dashboard import ids
from dashboard.data import Dataset
from dashboard.filters import Notice
from dashboard.i18n import Translator


def notice_text(notice: Notice, _: Translator) -> str:
    """One sentence saying what was ignored and why (value shown escaped by Dash)."""
    if notice.kind == "unknown_lang":
        return _("Unbekannte Sprache der Oberfläche „{value}“ ignoriert; Deutsch wird angezeigt.", value=notice.value)
    if notice.kind == "bad_flag":
        return _("Unbekannter Wert „{value}“ für {param} ignoriert.", value=notice.value, param=notice.param)
    if notice.kind == "long_query":
        return _("Der Suchtext war zu lang und wurde gekürzt.")
    return _("Unbekannter Wert „{value}“ für {param} ignoriert.", value=notice.value, param=notice.param)


def notices_block(dataset: Dataset, notices: Sequence[Notice], _: Translator) -> html.Div:
    """Permanent data notices (demo, approximate districts) plus the ignored URL values."""
    items = []
    if dataset.is_demo:
        items.append(html.Li(_("Demodaten: alle Angebote sind erfunden."), className="notice notice-demo"))
    if dataset.has_approximate_districts:
        items.append(html.Li(_("Stadtteilgrenzen ungefähr (Demo)"), className="notice notice-approx"))
    items.extend(html.Li(notice_text(n, _), className="notice notice-url") for n in notices)
    return html.Div(
        html.Ul(items, className="notice-list") if items else None,
        id=ids.NOTICES,
        className="notices",
        role="status",
    )
