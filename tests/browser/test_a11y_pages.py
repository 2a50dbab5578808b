"""The accessibility statement, the Leichte Sprache and DGS pages in headless Chromium: axe clean,
linked from every page's header, German content inside the Arabic frame, reflow at 320 px.

Every test runs under the ``page`` fixture of ``conftest.py`` (fails on console errors and on any
request that leaves 127.0.0.1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

A11Y_PAGES = ("/barrierefreiheit", "/leichte-sprache", "/gebaerdensprache")

#: City settings as the ETL writes them to city.json, with a long name and a long URL (reflow).
ACCESSIBILITY = {
    "statement_date": "2026-11-30",
    "evaluation": {"method": "self", "date": "2026-11-30", "by": "Projektteam Stadtkarte Integration (Demo)"},
    "barriers": [
        {
            "what": "Die Beschreibungen der Angebote sind nicht in Leichter Sprache.",
            "reason": "Die Texte schreiben die Träger selbst.",
            "alternative": "Das Integrationsbüro erklärt Angebote auf Nachfrage.",
        }
    ],
    "enforcement": {
        "name": "Ombudsstelle für barrierefreie Informationstechnik bei der Landes-Behindertenbeauftragten",
        "address": "Else-Josenhans-Straße 6, 70173 Stuttgart",
        "url": "https://sozialministerium.baden-wuerttemberg.de/de/ein/sehr/langer/pfad/zur/ombudsstelle-barrierefreie-it",
        "email": "ombudsstelle-barrierefreie-informationstechnik@example.org",
        "phone": "",
        "confirmed": False,
    },
}


@pytest.fixture(scope="module")
def a11y_data_dir(tmp_path_factory: pytest.TempPathFactory, browser_dataset: Any) -> Path:
    """The tiny browser dataset with the statement settings and a DGS transcript (no video)."""
    data_dir = browser_dataset.write(tmp_path_factory.mktemp("a11y-data"))
    city = json.loads((data_dir / "city.json").read_text(encoding="utf-8"))
    city["accessibility"] = ACCESSIBILITY
    city["sign_language"] = {"video": None, "captions": None, "transcript": "Guten Tag.\nHier sehen Sie Angebote."}
    (data_dir / "city.json").write_text(json.dumps(city, ensure_ascii=False), encoding="utf-8")
    return data_dir


@pytest.fixture
def a11y_url(serve: Any, a11y_data_dir: Path) -> str:
    return serve(a11y_data_dir)


def open_page(page: Any, tools: Any, url: str) -> None:
    page.goto(url)
    tools.wait_for_dash(page)
    page.wait_for_selector("#a11y-links")


@pytest.mark.parametrize("lang", ["de", "ar"])
@pytest.mark.parametrize("path", A11Y_PAGES)
def test_page_renders_and_passes_axe(page: Any, a11y_url: str, tools: Any, path: str, lang: str) -> None:
    open_page(page, tools, f"{a11y_url}{path}?lang={lang}")
    assert page.get_attribute("html", "lang") == lang
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator("h1").count() == 1 and page.locator("main h2").count() >= 1
    current = page.locator("#a11y-links a[aria-current='page']")
    assert current.count() == (0 if path == "/barrierefreiheit" else 1)
    violations = tools.axe(page)
    assert violations == [], tools.describe_violations(violations)


def test_easy_language_page_is_german_inside_the_arabic_frame(page: Any, a11y_url: str, tools: Any) -> None:
    open_page(page, tools, a11y_url + "/leichte-sprache?lang=ar")
    section = page.locator("section.easy-language")
    assert section.get_attribute("lang") == "de" and section.get_attribute("dir") == "ltr"
    assert "Noch nicht von einer Prüfgruppe geprüft." in section.inner_text()
    # the pictures are drawn (an inline SVG mask, no request) and have a size
    pictures = page.locator(".easy-language .pict")
    assert pictures.count() >= 5
    mask, width = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.pict--karte'));"
        " return [s.maskImage || s.webkitMaskImage, document.querySelector('.pict--karte').getBoundingClientRect().width]; }"
    )
    assert mask.startswith('url("data:image/svg+xml') and width >= 32


def test_statement_shows_the_settings(page: Any, a11y_url: str, tools: Any) -> None:
    open_page(page, tools, a11y_url + "/barrierefreiheit")
    text = page.inner_text("main")
    assert "Diese Erklärung wurde am 30.11.2026 erstellt." in text and "axe-core" in text
    assert "Ombudsstelle für barrierefreie Informationstechnik" in text and "70173 Stuttgart" in text
    assert "Die Beschreibungen der Angebote sind nicht in Leichter Sprache." in text
    assert page.get_by_role("link", name="Website der Schlichtungsstelle").count() == 1


def test_sign_language_page_shows_the_transcript_and_alternatives(page: Any, a11y_url: str, tools: Any) -> None:
    open_page(page, tools, a11y_url + "/gebaerdensprache?lang=tr")
    text = page.inner_text("main")
    assert "Alman İşaret Dili" in text and "Guten Tag." in text
    assert page.locator("video").count() == 0
    assert page.locator("main a[href='/leichte-sprache?lang=tr']").count() == 1


@pytest.mark.parametrize("path", ["/", "/coverage", *A11Y_PAGES])
def test_header_links_on_every_page(page: Any, a11y_url: str, tools: Any, path: str) -> None:
    open_page(page, tools, f"{a11y_url}{path}?lang=uk")
    links = page.locator("header #a11y-links a")
    assert links.count() == 2
    assert links.nth(0).get_attribute("href") == "/leichte-sprache?lang=uk"
    assert links.nth(1).get_attribute("href") == "/gebaerdensprache?lang=uk"
    assert [links.nth(i).inner_text().strip() for i in range(2)] == ["Легка німецька мова", "Жестова мова"]
    for i in range(2):
        box = links.nth(i).bounding_box()
        assert box is not None and box["height"] >= 44  # a comfortable target
        icon = links.nth(i).locator(".a11y-icon").bounding_box()
        assert icon is not None and icon["width"] >= 16


@pytest.mark.parametrize("lang", ["de", "ar"])
@pytest.mark.parametrize("path", A11Y_PAGES)
def test_reflow_at_320_px(page: Any, a11y_url: str, tools: Any, path: str, lang: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    open_page(page, tools, f"{a11y_url}{path}?lang={lang}")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{path}?lang={lang} is {widths[0]} px wide at 320 px"
