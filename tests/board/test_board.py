"""The exchange board: register operations, the survey import, the CLI, the API and the pages."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from flask import Flask

from dashboard.board import register_board
from registry import Register
from registry.board import (
    BoardPostNotFound,
    PostValues,
    add_post,
    add_posts,
    board_version,
    get_post,
    import_posts,
    list_posts,
    set_state,
)
from stadtkarte.cli import main

EMAILS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _values(**kw: object) -> PostValues:
    base: dict[str, object] = {"kind": "need", "topic": "rooms", "title": "Raum gesucht", "contact": "x@example.org"}
    return PostValues(**(base | kw))  # type: ignore[arg-type]


# --- register ------------------------------------------------------------------------------


def test_a_post_is_stored_pending_moderated_and_audited(board_register: Register) -> None:
    assert board_version(board_register) == 0
    post = add_post(board_register, _values(languages=("ar",), district_id="west"), actor="verein")
    assert (post.state, post.version, post.languages, post.contact) == ("pending", 1, ("ar",), "x@example.org")
    assert board_version(board_register) == 1
    published = set_state(board_register, post.id, "published", actor="mod@stadt.de")
    assert (published.state, published.version) == ("published", 2)
    assert set_state(board_register, post.id, "published", actor="mod@stadt.de").version == 2  # no-op
    closed = set_state(board_register, post.id, "closed", actor="verein", note="gefunden")
    assert closed.state == "closed" and board_version(board_register) == 3
    events = board_register.audit(entry_id=f"board:{post.id}")
    assert [(e.action, e.actor) for e in events] == [
        ("board_closed", "verein"),
        ("board_published", "mod@stadt.de"),
        ("board_create", "verein"),
    ]
    assert events[0].fields == {"state": ["published", "closed"]} and events[0].note == "gefunden"
    assert [p.id for p in list_posts(board_register, ["closed"])] == [post.id]
    assert list_posts(board_register, ["published"]) == []


def test_unknown_posts_and_states_are_refused(board_register: Register) -> None:
    with pytest.raises(BoardPostNotFound, match="does not exist"):
        get_post(board_register, 999)
    post = add_post(board_register, _values(), actor="verein")
    with pytest.raises(ValueError, match="not one of"):
        set_state(board_register, post.id, "gone", actor="x")
    with pytest.raises(ValueError, match="neither"):
        add_post(board_register, _values(kind="maybe"), actor="x")


# --- import --------------------------------------------------------------------------------


def test_the_survey_is_imported_published_with_districts_and_languages(board_register: Register, survey: Path) -> None:
    result = import_posts(board_register, survey, actor="import")
    assert (result.rows, len(result.stored), result.rejects) == (4, 4, [])
    posts = {p.title: p for p in list_posts(board_register)}
    need = posts["Raum für Elterncafé"]
    assert (need.kind, need.topic, need.languages, need.target_groups, need.district_id) == (
        "need",
        "rooms",
        ("ar", "de"),
        ("families",),
        "west",
    )
    assert need.address == "Hauptstraße 5, 71634" and posts["Saal für Feste"].address == ""
    assert need.state == "published" and need.valid_until is not None and need.valid_until.year == 2099
    room = posts["Gruppenraum frei"]
    assert (room.kind, room.location_visibility, room.lon, room.lat) == ("offer", "exact", 9.1905, 48.8951)
    hall = posts["Saal für Feste"]
    assert hall.location_visibility == "district" and hall.public_point() is None and hall.lat == 48.8952
    assert posts["Lesepaten gesucht"].target_groups == ("children",)


def test_a_messy_survey_loses_nothing(board_register: Register, tmp_path: Path) -> None:
    messy = tmp_path / "messy.csv"
    lines = [
        "art ; THEMA ; titel ; sprachen ; stadtteil ; e-mail ; Gültig Bis ; status",
        "Sucht;Räume;Raum;Arabisch;Weststadt;a@example.org;1.4.27;",
        "bietet;Zauberei;Hut;;;;;",
        "sucht;Räume;;;;;;",
        "vielleicht;Räume;X;;;;;",
        "sucht;Räume;Y;Quatschisch;;;;",
        "sucht;Räume;Z;;Mondstadt;;;",
        "sucht;Räume;W;;;keine-adresse;;",
        "sucht;Räume;V;;;;31.02.2027;",
        ";;;;;;;",
        "bietet;Ehrenamt;Helfer;Deutsch;Oststadt;h@example.org;;prüfen",
    ]
    messy.write_text("\n".join(lines) + "\n", encoding="cp1252")
    result = import_posts(board_register, messy, actor="import")
    assert len(result.stored) == 2 and result.rows == 9
    assert [(r.row, r.code) for r in result.rejects] == [
        (3, "topic"),
        (4, "missing"),
        (5, "kind"),
        (6, "language"),
        (7, "district"),
        (8, "email"),
        (9, "date"),
    ]
    states = sorted(p.state for p in list_posts(board_register))
    assert states == ["pending", "published"]
    assert result.rejects_path is not None
    with result.rejects_path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0][:2] == ["Zeile", "Grund"] and len(rows) == 8
    assert rows[1][0] == "3" and "Thema 'Zauberei' unbekannt" in rows[1][1] and "Zauberei" in rows[1]
    assert "Quatschisch" in rows[4][1] and "TT.MM.JJJJ" in rows[7][1]


def test_cli_imports_and_refuses_broken_files(board_register: Register, survey: Path, tmp_path: Path, capsys) -> None:
    where = ["--data", str(board_register.data_dir), "--database", board_register.url]
    assert main(["board", "import", str(survey), *where]) == 0
    out, err = capsys.readouterr()
    assert "4 Zeilen, 4 Beiträge gespeichert, 0 abgelehnt" in out and not err
    broken = tmp_path / "kaputt.csv"
    broken.write_text("Name;Ort\nA;B\n", encoding="utf-8")
    assert main(["board", "import", str(broken), *where]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("stadtkarte: error: ") and "Art" in err and len(err.strip().splitlines()) == 1
    assert main(["board", "import", str(tmp_path / "fehlt.xlsx"), *where]) == 2
    assert "does not exist" in capsys.readouterr().err
    empty = tmp_path / "leer.csv"
    empty.write_bytes(b"")
    assert main(["board", "import", str(empty), *where]) == 2


# --- API and pages ---------------------------------------------------------------------------


@pytest.fixture
def client(board_register: Register, survey: Path):  # type: ignore[no-untyped-def]
    import_posts(board_register, survey, actor="import")
    app = Flask("board-test")
    register_board(app, board_register.data_dir, board_register)
    return app.test_client()


def test_api_lists_posts_with_coded_matches_and_no_private_data(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/board.json").get_json()
    posts = {p["title"]: p for p in doc["posts"]}
    assert len(posts) == 4
    need = posts["Raum für Elterncafé"]
    assert "contact" not in need and "address" not in need and need["location"] is None
    assert posts["Gruppenraum frei"]["location"] == {"lon": 9.1905, "lat": 48.8951}
    assert posts["Saal für Feste"]["location"] is None  # exact point stored, not shown
    best = need["matches"][0]
    assert best["other_id"] == str(posts["Gruppenraum frei"]["id"])
    codes = [f["code"] for f in best["factors"]]
    assert codes[:2] == ["same_topic", "shared_languages"] and "same_district" in codes
    assert abs(sum(f["contribution"] for f in best["factors"]) - best["score"]) < 1e-3
    assert not any(f["code"] == "distance" for p in doc["posts"] for m in p["matches"] for f in m["factors"])
    assert posts["Lesepaten gesucht"]["matches"] == []


def test_no_board_response_contains_an_email(client) -> None:  # type: ignore[no-untyped-def]
    urls = ["/api/board.json"] + [f"/netzwerk?lang={lang}" for lang in ("de", "en", "tr", "ar", "uk")]
    urls += [f"/netzwerk/{i}?lang=ar" for i in range(1, 5)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not EMAILS.findall(response.get_data(as_text=True)), url


def test_the_page_filters_by_url_and_explains_matches(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/netzwerk?topic=volunteers").get_data(as_text=True)
    assert "Lesepaten gesucht" in page and "Gruppenraum frei" not in page
    page = client.get("/netzwerk?language=tr").get_data(as_text=True)
    assert "Saal für Feste" in page and "Raum für Elterncafé</a></h3>" not in page
    page = client.get("/netzwerk?district=west&group=families").get_data(as_text=True)
    assert "Raum für Elterncafé" in page and "Lesepaten" not in page
    assert "passt: beide Räume, beide Arabisch" in page
    arabic = client.get("/netzwerk?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic and "جمعيات تبحث" in arabic
    detail = client.get("/netzwerk/1").get_data(as_text=True)
    assert "Raum für Elterncafé" in detail and "Gruppenraum frei" in detail
    assert client.get("/netzwerk/99").status_code == 404


def test_the_cache_follows_the_board_version(client, board_register: Register) -> None:  # type: ignore[no-untyped-def]
    before = client.get("/api/board.json").get_json()
    set_state(board_register, 2, "closed", actor="moscheeverein")
    after = client.get("/api/board.json").get_json()
    assert after["version"] == before["version"] + 1
    assert 2 not in [p["id"] for p in after["posts"]]
    need = next(p for p in after["posts"] if p["id"] == 1)
    assert all(m["other_id"] != "2" for m in need["matches"])


def test_long_lists_are_paged(board_register: Register) -> None:
    from dashboard.board.views import PAGE_SIZE

    many = [_values(kind="offer", title=f"Raum {i}", organization=f"Verein {i}") for i in range(PAGE_SIZE + 3)]
    add_posts(board_register, many, actor="test", state="published")
    app = Flask("board-paging")
    register_board(app, board_register.data_dir, board_register)
    client = app.test_client()
    first = client.get("/netzwerk?topic=rooms").get_data(as_text=True)
    assert first.count('<article class="post"') == PAGE_SIZE and f"({PAGE_SIZE + 3})" in first
    assert "page=2" in first
    second = client.get("/netzwerk?topic=rooms&page=2").get_data(as_text=True)
    assert second.count('<article class="post"') == 3 and "page=3" not in second
    assert client.get("/netzwerk?page=abc").status_code == 200
