"""Living data: a snapshot published while the app runs is what the coverage room serves next.

Runs once :mod:`dashboard.snapshot` (the current snapshot per request) is part of the app; until
then the coverage room uses a stand-in with one snapshot per app and this test is skipped.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.coverage.callbacks import PAGE_OUTPUTS, current_context, update_page
from geodata.io import OFFERS_FILE
from geodata.snapshot import publish_snapshot

pytest.importorskip("dashboard.snapshot", reason="dashboard.snapshot not merged yet (the stand-in serves one snapshot)")


def per_1000_offers(app) -> dict[str, str]:
    body = app.server.test_client().get("/api/coverage.csv").get_data(as_text=True).lstrip("\ufeff")
    return {
        r["district_id"]: r["offers"]
        for r in csv.DictReader(io.StringIO(body), delimiter=";")
        if r["metric"] == "per_1000"
    }


def test_a_republished_offer_list_reaches_the_csv_and_the_page_callback(coverage_data_dir: Path, tmp_path: Path):
    data_dir = tmp_path / "data"

    def fill_from(source: Path, drop: str | None = None):
        def fill(target: Path) -> None:
            shutil.copytree(source, target, dirs_exist_ok=True)
            if drop:
                collection = json.loads((target / OFFERS_FILE).read_text(encoding="utf-8"))
                collection["features"] = [f for f in collection["features"] if f["properties"]["id"] != drop]
                (target / OFFERS_FILE).write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")

        return fill

    publish_snapshot(data_dir, fill_from(coverage_data_dir))
    app = create_app(data_dir)
    assert per_1000_offers(app) == {"mitte": "3", "ossweil": "2", "_city": "5"}
    with app.server.test_request_context("/_dash-update-component"):
        values = update_page(current_context(), {}, "", "per_1000", None, {}, {"lang": "de"})
    order = dict(zip((f"{o.component_id}.{o.component_property}" for o in PAGE_OUTPUTS), values, strict=True))
    assert order["cov-order.data-order"] == "ossweil mitte"

    publish_snapshot(data_dir, fill_from(coverage_data_dir, drop="o4"))  # Oßweil's language course ends
    assert per_1000_offers(app) == {"mitte": "3", "ossweil": "1", "_city": "4"}
    with app.server.test_request_context("/_dash-update-component"):
        values = update_page(current_context(), {}, "", "per_1000", None, {}, {"lang": "de"})
    order = dict(zip((f"{o.component_id}.{o.component_property}" for o in PAGE_OUTPUTS), values, strict=True))
    # Oßweil 1 / 1000 and Mitte 3 / 3000 now tie at 1.0 per 1,000: by name, Mitte first (was Oßweil, 2.0)
    assert order["cov-order.data-order"] == "mitte ossweil"
