"""The data API returns exactly the offers of the page's filter, as GeoJSON and CSV."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from dashboard.app import create_app
from dashboard.filters import filter_mask, parse_query

QUERIES = [
    "",
    "?language=ar&target=women",
    "?category=counselling&district=ossweil",
    "?q=sprach&barrier_free=1",
    "?language=uk,tr&category=culture,counselling",
    "?q=nirgendwo",
]


@pytest.fixture
def client(tiny_data_dir):
    return create_app(tiny_data_dir).server.test_client()


def _query(url: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    return parse_qs(url.lstrip("?"))


@pytest.mark.parametrize("query", QUERIES)
def test_geojson_equals_filter_mask(client, tiny_dataset, query):
    response = client.get("/api/offers.geojson" + query)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = json.loads(response.data)
    state, _ = parse_query(_query(query), tiny_dataset)
    expected = list(tiny_dataset.offers["id"][filter_mask(tiny_dataset, state)])
    assert [f["properties"]["id"] for f in body["features"]] == expected
    assert body["type"] == "FeatureCollection"


@pytest.mark.parametrize("query", QUERIES)
def test_csv_equals_filter_mask(client, tiny_dataset, query):
    response = client.get("/api/offers.csv" + query)
    assert response.status_code == 200
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    state, _ = parse_query(_query(query), tiny_dataset)
    mask = filter_mask(tiny_dataset, state)
    assert [r["id"] for r in rows] == list(tiny_dataset.offers["id"][mask])
    if mask[0]:
        first = rows[0]
        assert first["languages"] == "ar,de" and first["name"] == "Sprachcafé Mitte"
        assert np.isclose(float(first["lon"]), 9.191)


def test_unknown_values_are_reported_not_failed(client):
    response = client.get("/api/offers.geojson?category=counselling,bogus")
    assert response.status_code == 200
    body = json.loads(response.data)
    assert body["notices"] == ["unknown_value: category=bogus"]
    assert len(body["features"]) == 2
    assert "bogus" in response.headers["X-Stadtkarte-Notices"]


def test_geojson_keeps_the_contract(client, tiny_data_dir):
    from geodata.io import read_offers

    body = json.loads(client.get("/api/offers.geojson").data)
    assert body["features"] == read_offers(tiny_data_dir / "offers.geojson")


def test_csv_cells_cannot_run_as_formulas(tmp_path, tiny_offers, tiny_writer):
    tiny_offers[0]["properties"]["name"] = '=HYPERLINK("http://evil","x")'
    tiny_offers[0]["properties"]["phone"] = "+49 7141 910-0"
    client = create_app(tiny_writer(tmp_path / "data", tiny_offers)).server.test_client()
    text = client.get("/api/offers.csv?q=kaffee").data.decode("utf-8").lstrip("\ufeff")
    (row,) = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["name"] == '\'=HYPERLINK("http://evil","x")'  # shown as text, never run
    assert row["phone"] == "+49 7141 910-0"  # a phone number stays as it is
    assert row["lon"] == "9.191"


def test_api_responses_name_their_snapshot(client, tiny_snapshot):
    response = client.get("/api/offers.geojson")
    assert response.headers["X-Stadtkarte-Snapshot"] == tiny_snapshot.version
