"""The outputs written piece by piece (issue 11, peak memory) are the bytes the whole-text writers give."""

from __future__ import annotations

import hashlib
import json
import os

import pandas as pd
import pytest
from shapely.geometry import box

from etl.validate import validate_rows
from etl.write import dumps_json, json_chunks, rejects_csv, review_csv
from geodata.errors import ContractError
from geodata.io import (
    atomic_write_chunks,
    atomic_write_text,
    dumps_features,
    stream_features,
    write_offers,
)
from geodata.schema import OFFER_FIELDS, validate_offer_features
from geodata.taxonomy import load_taxonomy


def _offer(ident: str, lon: float = 9.19, **props: object) -> dict[str, object]:
    base = {
        "id": ident,
        "name": f"Angebot {ident} – Café",
        "category": "beratung",
        "languages": ["de", "ar"],
        "geocode_source": "input",
        "geocode_precision": "input",
        "accessibility": "unknown",
    }
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, 48.8951234567]},
        "properties": {**base, **props},
    }


@pytest.mark.parametrize("count", [0, 1, 3])
def test_streamed_offers_are_the_bytes_of_dumps_features(tmp_path, count):
    features = [_offer(f"o-{i}", 9.19 + i / 1000, description="Zeile 1\nZeile 2 \u00e9\u0644") for i in range(count)]
    path = tmp_path / "offers.geojson"
    written = stream_features(path, iter(features), OFFER_FIELDS, validate_offer_features)
    expected = dumps_features(features, OFFER_FIELDS).encode("utf-8")
    assert path.read_bytes() == expected
    assert written.features == count
    assert written.sha256 == hashlib.sha256(expected).hexdigest()
    assert len(json.loads(expected)["features"]) == count


def test_a_contract_violation_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "offers.geojson"
    write_offers(path, [_offer("o-1")])
    before = path.read_bytes()
    bad = [_offer("o-2"), _offer("o-2"), _offer("o-3", lon=500.0)]  # duplicate id, point out of range
    with pytest.raises(ContractError, match="2 contract violation"):
        write_offers(path, bad)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["offers.geojson"]


def test_a_validator_that_stops_early_never_publishes_a_cut_file(tmp_path):
    path = tmp_path / "offers.geojson"

    def first_only(features):
        next(iter(features))

    with pytest.raises(RuntimeError, match="did not read every feature"):
        stream_features(path, [_offer("o-1"), _offer("o-2")], OFFER_FIELDS, first_only)
    assert os.listdir(tmp_path) == []


def test_text_in_pieces_is_the_text_written_whole(tmp_path):
    data = {"warnings": [{"row": n, "message": f"Zeile {n}: „ungültig“ – ✓"} for n in range(5000)], "z": None}
    whole, pieces = tmp_path / "whole.json", tmp_path / "pieces.json"
    atomic_write_text(whole, dumps_json(data))
    digest = atomic_write_chunks(pieces, json_chunks(data))
    assert pieces.read_bytes() == whole.read_bytes()
    assert digest == hashlib.sha256(whole.read_bytes()).hexdigest()


def test_csv_bytes_keep_bom_crlf_quoting_and_safe_cells():
    rejects = pd.DataFrame({"row": [3, 2], "reason": ["Kategorie fehlt", 'Name "leer"; ✓']}, dtype=object)
    raw = pd.DataFrame({"row": [2, 3], "Name": ["=HYPERLINK(1)", "Zeile\nzwei"], "Telefon": ["+49 7141 910-0", None]})
    data = rejects_csv(rejects, raw)
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8") == (
        "\ufeffrow;reason;Name;Telefon\r\n"
        '2;"Name ""leer""; ✓";\'=HYPERLINK(1);+49 7141 910-0\r\n'
        '3;Kategorie fehlt;"Zeile\nzwei";\r\n'
    )
    review = pd.DataFrame({"row": [5], "id": ["o-1"], "name": ["@Treff"], "precision": ["Straße"]})
    assert review_csv(review).decode("utf-8") == "\ufeffrow;id;name;precision\r\n5;o-1;'@Treff;Straße\r\n"


def _frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    fields = [
        "id", "name", "organization", "category", "subcategories", "languages", "target_groups", "description",
        "street", "house_number", "postal_code", "city", "district", "phone", "email", "url", "opening_hours",
        "accessibility", "accessibility_details", "last_verified", "demo", "location_visibility", "listed",
        "lat", "lon",
    ]  # fmt: skip
    data = {"row": list(range(2, 2 + len(rows)))}
    data.update({name: [r.get(name, "") for r in rows] for name in fields})
    return pd.DataFrame(data).astype({name: object for name in fields})


def test_validation_by_columns_keeps_row_order_ids_and_rejects():
    base = {"category": "Beratung", "street": "Marktplatz 1", "postal_code": "71634", "lat": "48.8975", "lon": "9.1922"}
    frame = _frame(
        [
            {**base, "id": "A-1", "name": "Eins"},
            {**base, "id": "", "name": "Zwei  Leer"},
            {**base, "id": "A-1", "name": "Doppelt"},  # rejected: duplicate id
            {**base, "id": "", "name": "Zwei  Leer"},  # same name and address: -2
            {**base, "id": "B 2", "name": "Ohne Kategorie", "category": ""},  # rejected, id sanitised
        ]
    )
    result = validate_rows(frame, load_taxonomy(), box(9.1, 48.8, 9.3, 49.0), "Ludwigsburg")
    assert result.valid["row"].tolist() == [2, 3, 5]
    ids = result.valid["id"].tolist()
    assert ids[0] == "A-1" and ids[2] == ids[1] + "-2" and ids[1].startswith("o-")
    assert result.valid["name"].tolist() == ["Eins", "Zwei Leer", "Zwei Leer"]
    assert list(result.valid.columns)[:2] == ["row", "id"] and all(str(t) == "object" for t in result.valid.dtypes)
    codes = [(row, p.code) for row, p in result.problems]
    assert codes == [(4, "duplicate_id"), (5, "id_same_name_address"), (6, "category_missing"), (6, "id_invalid_chars")]
    assert result.rejects["row"].tolist() == [4, 6]


def test_equal_problems_of_many_rows_are_one_object_and_render_the_same():
    base = {"category": "Beratung", "street": "Marktplatz 1", "postal_code": "71634", "lat": "48.8975", "lon": "9.1922"}
    frame = _frame([{**base, "id": f"A-{n}", "name": f"N{n}", "languages": "Xyzzy"} for n in range(3)])
    result = validate_rows(frame, load_taxonomy(), box(9.1, 48.8, 9.3, 49.0), "Ludwigsburg")
    found = [p for _row, p in result.problems if p.code == "unknown_language"]
    assert len(found) == 3 and found[0] is found[1] is found[2]
    warnings = [w for w in result.warnings if w["code"] == "unknown_language"]
    assert [w["row"] for w in warnings] == [2, 3, 4]
    assert len({w["message"] for w in warnings}) == 1 and "Xyzzy" in warnings[0]["message"]
    assert warnings[0]["params"] == {"value": "Xyzzy"} and warnings[0]["params"] is not warnings[1]["params"]
