"""The accessibility statement ("Erklärung zur Barrierefreiheit", BITV 2.0 § 7)."""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard.components.links import mailto_href, tel_href, web_href
from dashboard.components.notices import notices_block
from dashboard.filters import parse_query
from dashboard.i18n import Translator, translator
from dashboard.layout import frame
from dashboard.snapshot import current_snapshot

dash.register_page(__name__, path="/barrierefreiheit", title="Erklärung zur Barrierefreiheit", name="Barrierefreiheit")


def contact_list(contact: dict[str, Any], _: Translator) -> html.Ul | html.P:
    """The feedback contact from ``city.json`` (``contact``: email, phone, url) as safe links."""
    items = []
    if href := mailto_href(contact.get("email")):
        items.append(html.Li([_("E-Mail:"), " ", html.A(contact["email"], href=href)]))
    if href := tel_href(contact.get("phone")):
        items.append(html.Li([_("Telefon:"), " ", html.A(contact["phone"], href=href)]))
    if href := web_href(contact.get("url")):
        items.append(html.Li([_("Kontaktformular:"), " ", html.A(contact["url"], href=href)]))
    return html.Ul(items) if items else html.P(_("Für diese Installation ist noch kein Kontakt eingetragen."))


def layout(**query: Any) -> html.Div:
    """The statement in the interface language of ``?lang=``."""
    dataset = current_snapshot().dataset
    state, notices = parse_query({"lang": query.get("lang", "")}, dataset)
    _ = translator(state.lang)
    main = [
        html.Section(
            [
                html.P(
                    _(
                        "Diese Anwendung soll die Web Content Accessibility Guidelines (WCAG) 2.1 "
                        "Stufe AA und die BITV 2.0 erfüllen."
                    )
                ),
                html.H2(_("Stand der Vereinbarkeit")),
                html.P(
                    _(
                        "Die Anwendung ist teilweise barrierefrei. Automatische Prüfungen mit axe-core "
                        "melden keine schwerwiegenden Verstöße."
                    )
                ),
                html.H2(_("Nicht barrierefreie Inhalte")),
                html.Ul(
                    [
                        html.Li(
                            _(
                                "Die Karte ist eine Grafik und nicht vollständig per Tastatur und Screenreader "
                                "bedienbar. Die Liste der Angebote enthält dieselben Angebote und ist die "
                                "barrierefreie Alternative."
                            )
                        ),
                        html.Li(_("Die Grenzen der Stadtteile und manche Standorte sind nur ungefähr.")),
                    ]
                ),
                html.H2(_("Feedback und Kontakt")),
                html.P(_("Sind Ihnen Mängel aufgefallen? Schreiben Sie uns:")),
                contact_list(dict(dataset.city.get("contact") or {}), _),
                html.H2(_("Schlichtungsverfahren")),
                html.P(
                    _(
                        "Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie "
                        "sich an die Durchsetzungs- bzw. Schlichtungsstelle Ihres Bundeslandes wenden."
                    )
                ),
            ],
            className="statement",
        )
    ]
    return frame(dataset, state, _, main, notices_block(dataset, notices, _), path="/barrierefreiheit")
