"""The map drawn from the server-rendered first view before Dash has started (issue 12: map drawn <= 4 s).

On the map page ``assets/map.js`` draws the first view's map with MapLibre and the points file, and
Dash's own scripts load only afterwards (``dashboard/map/startup.py``); Dash's map box then takes
the same MapLibre map over. These tests hold Dash's scripts back to look at the page before Dash.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.maps import MARKER_AT_JS

PHONE = {"width": 375, "height": 800}
DASH_FILES = "**/_dash-component-suites/**"
#: The first view's map shows its markers (rendered, not only handed to MapLibre).
EARLY_DRAWN = (
    "() => { const el = document.getElementById('fv-offer-map'); const r = window.stadtkarteMap.rendered();"
    " return !!el && !!el._stadtkarte && !!r && r.markers > 0; }"
)
MAPS_DRAWN = "() => document.querySelectorAll('canvas.maplibregl-canvas').length"


class Held:
    """Requests matching a pattern wait, unanswered, until :meth:`release`; later ones pass at once."""

    def __init__(self, page: Any, pattern: str) -> None:
        self.routes: list[Any] = []
        self.released = False
        page.route(pattern, self._keep)

    def _keep(self, route: Any) -> None:
        if self.released:
            route.continue_()
        else:
            self.routes.append(route)

    def release(self) -> None:
        self.released = True
        for route in self.routes:
            route.continue_()


def test_the_map_is_drawn_before_dash_starts_and_dash_keeps_it(page: Any, app_url: str, tools: Any) -> None:
    page.set_viewport_size(PHONE)
    held = Held(page, DASH_FILES)
    page.goto(app_url + "/")
    # the phone opens on the list; the view switch of the first view works before any Dash script
    page.click("#first-view button[data-view='map']")
    page.wait_for_function(EARLY_DRAWN, timeout=20_000)
    assert page.evaluate("() => typeof window.DashRenderer === 'undefined' && !document.getElementById('offer-list')")
    assert page.is_visible("#fv-offer-map canvas.maplibregl-canvas")
    assert page.get_attribute("#first-view button[data-view='map']", "aria-checked") == "true"
    page.evaluate("() => { window.stadtkarteMap.map()._testMark = 'drawn before Dash'; }")
    # a tap on a marker with one offer before Dash has started is kept and opens the offer afterwards
    at = page.evaluate(MARKER_AT_JS, [9.22, 48.89])
    page.mouse.click(at["x"], at["y"])

    for _ in range(100):  # the loader asks for Dash's scripts once the map is drawn (MapLibre idle)
        if held.routes:
            break
        page.wait_for_timeout(100)
    assert held.routes, "the loader asked for none of Dash's scripts once the map was drawn"
    held.release()
    tools.wait_for_dash(page)
    page.wait_for_selector("#first-view", state="detached")
    page.wait_for_function("() => (document.getElementById('detail-heading') || {}).textContent === 'Beratung Oßweil'")
    # Dash's page shows the map view the resident chose, with the same MapLibre map (not a second one)
    assert page.get_attribute(".layout-grid", "data-view") == "map"
    assert page.evaluate("() => window.stadtkarteMap.map()._testMark") == "drawn before Dash"
    assert page.is_visible("#offer-map canvas.maplibregl-canvas")
    assert page.evaluate(MAPS_DRAWN) == 1
    # and it follows Dash's filters from now on
    page.click("#filter-toggle")
    page.click("button[data-filter='categories'][data-value='counselling']")
    page.wait_for_function("() => window.stadtkarteMap.rendered().offers === 2")


def test_dash_loads_only_after_the_map_is_drawn(page: Any, app_url: str, tools: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app_url + "/?lang=ar")
    tools.wait_for_dash(page)
    timing = page.evaluate(
        """() => ({
          markers: (performance.getEntriesByName('stadtkarte:markers')[0] || {}).startTime,
          dash: Math.min(...performance.getEntriesByType('resource')
            .filter((e) => e.name.includes('/_dash-component-suites/')).map((e) => e.startTime)),
        })"""
    )
    assert timing["markers"] is not None, "the first view's map drew no markers"
    assert timing["dash"] >= timing["markers"], timing


def test_without_the_points_file_dash_draws_the_map(page: Any, page_log: Any, app_url: str, tools: Any) -> None:
    """The first view's map is an optimisation: when it fails, Dash starts at once and draws the map itself."""
    failed: list[str] = []

    def fail_once(route: Any) -> None:
        if failed:
            route.continue_()
            return
        failed.append(route.request.url)
        route.fulfill(status=503, body="busy")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.route("**/_map/points/**", fail_once)
    page.goto(app_url + "/")
    tools.wait_for_dash(page)
    page.wait_for_function("() => { const r = window.stadtkarteMap.rendered(); return !!r && r.offers === 5; }")
    assert failed and page.evaluate(MAPS_DRAWN) == 1
    assert page.evaluate("() => document.getElementById('offer-map')._stadtkarte.map !== null")
    # the one expected problem: the refused request itself
    assert [e for e in page_log.console_errors if "503" in e], page_log.console_errors
    page_log.console_errors[:] = [e for e in page_log.console_errors if "503" not in e]


