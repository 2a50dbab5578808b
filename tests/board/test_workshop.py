"""The workshop view of the board (/netzwerk?mode=workshop) and the planners' table of unanswered needs.

The same small board as the handouts: rooms (1 offer, 1 need), volunteers (1 offer, 1 need),
funding (1 need, nobody offers: unanswered).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from dashboard.board import register_board
from dashboard.board.model import build_view, workshop_topics
from dashboard.i18n import translator
from registry import Register
from registry.board import import_posts, list_posts

SURVEY = """Art;Thema;Titel;Sprachen;Stadtteil;Organisation
sucht;Räume;Raum für Elterncafé;Arabisch;Weststadt;Elternverein West
bietet;Räume;Gruppenraum frei;Arabisch;Weststadt;Moscheeverein
bietet;Ehrenamtliche;Hausaufgabenhilfe;Deutsch;Oststadt;Moscheeverein
sucht;Ehrenamtliche;Lesepaten gesucht;Deutsch;Oststadt;Schule Ost
sucht;Förderung & Anträge;Hilfe beim Förderantrag;Deutsch;Oststadt;Schule Ost
sucht;Förderung & Anträge;Antrag für Jugendprojekt;Deutsch;;Jugendtreff
"""


@pytest.fixture
def workshop_register(board_register: Register, tmp_path: Path) -> Register:
    path = tmp_path / "treffen.csv"
    path.write_text(SURVEY, encoding="utf-8")
    assert len(import_posts(board_register, path, actor="import").stored) == 6
    return board_register


@pytest.fixture
def app(workshop_register: Register) -> Flask:
    server = Flask("workshop-test")
    register_board(server, workshop_register.data_dir, workshop_register)
    return server


def _visible_topic(html: str) -> list[str]:
    return re.findall(r'<section class="ws-topic" id="ws-(\w+)"[^>]*aria-labelledby="[^"]+">', html)


def test_topics_side_by_side_with_unanswered_needs_first(workshop_register: Register) -> None:
    view = build_view(list_posts(workshop_register), date.today(), 1)
    boards = {b.topic: b for b in workshop_topics(view, ("rooms", "volunteers", "funding", "equipment"))}
    assert list(boards) == ["rooms", "volunteers", "funding", "equipment"]
    assert [p.title for p in boards["rooms"].offers] == ["Gruppenraum frei"]
    assert boards["rooms"].unanswered == frozenset() and boards["equipment"].is_empty
    funding = boards["funding"]
    assert funding.offers == () and {p.title for p in funding.needs} == {
        "Hilfe beim Förderantrag",
        "Antrag für Jugendprojekt",
    }
    assert funding.unanswered == {p.id for p in funding.needs}


def test_workshop_mode_shows_one_topic_at_a_time_and_steps_with_links(app: Flask) -> None:
    client = app.test_client()
    html = client.get("/netzwerk?mode=workshop").get_data(as_text=True)
    assert "board_workshop.js" in html and "board_workshop.css" in html
    assert _visible_topic(html) == ["rooms"]  # the only section without ``hidden``
    assert html.count('class="ws-topic"') == 3  # empty topics are left out
    assert 'role="status" aria-live="polite">Thema 1 von 3: Räume</p>' in html
    assert 'rel="next" href="/netzwerk?mode=workshop&amp;topic=volunteers&amp;lang=de"' in html
    funding = client.get("/netzwerk?mode=workshop&topic=funding").get_data(as_text=True)
    assert _visible_topic(funding) == ["funding"] and "Thema 3 von 3: Förderung &amp; Anträge" in funding
    part = funding.split('id="ws-funding"')[1]
    assert "Bedarfe ohne Antwort: 2" in part and part.count("Noch ohne Antwort:") == 2
    assert client.get("/netzwerk/workshop?topic=nonsense").status_code == 200  # falls back to the first topic
    assert "board_workshop.js" not in client.get("/netzwerk").get_data(as_text=True)  # keys only in workshop mode


def test_workshop_in_arabic_keeps_the_mode_in_language_links(app: Flask) -> None:
    html = app.test_client().get("/netzwerk?mode=workshop&lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html and "الموضوع 1 من 3" in html
    assert 'href="/netzwerk?mode=workshop&amp;lang=de"' in html


def _text(component: Any) -> str:
    """All strings of a Dash component tree, joined."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    children = getattr(component, "children", None)
    return _text(children) if children is not None else ""


def test_the_planners_table_counts_unanswered_needs_by_topic_and_district(app: Flask) -> None:
    from dashboard.coverage.board_gaps import board_gaps_section

    with app.test_request_context("/coverage"):
        section = board_gaps_section("de", translator("de"))
    assert section is not None
    rows = [
        [_text(cell) for cell in row.children]
        for row in section.children[2].children.children[2].children  # Div > Table > Tbody > rows
    ]
    assert rows == [["Förderung & Anträge", "Oststadt", "1"], ["Förderung & Anträge", "ohne Angabe", "1"]]
    with app.test_request_context("/coverage"):
        english = _text(board_gaps_section("en", translator("en")))
    assert "Network needs without an answer" in english and "Funding and applications" in english


def test_without_a_board_the_coverage_page_shows_no_section() -> None:
    from dashboard.coverage.board_gaps import board_gaps_section

    with Flask("no-board").test_request_context("/coverage"):
        assert board_gaps_section("de", translator("de")) is None


def test_a_build_output_without_register_shows_no_section_and_creates_no_database(tmp_path: Path) -> None:
    from dashboard.coverage.board_gaps import board_gaps_section

    server = Flask("build-output")
    register_board(server, tmp_path)
    with server.test_request_context("/coverage"):
        assert board_gaps_section("de", translator("de")) is None
    assert not (tmp_path / "register.sqlite").exists()
