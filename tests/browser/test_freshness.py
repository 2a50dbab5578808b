"""Unconfirmed entries in the browser: faded with "nicht bestätigt seit <date>"; the filter "nur bestätigte Angebote"."""

from __future__ import annotations

import copy
import json
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import pytest

SINCE = "2026-10-15"


@pytest.fixture
def site(tmp_path: Any, browser_dataset: Any, serve: Any) -> str:
    """The tiny browser dataset with o2 unconfirmed since :data:`SINCE`, served on 127.0.0.1."""
    offers = copy.deepcopy(list(browser_dataset.offers))
    offers[1]["properties"]["unconfirmed_since"] = SINCE
    return str(serve(browser_dataset.write(tmp_path / "data", offers)))


def open_map(tools: Any, page: Any, url: str) -> None:
    page.goto(url)
    tools.wait_for_dash(page)
    page.wait_for_selector("#offer-list li[data-offer-id]")


def wait_count(page: Any, expected: int) -> None:
    page.wait_for_function(
        "(n) => (document.getElementById('result-count') || {}).textContent === String(n)", arg=expected, timeout=10_000
    )


def listed_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all("#offer-list li[data-offer-id]", "els => els.map(e => e.dataset.offerId)")


def api_ids(base: str, query: str) -> list[str]:
    with urllib.request.urlopen(f"{base}/api/offers.geojson{query}", timeout=10) as response:  # 127.0.0.1 only
        return [f["properties"]["id"] for f in json.load(response)["features"]]


def test_unconfirmed_entry_is_faded_and_the_filter_hides_it(page: Any, site: str, tools: Any) -> None:
    open_map(tools, page, site + "/")
    faded = page.locator("#offer-list li[data-offer-id='o2']")
    assert "unconfirmed" in (faded.get_attribute("class") or "")
    assert "nicht bestätigt seit 15.10.2026" in faded.inner_text()
    assert "unconfirmed" not in (page.locator("#offer-list li[data-offer-id='o1']").get_attribute("class") or "")
    violations = tools.axe(page)
    assert violations == [], tools.describe_violations(violations)

    toggle = page.locator("button[data-filter='confirmed'][data-value='1']")
    assert toggle.inner_text() == "nur bestätigte Angebote" and toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    wait_count(page, 4)
    page.wait_for_function("() => location.search.includes('confirmed=1')")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert "o2" not in listed_ids(page)
    assert sorted(listed_ids(page)) == sorted(api_ids(site, "?" + urlsplit(page.url).query))
    page.go_back()  # Back undoes the filter
    wait_count(page, 5)
    assert toggle.get_attribute("aria-pressed") == "false"


def test_a_shared_link_with_confirmed_opens_filtered_in_arabic(page: Any, site: str, tools: Any) -> None:
    open_map(tools, page, site + "/?lang=ar&confirmed=1")
    wait_count(page, 4)
    assert "o2" not in listed_ids(page)
    toggle = page.locator("button[data-filter='confirmed'][data-value='1']")
    assert toggle.get_attribute("aria-pressed") == "true" and toggle.inner_text() == "الخدمات المؤكدة فقط"