def test_the_prefetched_worker_is_the_one_maplibre_asks_for(page: Any, app_url: str, tools: Any) -> None:
    """The head prefetches MapLibre's worker; a different URL (version, path) would load it twice."""
    from dashboard.app import MAPLIBRE_WORKER

    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "maplibre-gl-worker" in request.url else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app_url + "/")
    tools.wait_for_dash(page)
    page.wait_for_function("() => { const r = window.stadtkarteMap.rendered(); return !!r && r.markers > 0; }")
    assert asked and {url.removeprefix(app_url) for url in asked} == {MAPLIBRE_WORKER}, asked


def test_what_a_resident_does_before_the_page_starts_is_carried_over(page: Any, app_url: str, tools: Any) -> None:
    """Filters, search text, sort and the open filter panel of the first view reach Dash's page."""
    page.set_viewport_size(PHONE)
    held = Held(page, DASH_FILES)
    page.goto(app_url + "/")
    page.wait_for_function("() => !!window.stadtkarteFilters")
    # on a phone the first view's filter panel is folded and says so; its toggle opens it
    assert page.get_attribute("#fv-filter-toggle", "aria-expanded") == "false"
    assert not page.is_visible("#fv-filter-panel")
    page.click("#fv-filter-toggle")
    assert page.is_visible("#fv-filter-panel")
    page.click("#first-view button[data-filter='categories'][data-value='counselling']")
    page.click("#first-view button[data-sort='district']")
    page.fill("#fv-search", "Oßweil")
    assert page.get_attribute("#first-view button[data-value='counselling']", "aria-pressed") == "true"
    assert page.get_attribute("#first-view button[data-sort='district']", "aria-checked") == "true"
    assert "sort=" not in page.url  # the address changes once Dash's page has the view

    held.release()
    tools.wait_for_dash(page)
    page.wait_for_selector("#first-view", state="detached")
    page.wait_for_function("() => document.querySelectorAll('#offer-list li[data-offer-id]').length === 1")
    assert page.inner_text("#offer-list li[data-offer-id]").startswith("Beratung Oßweil")
    assert page.get_attribute("#filter-panel button[data-value='counselling']", "aria-pressed") == "true"
    assert page.get_attribute("button[data-sort='district']", "aria-checked") == "true"
    assert page.get_attribute("#filter-toggle", "aria-expanded") == "true" and page.is_visible("#filter-panel")
    assert page.input_value("#search") == "Oßweil"
    assert page.evaluate("() => document.activeElement.id") == "search"  # typing goes on where it was
    page.wait_for_function(
        "() => /category=counselling/.test(location.search) && /sort=district/.test(location.search)"
    )


