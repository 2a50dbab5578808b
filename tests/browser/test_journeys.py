"""User journeys through the dashboard in headless Chromium (issue 3).

Every test runs under the ``page`` fixture of ``conftest.py``, which fails it on
any console error, uncaught page error or request that leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

PAGES = [
    "/",
    "/?lang=ar&language=ar",
    "/?lang=uk&category=counselling",
    "/barrierefreiheit",
    "/barrierefreiheit?lang=tr",
]


def open_page(tools: Any, page: Any, url: str) -> None:
    page.goto(url)
    tools.wait_for_dash(page)
    page.wait_for_selector("#result-count, .statement")


def count(page: Any) -> int:
    return int(page.inner_text("#result-count"))


def wait_count(page: Any, expected: int) -> None:
    page.wait_for_function(
        "(n) => document.getElementById('result-count') && document.getElementById('result-count').textContent.trim() === String(n)",
        arg=expected,
        timeout=10_000,
    )


def listed_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all("#offer-list li[data-offer-id]", "els => els.map(e => e.dataset.offerId)")


def toggle(page: Any, field: str, value: str) -> Any:
    return page.locator(f"button[data-filter='{field}'][data-value='{value}']")


def api_ids(base: str, query: str) -> list[str]:
    with urllib.request.urlopen(f"{base}/api/offers.geojson{query}", timeout=10) as response:  # 127.0.0.1 only
        return [f["properties"]["id"] for f in json.load(response)["features"]]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_offline_and_passes_axe(page: Any, app_url: str, path: str, tools: Any) -> None:
    open_page(tools, page, app_url + path)
    assert page.locator("header").count() >= 1 and page.locator("main").count() == 1
    assert page.locator("footer").count() >= 1 and page.locator("h1").count() == 1
    assert page.locator("a.skip-link").first.get_attribute("href") == "#main"
    violations = tools.axe(page)
    assert violations == [], tools.describe_violations(violations)


def test_filter_by_language_and_target_group_agrees_with_list_and_api(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    total = count(page)
    assert total == 5 and sorted(listed_ids(page)) == api_ids(app_url, "")
    toggle(page, "languages", "ar").click()
    wait_count(page, 1)
    toggle(page, "target_groups", "women").click()
    toggle(page, "target_groups", "families").click()  # OR within the target groups
    page.wait_for_function("() => location.search.includes('families')")
    query = urlsplit(page.url).query
    assert "language=ar" in query and "target=women,families" in query
    assert count(page) == 1
    assert listed_ids(page) == api_ids(app_url, "?" + query) == ["o1"]
    assert toggle(page, "languages", "ar").get_attribute("aria-pressed") == "true"
    geojson_href = page.get_attribute("#download-geojson", "href")
    assert geojson_href == "/api/offers.geojson?" + query


def test_resident_finds_the_language_cafe_by_search(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/?lang=tr")
    page.fill("#search", "Sprach")  # the café's name and the course's category label ("Sprachkurse")
    wait_count(page, 2)
    page.fill("#search", "Sprachcaf")
    wait_count(page, 1)
    assert listed_ids(page) == ["o1"]
    page.fill("#search", "nirgendwo")
    wait_count(page, 0)
    page.locator("#offer-list button[data-action='reset']").click()
    wait_count(page, 5)
    assert page.input_value("#search") == ""


def test_open_a_detail_with_the_keyboard(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/?language=ar")
    page.locator("button[data-sort='district']").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.offerId") == "o1"
    page.keyboard.press("Enter")
    page.wait_for_selector("#detail-heading")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'detail-heading'")
    detail = page.inner_text("#offer-detail")
    assert "Sprachcafé Frauen" in detail and "Marktplatz 1" in detail and "Mi 15-17 Uhr" in detail
    assert page.get_attribute("#offer-detail a[href^='tel:']", "href") == "tel:+497141000000"
    hrefs = page.eval_on_selector_all("#offer-detail a", "els => els.map(a => a.getAttribute('href'))")
    # safe schemes only; same-site links (e.g. "Fehler melden" -> /melden?offer=...) start with "/"
    assert all(
        (h.startswith("/") and not h.startswith("//")) or h.split(":")[0] in ("http", "https", "mailto", "tel")
        for h in hrefs
    )


def test_url_round_trip(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/?category=counselling&language=uk,tr")
    assert toggle(page, "categories", "counselling").get_attribute("aria-pressed") == "true"
    assert toggle(page, "languages", "uk").get_attribute("aria-pressed") == "true"
    assert toggle(page, "languages", "tr").get_attribute("aria-pressed") == "true"
    assert count(page) == 2 and sorted(listed_ids(page)) == ["o2", "o3"]
    toggle(page, "districts", "ossweil").click()
    wait_count(page, 1)
    page.wait_for_function("() => location.search.includes('district=ossweil')")
    shared = page.url
    open_page(tools, page, shared)  # the colleague opens the shared link
    assert count(page) == 1 and listed_ids(page) == ["o3"]
    assert toggle(page, "districts", "ossweil").get_attribute("aria-pressed") == "true"


def test_filter_changes_keep_url_parameters_the_filters_do_not_own(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/?mode=workshop&compare=mitte,ossweil&category=counselling")
    page.evaluate("() => document.getElementById('filter-panel').classList.remove('collapsed')")
    toggle(page, "languages", "uk").evaluate("el => el.click()")
    page.wait_for_function("() => location.search.includes('language=uk')")
    assert "mode=workshop" in page.url and "compare=mitte,ossweil" in page.url
    assert "category=counselling" in page.url


def test_unknown_url_values_show_a_notice(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/?category=bogus&language=ar")
    assert "bogus" in page.inner_text("#notices")
    assert count(page) == 1


def test_switch_to_arabic_keeps_the_view_and_turns_right_to_left(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/?language=ar")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.click("#lang-link-ar")
    page.wait_for_url("**lang=ar**")
    tools.wait_for_dash(page)
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert count(page) == 1
    assert "العربية" in page.inner_text("#lang-switch")
    violations = tools.axe(page)
    assert violations == [], tools.describe_violations(violations)


def test_phone_width_filters_collapsible_and_map_list_switchable(
    page: Any, app_url: str, output_path: str, tools: Any
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    open_page(tools, page, app_url + "/")
    toggle_button = page.locator("#filter-toggle")
    assert toggle_button.is_visible() and toggle_button.get_attribute("aria-expanded") == "false"
    assert not page.locator("#filter-panel").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    toggle_button.click()
    assert page.locator("#filter-panel").is_visible() and toggle_button.get_attribute("aria-expanded") == "true"
    toggle(page, "languages", "ar").click()
    wait_count(page, 1)
    page.click("button[data-view='map']")
    assert page.locator("#map-section").is_visible() and not page.locator("#list-section").is_visible()
    page.click("button[data-view='list']")
    assert page.locator("#list-section").is_visible() and not page.locator("#map-section").is_visible()
    page.screenshot(path=str(Path(output_path) / "phone-375.png"), full_page=True)
    violations = tools.axe(page)
    assert violations == [], tools.describe_violations(violations)


def test_list_sorts_and_pages_with_more(
    page: Any, serve: Any, tmp_path: Path, browser_dataset: Any, tools: Any
) -> None:
    offers = [
        browser_dataset.offer(
            f"n{i:03d}",
            f"Angebot {i:03d}",
            9.19 + (i % 2) * 0.025,
            48.895,
            ("mitte", "ossweil")[i % 2],
            category="culture",
        )
        for i in range(120)
    ]
    browser_dataset.write(tmp_path, offers)
    open_page(tools, page, serve(tmp_path) + "/")
    assert count(page) == 120
    assert listed_ids(page) == [f"n{i:03d}" for i in range(50)]
    page.click("#more-offers")
    page.wait_for_function("() => document.querySelectorAll('#offer-list li[data-offer-id]').length === 100")
    page.click("#more-offers")
    page.wait_for_function("() => document.querySelectorAll('#offer-list li[data-offer-id]').length === 120")
    assert page.locator("#more-offers").is_hidden()
    page.click("button[data-sort='district']")
    page.wait_for_function("() => document.querySelector('#offer-list li[data-offer-id]').dataset.offerId === 'n000'")
    page.wait_for_function(
        "() => document.querySelectorAll('#offer-list li[data-offer-id]')[1].dataset.offerId === 'n002'"
    )
    assert count(page) == 120


# --------------------------------------------------------------------------- issue 12: history, URL, empty result, detail


def test_back_undoes_a_filter_and_forward_redoes_it(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    toggle(page, "languages", "ar").click()
    wait_count(page, 1)
    page.wait_for_function("() => location.search.includes('language=ar')")
    toggle(page, "target_groups", "women").click()
    page.wait_for_function("() => location.search.includes('target=women')")
    page.go_back()
    page.wait_for_function("() => !location.search.includes('target=women')")
    assert "language=ar" in page.url
    wait_count(page, 1)
    assert toggle(page, "target_groups", "women").get_attribute("aria-pressed") == "false"
    page.go_back()
    wait_count(page, 5)
    assert urlsplit(page.url).query == "" and page.url.startswith(app_url)  # still in the app
    assert toggle(page, "languages", "ar").get_attribute("aria-pressed") == "false"
    page.go_forward()
    wait_count(page, 1)
    assert toggle(page, "languages", "ar").get_attribute("aria-pressed") == "true"


def test_back_restores_the_search_text(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    page.fill("#search", "Sprachcafé")
    wait_count(page, 1)
    page.wait_for_function("() => location.search.includes('q=')")
    page.go_back()
    wait_count(page, 5)
    assert page.input_value("#search") == ""


def test_offer_and_sort_are_in_the_url_and_survive_a_language_switch(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    page.click("button[data-sort='district']")
    page.wait_for_function("() => location.search.includes('sort=district')")
    page.click("#offer-list button[data-offer-id='o3']")
    page.wait_for_function("() => location.search.includes('offer=o3')")
    page.click("#lang-link-ar")
    page.wait_for_function("() => document.documentElement.lang === 'ar'")
    tools.wait_for_dash(page)
    query = urlsplit(page.url).query
    assert "lang=ar" in query and "offer=o3" in query and "sort=district" in query
    assert page.inner_text("#detail-heading") == "Beratung Oßweil"
    assert page.get_attribute("button[data-sort='district']", "aria-checked") == "true"
    page.go_back()  # back to the German page with the same offer open
    page.wait_for_function("() => document.documentElement.lang === 'de'")
    tools.wait_for_dash(page)
    page.wait_for_selector("#detail-heading")
    assert page.inner_text("#detail-heading") == "Beratung Oßweil"


def test_no_result_message_and_suggestion_above_map_and_list(page: Any, app_url: str, tools: Any) -> None:
    open_page(tools, page, app_url + "/")
    page.fill("#search", "Beratnug")
    wait_count(page, 0)
    notice = page.locator("#empty-notice")
    notice.wait_for(state="visible")
    assert notice.get_attribute("role") == "status"
    box = notice.bounding_box()
    viewport = page.viewport_size
    assert box["y"] + box["height"] <= viewport["height"], "the message is below the fold"
    assert box["y"] < page.locator("#map-section").bounding_box()["y"]
    assert notice.locator("button[data-action='reset']").is_visible()
    page.click("#search-suggestion")
    page.wait_for_function("() => Number(document.getElementById('result-count').textContent) > 0")
    assert page.input_value("#search") == "Beratung"
    assert notice.is_hidden()


def test_detail_beside_the_map_without_mid_word_breaks(
    page: Any, serve: Any, tmp_path: Path, browser_dataset: Any, tools: Any
) -> None:
    long = browser_dataset.offer(
        "w1",
        "Beispielangebot Integrationsberatung",
        9.19,
        48.895,
        "mitte",
        organization="Beispielträger Ehrenamtsnetz e. V.",
        accessibility_details="Rollstuhlgerechter Eingang, Behindertentoilette im Erdgeschoss",
        opening_hours="Montag bis Freitag 9:00–12:00",
        street="Schillerstraße",
        house_number="12",
        postal_code="71638",
    )
    open_page(tools, page, serve(browser_dataset.write(tmp_path, [long])) + "/")
    page.click("#offer-list button[data-offer-id='w1']")
    page.wait_for_selector("#detail-heading")
    detail = page.locator("#offer-detail").bounding_box()
    graph = page.locator("#offer-map").bounding_box()
    assert detail["x"] >= graph["x"] + graph["width"] - 1, "the detail panel is not beside the map"
    assert detail["y"] < page.viewport_size["height"] / 2, "the detail panel is out of sight"
    split = page.evaluate(
        """() => {
          const out = [];
          for (const dd of document.querySelectorAll('#offer-detail dd, #offer-detail dt')) {
            const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
              const re = /\\S+/g; let m;
              while ((m = re.exec(node.textContent))) {
                const range = document.createRange();
                range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
                const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                if (tops.size > 1) { out.push(m[0]); }
              }
            }
          }
          return out;
        }"""
    )
    assert split == [], f"words broken across lines: {split}"
