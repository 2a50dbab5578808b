"""The pure geocoding chain, normalisation and the cache (no network, fake providers)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.geocode import (
    AddressQuery,
    GeocodeCache,
    Location,
    ProviderError,
    geocode_queries,
    normalize_house_number,
    normalize_postcode,
    normalize_street,
    split_house_number,
)

# Letters, digits and the punctuation that appears in German street names.
_STREET_CHARS = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ0123456789 .-/", max_size=40
)
_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöü", min_size=1, max_size=15)


# ------------------------------------------------------------------------------- normalisation


@given(_STREET_CHARS)
def test_normalize_street_is_idempotent(text: str) -> None:
    once = normalize_street(text)
    assert normalize_street(once) == once


@given(_NAME, st.sampled_from(["Straße", "Str.", "strasse", "Strasse", "STRASSE", "str", "-Straße", " Straße"]))
def test_street_suffix_spellings_are_equal(name: str, suffix: str) -> None:
    assert normalize_street(name + suffix) == normalize_street(name + "straße")


@given(_STREET_CHARS)
def test_normalize_street_ignores_case_and_spacing(text: str) -> None:
    assert normalize_street(text.upper()) == normalize_street(text.lower())
    assert normalize_street(" ".join(text.split())) == normalize_street(text.replace(" ", ""))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Friedrich-Ebert-Straße", "friedrich ebert str."),
        ("Schloßstraße", "Schlossstrasse"),
        ("Mörikestraße", "Moerikestrasse"),
        ("Marktplatz", "Marktpl."),
    ],
)
def test_street_variants_are_equal(a: str, b: str) -> None:
    assert normalize_street(a) == normalize_street(b)


def test_different_streets_stay_different() -> None:
    assert normalize_street("Hauptstraße") != normalize_street("Hauptweg")
    assert normalize_street("Schillerplatz") != normalize_street("Schillerstraße")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", (12, "")),
        ("12a", (12, "a")),
        ("12 A", (12, "a")),
        ("3-5", (3, "")),
        ("3 – 5", (3, "")),
        ("3a-5", (3, "a")),
        ("12/1", (12, "1")),
        ("Nr. 7", (7, "")),
        ("ohne", (None, "")),
        (None, (None, "")),
    ],
)
def test_split_house_number(text: str | None, expected: tuple[int | None, str]) -> None:
    assert split_house_number(text) == expected


@given(st.integers(1, 9999), st.sampled_from(["", "a", "b", "A"]), st.sampled_from(["", " ", "  "]))
def test_house_number_suffix_forms_are_equal(number: int, suffix: str, space: str) -> None:
    assert normalize_house_number(f"{number}{space}{suffix}") == f"{number}{suffix.lower()}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("71634", "71634"), (" 71634 ", "71634"), ("D-71634", "71634"), ("71634.0", "71634"), ("1067", "01067"), ("", "")],
)
def test_normalize_postcode(text: str, expected: str) -> None:
    assert normalize_postcode(text) == expected


def test_query_key_equal_for_equivalent_spellings() -> None:
    a = AddressQuery("Friedrich-Ebert-Straße", "12 A", "71634", "Ludwigsburg", None)
    b = AddressQuery("friedrich ebert str.", "12a", "71634.0", "LUDWIGSBURG", "")
    assert a.key() == b.key()
    assert a.key() != AddressQuery("Friedrich-Ebert-Straße", "14", "71634", "Ludwigsburg").key()


def test_location_rejects_unknown_source_and_swapped_coordinates() -> None:
    with pytest.raises(ValueError, match="source"):
        Location(9.19, 48.89, "input", "address")
    with pytest.raises(ValueError, match="EPSG:4326"):
        Location(9.19, 548.89, "gazetteer", "address")


# ------------------------------------------------------------------------------- chain


@dataclass
class FakeProvider:
    """Answers from a dict keyed on the street; counts calls; can fail for some streets."""

    name: str
    answers: dict[str, Location] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    calls: int = 0

    @property
    def fingerprint(self) -> str:
        return f"fake:{self.name}:{sorted(self.answers)}"

    def locate(self, query: AddressQuery) -> Location | None:
        self.calls += 1
        if query.street in self.failing:
            raise ProviderError("Zeitüberschreitung")
        return self.answers.get(query.street or "")


A = Location(9.19, 48.89, "gazetteer", "address")
B = Location(9.20, 48.90, "postcode", "postcode")
C = Location(9.21, 48.91, "district", "district")


def test_first_hit_wins_and_chain_falls_through() -> None:
    first = FakeProvider("gazetteer", {"a": A})
    second = FakeProvider("postcode", {"a": B, "b": B})
    third = FakeProvider("district", {"c": C})
    queries = [AddressQuery("a"), AddressQuery("b"), AddressQuery("c"), AddressQuery("x", postal_code="71999")]
    outcome = geocode_queries(queries, [first, second, third])
    assert outcome.locations == (A, B, C, None)
    assert outcome.errors[:3] == (None, None, None)
    assert "PLZ 71999" in outcome.errors[3] and "Koordinaten" in outcome.errors[3]
    assert (first.calls, second.calls, third.calls) == (4, 3, 2)
    assert dict(outcome.stats) == {
        "gazetteer": 1,
        "online": 0,
        "postcode": 1,
        "district": 1,
        "cache_hits": 0,
        "unresolved": 1,
    }


def test_identical_queries_are_looked_up_once() -> None:
    provider = FakeProvider("gazetteer", {"Hauptstraße": A})
    queries = [AddressQuery("Hauptstraße", "1"), AddressQuery("Hauptstraße", "1"), AddressQuery("Hauptstraße", "2")]
    outcome = geocode_queries(queries, [provider])
    assert provider.calls == 2
    assert outcome.locations == (A, A, A)
    assert outcome.stats["gazetteer"] == 3


def test_provider_failure_is_recorded_and_chain_goes_on() -> None:
    online = FakeProvider("online", failing={"a", "b"})
    postcode = FakeProvider("postcode", {"a": B})
    outcome = geocode_queries([AddressQuery("a"), AddressQuery("b", postal_code="71634")], [online, postcode])
    assert outcome.locations == (B, None)
    assert "Zeitüberschreitung" in outcome.errors[1]
    assert "später erneut" in outcome.errors[1]


def test_unresolved_reason_names_what_was_given() -> None:
    outcome = geocode_queries(
        [AddressQuery("Nirgendweg", "1", "71999", None, "Oststadt"), AddressQuery()], [FakeProvider("gazetteer")]
    )
    assert outcome.errors[0] == (
        "Adresse nicht gefunden: weder Straße/Hausnummer noch PLZ 71999 noch Stadtteil „Oststadt“ bekannt"
        " – bitte Adresse prüfen oder Koordinaten angeben"
    )
    assert outcome.errors[1].startswith("Keine Adresse angegeben")


def test_no_progress_bar_without_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    geocode_queries([AddressQuery("a")], [FakeProvider("gazetteer", {"a": A})], progress=True)
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------------------- cache


def test_second_run_does_no_geocoding_work(tmp_path) -> None:
    gazetteer = FakeProvider("gazetteer", {"a": A})
    postcode = FakeProvider("postcode", {"b": B})
    queries = [AddressQuery("a"), AddressQuery("b"), AddressQuery("unbekannt", postal_code="71999")]
    with GeocodeCache.open(tmp_path) as cache:
        cold = geocode_queries(queries, [gazetteer, postcode], cache)
    calls = gazetteer.calls + postcode.calls
    assert calls > 0
    with GeocodeCache.open(tmp_path) as cache:
        warm = geocode_queries(queries, [gazetteer, postcode], cache)
    assert gazetteer.calls + postcode.calls == calls  # zero provider calls on the second run
    assert warm.locations == cold.locations
    assert warm.errors == cold.errors  # definitive misses are cached with their reason
    assert warm.stats["cache_hits"] == 3
    assert warm.stats["gazetteer"] == 1 and warm.stats["postcode"] == 1


def test_failures_are_not_cached(tmp_path) -> None:
    online = FakeProvider("online", failing={"a", "b"})
    postcode = FakeProvider("postcode", {"b": B})
    queries = [AddressQuery("a"), AddressQuery("b")]
    with GeocodeCache.open(tmp_path / "cache.sqlite") as cache:
        first = geocode_queries(queries, [online, postcode], cache)
        assert first.locations == (None, B)
        assert len(cache) == 0  # neither the failed miss nor the hit reached after a failure
        online.failing.clear()
        online.answers["a"] = Location(9.0, 48.0, "online", "address")
        second = geocode_queries(queries, [online, postcode], cache)
    assert second.locations == (Location(9.0, 48.0, "online", "address"), B)
    assert second.stats["cache_hits"] == 0


def test_changed_provider_configuration_invalidates_cache(tmp_path) -> None:
    old = FakeProvider("gazetteer", {"a": A})
    with GeocodeCache.open(tmp_path) as cache:
        geocode_queries([AddressQuery("a")], [old], cache)
        new = FakeProvider("gazetteer", {"a": C, "z": C})  # a different register: different fingerprint
        outcome = geocode_queries([AddressQuery("a")], [new], cache)
    assert new.calls == 1
    assert outcome.locations == (C,)


def test_corrupt_cache_is_moved_aside(tmp_path) -> None:
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    provider = FakeProvider("gazetteer", {"a": A})
    with GeocodeCache.open(path) as cache:
        assert geocode_queries([AddressQuery("a")], [provider], cache).locations == (A,)
    assert (tmp_path / "cache.sqlite.corrupt").exists()
