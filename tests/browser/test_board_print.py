"""Handouts and the workshop view of the exchange board in real Chromium.

* ``page.pdf()`` of ``/netzwerk/handout`` gives exactly one A4 page per organisation (and one
  for ``?org=``); print emulation hides the header and prints black on white. When poppler's
  ``pdftoppm`` is installed, the first page is also rendered to a PNG in the test's temporary
  folder, for a person to look at.
* The workshop view at 1280 x 720: axe clean (de, ar), no horizontal scroll, text >= 24 px,
  topics stepped with the arrow keys (mirrored in Arabic) and PageUp/PageDown, announced by
  the polite live region — but never while typing in a field, and never outside workshop mode.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

OFFER_LIST = """ID;Name;Träger;Kategorie;Sprachen;Zielgruppe;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad
lb-1;Migrationsberatung Innenstadt;Caritas;counselling;tr, de;all;Marktplatz;1;71634;Ludwigsburg;48.8950;9.1900
"""
SURVEY = """Art;Thema;Titel;Beschreibung;Sprachen;Zielgruppe;Stadtteil;Organisation;E-Mail;gültig bis
sucht;Räume;Raum für Elterncafé;Wir suchen einen Gruppenraum am Nachmittag;Arabisch, Deutsch;Familien;Kernstadt;Elternverein;eltern@example.org;31.12.2099
bietet;Räume;Gruppenraum frei;Räume am Abend;Arabisch;Familien;Kernstadt;Moscheeverein;moschee@example.org;
bietet;Ehrenamtliche;Hausaufgabenhilfe;Ehrenamtliche helfen Kindern beim Lernen;Deutsch;Kinder;Oßweil;Moscheeverein;moschee@example.org;
sucht;Ehrenamtliche;Lesepaten gesucht;Ehrenamtliche für Hausaufgaben;Deutsch;Kinder;Oßweil;Schule Ost;schule@example.org;
sucht;Förderung & Anträge;Hilfe beim Förderantrag;Wer hilft beim Antrag für das Schulfest?;Deutsch;;Oßweil;Schule Ost;schule@example.org;
"""
ORGANISATIONS = 3
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![s\w])")


@pytest.fixture
def meeting_site(tmp_path: Path, serve: Any) -> str:
    from registry import Register
    from registry.board import import_posts
    from registry.importer import import_offers

    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "angebote.csv").write_text(OFFER_LIST, encoding="utf-8")
    (tmp_path / "treffen.csv").write_text(SURVEY, encoding="utf-8")
    with Register.open(data_dir=data) as register:
        register.upgrade()
        import_offers(register, tmp_path / "angebote.csv", apply=True)
        register.publish(data)
        result = import_posts(register, tmp_path / "treffen.csv", actor="test")
        assert len(result.stored) == 5, [r.reason() for r in result.rejects]
    return str(serve(data))


def _pdf_pages(pdf: bytes) -> int:
    return len(PAGE_OBJECT.findall(pdf))


def _look(pdf: bytes, folder: Path, name: str) -> None:
    """Render the PDF's first page to ``folder/name-1.png`` when poppler is installed (for a person to look at)."""
    if shutil.which("pdftoppm"):
        (folder / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", str(folder / f"{name}.pdf"), str(folder / name)],
            check=True,
        )


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_handouts_print_one_clean_a4_page_per_organisation(
    page: Any, meeting_site: str, tools: Any, lang: str, tmp_path: Path
) -> None:
    page.goto(f"{meeting_site}/netzwerk/handout?lang={lang}")
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)
    assert page.locator(".handout-page").count() == ORGANISATIONS
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert _pdf_pages(pdf) == ORGANISATIONS
    _look(pdf, tmp_path, f"handouts-{lang}")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".handout-intro").is_visible()
    colours = page.eval_on_selector_all(
        ".handout-page *", "els => [...new Set(els.map(e => getComputedStyle(e).color))]"
    )
    assert colours == ["rgb(0, 0, 0)"]
    assert "/netzwerk/" in page.locator(".handout-contact").first.inner_text()  # the link's address, printed


def test_one_organisations_handout_is_one_page(page: Any, meeting_site: str, tmp_path: Path) -> None:
    page.goto(f"{meeting_site}/netzwerk/handout?org=Moscheeverein")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert _pdf_pages(pdf) == 1
    _look(pdf, tmp_path, "handout-moscheeverein")
    assert page.locator(".handout-page h3").all_inner_texts() == [
        "Wir bieten: Gruppenraum frei",
        "Wir bieten: Hausaufgabenhilfe",
    ]


def _status(page: Any) -> str:
    return str(page.locator("#ws-live").inner_text())


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_workshop_view_on_a_projector(page: Any, meeting_site: str, tools: Any, lang: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{meeting_site}/netzwerk?mode=workshop&lang={lang}")
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    sizes = page.eval_on_selector_all(
        ".ws-topic:not([hidden]) :is(li, h2, h3, p), #ws-live",
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))",
    )
    assert sizes and min(sizes) >= 24, sizes
    assert page.get_attribute("#ws-live", "aria-live") == "polite"
    first = _status(page)
    forward, back = ("ArrowLeft", "ArrowRight") if lang == "ar" else ("ArrowRight", "ArrowLeft")
    page.keyboard.press(forward)
    second = _status(page)
    assert second != first and ("2" in second) and "topic=volunteers" in page.url
    assert page.locator(".ws-topic:not([hidden])").get_attribute("id") == "ws-volunteers"
    page.keyboard.press("PageDown")
    assert page.locator(".ws-topic:not([hidden])").get_attribute("id") == "ws-funding"
    assert page.locator("#ws-funding .ws-unanswered").count() == 1  # nobody offers help with funding
    page.keyboard.press("PageDown")  # the last topic stays
    assert page.locator(".ws-topic:not([hidden])").get_attribute("id") == "ws-funding"
    page.keyboard.press("PageUp")
    page.keyboard.press(back)
    assert _status(page) == first
    # typing in a field (here one added for the test) never steps
    page.evaluate(
        "() => { const i = document.createElement('input'); i.id = 'typing'; i.setAttribute('aria-label', 'x'); document.querySelector('main').prepend(i); }"
    )
    page.focus("#typing")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    assert _status(page) == first


def test_keys_do_nothing_outside_workshop_mode(page: Any, page_log: Any, meeting_site: str) -> None:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{meeting_site}/netzwerk")
    page.wait_for_load_state("networkidle")
    assert not failed  # the board's pages name the app's favicon (/favicon.ico was a 404)
    assert any(url.endswith("/_favicon.ico") for url in page_log.requests)
    page.keyboard.press("ArrowRight")
    assert page.locator("#ws-live").count() == 0
    assert not [url for url in page_log.requests if "board_workshop.js" in url]
    page.click("text=Netzwerk-Börse im Workshop-Modus")
    page.wait_for_url("**mode=workshop**")
    assert page.locator(".ws-topic:not([hidden])").count() == 1
