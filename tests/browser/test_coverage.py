"""Coverage page, district profile and workshop mode in a real (offline) Chromium.

Dataset: ``tests/dashboard/coverage/data`` (Mitte 3,000 and
Oßweil 1,000 residents; Mitte 3 offers, Oßweil 2), so the ranking by offers per 1,000
residents is Oßweil (2.0) then Mitte (1.0).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: The coverage room's test dataset (a build output folder).
COVERAGE_DATA = Path(__file__).resolve().parents[1] / "dashboard" / "coverage" / "data"


@pytest.fixture(scope="module")
def cov_url(tmp_path_factory: pytest.TempPathFactory, tools: Any) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("cov-browser") / "data"
    shutil.copytree(COVERAGE_DATA, data_dir)
    with tools.serve_app(tools.create_dashboard(data_dir)) as url:
        yield url


def shots(output_path: str) -> Path:
    path = Path(output_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def focused(page: Any) -> str:
    return page.get_attribute("#cov-focus-panel", "data-district") or ""


def wait_focus(page: Any, district: str) -> None:
    page.wait_for_function(
        "(d) => document.getElementById('cov-focus-panel').getAttribute('data-district') === d", arg=district
    )


def test_coverage_page_offline_with_tables_and_axe(page: Any, cov_url: str, output_path: str, tools: Any) -> None:
    page.goto(cov_url + "/coverage")
    tools.wait_for_dash(page)
    page.wait_for_selector("#cov-choropleth .js-plotly-plot, #cov-choropleth.js-plotly-plot", state="attached")
    rows = page.locator("#cov-tables tbody tr th[scope='row']").all_inner_texts()
    assert rows == ["Oßweil", "Mitte", "Stadtdurchschnitt"]  # 2.0, 1.0 per 1,000; city 1.25
    assert (
        page.locator("#cov-tables caption").inner_text().endswith("Einwohner verteilt auf Stadtteilfläche (Näherung)")
    )
    assert page.locator(".method-note").count() >= 4  # next to every figure
    # white spots are marked with a symbol and words, not colour alone
    assert page.locator("#cov-heat-table td.white-spot").count() > 0
    assert page.locator("#cov-heat-table td.white-spot").first.inner_text() == "–"
    assert "– = kein Angebot" in page.locator("#cov-heat-table caption").inner_text()
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)
    page.screenshot(path=str(shots(output_path) / "coverage-1280.png"), full_page=False)
    page.locator("#cov-heatmap").screenshot(path=str(shots(output_path) / "coverage-heat-1280.png"))


def test_metric_switch_and_click_to_focus(page: Any, cov_url: str, tools: Any) -> None:
    page.goto(cov_url + "/coverage?category=counselling")
    tools.wait_for_dash(page)
    page.check("input[name='cov-metric-choice'][value='within_1000']")
    page.wait_for_function("() => document.getElementById('cov-summary').innerText.includes('1.000 m')")
    page.wait_for_function("() => window.location.search.includes('metric=within_1000')")
    assert "category=counselling" in page.url  # the shared filters stay in the URL
    page.click("#cov-tables button[data-district='mitte']")
    wait_focus(page, "mitte")
    page.wait_for_function("() => window.location.search.includes('district_focus=mitte')")
    assert "Mitte" in page.inner_text("#cov-focus-body")
    # the focus is marked in the bar chart by a symbol too
    labels = page.evaluate("() => document.getElementById('cov-bars').querySelector('.js-plotly-plot').data[0].y")
    assert "▶ Mitte" in labels


def test_clicking_a_bar_focuses_the_district(page: Any, cov_url: str, tools: Any) -> None:
    page.goto(cov_url + "/coverage")
    tools.wait_for_dash(page)
    page.wait_for_selector("#cov-bars .trace.bars .point path")
    # bars run from the lowest value (bottom) to the highest: Mitte 1.0 is the first point
    page.locator("#cov-bars .trace.bars .point path").first.click(force=True)
    wait_focus(page, "mitte")
    assert "Mitte" in page.inner_text("#cov-focus-body")


def test_district_profile_prints_cleanly(page: Any, cov_url: str, output_path: str, tools: Any) -> None:
    page.goto(cov_url + "/profile?district=ossweil")
    tools.wait_for_dash(page)
    text = page.inner_text("main")
    assert "Oßweil" in text and "Rang 1 von 2" in text and "Українська" in text
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)
    page.emulate_media(media="print")
    assert not page.is_visible(".site-header") and not page.is_visible(".site-footer")
    assert page.is_visible(".profile")
    page.screenshot(path=str(shots(output_path) / "profile-print.png"), full_page=True)  # what the PDF shows
    pdf = shots(output_path) / "profile.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.stat().st_size > 1000
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))], check=True
        )


def test_workshop_mode_steps_through_districts_with_the_keyboard(
    page: Any, cov_url: str, output_path: str, tools: Any
) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(cov_url + "/coverage?mode=workshop&compare=mitte,ossweil")
    tools.wait_for_dash(page)
    assert page.evaluate("() => document.body.classList.contains('workshop')")
    base_px = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert base_px >= 24
    assert not page.is_visible("#filter-panel")  # controls reduced to the essentials
    assert page.locator(".compare-col").count() == 2
    order = page.get_attribute("#cov-order", "data-order").split()
    assert order == ["ossweil", "mitte"]
    assert focused(page) == ""
    page.keyboard.press("ArrowRight")
    wait_focus(page, "ossweil")
    page.keyboard.press("PageDown")
    wait_focus(page, "mitte")
    page.keyboard.press("ArrowLeft")
    wait_focus(page, "ossweil")
    assert "Oßweil" in page.inner_text("#cov-focus-body")
    assert "mode=workshop" in page.url
    page.screenshot(path=str(shots(output_path) / "workshop-1920.png"))
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)
    # notes + figures download
    page.fill("#cov-notes", "Oßweil: Sprachkurs fehlt")
    with page.expect_download() as info:
        page.click("#cov-notes-download")
    body = Path(info.value.path()).read_text(encoding="utf-8")
    assert "Oßweil: Sprachkurs fehlt" in body and "| 1 | Oßweil |" in body


def test_workshop_mode_on_the_map_page(page: Any, cov_url: str, tools: Any) -> None:
    page.goto(cov_url + "/?mode=workshop")
    tools.wait_for_dash(page)
    assert page.evaluate("() => document.documentElement.classList.contains('workshop')")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 24


def test_filtering_on_the_map_page_of_an_app_with_coverage_has_no_console_error(
    page: Any, cov_url: str, tools: Any
) -> None:
    # the coverage callbacks share the filter store with the map page; mixing them with the
    # coverage-only stores once raised "nonexistent object used in an Input" here (the page
    # fixture fails the test on any console error)
    page.goto(cov_url + "/?district_focus=ossweil")
    tools.wait_for_dash(page)
    page.locator("#filter-panel button[aria-pressed]").first.click()
    page.wait_for_function("() => location.search.includes('category=')")
    page.fill("#search", "kurs")
    page.wait_for_function("() => location.search.includes('q=kurs')")
    assert "district_focus=ossweil" in page.url


def test_filtering_on_the_coverage_page_has_no_console_error(page: Any, cov_url: str, tools: Any) -> None:
    # the map's list callback listened to the shared filter store and fired here too, logging
    # "nonexistent object ... list-store" on every filter change (the page fixture fails on it)
    page.goto(cov_url + "/coverage")
    tools.wait_for_dash(page)
    before = page.inner_text("#cov-summary")
    page.locator("#filter-panel button[aria-pressed]").first.click()
    page.wait_for_function("() => location.search.includes('category=')")
    page.fill("#search", "kurs")
    page.wait_for_function("() => location.search.includes('q=kurs')")
    # the coverage callback answered the change (and with it every other callback of the change)
    page.wait_for_function("(b) => document.getElementById('cov-summary').innerText !== b", arg=before)


def test_arabic_coverage_page_is_right_to_left_without_overflow(page: Any, cov_url: str, tools: Any) -> None:
    page.goto(cov_url + "/coverage?lang=ar&metric=within_1000")
    tools.wait_for_dash(page)
    page.wait_for_selector("#cov-bars .ytick text")
    assert page.get_attribute("html", "dir") == "rtl"
    # Plotly's labels stay inside their charts and wide tables scroll inside their region
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)


def test_language_links_keep_the_pages_own_parameters(page: Any, cov_url: str, tools: Any) -> None:
    page.goto(cov_url + "/profile?district=ossweil")
    tools.wait_for_dash(page)
    page.click("#lang-link-en")
    page.wait_for_url("**/profile?*lang=en*")
    assert "district=ossweil" in page.url
    tools.wait_for_dash(page)
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h2, h1").filter(has_text="Oßweil").count() >= 1


def test_page_keys_scroll_outside_workshop_mode(page: Any, cov_url: str, tools: Any) -> None:
    # issue 13 (2.1.1): outside workshop mode PageDown / arrows scroll and never change the district
    page.set_viewport_size({"width": 1280, "height": 500})
    page.goto(cov_url + "/coverage")
    tools.wait_for_dash(page)
    page.wait_for_selector("#cov-tables button[data-district]")
    assert page.evaluate("() => document.documentElement.scrollHeight") > 800
    page.keyboard.press("PageDown")
    page.wait_for_function("() => window.scrollY > 0")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert focused(page) == ""
    assert "district_focus" not in page.url


def test_workshop_keys_skip_tables_announce_and_keep_focus(page: Any, cov_url: str, tools: Any) -> None:
    page.goto(cov_url + "/coverage?mode=workshop")
    tools.wait_for_dash(page)
    page.wait_for_selector("#cov-tables button[data-district='mitte']")
    # from the page itself the clicker keys step and the new district is announced politely
    page.keyboard.press("PageDown")
    wait_focus(page, "ossweil")
    region = page.locator("#cov-announce")
    assert region.get_attribute("aria-live") == "polite"
    assert region.inner_text() == "Oßweil"
    # activating a district button re-renders the tables: focus stays on that district, not <body>
    page.focus("#cov-tables button[data-district='mitte']")
    page.keyboard.press("Enter")
    wait_focus(page, "mitte")
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.activeElement !== document.body")
    assert page.evaluate("() => document.activeElement.getAttribute('data-district')") == "mitte"
    # from inside a table (a district button) the keys keep their own meaning
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)
    assert focused(page) == "mitte"


def test_workshop_notes_survive_a_reload_per_district(page: Any, cov_url: str, tools: Any) -> None:
    # issue 12 item 7: notes kept per page + district (localStorage) and part of the download
    page.goto(cov_url + "/coverage?mode=workshop&district_focus=mitte")
    tools.wait_for_dash(page)
    wait_focus(page, "mitte")
    page.fill("#cov-notes", "Mitte: Treffpunkt fehlt")
    page.reload()
    tools.wait_for_dash(page)
    page.wait_for_function("() => document.getElementById('cov-notes').value === 'Mitte: Treffpunkt fehlt'")
    with page.expect_download() as info:
        page.click("#cov-notes-download")
    body = Path(info.value.path()).read_text(encoding="utf-8")
    assert "Mitte: Treffpunkt fehlt" in body and "## Stadtteil: Mitte" in body
    # another district has its own notes
    page.focus("#cov-tables button[data-district='ossweil']")
    page.keyboard.press("Enter")
    wait_focus(page, "ossweil")
    page.wait_for_function("() => document.getElementById('cov-notes').value === ''")
