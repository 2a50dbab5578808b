"""Plotly's toolbar texts and number/date format in the interface language (``plotly_locale``)."""

from __future__ import annotations

import re

import pytest
from plotly.offline import get_plotlyjs

from dashboard.i18n import PLOTLY_MSGIDS, plotly_locale


def test_every_key_is_a_text_the_bundled_plotly_looks_up():
    bundle = get_plotlyjs()
    looked_up = set(re.findall(r'\b\w+\((?:e|gd|t|r),"([A-Z][^"]{2,80})"\)', bundle))
    assert len(looked_up) > 20  # the pattern really finds Plotly's localised texts
    assert set(PLOTLY_MSGIDS) <= looked_up, set(PLOTLY_MSGIDS) - looked_up
    toolbar = {"Zoom in", "Zoom out", "Autoscale", "Reset axes", "Pan", "Download plot as a PNG", "Reset view"}
    assert toolbar <= set(PLOTLY_MSGIDS)


@pytest.mark.parametrize("lang", ["tr", "ar", "uk"])
def test_no_english_or_german_tooltip_in_translated_pages(lang):
    dictionary = plotly_locale(lang)["dictionary"]
    assert set(dictionary) == set(PLOTLY_MSGIDS)
    for key, text in dictionary.items():
        assert text not in (key, PLOTLY_MSGIDS[key]), (lang, key, text)


def test_german_and_english_texts_and_formats():
    de, en = plotly_locale("de"), plotly_locale("en")
    assert de["dictionary"]["Zoom in"] == "Vergrößern" and en["dictionary"]["Zoom in"] == "Zoom in"
    assert (de["format"]["decimal"], de["format"]["thousands"]) == (",", ".")
    assert de["format"]["days"][0] == "Sonntag" and de["format"]["months"][11] == "Dezember"
    assert plotly_locale("uk")["format"]["thousands"] == "\u00a0"
    assert len(plotly_locale("ar")["format"]["shortMonths"]) == 12
