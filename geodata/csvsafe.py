"""Cells that are safe to open in a spreadsheet (CSV formula injection).

Excel, LibreOffice Calc and Google Sheets run a cell as a formula when it starts with
``=``, ``+``, ``-`` or ``@`` (and some treat a leading tab or carriage return the same
way), e.g. ``=HYPERLINK("http://evil","x")``. Every CSV this project writes passes each
cell through :func:`spreadsheet_safe`.

The rule (OWASP "CSV injection"): a cell whose first character is one of
``= + - @ \\t \\r`` gets a leading apostrophe (``'``), which spreadsheets show as text and
hide. Exception, so that real data stays as it is: a cell that is only a phone number or
a plain number (digits, spaces, ``+ - / ( ) . ,``; e.g. ``+49 7141 910-0``, ``-12,5``) is
left unchanged — a spreadsheet cannot run it as a formula because it holds no function
name, reference or operator it would evaluate to anything but the number.
"""

from __future__ import annotations

import re

#: First characters a spreadsheet treats as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-]?[0-9][0-9 ()/.,\-]*")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (see the module's rule)."""
    if not text or not text.startswith(FORMULA_PREFIXES):
        return False
    return not _NUMBER_LIKE.fullmatch(text.strip(" "))


def spreadsheet_safe(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula, else unchanged."""
    return "'" + text if is_formula_like(text) else text
