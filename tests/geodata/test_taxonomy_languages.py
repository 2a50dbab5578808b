from __future__ import annotations

import pandas as pd
import pytest

from etl.extract import FRAME_FIELDS
from etl.validate import validate_rows
from geodata.languages import (
    EASY_GERMAN,
    is_language_code,
    language_label,
    language_label_parts,
    language_name,
    native_name,
    resolve_language,
)
from geodata.schema import offer_problems
from geodata.taxonomy import fold, load_taxonomy

REQUIRED_CATEGORIES = {
    "association", "religious", "sports", "counselling", "language_course", "language_cafe",
    "education", "health", "work", "authority", "participation",
}  # fmt: skip


def test_default_taxonomy_covers_the_required_terms():
    tax = load_taxonomy()
    assert set(tax.categories.ids) >= REQUIRED_CATEGORIES
    assert {"youth", "women", "families", "seniors"} <= set(tax.target_groups.ids)
    assert {"mosque", "church", "cemevi"} <= set(tax.subcategories.ids)
    for term in (*tax.categories.terms, *tax.target_groups.terms):
        assert {"de", "en", "tr", "ar", "uk"} <= set(term.labels), term.id


def test_resolve_by_label_alias_and_suggest():
    tax = load_taxonomy()
    assert tax.categories.resolve("Sprachcafé") == "language_cafe"
    assert tax.categories.resolve("  BERATUNG ") == "counselling"
    assert tax.categories.resolve("Language courses") == "language_course"
    assert tax.categories.resolve("Beratnug") is None
    assert tax.categories.suggest("Beratnug") == "counselling"


def test_overrides_add_and_relabel():
    tax = load_taxonomy(
        overrides={
            "categories": [
                {"id": "counselling", "labels": {"de": "Beratung & Hilfe"}},
                {"id": "mentoring", "labels": {"de": "Patenschaften", "en": "Mentoring"}},
            ]
        }
    )
    assert tax.categories.label("counselling") == "Beratung & Hilfe"
    assert tax.categories.label("counselling", "en") == "Advice and counselling"
    assert tax.categories.resolve("Patenschaften") == "mentoring"


def test_label_falls_back_to_german():
    tax = load_taxonomy(overrides={"target_groups": [{"id": "x", "labels": {"de": "Nur Deutsch"}}]})
    assert tax.target_groups.label("x", "uk") == "Nur Deutsch"


@pytest.mark.parametrize(
    ("text", "code"),
    [("Türkisch", "tr"), ("Turkish", "tr"), ("Türkçe", "tr"), ("TR", "tr"), ("العربية", "ar"),
     ("Arabisch", "ar"), ("Kurmancî", "kmr"), ("Kurdisch", "ku"), ("Українська", "uk"),
     ("Persisch", "fa"), ("Farsi", "fa"), ("Griechisch", "el"), ("Kroatisch", "hr"), ("Englisch", "en"),
     ("русский", "ru"), ("italiano", "it")],
)  # fmt: skip
def test_resolve_language(text, code):
    assert resolve_language(text) == code


def test_unknown_language_is_none():
    assert resolve_language("Elbisch-Quenya") is None
    assert resolve_language("") is None


def test_language_names():
    assert native_name("tr") == "Türkçe"
    assert native_name("uk") == "Українська"
    assert language_name("ar", "de") == "Arabisch"
    assert language_name("kmr", "en") == "Kurmanji Kurdish"
    assert is_language_code("kmr") and not is_language_code("xx")


def test_fold():
    assert fold("  Straße ÜBER  Ça ") == "strasse ueber ca"


@pytest.mark.parametrize(
    ("code", "display", "label"),
    [("ti", "en", "ትግርኛ (Tigrinya)"), ("ps", "de", "پښتو (Paschtu)"), ("fa", "tr", "فارسی (Farsça)"),
     ("ti", "ar", "ትግርኛ (التغرينية)"), ("tr", "uk", "Türkçe (турецька)"), ("tr", "tr", "Türkçe"),
     ("de", "de", "Deutsch"), ("uk", "uk", "Українська"), ("ckb", "de", "کوردیی سۆرانی (Kurdisch-Sorani)"),
     ("ckb", "ar", "کوردیی سۆرانی (الكردية السورانية)"), ("kmr", "tr", "Kurmancî (Kurmanci Kürtçesi)"),
     ("gsg", "de", "Deutsche Gebärdensprache"), ("gsg", "en", "Deutsche Gebärdensprache (German Sign Language)"),
     ("de-x-ls", "de", "Leichte Sprache"), ("de-x-ls", "en", "Leichte Sprache (Easy German)")],
)  # fmt: skip
def test_language_label_is_own_name_then_interface_name(code, display, label):
    assert language_label(code, display) == label


@pytest.mark.parametrize("code", ["ckb", "kmr", "prs", "gsg", "de-x-ls", "ti", "ps", "so", "sq"])
def test_every_interface_language_names_the_chip_languages_without_nesting(code):
    for display in ("de", "en", "tr", "ar", "uk"):
        own, local = language_label_parts(code, display)
        assert own and "(" not in own
        assert local is None or (local and "(" not in local and local != code), (code, display, local)


@pytest.mark.parametrize(
    ("text", "code"),
    [("Leichte Sprache", EASY_GERMAN), ("einfache Sprache", EASY_GERMAN), ("Easy German", EASY_GERMAN),
     ("de-x-ls", EASY_GERMAN), ("DGS", "gsg"), ("Deutsche Gebärdensprache", "gsg"), ("Gebärdensprache", "gsg"),
     ("Sorani", "ckb"), ("Kurdisch (Sorani)", "ckb"), ("Zentralkurdisch", "ckb"), ("کوردیی سۆرانی", "ckb"),
     ("Kurdisch (Kurmandschi)", "kmr"), ("Kurmancî", "kmr"), ("Deutsch", "de")],
)  # fmt: skip
def test_resolve_sign_language_sorani_and_leichte_sprache(text, code):
    assert resolve_language(text) == code


def test_leichte_sprache_is_a_contract_language_of_its_own():
    assert is_language_code(EASY_GERMAN) and is_language_code("gsg")
    base = {"id": "a", "name": "Treff", "category": "culture", "geocode_source": "input",
            "geocode_precision": "input", "accessibility": "unknown"}  # fmt: skip
    assert not [p for p in offer_problems({**base, "languages": [EASY_GERMAN, "gsg", "de"]}) if "language" in p]
    assert [p for p in offer_problems({**base, "languages": ["de-x-xx"]}) if "language" in p]


def test_etl_keeps_leichte_sprache_apart_from_german():
    record = {**dict.fromkeys(FRAME_FIELDS, ""), "row": 2, "name": "Treff", "category": "Kultur",
              "postal_code": "71634", "languages": "Deutsch, Leichte Sprache; DGS"}  # fmt: skip
    result = validate_rows(pd.DataFrame([record]).astype(object), load_taxonomy(), None, "Ludwigsburg")
    assert result.valid.iloc[0]["languages"] == ["de", EASY_GERMAN, "gsg"]
