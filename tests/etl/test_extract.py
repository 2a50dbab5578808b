from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.config import DEFAULT_COLUMNS
from etl.errors import ColumnError, InputEmptyError, InputFormatError, InputMissingError
from etl.extract import header_key, match_headers, parse_number, read_table, sniff_delimiter, split_list
from etl.problems import render

DATA = Path(__file__).resolve().parents[1] / "data"

HEADER = "Name;Kategorie;PLZ;Sprachen;Breitengrad;Längengrad"
ROW = "Sprachcafé Süd;Sprachcafé;07111;Türkisch, Arabisch;48,8973;9,1920"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ";"), ("utf-8-sig", ";"), ("cp1252", ";"), ("utf-8", ","), ("cp1252", "\t")],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter, write_csv):
    header = HEADER.replace(";", delimiter)
    row = (
        ROW.replace(";", delimiter)
        if delimiter != ","
        else '"Sprachcafé Süd",Sprachcafé,07111,"Türkisch, Arabisch","48,8973","9,1920"'
    )
    result = read_table(write_csv(tmp_path / "a.csv", [header, row], encoding))
    rec = result.frame.iloc[0]
    assert rec["name"] == "Sprachcafé Süd"  # umlauts survive every encoding
    assert rec["postal_code"] == "07111"  # no dtype guessing: the zero stays
    assert rec["lat"] == "48,8973" and parse_number(rec["lat"]) == pytest.approx(48.8973)
    assert rec["languages"] == "Türkisch, Arabisch"
    assert int(rec["row"]) == 2
    assert encoding.split("-sig")[0] in result.detail or (encoding == "utf-8-sig" and "utf-8-sig" in result.detail)


def test_excel_sep_line_is_honoured(tmp_path, write_csv):
    result = read_table(write_csv(tmp_path / "a.csv", ["sep=,", "Name,Kategorie,PLZ", "A;B,Beratung,71634"]))
    assert result.frame.iloc[0]["name"] == "A;B"
    assert int(result.frame.iloc[0]["row"]) == 2


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Hausnr.", "house_number"),
        ("HAUS-NR", "house_number"),
        (" Straße ", "street"),
        ("Strasse", "street"),
        ("E-Mail", "email"),
        ("email", "email"),
        ("Längengrad", "lon"),
        ("Laengengrad", "lon"),
        ("Zuletzt geprüft", "last_verified"),
        ("Öffnungszeiten:", "opening_hours"),
        ("Bezeichnung", "name"),
    ],
)
def test_header_variants(header, field):
    found, _ = match_headers([header], DEFAULT_COLUMNS)
    assert found == {field: 0}


def test_second_header_for_same_field_is_reported():
    found, messages = match_headers(["Name", "Bezeichnung"], DEFAULT_COLUMNS)
    assert found == {"name": 0}
    assert "Bezeichnung" in render(messages[0])


def test_config_columns_extend_defaults(tmp_path, write_csv):
    columns = {**DEFAULT_COLUMNS, "name": ("Angebotsname", *DEFAULT_COLUMNS["name"])}
    path = write_csv(tmp_path / "a.csv", ["Angebotsname;Kategorie;PLZ", "X;Beratung;71634"])
    assert read_table(path, columns).frame.iloc[0]["name"] == "X"


def test_empty_rows_are_skipped_and_listed_with_true_row_numbers(tmp_path, write_csv):
    lines = ["Name;Kategorie;PLZ", "A;Beratung;71634", ";;", "", 'B;"Sprach\nkurs";71636', "C;Sport;71638"]
    result = read_table(write_csv(tmp_path / "a.csv", lines))
    assert list(result.frame["row"]) == [2, 5, 6]  # a line break inside quotes is still one spreadsheet row
    assert result.empty_rows == (3, 4)
    assert list(result.raw["row"]) == [2, 5, 6]


def test_missing_name_column_lists_headers_and_spellings(tmp_path, write_csv):
    path = write_csv(tmp_path / "a.csv", ["Titel;Kategorie;PLZ", "A;Beratung;71634"])
    with pytest.raises(ColumnError) as err:
        read_table(path)
    message = str(err.value)
    assert "'Titel'" in message and "'Bezeichnung'" in message and "[columns]" in message


def test_no_location_column_is_an_error(tmp_path, write_csv):
    with pytest.raises(ColumnError, match="location"):
        read_table(write_csv(tmp_path / "a.csv", ["Name;Kategorie", "A;Beratung"]))


@pytest.mark.parametrize(
    ("content", "error"),
    [(b"", InputEmptyError), (b"\r\n\r\n", InputEmptyError), (b"Name;Kategorie;PLZ\r\n;;\r\n", InputEmptyError)],
)
def test_empty_inputs(tmp_path, content, error):
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    with pytest.raises(error, match=r"a\.csv"):
        read_table(path)


