"""Handouts for the network meeting (/netzwerk/handout) and the board's shared frame.

A small board of three organisations, imported by the board import into the test register:
the Moscheeverein offers a room (matches the Elternverein's need) and homework help (matches
the Schule Ost's need for volunteers); the Schule Ost also needs help with funding, which
nobody offers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from dashboard.board import board_frame, register_board
from dashboard.board.model import build_view, handout, handouts, organization_key, organizations
from registry import Register
from registry.board import import_posts, list_posts, set_state

EMAILS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
SURVEY = """Art;Thema;Titel;Beschreibung;Sprachen;Zielgruppe;Stadtteil;Organisation;E-Mail;gültig bis
sucht;Räume;Raum für Elterncafé;Wir suchen einen Gruppenraum am Nachmittag;Arabisch, Deutsch;Familien;Weststadt;Elternverein West;eltern@example.org;
bietet;Räume;Gruppenraum frei;Räume am Abend;Arabisch;Familien;Weststadt;Moscheeverein;moschee@example.org;
bietet;Ehrenamtliche;Hausaufgabenhilfe;Ehrenamtliche helfen Kindern;Deutsch;Kinder;Oststadt;moscheeverein;moschee@example.org;
sucht;Ehrenamtliche;Lesepaten gesucht;Ehrenamtliche für Hausaufgaben;Deutsch;Kinder;Oststadt;Schule Ost;schule@example.org;
sucht;Förderung & Anträge;Hilfe beim Förderantrag;Wer hilft beim Antrag?;Deutsch;;Oststadt;Schule Ost;schule@example.org;
"""
ORGS = ["Elternverein West", "Moscheeverein", "Schule Ost"]


@pytest.fixture
def meeting_register(board_register: Register, tmp_path: Path) -> Register:
    path = tmp_path / "treffen.csv"
    path.write_text(SURVEY, encoding="utf-8")
    result = import_posts(board_register, path, actor="import")
    assert len(result.stored) == 5, [r.reason() for r in result.rejects]
    return board_register


@pytest.fixture
def client(meeting_register: Register):  # type: ignore[no-untyped-def]
    app = Flask("handout-test")
    register_board(app, meeting_register.data_dir, meeting_register)
    return app.test_client()


def _sections(html: str) -> list[str]:
    return re.findall(r'<section class="handout-page"[^>]*>(.*?)</section>', html, flags=re.S)


# --- the pure part ------------------------------------------------------------------------


def test_organisations_are_grouped_by_folded_name_and_keep_their_posts_and_best_matches(
    meeting_register: Register,
) -> None:
    from datetime import date

    view = build_view(list_posts(meeting_register), date.today(), 1)
    assert organizations(view) == ORGS  # "moscheeverein" is the same organisation as "Moscheeverein"
    assert organization_key(" MOSCHEEVEREIN ") == organization_key("Moscheeverein")
    mosque = handout(view, "MOSCHEEVEREIN")
    assert mosque is not None and mosque.organization == "Moscheeverein"
    assert [i.post.title for i in mosque.items] == ["Gruppenraum frei", "Hausaufgabenhilfe"]  # offers, by topic
    assert [[line.other.title for line in i.matches] for i in mosque.items] == [
        ["Raum für Elterncafé"],
        ["Lesepaten gesucht"],
    ]
    school = handout(view, "Schule Ost")
    assert school is not None
    assert {i.post.title: len(i.matches) for i in school.items} == {
        "Lesepaten gesucht": 1,
        "Hilfe beim Förderantrag": 0,
    }
    assert handout(view, "Unbekannter Verein") is None and handout(view, "  ") is None
    assert [h.organization for h in handouts(view)] == ORGS


def test_a_closed_post_leaves_the_handout_and_its_matches(meeting_register: Register) -> None:
    from datetime import date

    set_state(meeting_register, 2, "closed", actor="moscheeverein")  # "Gruppenraum frei"
    view = build_view(list_posts(meeting_register), date.today(), 2)
    mosque = handout(view, "Moscheeverein")
    parents = handout(view, "Elternverein West")
    assert mosque is not None and [i.post.title for i in mosque.items] == ["Hausaufgabenhilfe"]
    assert parents is not None and parents.items[0].matches == ()


def test_at_most_three_matches_per_post_best_first(board_register: Register, tmp_path: Path) -> None:
    from datetime import date

    rows = ["Art;Thema;Titel;Sprachen;Stadtteil;Organisation"]
    rows.append("sucht;Räume;Raum gesucht;Arabisch;Weststadt;Suchende")
    rows += [f"bietet;Räume;Raum {i};{'Arabisch' if i < 2 else 'Türkisch'};Weststadt;Verein {i}" for i in range(5)]
    path = tmp_path / "viele.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_posts(board_register, path, actor="import")
    view = build_view(list_posts(board_register), date.today(), 1)
    page = handout(view, "Suchende")
    assert page is not None
    lines = page.items[0].matches
    assert len(lines) == 3
    assert {lines[0].other.title, lines[1].other.title} == {"Raum 0", "Raum 1"}  # the two in Arabic first
    assert [line.match.score for line in lines] == sorted((line.match.score for line in lines), reverse=True)


# --- the pages ------------------------------------------------------------------------------


def test_all_handouts_one_section_per_organisation_without_any_address(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/netzwerk/handout")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    sections = _sections(html)
    assert [re.search(r"<h2[^>]*>(.*?)</h2>", s).group(1) for s in sections] == ORGS  # type: ignore[union-attr]
    assert not EMAILS.findall(html)
    mosque = sections[1]
    assert "Wir bieten:</span> <bdi>Gruppenraum frei</bdi>" in mosque and "Raum für Elterncafé" in mosque
    assert "passt: beide Räume, beide Arabisch" in mosque
    assert "http://localhost/netzwerk/1?lang=de" in mosque  # where to answer, printed as text
    assert "Noch nichts Passendes." in sections[2]  # the funding need
    assert 'href="/netzwerk/static/board_print.css"' in html


def test_one_organisation_and_its_language(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/netzwerk/handout?org=schule%20ost&lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    sections = _sections(html)
    assert len(sections) == 1 and "Schule Ost" in sections[0]
    assert "لا يوجد" in html or "يتوافق مع" in html  # Arabic texts, not German
    assert "Passt zu" not in html and not EMAILS.findall(html)


@pytest.mark.parametrize(
    ("lang", "text"), [("de", "bitte eine Organisation aus der Liste wählen"), ("en", "choose one")]
)
def test_an_unknown_organisation_is_a_404_that_says_what_to_do(client, lang: str, text: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/netzwerk/handout?org=Niemand&lang={lang}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert text in html and not _sections(html)
    assert all(f"<option>{org}</option>" in html for org in ORGS)  # the list to choose from
    long = client.get("/netzwerk/handout?org=" + "x" * 5000)
    assert long.status_code == 404


def test_board_pages_wear_the_maps_frame(client) -> None:  # type: ignore[no-untyped-def]
    for url in (
        "/netzwerk?lang=uk",
        "/netzwerk/1?lang=uk",
        "/netzwerk/handout?lang=uk",
        "/netzwerk?mode=workshop&lang=uk",
    ):
        html = client.get(url).get_data(as_text=True)
        assert 'class="site-header"' in html, url
        assert '<a href="/netzwerk?lang=uk" aria-current="page">Біржа мережі</a>' in html, url
        assert 'href="/coverage?lang=uk"' in html and 'href="/leichte-sprache?lang=uk"' in html, url
        assert ">العربية</a>" in html and ">Deutsch</a>" in html, url
        assert 'rel="icon" href="/_favicon.ico"' in html, url
        # the phone-compact header of the Dash pages: main navigation and languages as <details> menus
        assert '<details class="header-menu nav-menu"><summary class="header-menu-label">Меню</summary>' in html, url
        assert '<details class="header-menu lang-menu">' in html and "Українська</summary>" in html, url
        assert "Demodaten" not in html and "badge" not in html, url  # no snapshot served: nothing says demo


def test_the_frame_keeps_the_query_in_language_links_and_labels_demo_data() -> None:
    from types import SimpleNamespace

    demo = SimpleNamespace(district_ids=("a", "b"), is_demo=True)
    frame = board_frame("ar", "/netzwerk/handout", {"org": "Schule Ost", "lang": "ar"}, demo)  # type: ignore[arg-type]
    assert frame.demo_label == "بيانات تجريبية"
    links = {link.code: link for link in frame.languages}
    assert links["de"].href == "/netzwerk/handout?org=Schule+Ost&lang=de" and links["ar"].current
    assert links["ar"].dir == "rtl" and links["de"].dir == "ltr"
    assert [link.current for link in frame.nav].count(True) == 1
    assert any("compare=a,b" in link.href for link in frame.nav)
    assert board_frame("de", "/netzwerk", {}, None).demo_label == ""


def test_a_build_output_without_register_prints_an_empty_board_and_creates_no_database(tmp_path: Path) -> None:
    app = Flask("build-output")
    register_board(app, tmp_path)
    client = app.test_client()
    handouts_page = client.get("/netzwerk/handout")
    assert handouts_page.status_code == 200 and "Keine Beiträge für diese Auswahl." in handouts_page.get_data(
        as_text=True
    )
    assert client.get("/netzwerk/handout?org=Verein").status_code == 404
    assert client.get("/netzwerk?mode=workshop").status_code == 200
    board = client.get("/netzwerk")
    assert board.status_code == 200 and "Keine Beiträge für diese Auswahl." in board.get_data(as_text=True)
    assert client.get("/netzwerk/1").status_code == 404
    assert not (tmp_path / "register.sqlite").exists()


def test_contact_names_are_printed_only_as_their_posters_allowed(board_register: Register) -> None:
    """A matched post's contact name shows on the handout when its poster ticked "show", never otherwise."""
    from registry.board import PostValues, add_post

    common = {"topic": "rooms", "languages": ("ar",), "district_id": "west", "contact": "x@example.org"}
    add_post(
        board_register,
        PostValues(kind="need", title="Raum gesucht", organization="Elternverein", **common),
        "t",
        "published",
    )
    add_post(
        board_register,
        PostValues(
            kind="offer",
            title="Raum frei",
            organization="Moschee",
            contact_name="Frau Aydın",
            contact_name_public=True,
            **common,
        ),
        "t",
        "published",
    )
    add_post(
        board_register,
        PostValues(
            kind="offer", title="Saal frei", organization="Kulturverein", contact_name="Herr Verborgen", **common
        ),
        "t",
        "published",
    )
    app = Flask("handout-contact-test")
    register_board(app, board_register.data_dir, board_register)
    page = app.test_client().get("/netzwerk/handout?org=Elternverein").get_data(as_text=True)
    assert "Raum frei" in page and "Saal frei" in page  # both offers match the need
    assert "Frau Aydın" in page and "Herr Verborgen" not in page and "x@example.org" not in page
