"""The problem catalogue: every code in every language, every placeholder filled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl.problems import (
    CATALOGUE,
    CODES,
    LANGUAGES,
    Problem,
    error,
    placeholders,
    problem_from_dict,
    render,
    render_all,
    warning,
)

ETL = Path(__file__).resolve().parents[2] / "etl"
#: A code literal passed to error()/warning() anywhere in the ETL's source.
_EMITTED = re.compile(r"""\b(?:error|warning)\(\s*["']([a-z_.]+)["']""")
#: A code built as ``code + "_no_address"`` in etl/validate.py.
_SUFFIXED = ("coordinate_not_number", "coordinates_out_of_range", "coordinates_outside_city")


def emitted_codes() -> set[str]:
    codes: set[str] = set()
    for path in ETL.rglob("*.py"):
        codes.update(_EMITTED.findall(path.read_text(encoding="utf-8")))
    return codes | {c + "_no_address" for c in _SUFFIXED} | set(_SUFFIXED)


def sample_params(template: str) -> dict[str, str]:
    return {name: f"<{name}>" for name in placeholders(template)}


def test_every_key_has_a_nonempty_message_in_every_language():
    for key, texts in CATALOGUE.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_language_uses_the_same_placeholders_as_german(key):
    german = placeholders(CATALOGUE[key]["de"])
    for lang in LANGUAGES:
        assert placeholders(CATALOGUE[key][lang]) == german, (key, lang)


@pytest.mark.parametrize("key", sorted(k for k in CATALOGUE if not k.startswith("join.")))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_placeholder_is_filled(key, lang):
    params = sample_params(CATALOGUE[key]["de"])
    code = key.removesuffix(".plain")
    text = render(Problem(code, None, params), lang) if "." not in code else CATALOGUE[key][lang].format(**params)
    assert "{" not in text and "}" not in text, text
    for value in params.values():
        assert value in text, (key, lang, value)


def test_every_code_the_etl_emits_is_in_the_catalogue():
    emitted = emitted_codes()
    assert len(emitted) > 30  # the scan found the codes (not an empty set that passes trivially)
    assert emitted <= set(CATALOGUE), sorted(emitted - set(CATALOGUE))


def test_codes_are_snake_case():
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", code) for code in CODES)


def test_optional_suggestion_picks_the_plain_sentence():
    with_hint = warning("unknown_target_group", "target_groups", value="Marsianer", suggestion="'Männer' (men)")
    without = warning("unknown_target_group", "target_groups", value="Marsianer", suggestion=None)
    assert render(with_hint) == "unbekannte Zielgruppe 'Marsianer' – meinten Sie 'Männer' (men)? – ignoriert"
    assert render(without) == "unbekannte Zielgruppe 'Marsianer' – ignoriert"
    assert render(without, "en") == "unknown target group 'Marsianer' – ignored"


def test_nested_problems_render_in_the_same_language_and_join():
    parts = (warning("part.street"), warning("part.postcode", postcode="71999"))
    problem = error("address_not_found", "street", reasons=(warning("parts_unknown", parts=parts),))
    assert render(problem) == (
        "Adresse nicht gefunden: weder Straße/Hausnummer noch PLZ 71999 bekannt – bitte Adresse prüfen oder "
        "Koordinaten angeben"
    )
    assert render(problem, "en").startswith("Address not found: neither street/house number nor postcode 71999 known")
    assert "؛" in render_all([error("name_missing", "name"), error("no_location", "lat")], "ar")


def test_term_params_are_translated():
    problem = warning("address_imprecise", "geocode_precision", precision="postcode")
    assert (
        render(problem) == "Adresse nicht genau gefunden – Lage ungefähr (nur die Postleitzahl (Mitte des PLZ-Gebiets))"
    )
    assert "the postcode only" in render(problem, "en")


def test_unknown_language_falls_back_to_german_and_unknown_code_names_the_fix():
    assert render(error("name_missing", "name"), "fr") == render(error("name_missing", "name"), "de")
    with pytest.raises(KeyError, match=r"add it to etl/problems\.py"):
        render(error("no_such_code"))


def test_problem_round_trips_through_its_dict():
    problem = error(
        "address_not_found_retry",
        "street",
        reasons=(warning("postcode_unknown", "postal_code", postcode="71999"),),
        failures=(warning("service_unavailable", provider="online", detail="Zeitüberschreitung"),),
    )
    again = problem_from_dict(problem.to_dict())
    assert again == problem and render(again, "tr") == render(problem, "tr")
    assert again.is_error and not again.params["reasons"][0].is_error
