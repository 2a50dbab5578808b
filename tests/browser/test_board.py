"""The exchange board /netzwerk in real Chromium on a 375 px phone: de and ar, axe clean,
filters through the URL, matches with their reason, no e-mail address anywhere.

Served by the project's Dash app (production CSP and headers) on a SQLite register in
``tmp_path`` with the demo districts and a small survey imported by the board import.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

OFFER_LIST = """ID;Name;Träger;Kategorie;Sprachen;Zielgruppe;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad
lb-1;Migrationsberatung Innenstadt;Caritas;counselling;tr, de;all;Marktplatz;1;71634;Ludwigsburg;48.8950;9.1900
"""
SURVEY = """Art;Thema;Titel;Beschreibung;Sprachen;Zielgruppe;Stadtteil;Organisation;E-Mail;gültig bis
sucht;Räume;Raum für Elterncafé;Wir suchen einen Gruppenraum am Nachmittag;Arabisch, Deutsch;Familien;Kernstadt;Elternverein;eltern@example.org;31.12.2099
bietet;Räume;Gruppenraum frei;Räume am Abend;Arabisch;Familien;Kernstadt;Moscheeverein;moschee@example.org;
bietet;Räume;Saal für Feste;Großer Saal;Türkisch;;Oßweil;Kulturverein;kultur@example.org;
sucht;Ehrenamtliche;Lesepaten gesucht;Ehrenamtliche für Hausaufgaben;Deutsch;Kinder;Oßweil;Schule Ost;schule@example.org;
"""
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def board_site(tmp_path: Path, serve: Any) -> str:
    from registry import Register
    from registry.board import import_posts
    from registry.importer import import_offers

    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "angebote.csv").write_text(OFFER_LIST, encoding="utf-8")
    (tmp_path / "bedarfe.csv").write_text(SURVEY, encoding="utf-8")
    with Register.open(data_dir=data) as register:
        register.upgrade()
        import_offers(register, tmp_path / "angebote.csv", apply=True)
        register.publish(data)
        result = import_posts(register, tmp_path / "bedarfe.csv", actor="test")
        assert len(result.stored) == 4, [r.reason() for r in result.rejects]
    return str(serve(data))


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_board_on_a_phone_is_accessible_filters_and_explains(page: Any, board_site: str, tools: Any, lang: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{board_site}/netzwerk?lang={lang}")
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    needs = page.locator("#h-needs").locator("xpath=..")
    assert needs.locator("article").count() == 2
    elterncafe = page.locator("article", has=page.locator("h3", has_text="Raum für Elterncafé"))
    reason = elterncafe.locator(".reason").first.inner_text()
    assert ("beide Räume, beide Arabisch" in reason) if lang == "de" else ("العربية" in reason)
    page.select_option("#f-topic", "volunteers")
    page.click("button[type=submit]")
    page.wait_for_url("**topic=volunteers**")
    assert "lang=" + lang in page.url
    assert page.locator("article h3").all_inner_texts() == ["Lesepaten gesucht"]
    page.click("text=Lesepaten gesucht")
    page.wait_for_url(re.compile(r".*/netzwerk/\d+\?lang=" + lang))
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not EMAIL.findall(page.content())
