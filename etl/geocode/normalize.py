"""Normalised matching keys of address parts (pure functions, cached per distinct text)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from geodata.taxonomy import fold

_NON_WORD = re.compile(r"[\W_]+")
_HOUSE_NUMBER = re.compile(r"^\D*?(\d+)\s*(.*)$")
_RANGE_REST = re.compile(r"\s*[-–—]\s*\d+.*$")
_DIGITS = re.compile(r"\d+")
#: Abbreviations contracted to one canonical short form (applied to a fixed point).
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (("strasse", "str"), ("platz", "pl"))


@lru_cache(maxsize=1 << 16)
def _squash(text: str | None) -> str:
    """Fold case, umlauts, ß and accents, then drop everything but letters and digits."""
    if not text:
        return ""
    return _NON_WORD.sub("", fold(unicodedata.normalize("NFC", str(text))))


@lru_cache(maxsize=1 << 16)
def normalize_street(text: str | None) -> str:
    """Matching key of a street name.

    Case, spaces, hyphens, dots, umlauts and ß/ss are ignored, and the
    abbreviations "Str." and "Pl." equal "Straße" and "Platz":
    ``"Friedrich-Ebert-Str."``, ``"friedrich ebert strasse"`` and
    ``"Friedrich-Ebert-Straße"`` all give ``"friedrichebertstr"``.

    Parameters
    ----------
    text
        Street name as written in the input (may be ``None``).

    Returns
    -------
    str
        The key (empty string for no street). ``normalize_street`` is idempotent.
    """
    key = _squash(text)
    changed = True
    while changed:  # to a fixed point, so that the function is idempotent
        changed = False
        for long, short in _ABBREVIATIONS:
            if long in key:
                key = key.replace(long, short)
                changed = True
    return key


@lru_cache(maxsize=1 << 16)
def split_house_number(text: str | None) -> tuple[int | None, str]:
    """Split a house number into its number and suffix.

    ``"12a"`` and ``"12 A"`` give ``(12, "a")``; a range ``"3-5"`` gives
    ``(3, "")`` (the first number); ``"12/1"`` gives ``(12, "1")``. Text without
    a digit gives ``(None, "")``.
    """
    if text is None:
        return None, ""
    match = _HOUSE_NUMBER.match(fold(unicodedata.normalize("NFC", str(text))))
    if not match:
        return None, ""
    number, rest = int(match.group(1)), match.group(2).strip()
    rest = _RANGE_REST.sub("", rest, count=1)  # "3-5" and "3a-5": keep the first number
    return number, _NON_WORD.sub("", rest)


def normalize_house_number(text: str | None) -> str:
    """Matching key of a house number: ``"12 A"`` -> ``"12a"``, ``"3-5"`` -> ``"3"``, no number -> ``""``."""
    number, suffix = split_house_number(text)
    return "" if number is None else f"{number}{suffix}"


@lru_cache(maxsize=1 << 16)
def normalize_postcode(text: str | None) -> str:
    """Matching key of a German postcode.

    Keeps the digits (``"D-71634"`` -> ``"71634"``), drops a spreadsheet's
    ``".0"`` and restores the leading zero that spreadsheets strip
    (``"1067"`` -> ``"01067"``). Anything else is returned as its digits.
    """
    if text is None:
        return ""
    value = str(text).strip()
    if value.endswith(".0"):
        value = value[:-2]
    digits = "".join(_DIGITS.findall(value))
    return digits.zfill(5) if len(digits) == 4 else digits


def normalize_place(text: str | None) -> str:
    """Matching key of a city or district name (case, umlaut, space and hyphen insensitive)."""
    return _squash(text)
