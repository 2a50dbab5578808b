"""The offer map (MapLibre GL JS, no plotly.js) in headless Chromium: WebGL rendering, markers, clusters,
clientside filter updates.

Runs the map block (``dashboard.map.layout.map_components``, ``dashboard.map.callbacks``) in a small harness app whose
server callback sends only the view mask, exactly as the dashboard's filter
callback does, so the map's contract is tested independently of the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
import numpy as np
import pytest
from dash import Input, Output, dcc, html

from dashboard import ids
from dashboard.data import Dataset
from dashboard.filters import FilterState, encode_mask, filter_mask
from dashboard.map.callbacks import register_map_callbacks
from dashboard.map.layout import map_components
from dashboard.snapshot import Snapshot, load_snapshot
from geodata.snapshot import current_version, publish_snapshot
from tests.support.maps import MARKER_AT_JS

ONLY_COUNSELLING = "only-counselling"
SHOW_ALL = "show-all"

#: What MapLibre has drawn (assets/map.js's test hook): markers, clusters, address groups, offers, districts.
RENDERED_JS = "() => window.stadtkarteMap && window.stadtkarteMap.rendered()"
#: The marker features of the map's source (with their tooltip texts).
SOURCE_JS = """
async () => (await window.stadtkarteMap.detailed()) && (await window.stadtkarteMap.map().getSource('offers').getData()).features.map(
  (f) => Object.assign({hover: window.stadtkarteMap.hover(f.properties.g)}, f.properties))
