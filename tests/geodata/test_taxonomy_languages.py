from __future__ import annotations

import pytest

from geodata.languages import is_language_code, language_name, native_name, resolve_language
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
    assert language_name("kmr", "en") == "Kurdish (Kurmanji)"
    assert is_language_code("kmr") and not is_language_code("xx")


def test_fold():
    assert fold("  Straße ÜBER  Ça ") == "strasse ueber ca"
