"""The local address register: indexing (CSV and GeoPackage, any CRS) and matching."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from etl.geocode import (
    AddressQuery,
    GazetteerError,
    GazetteerSettings,
    GeocodeCache,
    GeocoderSettings,
    geocode_queries,
    make_providers,
)
from etl.geocode._providers import DistrictProvider, GazetteerProvider, OnlineProvider, PostcodeProvider
from etl.problems import render
from geodata.crs import to_metric
from geodata.errors import DatasetError

# (street, number, postcode, city, lon, lat): a few fictitious addresses around Ludwigsburg.
ADDRESSES = [
    ("Schillerstraße", "1", "71638", "Ludwigsburg", 9.1900, 48.8950),
    ("Schillerstraße", "3", "71638", "Ludwigsburg", 9.1910, 48.8950),
    ("Schillerstraße", "3a", "71638", "Ludwigsburg", 9.1912, 48.8951),
    ("Schillerstraße", "5", "71638", "Ludwigsburg", 9.1920, 48.8950),
    ("Hauptstraße", "10", "71634", "Ludwigsburg", 9.2000, 48.9000),
    ("Hauptstraße", "12", "71634", "Ludwigsburg", 9.2010, 48.9000),
    ("Hauptstraße", "10", "71642", "Ludwigsburg", 9.2500, 48.9200),  # same street name, other Ortsteil
    ("Hauptstraße", "10", "74321", "Bietigheim", 9.1300, 48.9600),
    ("Friedrich-Ebert-Straße", "7", "71638", "Ludwigsburg", 9.1800, 48.8900),
    ("", "9", "71638", "Ludwigsburg", 9.1700, 48.8800),  # no street: skipped
]


def _write_csv(path: Path, decimal_comma: bool = False) -> Path:
    lon = [a[4] for a in ADDRESSES]
    lat = [a[5] for a in ADDRESSES]
    x, y = to_metric(lon, lat)  # the register is in EPSG:25832 metres
    lines = ["STRASSE;Hausnummer;PLZ;Ort;Rechtswert;Hochwert"]
    for (street, number, postcode, city, *_), xi, yi in zip(ADDRESSES, x, y, strict=True):
        xs, ys = f"{xi:.3f}", f"{yi:.3f}"
        if decimal_comma:
            xs, ys = xs.replace(".", ","), ys.replace(".", ",")
        lines.append(f"{street};{number};{postcode};{city};{xs};{ys}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


COLUMNS = {
    "street": "Strasse",
    "house_number": "hausnummer",
    "postal_code": "plz",
    "city": "ort",
    "x": "rechtswert",
    "y": "hochwert",
}


@pytest.fixture
def register(tmp_path: Path) -> GazetteerSettings:
    return GazetteerSettings(path=_write_csv(tmp_path / "hauskoordinaten.csv"), crs="EPSG:25832", columns=COLUMNS)


@pytest.fixture
def provider(register: GazetteerSettings, tmp_path: Path) -> GazetteerProvider:
    return GazetteerProvider(register, tmp_path / "index")


def _approx(location, lon: float, lat: float) -> bool:
    return abs(location.lon - lon) < 1e-6 and abs(location.lat - lat) < 1e-6


def test_exact_address_is_reprojected_to_lon_lat(provider: GazetteerProvider) -> None:
    found = provider.locate(AddressQuery("Schillerstr.", "3", "71638", "Ludwigsburg"))
    assert found is not None and (found.source, found.precision) == ("gazetteer", "address")
    assert _approx(found, 9.1910, 48.8950)


@pytest.mark.parametrize(
    ("number", "expected"),
    [("3a", (9.1912, 48.8951)), ("3 A", (9.1912, 48.8951)), ("3-5", (9.1910, 48.8950)), ("3b", (9.1910, 48.8950))],
)
def test_suffix_and_range_matches(provider: GazetteerProvider, number: str, expected: tuple[float, float]) -> None:
    found = provider.locate(AddressQuery("schiller strasse", number, "71638", None))
    assert found is not None and found.precision == "address"
    assert _approx(found, *expected)


def test_unknown_house_number_falls_back_to_street_centre(provider: GazetteerProvider) -> None:
    found = provider.locate(AddressQuery("Schillerstraße", "99", "71638", "Ludwigsburg"))
    assert found is not None and found.precision == "street"
    assert _approx(found, (9.1900 + 9.1910 + 9.1912 + 9.1920) / 4, (48.8950 * 3 + 48.8951) / 4)


def test_street_without_number_gives_street_centre(provider: GazetteerProvider) -> None:
    found = provider.locate(AddressQuery("Friedrich Ebert Str", None, "71638", None))
    assert found is not None and found.precision == "street"
    assert _approx(found, 9.1800, 48.8900)


def test_postcode_picks_between_streets_of_the_same_name(provider: GazetteerProvider) -> None:
    assert _approx(provider.locate(AddressQuery("Hauptstraße", "10", "71642", "Ludwigsburg")), 9.25, 48.92)
    assert _approx(provider.locate(AddressQuery("Hauptstraße", "10", "74321", None)), 9.13, 48.96)
    assert _approx(provider.locate(AddressQuery("Hauptstraße", "12", None, "Ludwigsburg")), 9.2010, 48.9000)


def test_ambiguous_or_unknown_street_is_not_guessed(provider: GazetteerProvider) -> None:
    ambiguous = AddressQuery("Hauptstraße", "10", None, "Ludwigsburg")  # two Ortsteile, no postcode
    assert provider.locate(ambiguous) is None
    assert "PLZ angeben" in render(provider.explain_miss(ambiguous))
    unknown = AddressQuery("Nirgendweg", "1", "71638", None)
    assert provider.locate(unknown) is None
    assert "nicht im Adressregister" in render(provider.explain_miss(unknown))
    assert provider.locate(AddressQuery("Schillerstraße", "1", "99999", "Anderswo")) is None


def test_decimal_comma_and_comma_separated_registers(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "komma.csv", decimal_comma=True)
    found = GazetteerProvider(GazetteerSettings(path, "EPSG:25832", COLUMNS), tmp_path).locate(
        AddressQuery("Schillerstraße", "5", "71638")
    )
    assert _approx(found, 9.1920, 48.8950)
    csv = tmp_path / "comma.csv"
    csv.write_text("strasse,hausnummer,plz,ort,x,y\nMarktplatz,1,71634,Ludwigsburg,9.19,48.897\n", encoding="utf-8")
    found = GazetteerProvider(GazetteerSettings(csv, "EPSG:4326"), tmp_path).locate(AddressQuery("Marktpl.", "1"))
    assert _approx(found, 9.19, 48.897)


def test_geopackage_register_in_another_crs(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {
            "strasse": ["Schillerstraße", "Schillerstraße"],
            "hnr": ["1", "2"],
            "plz": ["71638", "71638"],
            "gemeinde": ["Ludwigsburg", "Ludwigsburg"],
        },
        geometry=[Point(9.19, 48.895), Point(9.192, 48.896)],
        crs="EPSG:4326",
    ).to_crs("EPSG:3035")
    path = tmp_path / "adressen.gpkg"
    frame.to_file(path, driver="GPKG")
    settings = GazetteerSettings(path, crs=None, columns={"house_number": "hnr", "city": "gemeinde"})
    found = GazetteerProvider(settings, tmp_path / "idx").locate(AddressQuery("Schillerstraße", "2", "71638"))
    assert found is not None and found.precision == "address"
    assert abs(found.lon - 9.192) < 1e-6 and abs(found.lat - 48.896) < 1e-6


def test_index_is_built_once_and_rebuilt_when_the_register_changes(register: GazetteerSettings, tmp_path) -> None:
    first = GazetteerProvider(register, tmp_path / "index")
    index = first.ensure_index()
    assert first.built_index is not None and first.built_index.addresses == 9
    mtime = index.stat().st_mtime_ns
    second = GazetteerProvider(register, tmp_path / "index")
    assert second.ensure_index() == index
    assert second.built_index is None and index.stat().st_mtime_ns == mtime
    assert second.fingerprint == first.fingerprint

    with Path(register.path).open("a", encoding="utf-8") as handle:
        handle.write("Neue Straße;1;71638;Ludwigsburg;513000;5416000\n")
    os.utime(register.path, ns=(mtime + 10**9, mtime + 10**9))
    third = GazetteerProvider(register, tmp_path / "index")
    assert third.fingerprint != first.fingerprint
    assert third.locate(AddressQuery("Neue Str.", "1", "71638")) is not None
    assert third.built_index is not None
    assert not index.exists()  # the stale index of the same register was removed


def test_cached_run_does_not_even_build_the_index(register: GazetteerSettings, tmp_path) -> None:
    queries = [AddressQuery("Schillerstraße", "1", "71638")]
    with GeocodeCache.open(tmp_path / "cache") as cache:
        geocode_queries(queries, [GazetteerProvider(register, tmp_path / "a")], cache)
        again = GazetteerProvider(register, tmp_path / "b")
        outcome = geocode_queries(queries, [again], cache)
    assert outcome.stats["cache_hits"] == 1
    assert again.built_index is None and not (tmp_path / "b").exists()


def test_missing_register_column_names_the_fix(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "r.csv")
    with pytest.raises(GazetteerError, match=r"house_number='hnr'.*\[gazetteer\] columns"):
        make_providers(
            GazetteerSettings(path, "EPSG:25832", {**COLUMNS, "house_number": "hnr"}), None, None, None, tmp_path
        )


def test_missing_register_file_and_unknown_crs(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="does not exist"):
        make_providers(GazetteerSettings(tmp_path / "nope.csv"), None, None, None, tmp_path)
    with pytest.raises(GazetteerError, match="EPSG"):
        make_providers(
            GazetteerSettings(_write_csv(tmp_path / "r.csv"), "EPSG:999999", COLUMNS), None, None, None, tmp_path
        )


def test_make_providers_order(register: GazetteerSettings, tmp_path: Path) -> None:
    chain = make_providers(register, GeocoderSettings(online=False), ["71634"], {"Mitte": (9.19, 48.89)}, tmp_path)
    # a named Stadtteil beats the postcode centre (issue 12)
    assert [type(p) for p in chain] == [GazetteerProvider, DistrictProvider, PostcodeProvider]
    chain = make_providers(None, GeocoderSettings(online=True, url="https://geo.example.invalid"), None, None, tmp_path)
    assert [type(p) for p in chain] == [OnlineProvider, PostcodeProvider]
    assert make_providers(GazetteerSettings(path=None), None, None, None, tmp_path)[0].name == "postcode"
