"""The coverage room's adapters: page callback outputs, clicks, notes, the CSV route, the page layouts,
and the coverage context per snapshot (built once per snapshot, never captured at registration)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import threading
from pathlib import Path

import dash
import pytest
from plotly.utils import PlotlyJSONEncoder
from pyproj import Transformer

from analysis import METHOD_AREA, METHOD_GRID
from dashboard.app import create_app
from dashboard.coverage.api import csv_text
from dashboard.coverage.callbacks import PAGE_OUTPUTS, focus_from_click, notes_document, update_page
from dashboard.coverage.compute import CoverageContext, PageParams
from dashboard.coverage.context import CONTEXT_KEY, WARM_THREAD, CoverageUnavailable, coverage_context
from dashboard.data import load_dataset
from dashboard.filters import FilterState
from dashboard.snapshot import Snapshot
from geodata.io import DISTRICTS_FILE


def as_text(component) -> str:
    """All props of a component tree as JSON text (non-ASCII kept)."""
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_update_page_adapter_outputs(ctx):
    values = update_page(
        ctx,
        {"categories": ["counselling"]},
        "",
        "per_1000",
        "ossweil",
        {"mode": "workshop", "compare": []},
        {"lang": "de"},
    )
    assert len(values) == len(PAGE_OUTPUTS)
    by_id = {f"{o.component_id}.{o.component_property}": v for o, v in zip(PAGE_OUTPUTS, values, strict=True)}
    assert by_id["cov-focus-panel.data-district"] == "ossweil"
    # counselling: Mitte 1 offer / 3000, Oßweil 1 / 1000 -> Oßweil ranks first
    assert by_id["cov-order.data-order"] == "ossweil mitte"
    assert by_id["query-store.data"] == "?category=counselling&district_focus=ossweil&mode=workshop"
    assert by_id["cov-profile-link.hidden"] is False
    assert "/profile?category=counselling&district=ossweil" in as_text(by_id["cov-profile-link.children"])
    # the PNG download of each chart is named after the metric shown
    assert (
        by_id["cov-bars.config"]["toImageButtonOptions"]["filename"]
        == "stadtkarte-angebote-je-1000-einwohner-rangfolge"
    )
    assert "▶ Oßweil" in list(by_id["cov-bars.figure"]["data"][0]["y"])  # focus marked by a symbol too


def test_focus_from_click():
    assert focus_from_click({"points": [{"location": "mitte"}]}) == "mitte"
    assert focus_from_click({"points": [{"customdata": "ossweil", "y": "Oßweil"}]}) == "ossweil"
    assert focus_from_click({"points": [{"customdata": ["mitte"]}]}) == "mitte"
    assert focus_from_click(None) is None


def test_notes_document_holds_notes_and_figures(ctx):
    text = notes_document(ctx, FilterState(), PageParams(), "Sprachkurs in Oßweil fehlt")
    assert text.startswith("# Workshop-Notizen – Ludwigsburg\n")
    assert "Sprachkurs in Oßweil fehlt" in text
    assert "| 1 | Oßweil | 2,0 | 2 |" in text and "Einwohner verteilt auf Stadtteilfläche (Näherung)" in text


def test_notes_document_names_the_focused_district_and_its_figures(ctx):
    # issue 12 item 7: the download holds the district the workshop was looking at
    text = notes_document(ctx, FilterState(), PageParams(focus="mitte"), "Mitte braucht mehr")
    assert "district_focus=mitte" in text
    assert "## Stadtteil: Mitte" in text
    assert "- Angebote: 3" in text and "- Rang: 2/2" in text
    assert "- Angebote je 1.000 Einwohner: 1,0 (Stadtdurchschnitt: 1,2)" in text
    assert "## Stadtteil" not in notes_document(ctx, FilterState(), PageParams(), "")


def test_csv_route_uses_the_page_parameters(app):
    client = app.server.test_client()
    response = client.get("/api/coverage.csv?district=ossweil&lang=tr")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    per = {r["district_id"]: r for r in rows if r["metric"] == "per_1000"}
    assert per["mitte"]["offers"] == "0" and per["ossweil"]["offers"] == "2"
    assert per["ossweil"]["method"] == METHOD_AREA


def test_pages_render_for_a_url(app):
    pages = {p["path"]: p for p in dash.page_registry.values()}
    with app.server.test_request_context("/coverage"):
        text = as_text(pages["/coverage"]["layout"](district_focus="mitte", compare="mitte,ossweil", mode="workshop"))
        assert "cov-focus-panel" in text and "Vergleich" in text and "Mitte" in text
        text = as_text(pages["/profile"]["layout"](district="ossweil"))
        assert "Oßweil" in text and "Українська" in text
        assert "Einwohner verteilt auf Stadtteilfläche (Näherung)" in text
        text = as_text(pages["/profile"]["layout"](district="zzz"))
        assert "Unbekannter Stadtteil „zzz“" in text and "district=mitte" in text


# ---------------------------------------------------------------- per snapshot


def snapshot_of(folder: Path, version: str) -> Snapshot:
    return Snapshot(version=version, path=folder, dataset=load_dataset(folder))


def write_grid(folder: Path) -> None:
    """A Zensus-style grid of two cells: 10 residents in Mitte, 30 in Oßweil (EPSG:3035 centres)."""
    to_3035 = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
    (mx, my), (ox, oy) = to_3035.transform(9.19, 48.89), to_3035.transform(9.22, 48.89)
    text = f"GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner\na;{mx:.1f};{my:.1f};10\nb;{ox:.1f};{oy:.1f};30\n"
    (folder / "grid.csv").write_text(text, encoding="utf-8")


def test_each_snapshot_gets_its_own_context_grid_and_warm_up(coverage_data_dir, tmp_path):
    first = snapshot_of(coverage_data_dir, "v1")
    second_dir = tmp_path / "v2"
    shutil.copytree(coverage_data_dir, second_dir)
    write_grid(second_dir)
    city = json.loads((second_dir / "city.json").read_text(encoding="utf-8"))
    (second_dir / "city.json").write_text(json.dumps({**city, "population_grid": "grid.csv"}), encoding="utf-8")
    second = snapshot_of(second_dir, "v2")

    a, b = coverage_context(first), coverage_context(second)
    assert a is not None and b is not None and a is not b
    assert coverage_context(first) is a  # cached per snapshot
    assert a.method == METHOD_AREA
    # the grid named in v2's city.json (relative to the snapshot folder) is read for v2 only
    assert b.method == METHOD_GRID and b.cells.residents_by_district().tolist() == [10.0, 30.0]
    for t in threading.enumerate():
        if t.name in (f"{WARM_THREAD}-v1", f"{WARM_THREAD}-v2"):
            t.join(timeout=60)
    assert "knn" in a.model._memo and "knn" in b.model._memo  # each snapshot's model was warmed


def test_a_snapshot_without_districts_has_no_context(coverage_data_dir, tmp_path):
    folder = tmp_path / "nodistricts"
    shutil.copytree(coverage_data_dir, folder)
    (folder / DISTRICTS_FILE).unlink()
    snapshot = snapshot_of(folder, "v0")
    assert coverage_context(snapshot) is None
    assert isinstance(snapshot.derived(CONTEXT_KEY, lambda: pytest.fail("computed twice")), CoverageUnavailable)


def test_registration_keeps_no_coverage_data(app):
    """Nothing coverage-related is stored at registration: the context lives in the snapshot only."""
    assert not [key for key in app.server.config if "COVERAGE" in key]


def test_csv_cells_cannot_run_as_formulas(ctx):
    """A district name a spreadsheet would run as a formula is written as text; numbers stay numbers."""
    table = ctx.model.table.copy()
    table.loc[0, "district_name"] = '=HYPERLINK("http://evil","x")'
    evil = CoverageContext(ctx.dataset, ctx.cells, dataclasses.replace(ctx.model, table=table), ctx.offers)
    rows = list(csv.reader(io.StringIO(csv_text(evil, {})[1:]), delimiter=";"))
    names = {r[1] for r in rows[1:]}
    assert '\'=HYPERLINK("http://evil","x")' in names and '=HYPERLINK("http://evil","x")' not in names
    assert all(not r[3] or float(r[3]) >= 0 for r in rows[1:])


def test_without_districts_the_csv_says_why_and_the_page_offers_the_way_back(coverage_data_dir, tmp_path):
    folder = tmp_path / "nodistricts"
    shutil.copytree(coverage_data_dir, folder)
    (folder / DISTRICTS_FILE).unlink()
    app = create_app(folder)
    response = app.server.test_client().get("/api/coverage.csv")
    assert response.status_code == 404 and "districts.geojson" in response.get_data(as_text=True)
    pages = {p["path"]: p for p in dash.page_registry.values()}
    with app.server.test_request_context("/coverage"):
        text = as_text(pages["/coverage"]["layout"]())
    assert '["Stadtteile", ": 0"]' in text
    assert "Zur Karte der Angebote" in text
