from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import box

from etl.extract import FRAME_FIELDS
from etl.validate import normalize_email, normalize_url, parse_date, sanitize_id, stable_id, validate_rows
from geodata.schema import is_valid_id
from geodata.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()
AREA = box(9.10, 48.85, 9.26, 48.95)  # around Ludwigsburg, EPSG:4326


def frame(*rows: dict[str, str]) -> pd.DataFrame:
    """An extracted frame: every field a str, ``row`` numbered from 2."""
    base = dict.fromkeys(FRAME_FIELDS, "")
    records = [
        {"row": n, **base, "name": "Treff", "category": "Kultur", "postal_code": "71634", **r}
        for n, r in enumerate(rows, start=2)
    ]
    return pd.DataFrame(records).astype(object)


def run(*rows: dict[str, str]):
    return validate_rows(frame(*rows), TAXONOMY, AREA, "Ludwigsburg")


def reason(**row: str) -> str:
    result = run(row)
    assert result.valid.empty, "row should have been rejected"
    return result.rejects.iloc[0]["reason"]


def messages(result, field: str) -> list[str]:
    return [w["message"] for w in result.warnings if w["field"] == field]


# --- each reject reason -------------------------------------------------------------------


def test_missing_name_is_rejected_with_fix():
    assert reason(name="") == "Name fehlt – bitte Spalte 'Name' ausfüllen"


def test_unknown_category_suggests_nearest():
    text = reason(category="Beratnug")
    assert text.startswith("unbekannte Kategorie 'Beratnug' – meinten Sie 'Beratung'")
    assert "counselling" in text


def test_missing_category_is_rejected():
    assert reason(category="").startswith("Kategorie fehlt – bitte Spalte 'Kategorie' ausfüllen")


def test_no_location_at_all_is_rejected():
    assert reason(postal_code="").startswith("Keine Lage angegeben")


def test_coordinates_outside_city_without_address_are_rejected():
    text = reason(postal_code="", lat="52,52", lon="13,40")
    assert "außerhalb von Ludwigsburg" in text and "keine Adresse" in text


def test_coordinates_out_of_range_without_address_are_rejected():
    assert "gültigen Bereichs" in reason(postal_code="", lat="148,9", lon="9,19")


def test_unparsable_coordinate_without_address_is_rejected():
    assert "keine Zahl" in reason(postal_code="", lat="Nord", lon="9,19")


def test_every_problem_of_a_row_is_collected():
    text = reason(name="", category="Beratnug", postal_code="")
    assert "Name fehlt" in text and "Beratnug" in text and "Keine Lage" in text


def test_duplicate_id_second_row_rejected_first_kept():
    result = run({"id": "A1"}, {"id": "A1", "name": "Anderes"})
    assert list(result.valid["row"]) == [2]
    assert result.rejects.iloc[0]["row"] == 3
    assert "ID 'A1' kommt doppelt vor (schon in Zeile 2)" in result.rejects.iloc[0]["reason"]


# --- fixable problems: kept with a warning --------------------------------------------------


def test_swapped_lat_lon_is_fixed_with_warning():
    result = run({"lat": "9,1920", "lon": "48,8973"})
    rec = result.valid.iloc[0]
    assert (rec["lat"], rec["lon"]) == (pytest.approx(48.8973), pytest.approx(9.192))
    assert "vertauscht" in messages(result, "lat")[0]


def test_swap_detection_without_city_area_uses_germany():
    result = validate_rows(frame({"lat": "9.19", "lon": "48.89"}), TAXONOMY, None)
    assert result.valid.iloc[0]["lat"] == pytest.approx(48.89)


def test_outside_city_with_address_is_geocoded_instead():
    result = run({"lat": "52,52", "lon": "13,40", "street": "Marktplatz 1"})
    rec = result.valid.iloc[0]
    assert rec["lat"] is None and rec["street"] == "Marktplatz" and rec["house_number"] == "1"
    assert "Lage wird aus der Adresse bestimmt" in messages(result, "lat")[0]


def test_unknown_language_dropped_known_names_resolved():
    result = run({"languages": "Türkisch / English; русский, ar, Elbisch"})
    assert result.valid.iloc[0]["languages"] == ["tr", "en", "ru", "ar"]
    assert "Elbisch" in messages(result, "languages")[0]