def test_an_offer_tapped_before_the_page_starts_opens_once_it_has(page: Any, app_url: str, tools: Any) -> None:
    page.set_viewport_size(PHONE)
    held = Held(page, DASH_FILES)
    page.goto(app_url + "/")
    page.wait_for_function("() => !!window.stadtkarteFilters")
    page.click("#first-view button[data-offer-id='o3']")
    assert page.get_attribute("#first-view button[data-offer-id='o3']", "aria-busy") == "true"
    held.release()
    tools.wait_for_dash(page)
    page.wait_for_function("() => (document.getElementById('detail-heading') || {}).textContent === 'Beratung Oßweil'")
    assert "offer=o3" in page.url


def test_the_map_is_drawn_without_the_offers_names_and_a_tap_waits_for_them(page: Any, app_url: str) -> None:
    """Names and ids (tooltips, clicks) are a second file: the markers do not wait for it, a tap does."""
    page.set_viewport_size({"width": 1280, "height": 900})
    held = Held(page, "**/_map/points/**/details.json")
    page.goto(app_url + "/")
    page.wait_for_selector("#first-view", state="detached", timeout=20_000)  # Dash has taken over (held: no network idle)
    page.wait_for_function("() => { const r = window.stadtkarteMap.rendered(); return !!r && r.markers > 0; }")
    for _ in range(50):
        if held.routes:
            break
        page.wait_for_timeout(100)
    assert held.routes, "the details file was not asked for once the points had arrived"
    assert page.evaluate("() => window.stadtkarteMap.hover(0)") is None  # no names yet
    at = page.evaluate(MARKER_AT_JS, [9.22, 48.89])
    page.mouse.click(at["x"], at["y"])
    page.wait_for_timeout(300)
    assert not page.query_selector("#detail-heading")
    held.release()
    page.wait_for_function("() => (document.getElementById('detail-heading') || {}).textContent === 'Beratung Oßweil'")
    assert page.evaluate("() => window.stadtkarteMap.detailed()") is True


def test_keyboard_focus_in_the_first_view_moves_to_the_same_control_of_dashs_page(
    page: Any, app_url: str, tools: Any
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    held = Held(page, DASH_FILES)
    page.goto(app_url + "/")
    page.focus("#first-view a.skip-link[href='#fv-main']")
    held.release()
    tools.wait_for_dash(page)
    assert page.evaluate("() => document.activeElement.matches(\"a.skip-link[href='#main']\")")
    assert page.evaluate("() => !document.activeElement.closest('#first-view')")


#: Boxes that must not move when Dash's page replaces the server's copy (first view id, Dash's id).
SAME_PLACE = (
    ("#fv-search", "#search"),  # Dash 4 wraps its input: the wrapper carries the class and the box
    ("#fv-offer-list li[data-offer-id]", "#offer-list li[data-offer-id]"),
    ("#fv-filter-toggle", "#filter-toggle"),
)
BOX_JS = """(sel) => { let el = document.querySelector(sel); if (!el) return null;
  if (el.classList.contains('dash-input-element')) el = el.parentElement;
  const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round); }"""


@pytest.mark.parametrize(("width", "lang"), [(1280, "de"), (375, "ar")])
def test_the_hand_over_moves_nothing(page: Any, app_url: str, tools: Any, width: int, lang: str) -> None:
    """Dash's page replaces the server's copy: the search box, the first offer and the filter toggle stay put."""
    page.set_viewport_size({"width": width, "height": 900})
    held = Held(page, DASH_FILES)
    page.goto(f"{app_url}/?lang={lang}")
    page.wait_for_selector("#fv-offer-list li[data-offer-id]")
    before = {copy: page.evaluate(BOX_JS, copy) for copy, _ in SAME_PLACE}
    held.release()
    tools.wait_for_dash(page)
    for copy, dash in SAME_PLACE:
        assert page.evaluate(BOX_JS, dash) == before[copy], (copy, dash)
