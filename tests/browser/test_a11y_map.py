"""Keyboard, focus and status on the map page in a real Chromium (WCAG 2.4.1, 2.4.3, 2.4.7, 4.1.3, 1.4.10).

The skip link brings the first offer within 5 Tab stops; each chip group is one Tab stop with arrow
keys inside; sort and view are radio groups; the detail closes with Escape and focus returns to its
offer; "more" moves focus to the first new offer; opening an offer far down does not jump the page;
a polite live region announces counts after filter and sort changes; inputs and the map get a
visible focus ring; `/`, the statement, Leichte Sprache and DGS reflow at 320 px in German and Arabic.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ACTIVE = "(() => { const a = document.activeElement; return a ? (a.dataset.offerId || a.id || a.className || a.tagName) : null; })()"


@pytest.fixture
def many_url(tmp_path: Path, serve, browser_dataset) -> str:
    """A dataset of 60 offers (more than one page of 50), in two districts."""
    offers = [
        browser_dataset.offer(
            f"m{i:02d}",
            f"Angebot {i:02d}",
            9.18 + (i % 10) * 0.002,
            48.886 + (i // 10) * 0.002,
            "mitte" if i % 2 else "ossweil",
            languages=["de", "ar"] if i % 3 else ["tr"],
            target_groups=["all"],
        )
        for i in range(60)
    ]
    return serve(browser_dataset.write(tmp_path / "data", offers))


@pytest.fixture(scope="module")
def long_url(tmp_path_factory: pytest.TempPathFactory, browser_dataset, tools) -> Any:
    """The tiny dataset with long German words, e-mail addresses and URLs in the city settings (reflow)."""
    data = browser_dataset.write(tmp_path_factory.mktemp("reflow") / "data")
    city = json.loads((data / "city.json").read_text(encoding="utf-8"))
    long_mail = "integrationsbeauftragte.barrierefreiheit@stadtverwaltung-ludwigsburg.example.org"
    city["contact"] = {"email": long_mail, "phone": "+49 7141 910-0000", "url": "https://example.org/" + "x" * 80}
    city["accessibility"] = {
        "statement_date": "2026-11-30",
        "enforcement": {
            "name": "Ombudsstelle für barrierefreie Informationstechnik (Landes-Behindertenbeauftragte)",
            "address": "Else-Josenhans-Straße 6, 70173 Stuttgart",
            "url": "https://ombudsstelle.example/" + "pfad/" * 20,
            "email": long_mail,
        },
    }
    (data / "city.json").write_text(json.dumps(city, ensure_ascii=False), encoding="utf-8")
    with tools.serve_app(tools.create_dashboard(data)) as url:
        yield url


def open_page(tools: Any, page: Any, url: str) -> None:
    page.goto(url)
    tools.wait_for_dash(page)


def tab_until(page: Any, predicate: str, limit: int = 12) -> int:
    """Press Tab until ``predicate`` (JS, over ``document.activeElement``) holds; return the count (or -1)."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(a => {predicate})(document.activeElement)"):
            return n
    return -1


