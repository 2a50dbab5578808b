"""The accessibility statement ("Erklärung zur Barrierefreiheit", BITV 2.0 § 7).

Fixed text (translated) plus the city's settings from ``city.json`` ``accessibility`` (written by
the ETL from ``[dashboard] accessibility`` in the city config): the statement's date, the
evaluation (method, date, by whom), the city's own known barriers (German, marked ``lang="de"``)
and the enforcement body (Durchsetzungs- bzw. Schlichtungsstelle) of the state. The barriers of
the software itself (map, charts, approximate locations) are listed for every city.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import dash
from dash import html

from dashboard.components.a11y_links import EASY_LANGUAGE_PATH, SIGN_LANGUAGE_PATH, page_href
from dashboard.components.links import mailto_href, tel_href, web_href
from dashboard.components.notices import notices_block
from dashboard.filters import parse_query
from dashboard.i18n import Translator, format_date, translator
from dashboard.layout import frame, title_for
from dashboard.snapshot import current_snapshot

dash.register_page(__name__, path="/barrierefreiheit", title=title_for("/barrierefreiheit"), name="Barrierefreiheit")

STATEMENT_PATH = "/barrierefreiheit"


def contact_list(contact: Mapping[str, Any], _: Translator) -> html.Ul | html.P:
    """The feedback contact from ``city.json`` (``contact``: email, phone, url) as safe links."""
    items = []
    if href := mailto_href(contact.get("email")):
        items.append(html.Li([_("E-Mail:"), " ", html.A(contact["email"], href=href, dir="ltr")]))
    if href := tel_href(contact.get("phone")):
        items.append(html.Li([_("Telefon:"), " ", html.A(contact["phone"], href=href, dir="ltr")]))
    if href := web_href(contact.get("url")):
        items.append(html.Li(html.A(_("Kontaktformular"), href=href)))
    return html.Ul(items) if items else html.P(_("Für diese Installation ist noch kein Kontakt eingetragen."))


def shown_date(value: Any, lang: str) -> str | None:
    """An ISO date of ``city.json`` in the interface language's form; None when absent or unreadable."""
    try:
        return format_date(dt.date.fromisoformat(str(value)), lang) if value else None
    except ValueError:
        return None


def software_barriers(_: Translator) -> list[tuple[str, str, str]]:
    """(barrier, reason, alternative) of the software itself, the same for every city."""
    return [
        (
            _("Die Karte ist nicht vollständig per Tastatur und Screenreader bedienbar."),
            _(
                "Die Karte wird als Grafik mit WebGL gezeichnet. Ohne WebGL bleibt sie leer; "
                "ihre Punkte haben keinen Text."
            ),
            _("Die Liste der Angebote enthält dieselben Angebote mit Adresse und Stadtteil."),
        ),
        (
            _("Diagramme auf der Seite zur Abdeckung sind Grafiken."),
            _("Diagramme zeigen Zahlen als Formen und Farben."),
            _("Zu jedem Diagramm gibt es eine Tabelle mit denselben Zahlen."),
        ),
        (
            _("Manche Standorte und die Grenzen der Stadtteile sind nur ungefähr."),
            _("Für diese Angebote liegt nur die Postleitzahl oder der Stadtteil vor."),
            _("Die Liste zeigt die Adresse und kennzeichnet ungefähre Standorte mit „Lage ungefähr“."),
        ),
        (
            _(
                "Eine manuelle Prüfung im November 2026 hat weitere Mängel gefunden, die noch behoben werden "
                "(zum Beispiel Tastaturbedienung auf der Seite zur Abdeckung, Kontraste der Kartenpunkte, "
                "Ansage von Statusmeldungen)."
            ),
            _("Die Korrekturen sind in Arbeit."),
            _("Bitte melden Sie uns jede Barriere; wir helfen Ihnen mit den Informationen weiter."),
        ),
    ]


def barrier_item(what: str, reason: str, alternative: str, _: Translator, lang: str | None = None) -> html.Li:
    """One known barrier with its reason and alternative (``lang="de"`` for a city's German text)."""
    return html.Li(
        [
            html.P(html.Strong(what)),
            html.P([_("Grund:"), " ", reason]) if reason else None,
            html.P([_("Alternative:"), " ", alternative]) if alternative else None,
        ],
        lang=lang,
    )


