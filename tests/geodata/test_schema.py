from __future__ import annotations

import json

import pytest

from geodata.errors import ContractError, DatasetError
from geodata.io import dumps_features, read_offers, write_districts, write_offers
from geodata.schema import OFFER_FIELD_NAMES, complete_properties, is_safe_url, offer_problems


def offer(**props):
    base = {
        "id": "o1",
        "name": "Sprachcafé",
        "category": "language_cafe",
        "geocode_source": "input",
        "geocode_precision": "input",
        "accessibility": "unknown",
    }
    base.update(props)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [9.19, 48.89]}, "properties": base}


def test_complete_properties_orders_and_defaults():
    props = complete_properties({"name": "x", "id": "a"})
    assert tuple(props) == OFFER_FIELD_NAMES
    assert props["languages"] == [] and props["demo"] is False and props["email"] is None


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"name": ""}, "name is required"),
        ({"id": "has space"}, "id must be"),
        ({"geocode_precision": "house"}, "geocode_precision must be one of"),
        ({"languages": ["turkish"]}, "not an ISO 639 code"),
        ({"url": "javascript:alert(1)"}, "url must use"),
        ({"last_verified": "31.12.2025"}, "ISO date"),
    ],
)
def test_offer_problems_name_each_violation(change, needle):
    props = complete_properties(offer(**change)["properties"])
    assert any(needle in p for p in offer_problems(props))


def test_valid_offer_has_no_problems():
    assert offer_problems(complete_properties(offer(languages=["tr", "kmr"])["properties"])) == []


def test_safe_url_schemes():
    assert is_safe_url("https://example.org") and is_safe_url("tel:+497141")
    assert not is_safe_url("javascript:alert(1)") and not is_safe_url("www.example.org")


def test_write_is_deterministic_and_roundtrips(tmp_path):
    features = [offer(id="b"), offer(id="a", languages=["ar"])]
    write_offers(tmp_path / "o.geojson", features)
    first = (tmp_path / "o.geojson").read_bytes()
    write_offers(tmp_path / "o.geojson", features)
    assert (tmp_path / "o.geojson").read_bytes() == first
    back = read_offers(tmp_path / "o.geojson")
    assert [f["properties"]["id"] for f in back] == ["b", "a"]
    assert back[1]["properties"]["languages"] == ["ar"]
    assert json.loads(first)["type"] == "FeatureCollection"


def test_write_rejects_contract_violation_and_keeps_previous_file(tmp_path):
    target = tmp_path / "o.geojson"
    write_offers(target, [offer()])
    before = target.read_bytes()
    with pytest.raises(ContractError, match="duplicate id"):
        write_offers(target, [offer(), offer()])
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["o.geojson"]


def test_read_missing_file_names_the_fix(tmp_path):
    with pytest.raises(DatasetError, match="stadtkarte build"):
        read_offers(tmp_path / "nope.geojson")


def test_point_outside_range_is_rejected():
    bad = offer()
    bad["geometry"]["coordinates"] = [190.0, 48.0]
    with pytest.raises(ContractError, match="outside longitude"):
        write_offers("/dev/null", [bad])


def test_districts_need_polygons(tmp_path):
    district = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [9.0, 48.0]},
        "properties": {"id": "d1", "name": "Mitte", "approximate": True},
    }
    with pytest.raises(ContractError, match="Polygon"):
        write_districts(tmp_path / "d.geojson", [district])


def test_coordinates_rounded_to_seven_decimals():
    text = dumps_features([offer()])
    feature = offer()
    feature["geometry"]["coordinates"] = [9.123456789, 48.987654321]
    assert "[9.1234568,48.9876543]" in dumps_features([feature])
    assert text.count("\n") == 3  # header, one feature, footer


def test_atomic_write_gives_usual_permissions(tmp_path):
    from geodata.io import atomic_write_text

    target = tmp_path / "x.txt"
    atomic_write_text(target, "hallo")
    assert target.read_text() == "hallo"
    assert target.stat().st_mode & 0o044 == 0o044  # group and others may read, as with open()


def test_partial_accessibility_and_the_district_fields_are_in_the_contract():
    """Issue 12: ``partial`` is kept; ``district_source`` and ``location_approximate`` describe the location."""
    good = offer(accessibility="partial", district_source="named", location_approximate=True)
    assert offer_problems(good["properties"]) == []
    assert offer_problems(offer(district_source="postcode")["properties"]) == [
        "district_source must be one of location, named, none"
    ]
    assert offer_problems(offer(location_approximate="ja")["properties"]) == [
        "location_approximate must be true or false"
    ]
    # optional: offers files of earlier builds (without the new fields) still load
    assert offer_problems(offer()["properties"]) == []
    assert complete_properties({"id": "a"})["location_approximate"] is False
