"""The map page on a 375 px phone (issue 12, item 1): the map view fits and every control stays tappable.

Each test switches to the map view and checks, in the browser, that nothing widens the page
(``scrollWidth <= innerWidth``) and that every visible control of the results (view toggle,
downloads, sort, map) lies inside the viewport and is the element hit at its centre.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

PHONE = {"width": 375, "height": 800}

#: Visible controls that must lie inside the viewport and be hit-testable at their centre.
CONTROLS_JS = """
(selector) => {
  const out = [];
  const w = window.innerWidth;
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) { continue; }
    el.scrollIntoView({block: 'center', inline: 'nearest'});
    const s = el.getBoundingClientRect();
    const hit = document.elementFromPoint(s.left + s.width / 2, s.top + s.height / 2);
    out.push({
      what: (el.id || el.getAttribute('data-view') || el.textContent || el.tagName).trim().slice(0, 40),
      left: s.left, right: s.right, width: w,
      hittable: !!hit && (hit === el || el.contains(hit)),
    });
  }
  return out;
}
"""

SELECTOR = (
    "#view-toggle button, #download-geojson, #download-csv, #offer-map, #filter-toggle, #main-nav a, #lang-switch a"
)


def open_map_view(tools: Any, page: Any, url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(url)
    tools.wait_for_dash(page)
    page.wait_for_selector("#result-count")
    page.click("button[data-view='map']")
    page.wait_for_selector("#offer-map canvas.maplibregl-canvas", state="visible")
    page.wait_for_timeout(300)


def overflow_problems(page: Any) -> list[str]:
    problems = []
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        problems.append(f"page is {scroll} px wide in a {inner} px viewport")
    for c in page.evaluate(CONTROLS_JS, SELECTOR):
        if c["left"] < -0.5 or c["right"] > c["width"] + 0.5:
            problems.append(f"{c['what']!r} spans {c['left']:.0f}..{c['right']:.0f} px, outside 0..{c['width']}")
        if not c["hittable"]:
            problems.append(f"{c['what']!r} is covered at its centre (not tappable)")
    return problems


@pytest.mark.parametrize("lang", ["de", "ar", "en", "tr", "uk"])
def test_map_view_fits_a_phone_and_every_control_is_tappable(
    page: Any, app_url: str, output_path: str, tools: Any, lang: str
) -> None:
    open_map_view(tools, page, f"{app_url}/?lang={lang}")
    assert page.locator("#map-section").is_visible() and not page.locator("#list-section").is_visible()
    page.screenshot(path=str(Path(output_path) / f"phone-map-{lang}.png"), full_page=True)
    assert overflow_problems(page) == []
    page.click("button[data-view='list']")
    assert page.locator("#list-section").is_visible() and not page.locator("#map-section").is_visible()
    assert overflow_problems(page) == []


def test_map_view_fits_with_a_long_offer_open(page: Any, app_url: str, tools: Any) -> None:
    open_map_view(tools, page, f"{app_url}/?lang=ar")
    page.click("button[data-view='list']")
    page.click("#offer-list button[data-offer-id='o1']")
    page.wait_for_selector("#detail-heading")
    page.click("button[data-view='map']")
    page.wait_for_timeout(300)
    assert overflow_problems(page) == []
