"""Awkward and hostile input files (issue 11): mixed encodings, workbooks with cover sheets,
title rows, merged cells, decompression bombs and padded sheets, over-long cells.

Every fixture is generated here (small, or big in ``tmp_path``); nothing is mocked.
"""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from etl.config import config_from_mapping
from etl.errors import ColumnError, ConfigError, InputFormatError
from etl.extract import check_xlsx_limits, decode_lines, read_table
from etl.pipeline import build
from etl.settings import InputLimits
from geodata.datasets import get_path
from geodata.snapshot import current_snapshot_dir
from stadtkarte.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
DISTRICTS = DATA / "etl_districts.geojson"
HEADER = ["Name", "Träger", "Kategorie", "Straße", "Hausnr.", "PLZ", "Öffnungszeiten", "Breitengrad", "Längengrad"]
ROW = ["Sprachcafé Müller", "Förderverein Grünbühl", "Sprachkurse", "Königsallee", "3", "71638", "Mo–Fr 9–12"]


def _row(i: int) -> list[str]:
    return [f"{ROW[0]} {i}", *ROW[1:], f"48.89{i}", "9.19"]


# --- mixed encodings ---------------------------------------------------------------------


def _mixed_csv(path: Path) -> Path:
    lines = [";".join(HEADER).encode("utf-8")]
    for i in range(2, 7):
        line = ";".join(_row(i))
        lines.append(line.encode("cp1252" if i in (3, 5) else "utf-8"))
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return path


def test_mixed_utf8_and_cp1252_lines_lose_nothing(tmp_path):
    result = read_table(_mixed_csv(tmp_path / "gemischt.csv"))
    assert result.header_map["organization"] == "Träger"
    assert result.header_map["street"] == "Straße"
    assert result.header_map["opening_hours"] == "Öffnungszeiten"
    assert result.header_map["lon"] == "Längengrad"
    frame = result.frame
    assert list(frame["row"]) == [2, 3, 4, 5, 6]
    assert list(frame["name"]) == [f"Sprachcafé Müller {i}" for i in range(2, 7)]
    assert set(frame["organization"]) == {"Förderverein Grünbühl"}
    assert set(frame["street"]) == {"Königsallee"}
    assert set(frame["opening_hours"]) == {"Mo–Fr 9–12"}
    assert list(frame["lat"]) == [f"48.89{i}" for i in range(2, 7)]
    flagged = sorted(row for row, p in result.problems if p.code == "encoding_windows_line")
    assert flagged == [3, 5]
    assert "Windows-1252" in result.detail


def test_mixed_file_names_the_record_of_a_multiline_cp1252_cell(tmp_path):
    lines = [
        b"Name;Kategorie;PLZ",
        "Café;Sprachkurse;71638".encode(),
        b'"Treff ";"Beratung',
        'für Mütter";71634'.encode("cp1252"),
        "Ärztehaus;Beratung;71636".encode(),
    ]
    path = tmp_path / "mehrzeilig.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = read_table(path)
    assert list(result.frame["category"]) == ["Sprachkurse", "Beratung\nfür Mütter", "Beratung"]
    assert [row for row, p in result.problems if p.code == "encoding_windows_line"] == [3]


def test_pure_cp1252_file_is_not_flagged_line_by_line():
    data = "Name;Kategorie\r\nTräger;Sprachkurse\r\n".encode("cp1252")
    lines, encoding, odd = decode_lines(data)
    assert "".join(lines) == "Name;Kategorie\r\nTräger;Sprachkurse\r\n"
    assert (encoding, odd) == ("cp1252", frozenset())


def test_mixed_file_through_the_build_reports_the_rows(tmp_path):
    report = build(offers=_mixed_csv(tmp_path / "gemischt.csv"), districts=DISTRICTS, out_dir=tmp_path / "out")
    codes = [(w["row"], w["code"]) for w in report.warnings]
    assert (3, "encoding_windows_line") in codes and (5, "encoding_windows_line") in codes
    message = next(w["message"] for w in report.warnings if w["code"] == "encoding_windows_line")
    assert "Windows-1252" in message and "UTF-8" in message


# --- over-long cells -----------------------------------------------------------------------


def _long_cell_csv(path: Path, size: int = 128 * 1024) -> Path:
    rows = [[*HEADER, "Beschreibung"]]
    rows += [[*_row(2), "kurz"], [*_row(3), "x" * size], [*_row(4), "kurz"]]
    path.write_text("\r\n".join(";".join(r) for r in rows) + "\r\n", encoding="utf-8")
    return path


def test_one_over_long_cell_rejects_that_row_not_the_file(tmp_path):
    result = read_table(_long_cell_csv(tmp_path / "lang.csv"))
    assert list(result.frame["row"]) == [2, 4]
    assert list(result.raw["row"]) == [2, 3, 4]  # kept for rejects.csv
    [(row, problem)] = [(r, p) for r, p in result.problems if p.is_error]
    assert row == 3 and problem.code == "cell_too_long" and problem.field == "description"
    assert problem.params == {"column": "Beschreibung", "chars": 128 * 1024, "limit": 32_768}


