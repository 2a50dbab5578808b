"""geodata.csvsafe: hostile cells neutralised, real phone numbers and numbers untouched."""

from __future__ import annotations

import pytest

from geodata.csvsafe import is_formula_like, spreadsheet_safe


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil","x")',
        "=1+2",
        "+1+cmd|' /C calc'!A0",
        "-2+3*A1",
        "@SUM(A1:A9)",
        "\tx",
        "\r=x",
        "-",
        "+",
    ],
)
def test_hostile_cells_get_an_apostrophe(cell: str) -> None:
    assert is_formula_like(cell)
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["+49 7141 910-0", "+49 (0) 7141 910-0", "07141 910-0", "-12,5", "Beratung", "", "e. V.", "a=b"]
)
def test_real_values_are_unchanged(cell: str) -> None:
    assert spreadsheet_safe(cell) == cell