def test_skip_link_reaches_the_first_offer_within_five_tab_stops(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    assert tab_until(page, "a.classList.contains('skip-link') && a.getAttribute('href') === '#offer-list'", 3) == 2
    page.keyboard.press("Enter")
    stops = tab_until(page, "a.closest('#offer-list') && a.matches('button[data-offer-id]')", 3)
    assert stops > 0 and 2 + stops <= 5, stops
    first = page.evaluate("document.querySelector('#offer-list button[data-offer-id]').dataset.offerId")
    assert page.evaluate(ACTIVE) == first


def test_a_chip_group_is_one_tab_stop_with_arrow_keys_inside(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    chips = page.locator("button[data-filter='categories']")
    assert chips.count() >= 2
    chips.first.focus()
    page.keyboard.press("ArrowRight")
    second = chips.nth(1).get_attribute("data-value")
    assert page.evaluate("document.activeElement.dataset.value") == second
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "false"  # moving never toggles
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.filter") != "categories"  # Tab leaves the group
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.dataset.value") == second  # back to the chip last used
    tab_stops = page.eval_on_selector_all(
        "[data-roving]", "gs => gs.map(g => [...g.querySelectorAll('button')].filter(b => b.tabIndex === 0).length)"
    )
    assert tab_stops and all(n == 1 for n in tab_stops)


def test_sort_radio_group_with_arrow_keys_sorts_and_announces(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    page.locator("button[data-sort='name']").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => new URLSearchParams(location.search).get('sort') === 'district'")
    assert page.get_attribute("button[data-sort='district']", "aria-checked") == "true"
    page.wait_for_function("() => document.getElementById('list-live').textContent.includes('Stadtteil')")
    live = page.locator("#list-live")
    assert live.get_attribute("role") == "status" and live.get_attribute("aria-live") == "polite"
    page.set_viewport_size({"width": 400, "height": 800})  # the view switch is for phones
    page.locator("button[data-view='map']").focus()
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("button[data-view='list']", "aria-checked") == "true"
    assert page.get_attribute(".layout-grid", "data-view") == "list"
    assert page.evaluate("document.activeElement.dataset.view") == "list"


def test_escape_closes_the_detail_and_focus_returns_to_the_offer(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    button = page.locator("#offer-list button[data-offer-id='o3']")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'detail-heading'")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('detail-heading')")
    page.wait_for_function("() => document.activeElement && document.activeElement.dataset.offerId === 'o3'")
    assert "offer=" not in page.url
    # the close button does the same
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#detail-heading")
    page.click("button[data-action='close-detail']")
    page.wait_for_function("() => document.activeElement && document.activeElement.dataset.offerId === 'o3'")


def test_more_moves_focus_to_the_first_new_offer_and_status_is_announced(page: Any, many_url: str, tools: Any) -> None:
    open_page(tools, page, many_url + "/")
    assert page.inner_text("#list-live").startswith("50 von 60 Angeboten angezeigt")
    more = page.locator("#more-offers")
    assert more.inner_text() == "10 weitere Angebote anzeigen"
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#offer-list li[data-offer-id]').length === 60")
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'BUTTON'")
    index = page.evaluate(
        "[...document.querySelectorAll('#offer-list button[data-offer-id]')].indexOf(document.activeElement)"
    )
    assert index == 50
    page.click("button[data-filter='languages'][data-value='tr']")
    page.wait_for_function("() => document.getElementById('list-live').textContent.startsWith('20 von 20')")


def test_opening_an_offer_far_down_does_not_jump_the_page(page: Any, many_url: str, tools: Any) -> None:
    open_page(tools, page, many_url + "/")
    far = page.locator("#offer-list button[data-offer-id]").nth(45)
    far.scroll_into_view_if_needed()
    far.focus()
    before = page.evaluate("window.scrollY")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'detail-heading'")
    page.wait_for_timeout(200)
    assert abs(page.evaluate("window.scrollY") - before) < 100
    box = page.locator("#detail-heading").bounding_box()
    assert box and 0 <= box["y"] <= 800  # the focused heading is in view


def test_filter_panel_collapses_on_desktop(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    toggle = page.locator("#filter-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#filter-panel").is_visible()
    list_width = page.evaluate("document.querySelector('.results').getBoundingClientRect().width")
    assert list_width > 1000  # the results take the freed width


def contrast(a: list[float], b: list[float]) -> float:
    def lum(rgb: list[float]) -> float:
        c = [v / 255 for v in rgb[:3]]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


RGB = "s => s.match(/[\\d.]+/g).slice(0, 3).map(Number)"


def test_search_field_and_map_have_a_visible_focus_ring(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    page.click("#search")
    ring = page.evaluate(
        f"""() => {{ const s = getComputedStyle(document.getElementById('search'));
            const bg = getComputedStyle(document.querySelector('.filter-search')).backgroundColor;
            return {{width: parseFloat(s.outlineWidth), style: s.outlineStyle,
                     colour: ({RGB})(s.outlineColor), bg: ({RGB})(bg)}}; }}"""
    )
    assert ring["style"] != "none" and ring["width"] >= 2
    assert contrast(ring["colour"], ring["bg"]) >= 3
    page.evaluate("() => { const g = document.querySelector('.map-graph'); g.tabIndex = -1; g.focus(); }")
    after = page.evaluate(
        """() => { const g = document.querySelector('.map-graph'), s = getComputedStyle(g, '::after');
            const r = g.getBoundingClientRect(), sec = g.closest('.map-section').getBoundingClientRect();
            return {width: parseFloat(s.borderTopWidth), inside: r.left >= sec.left && r.right <= sec.right + 0.5
                    && r.top >= sec.top}; }"""
    )
    assert after["width"] >= 2 and after["inside"]


@pytest.mark.parametrize("lang", ["de", "ar"])
@pytest.mark.parametrize("path", ["/", "/barrierefreiheit", "/leichte-sprache", "/gebaerdensprache"])
def test_reflow_at_320_px(page: Any, long_url: str, tools: Any, path: str, lang: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    open_page(tools, page, f"{long_url}{path}?lang={lang}")
    widths = page.evaluate(
        """() => ({doc: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,
                   h1: [...document.querySelectorAll('h1')].map(h => h.scrollWidth - h.clientWidth),
                   wide: [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 321
                          || e.getBoundingClientRect().left < -1).slice(0, 3).map(e => e.tagName + '.' + e.className)})"""
    )
    assert widths["doc"] <= widths["view"], widths
    assert all(w <= 0 for w in widths["h1"]), widths