def test_cell_limit_is_configurable(tmp_path):
    path = _long_cell_csv(tmp_path / "lang.csv", size=40_000)
    assert len(read_table(path, limits=InputLimits(max_cell_chars=50_000)).frame) == 3
    assert list(read_table(path, limits=InputLimits(max_cell_chars=10)).frame["row"]) == []


def test_build_rejects_the_over_long_row_with_row_and_column(tmp_path):
    out = tmp_path / "out"
    report = build(offers=_long_cell_csv(tmp_path / "lang.csv"), districts=DISTRICTS, out_dir=out)
    assert report.rows_in == 3 and report.rows_rejected >= 1
    rejects = (out / "rejects.csv").read_text(encoding="utf-8-sig").splitlines()
    row3 = next(line for line in rejects if line.startswith("3;"))
    assert "„Beschreibung“ ist zu lang (131072 Zeichen, höchstens 32768)" in row3
    assert "x" * 1000 in row3  # nothing lost: the original cell is in the rejects
    built = json.loads((current_snapshot_dir(out) / "build_report.json").read_text(encoding="utf-8"))
    assert built["rows_in"] == built["rows_out"] + built["rows_rejected"]


def test_input_table_in_the_config(tmp_path):
    config = config_from_mapping({"input": {"max_cell_chars": 100, "max_xlsx_shared_strings": 5}})
    assert config.input_limits() == InputLimits(max_cell_chars=100, max_xlsx_shared_strings=5)
    with pytest.raises(ConfigError, match="max_cell_chars must be a positive number"):
        config_from_mapping({"input": {"max_cell_chars": 0}})
    with pytest.raises(ConfigError, match=r"bad key in \[input\]"):
        config_from_mapping({"input": {"max_cells": 5}})


# --- workbooks -----------------------------------------------------------------------------


def _offers_sheet(ws, first_row: int = 1, rows: int = 3) -> None:
    for col, header in enumerate(HEADER, start=1):
        ws.cell(first_row, col, header)
    for i in range(rows):
        for col, value in enumerate(_row(i + 2), start=1):
            ws.cell(first_row + 1 + i, col, value)


def test_cover_sheet_is_skipped_and_named(tmp_path):
    book = Workbook()
    cover = book.active
    cover.title = "Deckblatt"
    cover["A1"] = "Integrationsangebote der Stadt – Stand Mai"
    cover["A3"] = "Ansprechpartnerin: Frau Muster"
    _offers_sheet(book.create_sheet("Angebote"))
    book.save(tmp_path / "liste.xlsx")
    result = read_table(tmp_path / "liste.xlsx")
    assert len(result.frame) == 3 and "Angebote" in result.detail
    [(row, chosen)] = [(r, p) for r, p in result.problems if p.code == "sheet_chosen"]
    assert row == 1 and chosen.params == {"sheet": "Angebote", "skipped": "Deckblatt"}
    # --sheet picks a sheet by name or number
    assert len(read_table(tmp_path / "liste.xlsx", sheet="2").frame) == 3
    assert len(read_table(tmp_path / "liste.xlsx", sheet="Angebote").frame) == 3
    with pytest.raises(ColumnError, match="no name column"):
        read_table(tmp_path / "liste.xlsx", sheet=1)
    with pytest.raises(InputFormatError, match=r"no worksheet 'Tabelle9'.*'Deckblatt', 'Angebote'"):
        read_table(tmp_path / "liste.xlsx", sheet="Tabelle9")


def test_title_row_above_the_header(tmp_path):
    book = Workbook()
    book.active["A1"] = "Angebotsliste Integration 2026"
    _offers_sheet(book.active, first_row=3)
    book.save(tmp_path / "titel.xlsx")
    result = read_table(tmp_path / "titel.xlsx")
    assert list(result.frame["row"]) == [4, 5, 6]
    assert result.frame["organization"].iloc[0] == "Förderverein Grünbühl"
    [(row, note)] = [(r, p) for r, p in result.problems if p.code == "rows_above_header"]
    assert row == 3 and note.params["rows"] == "1" and "Angebotsliste Integration 2026" in note.params["text"]


def test_title_row_above_a_csv_header(tmp_path, write_csv):
    path = write_csv(
        tmp_path / "titel.csv", ["Liste Stand Mai;;", ";;", "Name;Kategorie;PLZ", "Café;Sprachkurse;71638"]
    )
    result = read_table(path)
    assert list(result.frame["row"]) == [4] and result.frame["name"].iloc[0] == "Café"


