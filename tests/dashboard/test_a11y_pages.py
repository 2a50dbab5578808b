"""The accessibility statement, the Leichte Sprache and DGS pages and their header links (no browser)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dash
import pytest

from dashboard.app import create_app
from dashboard.components.a11y_links import A11Y_NAV_ID, accessibility_links
from dashboard.components.easy_markdown import render_markdown
from tests.support.layout import find, page_layout
from tests.support.layout import text_of as _text_of
from tests.support.tiny import TINY_CITY

STATEMENT = {
    "statement_date": "2026-11-30",
    "evaluation": {"method": "self", "date": "2026-11-15", "by": "Projektteam"},
    "barriers": [
        {
            "what": "PDF-Formulare sind nicht barrierefrei.",
            "reason": "Sie kommen vom Land.",
            "alternative": "Das Bürgerbüro füllt sie mit Ihnen aus.",
        }
    ],
    "enforcement": {
        "name": "Ombudsstelle für barrierefreie Informationstechnik",
        "address": "Musterstraße 1, 70173 Stuttgart",
        "url": "https://ombudsstelle.example/ein/sehr/langer/pfad/der/nicht/umbrechen/wuerde",
        "email": "ombud@example.org",
        "phone": "",
        "confirmed": False,
    },
}


def make_app(data_dir: Path, **city: Any) -> dash.Dash:
    """The app on ``data_dir`` (the tiny dataset) with ``city`` merged into its city.json."""
    (data_dir / "city.json").write_text(json.dumps({**TINY_CITY, **city}, ensure_ascii=False), encoding="utf-8")
    return create_app(data_dir)


def text_of(component: Any) -> str:
    """The component's text with whitespace runs collapsed (as a browser shows it)."""
    return " ".join(_text_of(component).split())


def attr(component: Any, name: str) -> Any:
    return component.to_plotly_json()["props"].get(name)


def with_class(tree: Any, cls: str) -> list[Any]:
    return find(tree, lambda c: cls in (getattr(c, "className", None) or "").split())


def test_statement_shows_date_method_barriers_and_enforcement_from_config(tiny_data_dir):
    app = make_app(tiny_data_dir, accessibility=STATEMENT)
    tree = page_layout(app, "/barrierefreiheit", lang="de")
    text = text_of(tree)
    assert "Diese Erklärung wurde am 30.11.2026 erstellt." in text
    assert "Selbstbewertung" in text and "axe-core" in text and "Letzte Prüfung: 15.11.2026" in text
    assert "Projektteam" in text
    # the software's own barriers, then the city's, each with reason and alternative
    barriers = with_class(tree, "statement-barriers")[0]
    assert "WebGL" in text_of(barriers) and "Tabelle" in text_of(barriers)
    city_item = barriers.children[-1]
    assert "PDF-Formulare" in text_of(city_item) and "Grund: Sie kommen vom Land." in text_of(city_item)
    assert "Alternative: Das Bürgerbüro" in text_of(city_item)
    # enforcement body with address; its link is named, not a raw URL (reflow at 320 px)
    assert "Ombudsstelle für barrierefreie Informationstechnik" in text and "70173 Stuttgart" in text
    links = {a.href: text_of(a) for a in find(tree, lambda c: getattr(c, "href", None))}
    assert links[STATEMENT["enforcement"]["url"]] == "Website der Schlichtungsstelle"
    assert "mailto:ombud@example.org" in links
    assert "Diese Angaben sind noch von der Stadt zu bestätigen." in text


def test_statement_in_english_marks_the_citys_german_text(tiny_data_dir):
    app = make_app(tiny_data_dir, accessibility=STATEMENT)
    tree = page_layout(app, "/barrierefreiheit", lang="en")
    text = text_of(tree)
    assert "This statement was prepared on 30 Nov 2026." in text and "Self-evaluation" in text
    city_item = with_class(tree, "statement-barriers")[0].children[-1]
    assert attr(city_item, "lang") == "de" and "Reason:" in text_of(city_item)
    assert attr(with_class(tree, "statement-enforcement")[0].children[0], "lang") == "de"
    assert "The city has yet to confirm these details." in text


