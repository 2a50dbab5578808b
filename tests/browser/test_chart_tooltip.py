"""The coverage charts' own tooltips in Chromium (issue 13, WCAG 1.4.13: hoverable, persistent, dismissable).

Dataset: ``tests/dashboard/coverage/data`` (Mitte 1.0 and Oßweil 2.0 offers per 1,000 residents).
Plotly's label lived in the chart's SVG hover layer and vanished as soon as the pointer moved onto
it; ``assets/chart_tooltip.js`` shows the server-built text in an element of its own instead. Each
test fails on the code before: there was no ``#chart-tooltip`` at all.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

COVERAGE_DATA = Path(__file__).resolve().parents[1] / "dashboard" / "coverage" / "data"
TOOLTIP = "#chart-tooltip"
#: Arabic letters (the tooltip of an Arabic page is written in Arabic where words are involved).
ARABIC = re.compile("[\u0600-\u06ff]")
#: Right-to-left isolate and pop isolate around a tooltip on an Arabic page (as the charts' titles).
RLI, PDI = "\u2067", "\u2069"


@pytest.fixture(scope="module")
def cov_url(tmp_path_factory: pytest.TempPathFactory, tools: Any) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("tooltip-browser") / "data"
    shutil.copytree(COVERAGE_DATA, data_dir)
    with tools.serve_app(tools.create_dashboard(data_dir)) as url:
        yield url


def open_settled(page: Any, url: str, tools: Any) -> None:
    """Open ``url`` and wait until every chart is drawn and no callback redraws one any more."""
    page.goto(url)
    tools.wait_for_dash(page)
    for selector in ("#cov-bars .trace.bars .point path", "#cov-heatmap .hm", "#cov-curve .scatterlayer .point"):
        page.wait_for_selector(selector, state="attached")
    page.wait_for_selector("#cov-choropleth canvas", state="attached")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)


def centre_of(page: Any, selector: str) -> tuple[float, float]:
    """The viewport position of the middle of ``selector``'s first element (scrolled into view)."""
    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def tooltip_box(page: Any) -> dict[str, float]:
    box = page.locator(TOOLTIP).bounding_box()
    assert box is not None
    return box


def hover_shows(page: Any, x: float, y: float) -> str:
    """Move the pointer to (x, y) in one step (no other point on the way) and return the tooltip's text."""
    page.mouse.move(x, y)
    page.wait_for_selector(TOOLTIP, state="visible", timeout=5_000)
    return page.locator(TOOLTIP).inner_text()


def onto_tooltip(page: Any) -> None:
    """Move the pointer from where it is onto the middle of the tooltip, in small steps (as a hand does)."""
    box = tooltip_box(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)


def assert_inside_viewport(page: Any) -> None:
    box = tooltip_box(page)
    size = page.viewport_size
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"], box


