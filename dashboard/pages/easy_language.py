"""The page in Leichte Sprache (easy-to-read German, BITV 2.0 § 4): what the site offers, how to
use it, and the key points of the accessibility statement.

The content is German in every interface language (marked ``lang="de"`` inside the page's frame,
which keeps the interface language's direction). A city replaces the built-in text with its own
Markdown file (``[dashboard] easy_language = { text = "leichte-sprache.md", checked_by = "..." }``,
read at build time into ``city.json``). Until ``checked_by`` names a test-reader group
(Prüfgruppe), the page says "Noch nicht von einer Prüfgruppe geprüft".

The Markdown is rendered by :func:`render_markdown`, a small safe subset that builds Dash
components (no raw HTML, so nothing can be injected): ``#``/``##``/``###`` headings, ``-`` lists,
``> `` explanation boxes (for explained words), ``**bold**``, links (https, mailto, tel or a path
of this site only) and built-in pictures ``![Text](bild:karte)``; every other line is one
paragraph (one statement per line). Pictures from other places are never loaded: their text is
shown instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import dash
from dash import html

from dashboard.components.a11y_links import EASY_LANGUAGE_PATH, SIGN_LANGUAGE_PATH, page_href
from dashboard.components.easy_markdown import render_markdown
from dashboard.components.links import mailto_href, tel_href
from dashboard.components.notices import notices_block
from dashboard.filters import parse_query
from dashboard.i18n import translator
from dashboard.layout import frame, title_for
from dashboard.snapshot import current_snapshot

logger = logging.getLogger(__name__)

dash.register_page(__name__, path=EASY_LANGUAGE_PATH, title=title_for(EASY_LANGUAGE_PATH), name="Leichte Sprache")

NOT_CHECKED = "Noch nicht von einer Prüfgruppe geprüft."


def _contact_lines(contact: Mapping[str, Any]) -> list[str]:
    lines = []
    if contact.get("email") and mailto_href(contact["email"]):
        lines.append(f"Schreiben Sie eine E-Mail an: [{contact['email']}]({mailto_href(contact['email'])})")
    if contact.get("phone") and tel_href(contact["phone"]):
        lines.append(f"Oder rufen Sie an: [{contact['phone']}]({tel_href(contact['phone'])})")
    return lines or ["Die Stadt hat noch keine Adresse für Fragen eingetragen."]


def _enforcement_lines(statement: Mapping[str, Any]) -> list[str]:
    body = statement.get("enforcement") or {}
    if not body.get("name"):
        return ["Dann können Sie sich bei einer Schlichtungs-Stelle beschweren."]
    lines = ["Dann können Sie sich beschweren.", f"Bei der Schlichtungs-Stelle: **{body['name']}**"]
    if body.get("address"):
        lines.append(f"Adresse: {body['address']}")
    return lines


def default_text(city: Mapping[str, Any], lang: str) -> str:
    """The built-in Leichte Sprache text for ``city`` (``city.json``) as Markdown.

    ``lang`` (the interface language) only keeps the links to the other pages in that language.
    """
    name = city.get("name") or "unserer Stadt"
    statement = city.get("accessibility") or {}
    demo = (
        [
            "## Achtung: Beispiel-Daten",
            "Diese Internet-Seite zeigt nur Beispiel-Daten.",
            "Die meisten Angebote gibt es nicht wirklich.",
            "Die Seite ist zum Ausprobieren.",
            "",
        ]
        if city.get("demo")
        else []
    )
    lines = [
        *demo,
        "## Was gibt es auf dieser Internet-Seite?",
        "![Eine Karte mit einem Punkt](bild:karte)",
        f"Auf dieser Internet-Seite finden Sie **Angebote** in {name}.",
        "> **Angebot** bedeutet hier: Eine Hilfe oder ein Treffen.",
        "> Zum Beispiel: ein Deutsch-Kurs, eine Beratung oder ein Treffen für Frauen.",
        "Die Angebote sind für Menschen aus anderen Ländern.",
        "Und für alle, die ihnen helfen wollen.",
        "",
        "## So benutzen Sie die Seite",
        "![Eine Liste](bild:liste)",
        "Sie sehen eine Karte und eine Liste.",
        "Jeder Punkt auf der Karte ist ein Angebot.",
        "In der Liste stehen die gleichen Angebote.",
        "Die Liste können Sie auch mit der Tastatur benutzen.",
        "Klicken Sie auf ein Angebot.",
        "Dann sehen Sie mehr: zum Beispiel die Adresse und die Uhrzeit.",
        "![Ein Trichter](bild:auswahl)",
        "Sie können Angebote aussuchen:",
        "- In welcher Sprache ist das Angebot?",
        "- Für wen ist das Angebot?",
        "- In welchem Stadt-Teil ist das Angebot?",
        "Dann sehen Sie nur diese Angebote.",
        "![Eine Sprech-Blase](bild:sprache)",
        "Oben auf der Seite können Sie die Sprache wählen.",
        "Zum Beispiel: Türkisch, Arabisch, Ukrainisch oder Englisch.",
        "",
        "## Barriere-Freiheit",
        "![Ein Mensch](bild:person)",
        "> **Barriere-frei** bedeutet: Alle Menschen können die Seite gut benutzen.",
        "> Auch Menschen mit Behinderung.",
        "Wir möchten, dass die Seite barriere-frei ist.",
        "Wir haben die Seite geprüft.",
        "Einige Teile sind noch nicht barriere-frei.",
        "**Die Karte:**",
        "Die Karte ist ein Bild.",
        "Nicht alle Menschen können das Bild benutzen.",
        "Dann benutzen Sie bitte die Liste.",
        "**Die Zahlen-Bilder:**",
        "Manche Zahlen sind als Bild gezeichnet.",
        "Die gleichen Zahlen stehen auch in einer Tabelle.",
        "**Die Orte:**",
        "Manche Orte auf der Karte sind nur ungefähr richtig.",
        "Die Adresse steht in der Liste.",
        f"Mehr dazu steht in der [Erklärung zur Barriere-Freiheit]({page_href('/barrierefreiheit', lang)}).",
        "Die Erklärung ist in schwerer Sprache.",
        f"Es gibt auch eine [Seite zur Gebärden-Sprache]({page_href(SIGN_LANGUAGE_PATH, lang)}).",
        "",
        "## Haben Sie ein Problem mit der Seite?",
        "![Ein Brief](bild:brief)",
        "Dann sagen Sie es uns.",
        *_contact_lines(city.get("contact") or {}),
        "Sie bekommen keine gute Antwort?",
        *_enforcement_lines(statement),
    ]
    return "\n".join(lines)


def check_notice(checked_by: str) -> html.P:
    """Whether a test-reader group (Prüfgruppe) has checked the text."""
    if checked_by:
        return html.P(["Geprüft von: ", checked_by], className="easy-checked")
    return html.P(NOT_CHECKED, className="easy-unchecked")


def easy_content(city: Mapping[str, Any], lang: str) -> html.Section:
    """The page's German content: the city's own text when configured, else :func:`default_text`."""
    settings = city.get("easy_language") or {}
    text = settings.get("text") or default_text(city, lang)
    return html.Section(
        [
            html.H2("Leichte Sprache"),
            check_notice(str(settings.get("checked_by") or "")),
            *render_markdown(text),
        ],
        lang="de",
        dir="ltr",
        className="easy-language",
    )


def layout(**query: Any) -> html.Div:
    """The Leichte Sprache page inside the frame of the interface language ``?lang=``."""
    dataset = current_snapshot().dataset
    state, notices = parse_query({"lang": query.get("lang", "")}, dataset)
    _ = translator(state.lang)
    main = [easy_content(dataset.city, state.lang)]
    return frame(dataset, state, _, main, notices_block(dataset, notices, _), path=EASY_LANGUAGE_PATH)
