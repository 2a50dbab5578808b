"""geodata.csvsafe: hostile spreadsheet cells are neutralised, real phone numbers and numbers stay."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata.csvsafe import FORMULA_PREFIXES, is_formula_like, spreadsheet_safe

HOSTILE = [
    '=HYPERLINK("http://evil","x")',
    "=1+1",
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '+HYPERLINK("http://evil","x")',
    "-1+1",
    "=",
    "@",
]
LEGITIMATE = [
    "+49 7141 910-0",  # Ludwigsburg's town hall
    "+49 (0)7141 910-2100",
    "07141 910-0",
    "+49 711 123456",
    "-12,5",
    "+1.5",
    "2025-12-31",
    "Sprachcafé = Treffpunkt",
    "Mo-Fr 9-12",
    "info@example.org",  # an @ inside, not first
    "",
]


@pytest.mark.parametrize("cell", HOSTILE)
def test_hostile_cells_become_text(cell: str) -> None:
    safe = spreadsheet_safe(cell)
    assert safe == "'" + cell
    assert is_formula_like(cell)


@pytest.mark.parametrize("cell", LEGITIMATE)
def test_phone_numbers_and_ordinary_text_are_unchanged(cell: str) -> None:
    assert spreadsheet_safe(cell) == cell


def test_safe_cells_survive_a_csv_round_trip() -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([spreadsheet_safe(c) for c in HOSTILE + LEGITIMATE])
    row = next(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert row[: len(HOSTILE)] == ["'" + c for c in HOSTILE]
    assert row[len(HOSTILE) :] == LEGITIMATE
    assert not any(cell.startswith(FORMULA_PREFIXES) and is_formula_like(cell) for cell in row)


@given(st.text(max_size=40))
def test_no_output_starts_a_formula_and_the_rule_is_idempotent(text: str) -> None:
    safe = spreadsheet_safe(text)
    assert not is_formula_like(safe)
    assert spreadsheet_safe(safe) == safe
    assert safe in (text, "'" + text)