def test_statement_without_settings_says_what_is_missing(app):
    text = text_of(page_layout(app, "/barrierefreiheit", lang="de"))
    assert "Das Datum dieser Erklärung ist noch nicht eingetragen." in text
    assert "Das Datum der letzten Prüfung ist noch nicht eingetragen." in text
    assert "Für diese Seite ist die zuständige Stelle noch nicht eingetragen." in text
    assert "WebGL" in text  # the software's barriers are listed for every city


@pytest.fixture
def app(tiny_data_dir):
    return create_app(tiny_data_dir)


@pytest.mark.parametrize(("lang", "direction"), [("de", "ltr"), ("ar", "rtl")])
def test_easy_language_page_is_german_inside_the_interface_frame(app, lang, direction):
    tree = page_layout(app, "/leichte-sprache", lang=lang)
    assert (attr(tree, "lang"), attr(tree, "dir")) == (lang, direction)
    section = with_class(tree, "easy-language")[0]
    assert (attr(section, "lang"), attr(section, "dir")) == ("de", "ltr")
    text = text_of(section)
    assert "Noch nicht von einer Prüfgruppe geprüft." in text
    assert "Auf dieser Internet-Seite finden Sie" in text and "Teststadt" in text
    assert "Beispiel-Daten" in text  # the tiny city is demo data
    assert "barrierefrei@example.org" in text  # the contact, from city.json
    pictures = with_class(section, "pict")
    assert len(pictures) >= 5 and all(attr(p, "role") == "img" and attr(p, "aria-label") for p in pictures)
    # one statement per line: no paragraph holds two sentences
    paragraphs = [text_of(p) for p in find(section, lambda c: type(c).__name__ in ("P", "Li"))]
    assert paragraphs and max(p.count(". ") for p in paragraphs) == 0


def test_easy_language_text_from_the_city_replaces_the_default(tiny_data_dir):
    text = "# Willkommen\nDas ist die Karte.\n> **Karte** bedeutet: ein Bild von der Stadt.\n- Punkt eins\n"
    app = make_app(tiny_data_dir, easy_language={"text": text, "checked_by": "Prüfgruppe Lebenshilfe"})
    section = with_class(page_layout(app, "/leichte-sprache", lang="tr"), "easy-language")[0]
    shown = text_of(section)
    assert "Willkommen" in shown and "Geprüft von: Prüfgruppe Lebenshilfe" in shown
    assert "Noch nicht von einer Prüfgruppe geprüft." not in shown and "Internet-Seite" not in shown
    assert with_class(section, "easy-explain") and find(section, lambda c: type(c).__name__ == "Li")


def test_markdown_subset_is_safe():
    parts = render_markdown(
        "[klick](javascript:alert(1))\n![Logo](https://cdn.example/logo.png)\n<script>alert(1)</script>\n"
        "[Mail](mailto:a@example.org) und [Seite](/barrierefreiheit) und [weg](//evil.example)\n![Karte](bild:karte)"
    )
    flat = " ".join(text_of(p) for p in parts)
    hrefs = [a.href for p in parts for a in find(p, lambda c: getattr(c, "href", None))]
    assert hrefs == ["mailto:a@example.org", "/barrierefreiheit"]
    assert "klick" in flat and "Logo" in flat and "<script>alert(1)</script>" in flat  # shown as text only
    assert not [c for p in parts for c in find(p, lambda c: type(c).__name__ in ("Img", "Script", "Iframe"))]
    assert "pict--karte" in parts[-1].className


def test_sign_language_page_without_video_names_the_alternatives(app):
    tree = page_layout(app, "/gebaerdensprache", lang="ar")
    assert attr(tree, "dir") == "rtl"
    text = text_of(tree)
    assert "لا يتوفر لهذا الموقع فيديو بلغة الإشارة الألمانية (DGS) بعدُ." in text
    assert not find(tree, lambda c: type(c).__name__ == "Video")
    hrefs = [a.href for a in find(tree, lambda c: getattr(c, "href", None))]
    assert "/leichte-sprache?lang=ar" in hrefs and "mailto:barrierefrei@example.org" in hrefs