def test_bar_tooltip_stays_while_the_pointer_is_on_it_and_escape_closes_it_de(
    page: Any, cov_url: str, tools: Any
) -> None:
    open_settled(page, cov_url + "/coverage", tools)
    # bars run from the lowest value (bottom) to the highest: Mitte 1.0 is the first point
    x, y = centre_of(page, "#cov-bars .trace.bars .point path")
    assert hover_shows(page, x, y) == "Mitte: 1,0"  # the hovertemplate's text, German decimal comma
    assert page.get_attribute(TOOLTIP, "role") == "tooltip"
    # Plotly draws no label of its own any more
    assert page.evaluate("() => document.querySelector('#cov-bars .hoverlayer').textContent") == ""
    box = tooltip_box(page)
    assert box["x"] > x  # next to the pointer, on the reading side
    assert box["y"] < y < box["y"] + box["height"]
    assert_inside_viewport(page)
    violations = tools.axe(page)  # with the tooltip open
    assert not violations, tools.describe_violations(violations)
    # hoverable: the pointer moves onto the tooltip and it stays
    onto_tooltip(page)
    page.wait_for_timeout(800)
    assert page.is_visible(TOOLTIP) and page.inner_text(TOOLTIP) == "Mitte: 1,0"
    # persistent: back on the bar it stays too
    page.mouse.move(x, y, steps=4)
    page.wait_for_timeout(800)
    assert page.is_visible(TOOLTIP) and page.inner_text(TOOLTIP) == "Mitte: 1,0"
    # leaving the tooltip for a place with no chart closes it after a moment
    page.mouse.move(5, 5, steps=4)
    page.wait_for_selector(TOOLTIP, state="hidden", timeout=3_000)
    # dismissable: Escape closes it without moving the pointer, and it stays closed while the
    # pointer stays on the bar
    assert hover_shows(page, x, y) == "Mitte: 1,0"
    page.keyboard.press("Escape")
    page.wait_for_selector(TOOLTIP, state="hidden", timeout=1_000)
    page.mouse.move(x + 2, y + 1)
    page.wait_for_timeout(500)
    assert not page.is_visible(TOOLTIP)
    # once the pointer has left the bar, hovering it again shows the tooltip again
    page.mouse.move(5, 5, steps=2)
    page.wait_for_timeout(100)
    assert hover_shows(page, x, y) == "Mitte: 1,0"


