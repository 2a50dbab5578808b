"""The detail panel for one offer: what people need to get there and get in touch."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from dash import html

from dashboard.components.links import mailto_href, route_href, tel_href, web_href
from dashboard.data import Dataset
from dashboard.i18n import Translator
from dashboard.map.freshness import freshness_badge, is_unconfirmed
from geodata.languages import native_name


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


def unavailable_panel(_: Translator) -> list[Any]:
    """Children of the detail section for an offer that the current data no longer holds."""
    return [
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
    accessibility = {"yes": _("barrierefrei"), "no": _("nicht barrierefrei"), "unknown": _("unbekannt")}
    precision = _("Lage ungefähr") if dataset.approximate[row] else _("genau")
    languages = html.Ul([html.Li(native_name(c), lang=c, dir="auto") for c in offer["languages"]], className="inline")
    targets = ", ".join(tax.target_groups.label(t, lang) for t in offer["target_groups"])
    route = route_href(dataset.city.get("route_url"), offer)
    fields: list[Any] = [
        *_row(_("Kategorie"), tax.categories.label(offer["category"], lang)),
        *_row(_("Träger"), offer["organization"]),
        *_row(_("Adresse"), _address(offer)),
        *_row(_("Stadtteil"), dataset.district_names.get(offer["district_id"] or "", _("außerhalb der Stadtteile"))),
        *_row(_("Öffnungszeiten"), offer["opening_hours"]),
        *_row(_("Sprachen"), languages if len(offer["languages"]) else None),
        *_row(_("Zielgruppe"), targets),
        *_row(_("Telefon"), _link(tel_href(offer["phone"]), offer["phone"]) if offer["phone"] else None),
        *_row(_("E-Mail"), _link(mailto_href(offer["email"]), offer["email"]) if offer["email"] else None),
        *_row(_("Webseite"), _link(web_href(offer["url"]), offer["url"]) if offer["url"] else None),
        *_row(_("Barrierefrei"), accessibility.get(offer["accessibility"], offer["accessibility"])),
        *_row(_("Hinweise zur Barrierefreiheit"), offer["accessibility_details"]),
        *_row(_("Beschreibung"), offer["description"]),
        *_row(_("Genauigkeit der Lage"), precision),
        *_row(_("Stand der Angaben"), offer["last_verified"]),
    ]
    return [
        html.H2(offer["name"], id="detail-heading", tabIndex=-1),
        html.P(_("Demodaten"), className="badge") if offer["demo"] else None,
        html.P(freshness_badge(offer, _, lang)) if is_unconfirmed(offer) else None,
        html.Dl(fields, className="detail-fields"),
        html.P(_link(route, _("Route planen (externer Dienst)"))) if route else None,
        html.P(html.A(_("Fehler melden"), href=f"/melden?offer={quote(str(offer['id']))}&lang={lang}")),
    ]