def test_sign_language_page_shows_the_video_with_captions_and_transcript(tiny_data_dir):
    media = tiny_data_dir / "media"
    media.mkdir()
    (media / "dgs.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (media / "dgs.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nHallo\n", encoding="utf-8")
    app = make_app(
        tiny_data_dir,
        sign_language={"video": "dgs.mp4", "captions": "dgs.vtt", "transcript": "Guten Tag.\nWillkommen."},
    )
    tree = page_layout(app, "/gebaerdensprache", lang="de")
    video = find(tree, lambda c: type(c).__name__ == "Video")[0]
    assert attr(video, "src") == "/media/dgs.mp4" and attr(video, "controls") is True
    track = find(video, lambda c: type(c).__name__ == "Track")[0]
    assert (attr(track, "kind"), attr(track, "src"), attr(track, "srcLang")) == ("captions", "/media/dgs.vtt", "de")
    transcript = with_class(tree, "dgs-transcript")[0]
    assert "Guten Tag." in text_of(transcript) and "Willkommen." in text_of(transcript)
    client = app.server.test_client()
    response = client.get("/media/dgs.vtt")
    assert response.status_code == 200 and response.mimetype == "text/vtt" and b"WEBVTT" in response.data
    assert client.get("/media/dgs.mp4").mimetype == "video/mp4"
    (media / ".hidden.vtt").write_text("WEBVTT\n", encoding="utf-8")
    for bad in ("/media/city.json", "/media/fehlt.mp4", "/media/.hidden.vtt"):
        assert client.get(bad).status_code == 404, bad
    escaped = client.get("/media/..%2Fcity.json")  # never a file outside media/ (Dash's HTML frame or 404)
    assert escaped.mimetype == "text/html" or escaped.status_code == 404
    assert b'"outline"' not in escaped.data


def test_sign_language_video_missing_in_media_folder_is_not_shown(tiny_data_dir):
    app = make_app(tiny_data_dir, sign_language={"video": "fehlt.mp4", "captions": None, "transcript": None})
    tree = page_layout(app, "/gebaerdensprache", lang="de")
    assert not find(tree, lambda c: type(c).__name__ == "Video")
    assert "noch kein Video" in text_of(tree)


def test_sign_language_explicit_https_video_is_used(tiny_data_dir):
    url = "https://video.stadt.example/dgs.mp4"
    app = make_app(tiny_data_dir, sign_language={"video": url, "captions": None, "transcript": None})
    tree = page_layout(app, "/gebaerdensprache", lang="de")
    assert attr(find(tree, lambda c: type(c).__name__ == "Video")[0], "src") == url
    assert "Zu diesem Video gibt es noch keine Untertitel." in text_of(tree)


@pytest.mark.parametrize("lang", ["de", "tr", "ar"])
def test_every_page_links_to_leichte_sprache_and_dgs(app, lang):
    paths = [p["path"] for p in dash.page_registry.values()]
    assert {"/", "/barrierefreiheit", "/leichte-sprache", "/gebaerdensprache"} <= set(paths)
    for path in paths:
        tree = page_layout(app, path, lang=lang)
        navs = find(tree, lambda c: getattr(c, "id", None) == A11Y_NAV_ID)
        assert len(navs) == 1, path
        hrefs = [a.href for a in find(navs[0], lambda c: getattr(c, "href", None))]
        suffix = "" if lang == "de" else f"?lang={lang}"
        assert hrefs == [f"/leichte-sprache{suffix}", f"/gebaerdensprache{suffix}"], path


def test_header_links_have_text_labels_and_decorative_icons():
    nav = accessibility_links("en", "/leichte-sprache")
    links = find(nav, lambda c: getattr(c, "href", None))
    assert [text_of(a).strip() for a in links] == ["Easy German", "Sign language"]
    assert attr(links[0], "aria-current") == "page" and attr(links[1], "aria-current") is None
    icons = with_class(nav, "a11y-icon")
    assert len(icons) == 2 and all(attr(i, "aria-hidden") == "true" for i in icons)
    assert attr(nav, "aria-label") == "Easy German and sign language"