def test_the_pointer_may_cross_empty_chart_on_its_way_to_the_tooltip(page: Any, cov_url: str, tools: Any) -> None:
    open_settled(page, cov_url + "/coverage", tools)
    bar = page.locator("#cov-bars .trace.bars .point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box is not None
    # hovered at the bar's end, the tooltip starts beyond it: on the way the pointer leaves the bar
    # (Plotly ends the hover) and the tooltip waits for it
    x, y = box["x"] + box["width"] - 2, box["y"] + box["height"] / 2
    assert hover_shows(page, x, y) == "Mitte: 1,0"
    assert tooltip_box(page)["x"] > box["x"] + box["width"]
    page.evaluate(
        """() => { window.__unhovered = 0;
                   document.querySelector('#cov-bars .js-plotly-plot').on('plotly_unhover', () => window.__unhovered++); }"""
    )
    onto_tooltip(page)
    page.wait_for_timeout(800)
    assert page.evaluate("() => window.__unhovered") >= 1  # the pointer did leave the bar
    assert page.is_visible(TOOLTIP) and page.inner_text(TOOLTIP) == "Mitte: 1,0"


def test_bar_tooltip_on_an_arabic_page_is_right_to_left_and_hoverable(page: Any, cov_url: str, tools: Any) -> None:
    open_settled(page, cov_url + "/coverage?lang=ar", tools)
    x, y = centre_of(page, "#cov-bars .trace.bars .point path")
    text = hover_shows(page, x, y)
    assert text == f"{RLI}Mitte: 1.0{PDI}"  # isolated like the charts' titles, Arabic page's notation
    assert page.evaluate("(s) => getComputedStyle(document.querySelector(s)).direction", TOOLTIP) == "rtl"
    box = tooltip_box(page)
    assert box["x"] + box["width"] < x  # the reading side of a right-to-left page: left of the pointer
    assert_inside_viewport(page)
    onto_tooltip(page)
    page.wait_for_timeout(800)
    assert page.is_visible(TOOLTIP) and page.inner_text(TOOLTIP) == text
    page.mouse.move(5, 5, steps=4)
    page.wait_for_selector(TOOLTIP, state="hidden", timeout=3_000)
    assert hover_shows(page, x, y) == text
    page.keyboard.press("Escape")
    page.wait_for_selector(TOOLTIP, state="hidden", timeout=1_000)


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_heatmap_cell_tooltip_names_district_and_category_and_is_hoverable(
    page: Any, cov_url: str, tools: Any, lang: str
) -> None:
    open_settled(page, cov_url + f"/coverage?lang={lang}", tools)
    header = page.locator("#cov-heat-table thead th").nth(1).inner_text().strip()  # the first category
    page.locator("#cov-heatmap").scroll_into_view_if_needed()
    box = page.locator("#cov-heatmap .hm").first.bounding_box()
    assert box is not None
    # the first row (Mitte) and the first column of the heatmap
    columns = page.evaluate(
        "() => document.getElementById('cov-heatmap').querySelector('.js-plotly-plot').data[0].x.length"
    )
    rows = page.evaluate(
        "() => document.getElementById('cov-heatmap').querySelector('.js-plotly-plot').data[0].y.length"
    )
    x, y = box["x"] + box["width"] / columns / 2, box["y"] + box["height"] / rows / 2
    text = hover_shows(page, x, y)
    plain = text.replace(RLI, "").replace(PDI, "")
    assert plain.startswith(f"Mitte · {header}: "), (plain, header)
    assert re.fullmatch(r"(–|\d+)", plain.rsplit(": ", 1)[1]), plain  # a count, or "–" for a white spot
    if lang == "ar":
        assert ARABIC.search(text) and text.startswith(RLI)
    assert_inside_viewport(page)
    # on its way to the tooltip the pointer does not switch it to the neighbouring cell
    onto_tooltip(page)
    page.wait_for_timeout(800)
    assert page.is_visible(TOOLTIP) and page.inner_text(TOOLTIP) == text
    page.keyboard.press("Escape")
    page.wait_for_selector(TOOLTIP, state="hidden", timeout=1_000)


def test_choropleth_district_and_distance_curve_show_the_tooltip(page: Any, cov_url: str, tools: Any) -> None:
    open_settled(page, cov_url + "/coverage", tools)
    # Mitte is the western one of the two districts: the middle of the map's left half
    page.locator("#cov-choropleth").scroll_into_view_if_needed()
    frame = page.locator("#cov-choropleth canvas").first.bounding_box()
    assert frame is not None
    # the district's name is written over its middle: hover a little beside it, on the map itself
    text = hover_shows(page, frame["x"] + frame["width"] * 0.3, frame["y"] + frame["height"] * 0.6)
    assert text == "Mitte: 1,0"
    assert_inside_viewport(page)
    onto_tooltip(page)
    page.wait_for_timeout(800)
    assert page.is_visible(TOOLTIP) and page.inner_text(TOOLTIP) == "Mitte: 1,0"
    page.mouse.move(5, 5, steps=4)
    page.wait_for_selector(TOOLTIP, state="hidden", timeout=3_000)
    # back onto the same district from outside the map: the tooltip shows again (Plotly's map traces
    # send no plotly_unhover when the pointer leaves the map)
    map_point = (frame["x"] + frame["width"] * 0.3, frame["y"] + frame["height"] * 0.6)
    assert hover_shows(page, *map_point) == "Mitte: 1,0"
    page.keyboard.press("Escape")
    page.wait_for_selector(TOOLTIP, state="hidden", timeout=1_000)
    page.mouse.move(5, 5, steps=2)
    assert hover_shows(page, *map_point) == "Mitte: 1,0"
    # the distance curve: a point's distance and share, in German notation
    x, y = centre_of(page, "#cov-curve .scatterlayer .point >> nth=3")
    text = hover_shows(page, x, y)
    assert re.fullmatch(r"\d{1,3}(\.\d{3})* m: \d{1,3},\d %", text), text


def test_workshop_tooltip_is_large_high_contrast_and_clicking_a_bar_still_focuses(
    page: Any, cov_url: str, tools: Any
) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_settled(page, cov_url + "/coverage?mode=workshop", tools)
    x, y = centre_of(page, "#cov-bars .trace.bars .point path")
    assert hover_shows(page, x, y) == "Mitte: 1,0"
    style = page.evaluate(
        """(s) => { const c = getComputedStyle(document.querySelector(s));
                    return {size: parseFloat(c.fontSize), color: c.color, background: c.backgroundColor}; }""",
        TOOLTIP,
    )
    assert style["size"] >= 24  # read from the back of the room
    assert contrast(style["color"], style["background"]) >= 4.5, style
    # the tooltip does not stand in the way of choosing the district by clicking its bar
    page.mouse.click(x, y)
    page.wait_for_function("() => document.getElementById('cov-focus-panel').getAttribute('data-district') === 'mitte'")
    # the re-drawn chart takes the stale tooltip away
    page.wait_for_selector(TOOLTIP, state="hidden", timeout=5_000)


def luminance(css: str) -> float:
    """Relative luminance (WCAG 2.1) of a CSS ``rgb()``/``rgba()`` colour."""
    channels = [int(v) / 255 for v in re.findall(r"\d+", css)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two opaque CSS colours."""
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_tooltip_text_is_set_as_text_with_only_line_breaks_as_markup(page: Any, cov_url: str, tools: Any) -> None:
    open_settled(page, cov_url + "/coverage", tools)
    # a district name as a city might type it: markup in it must show as the characters it is
    page.evaluate(
        """() => { const gd = document.querySelector('#cov-bars .js-plotly-plot');
                   gd.data[0].hovertext[0] = 'Mitte <img src=x onerror="window.__owned = 1"> & <b>Süd</b><br>1,0'; }"""
    )
    x, y = centre_of(page, "#cov-bars .trace.bars .point path")
    text = hover_shows(page, x, y)
    assert text == 'Mitte <img src=x onerror="window.__owned = 1"> & <b>Süd</b>\n1,0'
    assert page.evaluate("(s) => document.querySelector(s).querySelectorAll('*').length", TOOLTIP) == 1  # one <br>
    assert page.evaluate("(s) => document.querySelector(s).querySelector('br') !== null", TOOLTIP)
    assert page.evaluate("() => window.__owned") is None


def test_on_a_phone_the_tooltip_stays_on_screen_and_scrolling_the_chart_closes_it(
    page: Any, cov_url: str, tools: Any
) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    open_settled(page, cov_url + "/coverage", tools)
    bar = page.locator("#cov-bars .trace.bars .point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box is not None
    # the bar's right end, near the screen's right edge: the tooltip turns to the other side
    x, y = min(box["x"] + box["width"] - 4, 316), box["y"] + box["height"] / 2
    assert hover_shows(page, x, y) == "Mitte: 1,0"
    assert_inside_viewport(page)
    # the chart's frame scrolls sideways (WCAG 1.4.10): the point moves away, the tooltip closes
    scrolled = page.evaluate(
        """() => { const frame = document.getElementById('cov-bars').closest('.graph-scroll');
                   const before = frame.scrollLeft; frame.scrollLeft = before > 0 ? 0 : 60;
                   return frame.scrollLeft !== before; }"""
    )
    assert scrolled
    page.wait_for_selector(TOOLTIP, state="hidden", timeout=2_000)
    # a long text fits beside the pointer on neither side: it goes below the pointer, never over it
    page.evaluate(
        """() => { document.querySelector('#cov-bars .js-plotly-plot').data[0].hovertext[0] =
                   'Ludwigsburg-Hoheneck, Neckarweihingen und Poppenweiler (Gesamtbezirk Nord-Ost): 1,0'; }"""
    )
    page.mouse.move(5, 5)
    box = bar.bounding_box()
    assert box is not None
    x, y = max(box["x"] + 4, 160), box["y"] + box["height"] / 2
    assert hover_shows(page, x, y).startswith("Ludwigsburg-Hoheneck")
    assert_inside_viewport(page)
    tip = tooltip_box(page)
    assert not (tip["x"] <= x <= tip["x"] + tip["width"] and tip["y"] <= y <= tip["y"] + tip["height"]), (x, y, tip)
