"""The first view on a phone (issue 12): readable without scripts, one list once Dash has drawn, a compact header.

* JavaScript off, 375 x 800: the server's first view shows the first offer above the fold (de, ar),
  the header is at most 120 px high and its menus open without scripts.
* JavaScript on: once Dash has drawn the page there is exactly one list (the copy is gone), in the
  same order as the server's, without a layout shift worth noting, and axe finds nothing serious.
* 320 px: no horizontal scrolling.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

PHONE = {"width": 375, "height": 800}
NARROW = {"width": 320, "height": 800}
MAX_HEADER_PX = 120
#: Cumulative layout shift below this is "good" in Google's Web Vitals.
MAX_LAYOUT_SHIFT = 0.1

LAYOUT_SHIFT_JS = """
() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { total += entry.value; } }
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 300);
})
"""
OVERFLOW_JS = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def open_page(new_context: Callable[..., Any], tools: Any) -> Iterator[Callable[..., Any]]:
    """``open_page(url, viewport, javascript)``: a page in its own context; remote requests are aborted,
    and console errors, page errors or remote requests fail the test."""
    opened: list[tuple[Any, Any]] = []

    def _open(url: str, viewport: dict[str, int] = PHONE, javascript: bool = True) -> Any:
        ctx = new_context(java_script_enabled=javascript)
        ctx.route(lambda u: not u.startswith(("http://127.0.0.1", "data:", "blob:")), lambda r: r.abort())
        page = ctx.new_page()
        page.set_viewport_size(viewport)
        opened.append((page, tools.attach_log(page)))
        page.goto(url)
        return page

    yield _open
    problems = [p for _page, log in opened for p in log.problems()]
    assert problems == [], problems


def header_height(page: Any) -> float:
    return float(page.evaluate("() => document.querySelector('.site-header').getBoundingClientRect().height"))


def names(page: Any, selector: str) -> list[str]:
    return [str(n).strip() for n in page.locator(selector).all_inner_texts()]


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_without_javascript_a_phone_shows_the_first_offer_above_the_fold(
    open_page: Callable[..., Any], app_url: str, lang: str
) -> None:
    page = open_page(f"{app_url}/?lang={lang}", PHONE, javascript=False)
    first = page.locator("#fv-offer-list li[data-offer-id] .entry-name").first
    assert first.is_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    assert header_height(page) <= MAX_HEADER_PX
    assert page.evaluate("() => document.querySelector('#first-view .page').dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.evaluate(OVERFLOW_JS) <= 0
    assert not page.locator("._dash-loading").is_visible()  # no "Loading..." under the list


def test_without_javascript_the_header_menus_open_and_switch_the_language(
    open_page: Callable[..., Any], app_url: str
) -> None:
    page = open_page(f"{app_url}/?lang=de", PHONE, javascript=False)
    arabic = page.locator("#fv-lang-link-ar")
    assert not arabic.is_visible()  # folded into the language menu
    page.locator(".lang-menu > summary").click()
    assert arabic.is_visible()
    box = arabic.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    arabic.click()
    page.wait_for_url("**lang=ar**")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    page.locator(".nav-menu > summary").click()
    assert page.locator("#fv-main-nav a").first.is_visible()


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_after_mount_there_is_exactly_one_list_in_the_servers_order(
    open_page: Callable[..., Any], app_url: str, tools: Any, lang: str
) -> None:
    url = f"{app_url}/?lang={lang}"
    server = names(open_page(url, PHONE, javascript=False), "#fv-offer-list .entry-name")
    page = open_page(url, PHONE, javascript=True)
    tools.wait_for_dash(page)
    page.wait_for_selector("#offer-list li[data-offer-id]")
    page.wait_for_function("() => !document.getElementById('first-view')")
    assert page.evaluate("() => document.querySelectorAll('.offer-list').length") == 1
    assert page.evaluate("() => document.querySelector('#react-entry-point').hasAttribute('aria-busy')") is False
    assert names(page, "#offer-list .entry-name") == server and server
    assert page.evaluate(LAYOUT_SHIFT_JS) < MAX_LAYOUT_SHIFT
    assert header_height(page) <= MAX_HEADER_PX
    first = page.locator("#offer-list li[data-offer-id]").first.bounding_box()
    assert first is not None and first["y"] + first["height"] <= PHONE["height"]  # above the fold after mount too
    violations = tools.axe(page)
    assert violations == [], tools.describe_violations(violations)


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_320_px_needs_no_horizontal_scrolling(
    open_page: Callable[..., Any], app_url: str, tools: Any, lang: str
) -> None:
    page = open_page(f"{app_url}/?lang={lang}", NARROW, javascript=True)
    tools.wait_for_dash(page)
    assert page.evaluate(OVERFLOW_JS) <= 0
    page.locator(".lang-menu > summary").click()
    assert page.evaluate(OVERFLOW_JS) <= 0
    menu = page.locator("#lang-switch").bounding_box()
    assert menu is not None and menu["x"] >= 0 and menu["x"] + menu["width"] <= NARROW["width"]