def date_section(statement: Mapping[str, Any], lang: str, _: Translator) -> list[Any]:
    """When the statement was made and how the site was evaluated."""
    evaluation = statement.get("evaluation") or {}
    made = shown_date(statement.get("statement_date"), lang)
    checked = shown_date(evaluation.get("date"), lang)
    by = evaluation.get("by") or ""
    method: list[Any] = (
        [_("Prüfung durch eine externe Stelle:"), " ", html.Span(by, lang="de")]
        if evaluation.get("method") == "external"
        else [
            _(
                "Selbstbewertung: Jede Seite wird in den Browsertests der Software automatisch mit axe-core "
                "geprüft; dazu kommt eine manuelle Prüfung nach WCAG 2.1 AA (Tastatur, Screenreader, Kontrast, "
                "Vergrößerung und Umbruch bei 320 Pixel Breite)."
            ),
            *([" ", _("Durchgeführt von:"), " ", html.Span(by, lang="de")] if by else []),
        ]
    )
    return [
        html.P(
            _("Diese Erklärung wurde am {date} erstellt.", date=made)
            if made
            else _("Das Datum dieser Erklärung ist noch nicht eingetragen."),
            className="statement-date",
        ),
        html.H3(_("Wie die Barrierefreiheit geprüft wurde")),
        html.P(method, className="statement-method"),
        html.P(
            _("Letzte Prüfung: {date}", date=checked)
            if checked
            else _("Das Datum der letzten Prüfung ist noch nicht eingetragen.")
        ),
    ]


def enforcement_block(body: Mapping[str, Any] | None, _: Translator) -> list[Any]:
    """The enforcement body of the state with address and links, or the general sentence."""
    general = html.P(
        _(
            "Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie "
            "sich an die Durchsetzungs- bzw. Schlichtungsstelle Ihres Bundeslandes wenden."
        )
    )
    if not body or not body.get("name"):
        return [general, html.P(_("Für diese Seite ist die zuständige Stelle noch nicht eingetragen."))]
    lines: list[Any] = [html.Strong(body["name"], lang="de")]
    if body.get("address"):
        lines += [html.Br(), html.Span(body["address"], lang="de")]
    links = []
    if href := web_href(body.get("url")):
        links.append(html.Li(html.A(_("Website der Schlichtungsstelle"), href=href)))
    if href := mailto_href(body.get("email")):
        links.append(html.Li([_("E-Mail:"), " ", html.A(body["email"], href=href, dir="ltr")]))
    if href := tel_href(body.get("phone")):
        links.append(html.Li([_("Telefon:"), " ", html.A(body["phone"], href=href, dir="ltr")]))
    unconfirmed = (
        html.P(_("Diese Angaben sind noch von der Stadt zu bestätigen."), className="statement-unconfirmed")
        if body.get("confirmed") is False
        else None
    )
    return [
        general,
        html.Address(lines, className="statement-enforcement"),
        html.Ul(links) if links else None,
        unconfirmed,
    ]


def statement(city: Mapping[str, Any], lang: str, _: Translator) -> html.Section:
    """The statement's content for ``city`` (``city.json``) in interface language ``lang``."""
    settings = city.get("accessibility") or {}
    barriers = [barrier_item(*b, _) for b in software_barriers(_)] + [
        barrier_item(b.get("what", ""), b.get("reason", ""), b.get("alternative", ""), _, lang="de")
        for b in settings.get("barriers") or []
        if b.get("what")
    ]
    return html.Section(
        [
            html.H2(_("Erklärung zur Barrierefreiheit")),
            html.P(
                _(
                    "Diese Anwendung soll die Web Content Accessibility Guidelines (WCAG) 2.1 "
                    "Stufe AA und die BITV 2.0 erfüllen."
                )
            ),
            *date_section(settings, lang, _),
            html.H3(_("Stand der Vereinbarkeit")),
            html.P(
                _(
                    "Die Anwendung ist teilweise barrierefrei. Automatische Prüfungen mit axe-core "
                    "melden keine schwerwiegenden Verstöße."
                )
            ),
            html.H3(_("Nicht barrierefreie Inhalte")),
            html.Ul(barriers, className="statement-barriers"),
            html.H3(_("Leichte Sprache und Gebärdensprache")),
            html.Ul(
                [
                    html.Li(
                        html.A(
                            _("Informationen in Leichter Sprache"),
                            href=page_href(EASY_LANGUAGE_PATH, lang),
                            hrefLang="de",
                        )
                    ),
                    html.Li(
                        html.A(
                            _("Informationen in Deutscher Gebärdensprache (DGS)"),
                            href=page_href(SIGN_LANGUAGE_PATH, lang),
                        )
                    ),
                ]
            ),
            html.H3(_("Feedback und Kontakt")),
            html.P(_("Sind Ihnen Mängel aufgefallen? Schreiben Sie uns:")),
            contact_list(city.get("contact") or {}, _),
            html.H3(_("Schlichtungsverfahren")),
            *enforcement_block(settings.get("enforcement"), _),
        ],
        className="statement",
    )


def layout(**query: Any) -> html.Div:
    """The statement in the interface language of ``?lang=``."""
    dataset = current_snapshot().dataset
    state, notices = parse_query({"lang": query.get("lang", "")}, dataset)
    _ = translator(state.lang)
    main = [statement(dataset.city, state.lang, _)]
    return frame(dataset, state, _, main, notices_block(dataset, notices, _), path=STATEMENT_PATH)
