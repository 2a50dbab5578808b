"""The detail panel for one offer: what people need to get there and get in touch.

Data values are marked with the city's content language and isolated (``lang``, ``dir="auto"``),
phone/e-mail/web links are left to right, dates and lists follow the interface language; the panel
has a close button (``data-action="close-detail"``; ``assets/filters.js`` also closes it with Escape
and returns focus to the offer it was opened from).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from dash import html

from dashboard import ids
from dashboard.components.data_text import data_text, ltr_link
from dashboard.components.links import mailto_href, route_href, tel_href, web_href
from dashboard.data import Dataset
from dashboard.i18n import Translator, content_language, format_date, join_list
from dashboard.map.freshness import freshness_badge, is_unconfirmed
from geodata.languages import language_label_parts


def _row(label: str, value: Any) -> list[Any]:
    return [html.Dt(label), html.Dd(value)] if value not in (None, "", []) else []


def _address(offer: Any) -> str:
    street = " ".join(str(offer[k]) for k in ("street", "house_number") if offer[k])
    town = " ".join(str(offer[k]) for k in ("postal_code", "city") if offer[k])
    return ", ".join(p for p in (street, town) if p)


def _link(href: str | None, text: str) -> html.A | str:
    """A link to ``href``; web pages open in a new tab, ``tel:``/``mailto:`` links stay in this one."""
    if not href:
        return text
    if href.startswith(("tel:", "mailto:")):
        return html.A(text, href=href)
    return html.A(text, href=href, rel="noopener noreferrer", target="_blank")


def _data(value: Any, lang: str) -> html.Span | None:
    """A data value marked with the content language ``lang``; None when empty."""
    return data_text(str(value), lang) if value not in (None, "") else None


def shown_date(value: Any, lang: str) -> str | None:
    """An ISO date of the data ("2025-10-01") in interface language ``lang``; other text unchanged.

    Examples
    --------
    >>> shown_date("2025-10-01", "de")
    '01.10.2025'
    """
    if value in (None, ""):
        return None
    try:
        return format_date(dt.date.fromisoformat(str(value)[:10]), lang)
    except ValueError:
        return str(value)


def language_item(code: str, lang: str) -> html.Li:
    """A language of the offer: its own name (marked with its ``lang``) and its name in the interface language."""
    own, local = language_label_parts(code, lang)
    parts: list[Any] = [html.Span(own, lang=code, dir="auto")]
    if local:
        parts += [" (", local, ")"]
    return html.Li(parts)


def close_button(_: Translator) -> html.Button:
    """Closes the detail panel; focus goes back to the offer it was opened from (``assets/filters.js``)."""
    return html.Button(
        _("Schließen"),
        type="button",
        className="detail-close",
        **{"data-action": "close-detail", "aria-controls": ids.DETAIL},
    )


def unavailable_panel(_: Translator) -> list[Any]:
    """Children of the detail section for an offer that the current data no longer holds."""
    return [
        close_button(_),
        html.H2(_("Angebot nicht mehr verfügbar"), id="detail-heading", tabIndex=-1),
        html.P(
            _("Dieses Angebot ist in den aktuellen Daten nicht mehr enthalten. Wählen Sie ein anderes Angebot."),
            className="hint",
        ),
    ]


def detail_panel(dataset: Dataset, row: int | None, _: Translator, lang: str) -> list[Any]:
    """Children of the detail section for offer ``row`` (a hint when none is selected)."""
    if row is None:
        return [
            html.P(_("Wählen Sie ein Angebot in der Liste oder auf der Karte, um Details zu sehen."), className="hint")
        ]
    offer = dataset.offers.iloc[row]
    tax = dataset.taxonomy
    content = content_language(dataset.city)
    accessibility = {"yes": _("barrierefrei"), "no": _("nicht barrierefrei"), "unknown": _("unbekannt")}
    precision = _("Lage ungefähr") if dataset.approximate[row] else _("genau")
    languages = html.Ul([language_item(c, lang) for c in offer["languages"]], className="inline")
    targets = join_list((tax.target_groups.label(t, lang) for t in offer["target_groups"]), lang)
    route = route_href(dataset.city.get("route_url"), offer)
    district_id = offer["district_id"] or ""
    district = (
        data_text(dataset.district_names[district_id], content)
        if district_id in dataset.district_names
        else _("außerhalb der Stadtteile")
    )
    fields: list[Any] = [
        *_row(_("Kategorie"), tax.categories.label(offer["category"], lang)),
        *_row(_("Träger"), _data(offer["organization"], content)),
        *_row(_("Adresse"), _data(_address(offer), content)),
        *_row(_("Stadtteil"), district),
        *_row(_("Öffnungszeiten"), _data(offer["opening_hours"], content)),
        *_row(_("Sprachen"), languages if len(offer["languages"]) else None),
        *_row(_("Zielgruppe"), targets),
        *_row(_("Telefon"), ltr_link(offer["phone"], tel_href(offer["phone"])) if offer["phone"] else None),
        *_row(_("E-Mail"), ltr_link(offer["email"], mailto_href(offer["email"])) if offer["email"] else None),
        *_row(_("Webseite"), ltr_link(offer["url"], web_href(offer["url"]), external=True) if offer["url"] else None),
        *_row(_("Barrierefrei"), accessibility.get(offer["accessibility"], offer["accessibility"])),
        *_row(_("Hinweise zur Barrierefreiheit"), _data(offer["accessibility_details"], content)),
        *_row(_("Beschreibung"), _data(offer["description"], content)),
        *_row(_("Genauigkeit der Lage"), precision),
        *_row(_("Stand der Angaben"), shown_date(offer["last_verified"], lang)),
    ]
    return [
        close_button(_),
        html.H2(data_text(offer["name"], content), id="detail-heading", tabIndex=-1),
        html.P(_("Demodaten"), className="badge") if offer["demo"] else None,
        html.P(freshness_badge(offer, _, lang)) if is_unconfirmed(offer) else None,
        html.Dl(fields, className="detail-fields"),
        html.P(_link(route, _("Route planen (externer Dienst)"))) if route else None,
        html.P(html.A(_("Fehler melden"), href=f"/melden?offer={quote(str(offer['id']))}&lang={lang}")),
    ]