"""
MAP_JS = "window.stadtkarteMap.map()"


def harness_app(snapshot: Snapshot, repo_root: Path) -> dash.Dash:
    """The map block plus two buttons whose server callback returns a view mask."""
    dataset = snapshot.dataset
    app = dash.Dash(
        __name__,
        serve_locally=True,
        assets_folder=str(repo_root / "assets"),
        assets_ignore=r"^(?!map\.(js|css)$)",  # only the map's own assets
        title="Karte",
    )
    app.layout = html.Main(
        [
            html.H1("Karte"),
            html.Button("Nur Beratung", id=ONLY_COUNSELLING, type="button"),
            html.Button("Alle", id=SHOW_ALL, type="button"),
            dcc.Store(id=ids.VIEW_STORE),
            dcc.Store(id=ids.SELECTED_OFFER),
            html.Div(map_components(snapshot, "de"), style={"height": "600px"}),
        ],
        lang="de",
    )

    @app.callback(
        Output(ids.VIEW_STORE, "data"),
        Input(ONLY_COUNSELLING, "n_clicks"),
        Input(SHOW_ALL, "n_clicks"),
        prevent_initial_call=True,
    )
    def _view(_a: Any, _b: Any) -> dict[str, Any]:
        only = dash.ctx.triggered_id == ONLY_COUNSELLING
        mask = filter_mask(dataset, FilterState(categories=("counselling",) if only else ()))
        return {"count": int(mask.sum()), "n": len(mask), "mask": encode_mask(mask), "version": snapshot.version}

    app.index_string = app.index_string.replace("<html>", '<html lang="de">')

    register_map_callbacks(app, snapshot_of=lambda: snapshot)
    return app


@pytest.fixture(scope="module")
def snapshot(browser_data_dir: Path) -> Snapshot:
    version = current_version(browser_data_dir)
    assert version is not None
    return load_snapshot(browser_data_dir, version)


@pytest.fixture(scope="module")
def dataset(snapshot: Snapshot) -> Dataset:
    return snapshot.dataset


@pytest.fixture
def map_url(snapshot: Snapshot, tools: Any) -> Any:
    with tools.serve_app(harness_app(snapshot, tools.repo_root)) as url:
        yield url


def wait_for_markers(page: Any, count: int) -> dict[str, Any]:
    """Wait until MapLibre shows ``count`` address groups (as markers or inside clusters); return what is rendered."""
    page.wait_for_function(
        f"() => {{ const r = ({RENDERED_JS})(); return !!r && r.groups === {count} && r.drawn === {count}; }}",
        timeout=20_000,
    )
    return page.evaluate(RENDERED_JS)


def test_map_draws_markers_and_districts_with_webgl(
    page: Any, map_url: str, output_path: str, tools: Any, page_log: Any
) -> None:
    page.goto(map_url)
    tools.wait_for_dash(page)
    page.wait_for_selector("#offer-map canvas.maplibregl-canvas")
    # 5 offers, two at one address -> 4 markers (none clustered at the city's zoom); 2 districts
    rendered = wait_for_markers(page, 4)
    assert rendered["webgl2"] is True
    assert rendered["markers"] == 4 and rendered["clusters"] == 0 and rendered["offers"] == 5
    assert rendered["districts"] >= 2
    assert not any("plotly" in u for u in page_log.requests), page_log.requests
    Path(output_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(output_path) / "map.png"))


def test_filter_change_sends_only_the_mask(
    page: Any, map_url: str, page_log: Any, dataset: Dataset, tools: Any
) -> None:
    page.goto(map_url)
    tools.wait_for_dash(page)
    wait_for_markers(page, 4)
    before = len(page_log.requests)
    with page.expect_response(lambda r: "_dash-update-component" in r.url) as info:
        page.click(f"#{ONLY_COUNSELLING}")
    body = info.value.body()
    expected = filter_mask(dataset, FilterState(categories=("counselling",)))
    # the two counselling offers (o2 shares its address with o1's language café) -> 2 markers
    rendered = wait_for_markers(page, 2)
    assert rendered["offers"] == 2
    assert encode_mask(expected).encode() in body
    assert len(body) < 300, f"a filter change sent {len(body)} bytes"
    assert b"lon" not in body and b"Migrationsberatung" not in body
    new_requests = page_log.requests[before:]
    assert new_requests and all("_dash-update-component" in u for u in new_requests), new_requests
    hover = [f["hover"] for f in page.evaluate(SOURCE_JS)]
    shared = next(h for h in hover if "Migrationsberatung" in h)
    assert "Sprachcafé" not in shared  # the hidden member is not listed
    page.click(f"#{SHOW_ALL}")
    wait_for_markers(page, 4)
    assert np.count_nonzero(expected) == 2


def test_map_block_passes_axe(page: Any, map_url: str, tools: Any) -> None:
    page.goto(map_url)
    tools.wait_for_dash(page)
    wait_for_markers(page, 4)
    violations = tools.axe(page)
    assert not violations, tools.describe_violations(violations)


def test_dashboard_map_follows_the_page_filters(page: Any, app_url: str, output_path: str, tools: Any) -> None:
    page.goto(app_url + "/?category=counselling")
    tools.wait_for_dash(page)
    # counselling: o2 (at o1's address) and o3 -> 2 markers
    wait_for_markers(page, 2)
    updates: list[Any] = []
    page.on("response", lambda r: updates.append(r) if "_dash-update-component" in r.url else None)
    page.click("button[data-filter='categories'][data-value='counselling']")
    wait_for_markers(page, 4)
    page.wait_for_load_state("networkidle")
    assert updates, "the filter change did not reach the server"
    for response in updates:
        body = response.body()
        assert b"glon" not in body and b'"lon"' not in body, f"a filter change resent the points ({len(body)} bytes)"
    Path(output_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(output_path) / "dashboard.png"))


def test_district_names_are_written_on_the_map_without_glyphs(
    page: Any, app_url: str, dataset: Dataset, tools: Any
) -> None:
    page.goto(app_url + "/")
    tools.wait_for_dash(page)
    wait_for_markers(page, 4)  # the view has arrived and the map has been redrawn with it
    page.wait_for_selector("#offer-map .map-district-label", state="attached")
    names = sorted(str(d["properties"]["name"]) for d in dataset.districts)
    assert sorted(page.locator("#offer-map .map-district-label").all_text_contents()) == names
    assert page.get_attribute("#offer-map .map-district-labels", "aria-hidden") == "true"
    # each name sits inside the map, and moves with it when the map is panned
    box = page.locator("#offer-map .maplibregl-canvas").bounding_box()
    first = page.locator("#offer-map .map-district-label").first
    before = first.bounding_box()
    assert box["x"] <= before["x"] + before["width"] / 2 <= box["x"] + box["width"]
    assert box["y"] <= before["y"] + before["height"] / 2 <= box["y"] + box["height"]
    left = first.evaluate("el => parseFloat(el.style.left)")
    page.evaluate(f"() => {MAP_JS}.panBy([40, 0], {{duration: 0}})")
    page.wait_for_function(
        "(left) => parseFloat(document.querySelector('#offer-map .map-district-label').style.left) !== left", arg=left
    )
    moved = first.evaluate("el => parseFloat(el.style.left)") - left
    assert abs(moved + 40) < 2  # panning east moves the content west


def test_an_open_page_draws_the_new_snapshot_after_a_publish(
    page: Any, serve: Any, tmp_path: Path, browser_dataset: Any, tools: Any
) -> None:
    """A snapshot published while the page is open: the next filter change brings its points and mask together."""
    data = tmp_path / "data"
    publish_snapshot(data, lambda folder: browser_dataset.write(folder) and None)
    page.goto(serve(data) + "/")
    tools.wait_for_dash(page)
    wait_for_markers(page, 4)  # 5 offers, two at one address

    added = browser_dataset.offer("o9", "Beratung Neu (nach Veröffentlichung)", 9.2100, 48.9000, "ossweil")
    offers = [*browser_dataset.offers, added]
    publish_snapshot(data, lambda folder: browser_dataset.write(folder, offers) and None)
    page.click("button[data-filter='categories'][data-value='counselling']")
    # counselling in the new version: o2 (at o1's address), o3 and the added o9 -> 3 markers
    rendered = wait_for_markers(page, 3)
    assert rendered["offers"] == 3
    assert page.inner_text("#result-count") == "3"
    hover = " ".join(f["hover"] for f in page.evaluate(SOURCE_JS))
    assert "Beratung Neu" in hover
    page.click("button[data-filter='categories'][data-value='counselling']")
    wait_for_markers(page, 5)  # all six offers of the new version (the old points would give 4)
    assert page.inner_text("#result-count") == "6"


# --------------------------------------------------------------------------- issue 12: groups, selection, mode bar


def test_a_marker_with_several_offers_lists_them_all(page: Any, app_url: str, tools: Any) -> None:
    page.goto(app_url + "/")
    tools.wait_for_dash(page)
    wait_for_markers(page, 4)
    assert page.locator("#map-group").is_hidden()
    at = page.evaluate(MARKER_AT_JS, [9.19, 48.895])  # o1 and o2 share this address
    page.mouse.click(at["x"], at["y"])
    page.wait_for_selector("#map-group button[data-offer-id]")
    listed = page.eval_on_selector_all("#map-group button[data-offer-id]", "els => els.map(e => e.dataset.offerId)")
    assert sorted(listed) == ["o1", "o2"]
    assert "2" in page.inner_text("#map-group .map-group-title")
    page.click("#map-group button[data-offer-id='o2']")
    page.wait_for_function(
        "() => (document.getElementById('detail-heading') || {}).textContent === 'Migrationsberatung'"
    )
    # a marker with one offer selects it directly
    at = page.evaluate(MARKER_AT_JS, [9.22, 48.89])
    page.mouse.click(at["x"], at["y"])
    page.wait_for_function("() => (document.getElementById('detail-heading') || {}).textContent === 'Beratung Oßweil'")


def test_a_filtered_group_lists_only_its_visible_offers(page: Any, app_url: str, tools: Any) -> None:
    page.goto(app_url + "/?category=counselling")
    tools.wait_for_dash(page)
    wait_for_markers(page, 2)
    at = page.evaluate(MARKER_AT_JS, [9.19, 48.895])
    page.mouse.click(at["x"], at["y"])  # only o2 of the shared address is visible: selected directly
    page.wait_for_function(
        "() => (document.getElementById('detail-heading') || {}).textContent === 'Migrationsberatung'"
    )
    assert page.locator("#map-group").is_hidden()


def test_selecting_an_offer_in_the_list_shows_it_on_the_map(page: Any, app_url: str, tools: Any) -> None:
    page.goto(app_url + "/")
    tools.wait_for_dash(page)
    wait_for_markers(page, 4)
    # pan far away first: the selected offer must be brought back into view
    page.evaluate(f"() => {MAP_JS}.jumpTo({{center: [9.5, 49.1]}})")
    page.click("#offer-list button[data-offer-id='o5']")
    page.wait_for_selector("#offer-map .map-selected[data-offer-id='o5']", state="attached")
    ring = page.locator("#offer-map .map-selected").bounding_box()
    at = page.evaluate(MARKER_AT_JS, [9.18, 48.885])
    assert abs(ring["x"] + ring["width"] / 2 - at["x"]) < 3 and abs(ring["y"] + ring["height"] / 2 - at["y"]) < 3
    canvas = page.locator("#offer-map .maplibregl-canvas").bounding_box()
    assert (
        canvas["x"] < at["x"] < canvas["x"] + canvas["width"] and canvas["y"] < at["y"] < canvas["y"] + canvas["height"]
    )
    page.click("#offer-list button[data-offer-id='o3']")
    page.wait_for_selector("#offer-map .map-selected[data-offer-id='o3']", state="attached")
    assert page.locator("#offer-map .map-selected").count() == 1


def test_the_map_page_loads_no_plotly_and_maplibre_from_here(
    page: Any, app_url: str, page_log: Any, tools: Any
) -> None:
    page.goto(app_url + "/")
    tools.wait_for_dash(page)
    wait_for_markers(page, 4)
    page.wait_for_load_state("networkidle")
    assert not [u for u in page_log.requests if "plotly" in u.lower()], "the map page loaded plotly.js"
    maplibre = [u for u in page_log.requests if "/vendor/maplibre-gl/" in u]
    assert any(u.endswith("maplibre-gl.mjs") for u in maplibre), page_log.requests
    assert any("maplibre-gl-worker.mjs" in u for u in maplibre), page_log.requests
    # the zoom buttons are named in the page's language
    assert page.get_attribute("#offer-map .maplibregl-ctrl-zoom-in", "aria-label") == "Hineinzoomen"


# --------------------------------------------------------------------------- issue 12/13: clusters, shapes, phones


def open_map(page: Any, url: str, tools: Any, width: int) -> None:
    """Open the dashboard at ``url`` in a ``width`` px wide window and show the map (phones open on the list)."""
    page.set_viewport_size({"width": width, "height": 800 if width < 600 else 900})
    page.goto(url)
    tools.wait_for_dash(page)
    toggle = page.locator("button[data-view='map']")
    if toggle.is_visible():
        toggle.click()
    page.wait_for_selector("#offer-map canvas.maplibregl-canvas", state="visible")


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", ["de", "ar"])
def test_a_cluster_at_city_zoom_expands_on_click(
    page: Any, app_url: str, tools: Any, page_log: Any, lang: str, width: int, output_path: str
) -> None:
    open_map(page, f"{app_url}/?lang={lang}", tools, width)
    wait_for_markers(page, 4)
    page.evaluate(f"() => {MAP_JS}.jumpTo({{center: [9.2, 48.89], zoom: 9}})")
    # at zoom 9 the whole town is one cluster: 4 addresses, 5 offers, a button named by its offers
    page.wait_for_function(f"() => {{ const r = ({RENDERED_JS})(); return r && r.clusters === 1 && r.markers === 0; }}")
    cluster = page.locator("#offer-map button.map-cluster")
    expected = {"de": "5 Angebote", "ar": "5"}[lang]
    name = cluster.get_attribute("aria-label")
    assert expected in name and name != "5", name
    assert cluster.inner_text().strip() in ("5", "٥")
    Path(output_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(output_path) / f"cluster-{lang}-{width}.png"))
    before = page.evaluate(RENDERED_JS)["zoom"]
    cluster.focus()
    page.keyboard.press("Enter")  # keyboard reachable: Enter on the focused cluster zooms in
    page.wait_for_function(f"(z) => ({RENDERED_JS})().zoom > z + 0.5", arg=before)
    page.wait_for_function(f"() => ({RENDERED_JS})().clusters !== 1 || ({RENDERED_JS})().markers > 0")
    # a click on a cluster expands it too
    r = page.evaluate(RENDERED_JS)
    if r["clusters"]:
        page.locator("#offer-map button.map-cluster").first.click()
        page.wait_for_function(f"(z) => ({RENDERED_JS})().zoom > z + 0.5", arg=r["zoom"])
    # back at the city's zoom every address is a marker of its own
    page.evaluate(f"() => {MAP_JS}.jumpTo({{center: [9.2, 48.89], zoom: 12}})")
    rendered = wait_for_markers(page, 4)
    assert rendered["clusters"] == 0 and rendered["markers"] == 4
    # a group marker lists its offers
    at = page.evaluate(MARKER_AT_JS, [9.19, 48.895])
    page.mouse.click(at["x"], at["y"])
    page.wait_for_selector("#map-group button[data-offer-id]")
    listed = page.eval_on_selector_all("#map-group button[data-offer-id]", "els => els.map(e => e.dataset.offerId)")
    assert sorted(listed) == ["o1", "o2"]
    assert not [u for u in page_log.requests if "plotly" in u.lower()]
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"


def test_markers_have_shapes_letters_and_a_tooltip(page: Any, map_url: str, tools: Any) -> None:
    page.goto(map_url)
    tools.wait_for_dash(page)
    wait_for_markers(page, 4)
    images = page.evaluate(
        f"""() => {{
          const map = {MAP_JS};
          return map.listImages().filter((n) => n.startsWith('marker-')).map((n) => {{
            const img = map.getImage(n);
            return {{name: n, width: img.data.width, opaque: img.data.data.filter((v, i) => i % 4 === 3 && v > 0).length}};
          }});
        }}"""
    )
    names = {i["name"] for i in images}
    assert "marker-0" in names and "marker-0-approximate" in names
    assert all(i["opaque"] > 0 for i in images)
    # shapes differ: the opaque area of a square and of a triangle are not the same
    by_name = {i["name"]: i["opaque"] for i in images}
    assert len({by_name[f"marker-{k}"] for k in range(4)}) == 4
    # the approximately located offer (o4) is drawn with the dashed image
    icons = {f["g"]: f["icon"] for f in page.evaluate(SOURCE_JS)}
    assert sum(icon.endswith("-approximate") for icon in icons.values()) == 1
    # hovering a marker shows its tooltip, Escape dismisses it
    at = page.evaluate(MARKER_AT_JS, [9.19, 48.895])
    page.mouse.move(at["x"] - 30, at["y"] - 30)
    page.mouse.move(at["x"], at["y"], steps=3)
    tooltip = page.wait_for_selector(".map-tooltip")
    assert "Migrationsberatung" in tooltip.inner_text() and "Sprachcafé" in tooltip.inner_text()
    # the pointer can move onto the tooltip without it vanishing (WCAG 1.4.13 "hoverable") ...
    box = page.locator(".map-tooltip .maplibregl-popup-content").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
    page.wait_for_timeout(900)
    assert page.locator(".map-tooltip").count() == 1
    # ... it closes when the pointer leaves it, and Escape dismisses it
    page.mouse.move(at["x"] - 120, at["y"] + 120, steps=4)
    page.wait_for_selector(".map-tooltip", state="detached")
    page.mouse.move(at["x"] - 30, at["y"] - 30)
    page.mouse.move(at["x"], at["y"], steps=3)
    page.wait_for_selector(".map-tooltip")
    page.keyboard.press("Escape")
    page.wait_for_selector(".map-tooltip", state="detached")


def test_without_webgl_the_map_says_so_and_points_to_the_list(
    page: Any, map_url: str, page_log: Any, tools: Any
) -> None:
    page.add_init_script(
        "const get = HTMLCanvasElement.prototype.getContext;"
        "HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {"
        "  return String(kind).startsWith('webgl') ? null : get.call(this, kind, ...rest); };"
    )
    page.goto(map_url)
    tools.wait_for_dash(page)
    note = page.wait_for_selector("#offer-map .map-unavailable", timeout=20_000)
    assert "WebGL" in note.inner_text() and "Liste" in note.inner_text()
    assert note.get_attribute("role") == "status"
    assert page_log.console_errors  # the failure is reported in the console too
    page_log.console_errors.clear()  # ... which is the expected outcome here
