"""Numbers and dates in each interface language: CLDR notation, separators that neither break a
line nor let bidi split a number on an Arabic page."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata

import pytest

from dashboard.filters import UI_LANGUAGES
from dashboard.i18n import format_date, format_decimal, format_number, format_percent, plotly_separators

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("lang", "thousands", "decimal", "date"),
    [
        ("de", "20.000", "3,1", "21.12.2025"),
        ("en", "20,000", "3.1", f"21{NBSP}Dec{NBSP}2025"),
        ("tr", "20.000", "3,1", f"21{NBSP}Ara{NBSP}2025"),
        ("ar", "20,000", "3.1", "21\u200f/12\u200f/2025"),
        ("uk", f"20{NBSP}000", "3,1", f"21{NBSP}груд.{NBSP}2025\u202fр."),
    ],
)
def test_numbers_and_dates_per_language(lang, thousands, decimal, date):
    assert format_number(20000, lang) == thousands
    assert format_decimal(3.14159, lang) == decimal
    assert format_date(dt.date(2025, 12, 21), lang) == date


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_no_breaking_space_and_one_bidi_number(lang):
    """Every character between the digits of a big number is a bidi number separator (CS/ES/ET),
    so the Unicode bidi algorithm keeps "1 234 567,5" one number in right-to-left text."""
    for text in (format_number(1_234_567, lang), format_decimal(1_234_567.5, lang, 2)):
        assert " " not in text, (lang, text)
        inner = text.strip("0123456789")
        assert {unicodedata.bidirectional(c) for c in inner} <= {"CS", "ES", "ET", "EN"}, (lang, text)


def test_digits_rounding_and_missing_values():
    assert format_decimal(2.345, "de", 2) == "2,34"  # half-even, as Babel rounds
    assert format_decimal(1234.5, "de", 0) == "1.234"
    assert format_decimal(None, "de") == "–"
    assert format_decimal(math.nan, "ar") == "–"
    assert format_decimal(math.inf, "en") == "∞"
    assert format_number(999.6, "de") == "1.000"
    assert format_number(None, "uk") == "–"
    assert format_number(1234, "xx") == "1.234"  # unknown interface language: German notation


def test_datetime_is_written_as_its_date():
    assert format_date(dt.datetime(2025, 3, 9, 23, 59), "de") == "09.03.2025"
    assert format_date(dt.date(2025, 3, 9), "de", "long") == f"9.{NBSP}März{NBSP}2025"  # a date never wraps


@pytest.mark.parametrize(
    ("lang", "whole", "one_decimal", "separators"),
    [("de", f"31{NBSP}%", f"31,5{NBSP}%", ",."), ("en", "31%", "31.5%", ".,"), ("tr", "%31", "%31,5", ",."),
     ("ar", "31%", "31.5%", ".,"), ("uk", "31%", "31,5%", f",{NBSP}")],
)  # fmt: skip
def test_percentages_and_plotly_separators(lang, whole, one_decimal, separators):
    assert format_percent(0.314, lang) == whole
    assert format_percent(0.3149, lang, 1) == one_decimal
    assert plotly_separators(lang) == separators
    assert len(plotly_separators(lang)) == 2  # Plotly reads exactly: decimal mark, group mark