def test_unknown_target_group_warned_known_resolved():
    result = run({"target_groups": "Frauen; Familien/Marsianer"})
    assert result.valid.iloc[0]["target_groups"] == ["women", "families"]
    assert "Marsianer" in messages(result, "target_groups")[0]


def test_url_and_email_fixes():
    result = run({"url": "www.beispiel.de", "email": "mailto:info@beispiel.de"})
    rec = result.valid.iloc[0]
    assert rec["url"] == "https://www.beispiel.de" and rec["email"] == "info@beispiel.de"
    assert "ergänzt" in messages(result, "url")[0]
    bad = run({"url": "javascript:alert(1)", "email": "info(at)beispiel"})
    assert bad.valid.iloc[0]["url"] is None and bad.valid.iloc[0]["email"] is None
    assert messages(bad, "url") and messages(bad, "email")


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("https://www.x.de/a?b=1", "https://www.x.de/a?b=1"),
        ("HTTP://x.de", "http://x.de"),
        ("tel:+497141123", "tel:+497141123"),
        ("mailto:a@x.de", "mailto:a@x.de"),
        ("x.de", "https://x.de"),
        ("ftp://x.de", None),
        ("data:text/html,hi", None),
        ("http://", None),
        ("keine", None),
    ],
)
def test_normalize_url(text, url):
    assert normalize_url(text)[0] == url


def test_missing_id_gets_stable_generated_id():
    first = run({"name": "Treff", "street": "Marktplatz", "house_number": "1"})
    again = run({"name": "Treff", "street": "Marktplatz", "house_number": "1"})
    assert first.valid.iloc[0]["id"] == again.valid.iloc[0]["id"]
    assert is_valid_id(first.valid.iloc[0]["id"])
    twice = run({"name": "Treff", "street": "Marktplatz"}, {"name": "Treff", "street": "Marktplatz"})
    assert twice.valid["id"].nunique() == 2 and twice.rejects.empty


def test_id_with_bad_characters_is_sanitised():
    result = run({"id": "Nr 12/ä"})
    assert result.valid.iloc[0]["id"] == "nr-12-ae"
    assert messages(result, "id")


@pytest.mark.parametrize("cell", ["teilweise", "eingeschränkt", "Eingeschränkt", "partly", "partial"])
def test_partly_accessible_is_kept_as_partial(cell: str) -> None:
    """Issue 12 item 8: "teilweise" was recorded as unknown (lost); it is the contract's ``partial`` now."""
    result = run({"accessibility": cell, "accessibility_details": "Rampe am Seiteneingang"})
    rec = result.valid.iloc[0]
    assert rec["accessibility"] == "partial"
    assert rec["accessibility_details"] == "Rampe am Seiteneingang"
    assert not messages(result, "accessibility")


def test_postcode_lost_leading_zero_and_dates_and_accessibility():
    result = run({"postal_code": "7111", "last_verified": "31.12.25", "accessibility": "teilweise", "demo": "ja"})
    rec = result.valid.iloc[0]
    assert rec["postal_code"] == "07111" and rec["last_verified"] == "2025-12-31"
    assert rec["accessibility"] == "partial" and not rec["accessibility_details"]
    assert rec["demo"] is True
    assert messages(result, "postal_code")
    assert run({}).valid.iloc[0]["demo"] is None  # empty cell: the city's default applies later


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("31.12.2025", "2025-12-31"),
        ("2025-01-02", "2025-01-02"),
        ("2025-01-02 00:00:00", "2025-01-02"),
        ("32.12.2025", None),
        ("bald", None),
    ],
)
def test_parse_date(text, iso):
    parsed = parse_date(text)
    assert (parsed.isoformat() if parsed else None) == iso


def test_normalize_email_keeps_first_of_several():
    assert normalize_email("a@x.de; b@x.de")[0] == "a@x.de"


@given(st.text(max_size=80))
def test_sanitize_id_gives_valid_id_or_empty(text):
    ident = sanitize_id(text)
    assert ident == "" or is_valid_id(ident)


@given(st.text(), st.text(), st.text(), st.text())
def test_stable_id_is_valid_and_deterministic(name, street, number, plz):
    assert stable_id(name, street, number, plz) == stable_id(name, street, number, plz)
    assert is_valid_id(stable_id(name, street, number, plz))
