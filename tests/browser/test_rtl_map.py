"""The map page in Arabic, in a real Chromium: German data values and phone numbers read in order
(the rendered character positions, via Range.getClientRects), data values carry their language, and a
screenshot of the detail panel to look at."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PHONE = "+49 7141 000-0003"

#: The x of every character of the element's text (all text nodes, in document order), as rendered.
CHAR_XS = """el => {
  const xs = [], walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      const rect = r.getClientRects()[0];
      xs.push(rect ? rect.left : null);
    }
  }
  return xs;
}"""


@pytest.fixture
def rtl_url(tmp_path: Path, serve, browser_dataset) -> str:
    offers = [
        browser_dataset.offer(
            "p1",
            "Beratung für Eltern",
            9.19,
            48.895,
            "mitte",
            organization="Verein Brücke e. V.",
            phone=PHONE,
            email="eltern@example.org",
            url="https://example.org/eltern",
            opening_hours="Di 9-12 Uhr",
            description="Beratung auf Deutsch und Arabisch",
            languages=["ar", "de"],
            target_groups=["women", "families"],
            last_verified="2025-12-21",
        ),
        *browser_dataset.offers[1:3],
    ]
    return serve(browser_dataset.write(tmp_path / "data", offers))


def in_reading_order(page: Any, selector: str) -> bool:
    """Are the characters of ``selector``'s text drawn left to right (as an LTR number reads)?"""
    xs = page.eval_on_selector(selector, CHAR_XS)
    text = page.eval_on_selector(selector, "el => el.textContent")
    drawn = [x for x, c in zip(xs, text, strict=True) if not c.isspace() and x is not None]
    return all(a < b for a, b in itertools.pairwise(drawn))


def test_phone_number_reads_in_order_on_an_arabic_page(page: Any, rtl_url: str, tools: Any, output_path: str) -> None:
    page.goto(rtl_url + "/?lang=ar&offer=p1")
    tools.wait_for_dash(page)
    page.wait_for_selector("#detail-heading")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    tel = "#offer-detail a[href^='tel:']"
    assert page.inner_text(tel) == PHONE
    assert page.get_attribute(tel, "dir") == "ltr"
    assert in_reading_order(page, tel), "the phone number is drawn out of order"
    for link in ("#offer-detail a[href^='mailto:']", "#offer-detail a[href^='https:']"):
        assert in_reading_order(page, link), link
    # "e. V." keeps its full stop at its right end, not thrown to the left by the Arabic paragraph
    org = page.locator("#offer-detail [lang='de']", has_text="Verein Brücke e. V.").first
    xs = org.evaluate(CHAR_XS)
    assert xs[-1] == max(x for x in xs if x is not None)
    # the date in the interface language, lists with the Arabic comma
    detail = page.inner_text("#offer-detail")
    assert "2025-12-21" not in detail and "، " in detail
    Path(output_path).mkdir(parents=True, exist_ok=True)
    page.locator("#offer-detail").screenshot(path=str(Path(output_path) / "rtl-detail-ar.png"))


def test_the_check_can_fail_without_isolation(page: Any) -> None:
    """The same number, not isolated, in an Arabic paragraph is drawn out of order: the check sees it."""
    page.set_content(
        f'<!doctype html><html lang="ar" dir="rtl"><body><p>الهاتف: <span id="n">{PHONE}</span></p></body></html>'
    )
    assert not in_reading_order(page, "#n")


def test_german_data_values_are_marked_in_a_turkish_page(page: Any, rtl_url: str, tools: Any) -> None:
    page.goto(rtl_url + "/?lang=tr&offer=p1")
    tools.wait_for_dash(page)
    page.wait_for_selector("#detail-heading")
    unmarked = page.evaluate(
        """values => values.filter(v => {
            const hits = [...document.querySelectorAll('#offer-detail *, #offer-list *')]
              .filter(el => el.children.length === 0 && el.textContent.trim() === v);
            return hits.length === 0 || hits.some(el => (el.closest('[lang]') || {}).lang !== 'de');
        })""",
        ["Beratung für Eltern", "Verein Brücke e. V.", "Di 9-12 Uhr", "Beratung auf Deutsch und Arabisch", "Mitte"],
    )
    assert unmarked == []