def test_merged_cells_are_filled_down_with_a_warning(tmp_path):
    book = Workbook()
    ws = book.active
    _offers_sheet(ws, rows=4)
    ws["B3"] = None
    ws["B4"] = None
    ws.merge_cells("B2:B4")  # Träger once for three offers
    book.save(tmp_path / "verbunden.xlsx")
    result = read_table(tmp_path / "verbunden.xlsx")
    assert list(result.frame["organization"]) == ["Förderverein Grünbühl"] * 4
    filled = [(r, p.params) for r, p in result.problems if p.code == "merged_cell_filled"]
    assert [r for r, _ in filled] == [3, 4]
    assert filled[0][1] == {"column": "Träger", "cells": "B2:B4", "value": "Förderverein Grünbühl"}


def _bomb(path: Path, strings: int, declare: bool = True) -> Path:
    """A small workbook with a sharedStrings.xml of ``strings`` entries (highly compressible).

    openpyxl writes no shared strings itself: the part, its relationship and its content
    type are added as Excel writes them.
    """
    book = Workbook()
    _offers_sheet(book.active)
    plain = path.with_name("plain.xlsx")
    book.save(plain)
    count = f' count="{strings}" uniqueCount="{strings}"' if declare else ""
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = (
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    )
    override = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            data = src.read(entry)
            if entry.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            elif entry.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            dst.writestr(entry, data)
        with dst.open("xl/sharedStrings.xml", "w") as out:
            out.write(f'<?xml version="1.0"?><sst xmlns="{main_ns}"{count}>'.encode())
            block = b"<si><t>a</t></si>" * 10_000
            for _ in range(strings // 10_000):
                out.write(block)
            out.write(b"</sst>")
    return path


@pytest.mark.parametrize("declare", [True, False])
def test_shared_string_bomb_fails_before_openpyxl_loads_it(tmp_path, declare):
    path = _bomb(tmp_path / "bombe.xlsx", 3_000_000, declare)
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(InputFormatError, match=r"over the limit of 2,000,000 \(raise \[input\] max_xlsx_shared"):
            read_table(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_uncompressed_size_limit(tmp_path):
    path = _bomb(tmp_path / "gross.xlsx", 100_000)
    with pytest.raises(InputFormatError, match=r"unpacks to 2 MB, over the limit of 1 MB.*max_xlsx_uncompressed_mb"):
        check_xlsx_limits(path, InputLimits(max_xlsx_uncompressed_mb=1))
    check_xlsx_limits(path, InputLimits())  # under the default limits


def test_bomb_through_the_cli_is_one_line_and_exit_2(tmp_path, capsys):
    path = _bomb(tmp_path / "bombe.xlsx", 3_000_000)
    config = get_path("ludwigsburg/city.toml")  # a config given: no "default settings" notice beside the error
    argv = ["build", "--offers", str(path), "--districts", str(DISTRICTS), "--config", str(config)]
    code = main([*argv, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "max_xlsx_shared_strings" in err and "Traceback" not in err


def test_padded_sheet_stops_after_the_empty_gap(tmp_path):
    book = Workbook()
    ws = book.active
    _offers_sheet(ws)
    ws.cell(1_000_000, 1, " ")  # the sheet claims a million rows
    book.save(tmp_path / "gepolstert.xlsx")
    tracemalloc.start()
    try:
        result = read_table(tmp_path / "gepolstert.xlsx", limits=InputLimits(max_empty_rows=2_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(result.frame) == 3 and result.empty_rows == ()
    [(row, gap)] = [(r, p) for r, p in result.problems if p.code == "rows_after_gap_ignored"]
    assert row == 5 and gap.params == {"count": 2_000, "row": 5, "last": 1_000_000}
    assert peak < 50_000_000


def test_trailing_empty_rows_are_not_listed(tmp_path):
    book = Workbook()
    _offers_sheet(book.active)
    book.active.cell(20, 1, "")
    book.active.cell(8, 2, "Nachtrag")
    book.save(tmp_path / "luecke.xlsx")
    result = read_table(tmp_path / "luecke.xlsx")
    assert result.empty_rows == (5, 6, 7)
    assert list(result.frame["row"]) == [2, 3, 4, 8]


def test_sheet_option_reaches_the_build(tmp_path):
    book = Workbook()
    _offers_sheet(book.active, rows=1)
    book.active.title = "Alt"
    _offers_sheet(book.create_sheet("Neu"), rows=2)
    book.save(tmp_path / "zwei.xlsx")
    base = ["build", "--offers", str(tmp_path / "zwei.xlsx"), "--districts", str(DISTRICTS), "--quiet"]
    assert main([*base, "--out", str(tmp_path / "a")]) == 0
    assert main([*base, "--out", str(tmp_path / "b"), "--sheet", "Neu"]) == 0
    rows = [
        json.loads((current_snapshot_dir(tmp_path / d) / "build_report.json").read_text(encoding="utf-8"))["rows_in"]
        for d in ("a", "b")
    ]
    assert rows == [1, 2]