def test_missing_file_and_unknown_type(tmp_path):
    with pytest.raises(InputMissingError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputFormatError, match=r"\.csv, \.xlsx"):
        read_table(tmp_path / "a.pdf")
    (tmp_path / "b.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputFormatError, match="xlsx"):
        read_table(tmp_path / "b.xlsx")


def test_xlsx_keeps_text_and_numbers(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Kategorie", "PLZ", "Breitengrad", "Längengrad", "Stand"])
    sheet.append(["Treff", "Kultur", "07111", 48.8973, 9.192, dt.datetime(2025, 12, 31)])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Kurs", "Sprachkurs", 71634, None, None, "31.12.2025"])
    book.save(tmp_path / "a.xlsx")
    result = read_table(tmp_path / "a.xlsx")
    first, second = result.frame.to_dict("records")
    assert first["postal_code"] == "07111" and first["lat"] == "48.8973" and first["last_verified"] == "2025-12-31"
    assert second["postal_code"] == "71634" and second["row"] == 4
    assert result.empty_rows == (3,)


def test_geojson_point_geometry_gives_lat_lon(tmp_path):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"Name": "A", "Kategorie": "Sport", "PLZ": "07111"},
                "geometry": {"type": "Point", "coordinates": [9.19, 48.89]},
            },
            {"type": "Feature", "properties": {"Name": "B", "Kategorie": "Sport", "PLZ": "71634"}, "geometry": None},
        ],
    }
    path = tmp_path / "a.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    frame = read_table(path).frame
    assert list(frame["row"]) == [1, 2]
    assert float(frame.iloc[0]["lon"]) == pytest.approx(9.19) and float(frame.iloc[0]["lat"]) == pytest.approx(48.89)
    assert frame.iloc[1]["lat"] == "" and frame.iloc[0]["postal_code"] == "07111"


def test_messy_fixture_reads_all_rows():
    result = read_table(DATA / "etl_messy_cp1252.csv")
    assert "cp1252" in result.detail
    assert result.frame.iloc[0]["organization"] == "Verein Begegnung e.V."
    assert result.frame.iloc[0]["target_groups"] == "Frauen; Familien"
    assert result.empty_rows == (4, 14)


# --- property-based tests of the parsers ----------------------------------------------------

coordinates = st.floats(min_value=-180, max_value=180, allow_nan=False, allow_infinity=False)


@given(coordinates, st.sampled_from([".", ","]), st.sampled_from(["", " ", "\u00a0"]))
def test_parse_number_round_trips_point_and_comma(value, decimal, pad):
    text = pad + f"{value:.7f}".replace(".", decimal) + pad
    assert parse_number(text) == pytest.approx(round(value, 7), abs=1e-9)


@given(st.text())
def test_parse_number_never_raises_and_is_finite(text):
    value = parse_number(text)
    assert value is None or math.isfinite(value)


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Zs")), min_size=1).filter(
        lambda t: not set(t) & set(",;/|")
    )
)
def test_parse_number_rejects_text_with_letters(text):
    if any(c.isalpha() for c in text):
        assert parse_number(text) is None


item = (
    st.text(alphabet=st.characters(blacklist_characters=",;/|\n\r", blacklist_categories=("Cs",)), min_size=1)
    .map(str.strip)
    .filter(bool)
)


@given(st.lists(item, min_size=1, max_size=6, unique=True), st.sampled_from([",", ";", "/", ", ", " / ", "; "]))
def test_split_list_inverts_join(items, separator):
    assert split_list(separator.join(items)) == items


@given(st.lists(item, max_size=6))
def test_split_list_has_no_empty_or_duplicate_items(items):
    parts = split_list(",".join(items + items))
    assert all(parts) and len(parts) == len(set(parts))


spelling = st.sampled_from([s for spellings in DEFAULT_COLUMNS.values() for s in spellings])


@given(
    spelling,
    st.sampled_from([str.upper, str.lower, str.title, lambda s: s]),
    st.sampled_from(["", " ", ".", ":", "*", "-"]),
)
def test_header_key_ignores_case_space_and_punctuation(header, case, noise):
    variant = " " + case(header) + noise + " "
    assert header_key(variant) == header_key(header)
    found, _ = match_headers([variant], DEFAULT_COLUMNS)
    assert len(found) == 1


def test_every_default_spelling_maps_to_its_own_field():
    for field, spellings in DEFAULT_COLUMNS.items():
        for s in spellings:
            assert match_headers([s], DEFAULT_COLUMNS)[0] == {field: 0}


@pytest.mark.parametrize(("line", "expected"), [("a;b;c", ";"), ("a,b,c", ","), ("a\tb", "\t"), ("single", ";")])
def test_sniff_delimiter(line, expected):
    assert sniff_delimiter(line) == expected
