"""Generate the fictitious Ludwigsburg demo offers (``geodata/datasets/ludwigsburg/offers.csv``).

The file imitates a municipal export (``;``-separated, UTF-8 with BOM, German
headers from docs/DESIGN.md, CRLF line ends) and is deterministic: the same
seed gives the same bytes, so the committed file can be checked by re-running
this script (tests/geodata/test_demo_dataset.py does).

Every row is invented (``Demo=ja``, names ending in "(Demo)", organisations
"Beispielträger …", phone numbers ``+49 7141 000-…`` that cannot be dialled,
addresses ``@example.org``/``https://example.org``) except two public service
points with their published address only (``Demo=nein``). A few rows carry
deliberate problems for the rejects report and the warnings.

Like a real clerk's list, most rows have coordinates or a house address, a few only a
postcode or a Stadtteil (to show the geocoding chain and ``review.csv``). Coordinates
and house addresses are points drawn inside the intended district's approximate cell
(within 600 m of its centre). The house addresses go into the demo's **address
register** ``addresses.csv`` (the ``[gazetteer]`` of ``city.toml``; EPSG:25832): every
entry is invented except the two service points, whose coordinates are approximate.

Usage::

    python tools/make_demo_offers.py [--out PATH] [--register PATH] [--seed N]
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import random
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point

from etl.districts import load_districts
from geodata.crs import METRIC_CRS, to_metric, to_storage
from geodata.io import atomic_write_bytes

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
DATASET = HERE.parent / "geodata" / "datasets" / "ludwigsburg"
DEFAULT_OUT = DATASET / "offers.csv"
DEFAULT_REGISTER = DATASET / "addresses.csv"
SEED = 20251231
#: Header of the demo address register (etl.settings.DEFAULT_GAZETTEER_COLUMNS plus a note).
REGISTER_HEADERS: tuple[str, ...] = ("strasse", "hausnummer", "plz", "ort", "x", "y", "hinweis")
#: At most this many rows per district are located only by their Stadtteil (they share its centre).
MAX_DISTRICT_ONLY = 2
#: At most this many rows in the whole file have only a postcode (half of them name the Stadtteil).
MAX_POSTCODE_ONLY = 4

HEADERS: tuple[str, ...] = (
    "ID",
    "Name",
    "Träger",
    "Kategorie",
    "Unterkategorie",
    "Sprachen",
    "Zielgruppe",
    "Beschreibung",
    "Straße",
    "Hausnr.",
    "PLZ",
    "Ort",
    "Stadtteil",
    "Telefon",
    "E-Mail",
    "Webseite",
    "Öffnungszeiten",
    "Barrierefrei",
    "Hinweise Barrierefreiheit",
    "Stand",
    "Breitengrad",
    "Längengrad",
    "Demo",
)

#: District id -> (name as typed in the Stadtteil column, postcodes, streets). Postcodes are the
#: city's five PLZ assigned approximately; streets are common street names for plausibility only.
DISTRICTS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "kernstadt": (
        "Kernstadt",
        ("71634", "71638"),
        (
            "Myliusstraße",
            "Schillerstraße",
            "Solitudestraße",
            "Bahnhofstraße",
            "Karlstraße",
            "Seestraße",
            "Stuttgarter Straße",
            "Marbacher Straße",
            "Schorndorfer Straße",
            "Kirchstraße",
            "Musterstraße",
        ),
    ),
    "eglosheim": ("Eglosheim", ("71634",), ("Hauptstraße", "Schulstraße", "Lindenstraße", "Gartenstraße")),
    "ossweil": ("Oßweil", ("71640",), ("Hauptstraße", "Kirchstraße", "Brunnenstraße", "Schulstraße")),
    "neckarweihingen": ("Neckarweihingen", ("71642",), ("Hauptstraße", "Neckarstraße", "Bergstraße")),
    "hoheneck": ("Hoheneck", ("71642",), ("Uferstraße", "Talstraße", "Gartenstraße")),
    "poppenweiler": ("Poppenweiler", ("71642",), ("Hauptstraße", "Mühlstraße")),
    "pflugfelden": ("Pflugfelden", ("71636",), ("Hauptstraße", "Lindenstraße", "Schulstraße")),
    "gruenbuehl-sonnenberg": ("Grünbühl-Sonnenberg", ("71640",), ("Gartenstraße", "Lindenstraße")),
}

#: How many offers of each category a district gets: uneven on purpose (coverage gaps:
#: no language course in Pflugfelden, few offers in Poppenweiler and Grünbühl-Sonnenberg).
PLAN: dict[str, dict[str, int]] = {
    "kernstadt": {
        "association": 10,
        "religious": 7,
        "sports": 6,
        "culture": 6,
        "counselling": 9,
        "language_course": 9,
        "language_cafe": 5,
        "education": 5,
        "health": 5,
        "work": 5,
        "authority": 3,
        "participation": 4,
    },
    "eglosheim": {
        "association": 3,
        "religious": 2,
        "sports": 3,
        "culture": 2,
        "counselling": 2,
        "language_course": 3,
        "language_cafe": 2,
        "education": 2,
        "health": 1,
        "work": 1,
        "participation": 1,
    },
    "ossweil": {
        "association": 3,
        "religious": 2,
        "sports": 3,
        "culture": 2,
        "counselling": 3,
        "language_course": 2,
        "language_cafe": 1,
        "education": 2,
        "health": 1,
    },
    "neckarweihingen": {
        "association": 2,
        "religious": 1,
        "sports": 2,
        "culture": 2,
        "counselling": 1,
        "language_course": 2,
        "language_cafe": 1,
        "education": 1,
        "work": 1,
    },
    "hoheneck": {
        "association": 1,
        "religious": 1,
        "sports": 2,
        "culture": 2,
        "language_cafe": 1,
        "education": 1,
        "health": 1,
    },
    "pflugfelden": {
        "association": 2,
        "religious": 1,
        "sports": 2,
        "culture": 1,
        "counselling": 1,
        "language_cafe": 1,
        "education": 2,
        "participation": 1,
    },
    "poppenweiler": {"sports": 2, "culture": 1, "religious": 1, "education": 1},
    "gruenbuehl-sonnenberg": {"culture": 1, "education": 1, "counselling": 1, "sports": 1},
}


@dataclass(frozen=True)
class Kind:
    """How a clerk would describe offers of one category."""

    spellings: tuple[str, ...]  # what is typed into "Kategorie" (German label or alias)
    names: tuple[str, ...]  # name stems; the district and "(Demo)" are appended
    organisations: tuple[str, ...]
    groups: tuple[str, ...]  # German target-group labels to pick from
    description: str
    subcategories: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {
    "association": Kind(
        ("Migrantenorganisationen & Kulturvereine", "Kulturverein", "Verein"),
        (
            "Beispielverein Deutsch-Türkischer Kulturverein",
            "Beispielverein Italienischer Kulturkreis",
            "Beispielverein Griechische Gemeinschaft",
            "Beispielverein Ukrainische Nachbarschaft",
            "Beispielverein Kurdisches Kulturhaus",
            "Beispielverein Kroatischer Kulturkreis",
            "Beispielverein Persischer Kulturkreis",
            "Beispielverein Arabischer Elternverein",
            "Beispielverein Russischsprachige Familien",
        ),
        ("Beispielträger Kulturverein e. V.",),
        ("Alle", "Familien", "Jugendliche", "Frauen", "Seniorinnen & Senioren"),
        "Vereinsabende, Feste und Beratung von Landsleuten für Landsleute.",
    ),
    "religious": Kind(
        ("Religiöse Gemeinden", "Gemeinde", "Moschee", "Kirche"),
        ("Beispielgemeinde", "Beispiel-Gemeindezentrum", "Beispiel-Gebetsraum"),
        ("Beispielträger Gemeindeverband e. V.",),
        ("Alle", "Familien", "Jugendliche", "Seniorinnen & Senioren", "Frauen"),
        "Gottesdienste, Gemeindeleben, Hausaufgabenhilfe und Begegnung.",
        ("Moschee", "Kirche", "Orthodoxe Kirche", "Cemevi"),
    ),
    "sports": Kind(
        ("Sportvereine", "Sportverein", "Sport"),
        ("Fußball für alle", "Schwimmkurs für Frauen", "Beispiel-Boxclub", "Lauftreff", "Tischtennis offen"),
        ("Beispielträger Sportbund e. V.",),
        ("Kinder", "Jugendliche", "Frauen", "Alle", "Geflüchtete"),
        "Offenes Training, keine Vereinsmitgliedschaft nötig; Ausrüstung kann geliehen werden.",
    ),
    "culture": Kind(
        ("Kultur & Begegnung", "Begegnung", "Treffpunkt"),
        ("Begegnungscafé", "Interkultureller Garten", "Nachbarschaftstreff", "Erzählcafé", "Internationaler Kochtreff"),
        ("Beispielträger Kulturforum e. V.", "Beispielträger Nachbarschaftshilfe e. V."),
        ("Alle", "Seniorinnen & Senioren", "Familien", "Neu Zugewanderte", "Frauen"),
        "Begegnung, gemeinsames Kochen und Feste im Stadtteil.",
    ),
    "counselling": Kind(
        ("Beratung", "Migrationsberatung", "Beratungsstelle", "Jugendmigrationsdienst"),
        (
            "Migrationsberatung für Erwachsene – Beispielstelle",
            "Jugendmigrationsdienst – Beispielstelle",
            "Sozialberatung",
            "Frauenberatung",
            "Asylverfahrensberatung – Beispielstelle",
        ),
        ("Beispielträger Migrationsdienst gGmbH", "Beispielträger Familienhilfe e. V."),
        ("Neu Zugewanderte", "Geflüchtete", "Jugendliche", "Frauen", "Familien"),
        "Beratung zu Aufenthalt, Behörden, Wohnen und Familie; vertraulich und kostenlos.",
    ),
    "language_course": Kind(
        ("Sprachkurse", "Sprachkurs", "Deutschkurs", "Integrationskurs"),
        (
            "Integrationskurs – Beispiel-Sprachschule",
            "Deutschkurs für Eltern",
            "Alphabetisierungskurs",
            "Berufssprachkurs",
        ),
        ("Beispielträger Sprachschule gGmbH", "Beispielträger Bildungswerk e. V."),
        ("Neu Zugewanderte", "Frauen", "Familien", "Arbeitsuchende", "Geflüchtete"),
        "Deutsch von A1 bis B2, Einstufung vor Ort, Kinderbetreuung auf Anfrage.",
    ),
    "language_cafe": Kind(
        ("Sprachcafés", "Sprachcafé", "Sprachtreff"),
        ("Sprachcafé Musterstraße", "Sprachtreff am Abend", "Sprachcafé", "Deutsch-Stammtisch"),
        ("Beispielträger Nachbarschaftshilfe e. V.", "Beispielträger Ehrenamtsnetz e. V."),
        ("Alle", "Neu Zugewanderte", "Geflüchtete", "Frauen"),
        "Deutsch sprechen in lockerer Runde, ohne Anmeldung.",
    ),
    "education": Kind(
        ("Bildung & Hausaufgabenhilfe", "Hausaufgabenhilfe", "Nachhilfe"),
        ("Hausaufgabenhilfe", "Lernpatenschaften", "Lesepaten", "Nachhilfe-Treff"),
        ("Beispielträger Bildungswerk e. V.", "Beispielträger Familienzentrum e. V."),
        ("Kinder", "Jugendliche", "Familien"),
        "Hilfe bei Hausaufgaben und Lernen, mit Ehrenamtlichen.",
    ),
    "health": Kind(
        ("Gesundheit & Pflege", "Gesundheit", "Pflege"),
        ("Gesundheitslotsen", "Pflegeberatung mehrsprachig", "Hebammensprechstunde", "Psychosoziale Sprechstunde"),
        ("Beispielträger Gesundheitsnetz e. V.",),
        ("Alle", "Frauen", "Seniorinnen & Senioren", "Familien", "Geflüchtete"),
        "Orientierung im Gesundheitssystem, Begleitung zu Terminen.",
    ),
    "work": Kind(
        ("Arbeit & Anerkennung", "Anerkennungsberatung", "Arbeit", "Beruf"),
        ("Anerkennungsberatung", "Bewerbungswerkstatt", "Jobcafé", "Berufsorientierung"),
        ("Beispielträger Jobwerkstatt gGmbH",),
        ("Arbeitsuchende", "Neu Zugewanderte", "Jugendliche", "Frauen"),
        "Anerkennung ausländischer Abschlüsse, Bewerbungen, Praktika.",
    ),
    "authority": Kind(
        ("Behörden & Servicestellen", "Servicestelle", "Behörde"),
        ("Servicestelle Beispielamt", "Infopunkt Beispielamt"),
        ("Beispielträger Stadtverwaltung",),
        ("Alle", "Neu Zugewanderte"),
        "Auskunft und Formulare; Termine nach Vereinbarung.",
    ),
    "participation": Kind(
        ("Teilhabe & Integrationsrat", "Integrationsrat", "Ehrenamt", "Beteiligung"),
        ("Integrationsrat – Beispielsprechstunde", "Ehrenamtsbörse", "Dolmetscherpool Ehrenamt"),
        ("Beispielträger Ehrenamtsnetz e. V.",),
        ("Alle", "Jugendliche", "Seniorinnen & Senioren", "Neu Zugewanderte"),
        "Mitmachen, mitreden, sich engagieren.",
    ),
}

#: Languages besides German: (German name, weight). Native names and codes for a few rows.
LANGUAGES: tuple[tuple[str, int], ...] = (
    ("Türkisch", 10),
    ("Arabisch", 10),
    ("Englisch", 8),
    ("Russisch", 6),
    ("Ukrainisch", 6),
    ("Kurdisch (Kurmandschi)", 4),
    ("Persisch", 4),
    ("Italienisch", 3),
    ("Griechisch", 3),
    ("Kroatisch", 3),
    ("Französisch", 2),
    ("Polnisch", 2),
    ("Rumänisch", 2),
    ("Dari", 2),
    ("Albanisch", 1),
    ("Tigrinya", 1),
    ("Serbisch", 1),
    ("Spanisch", 1),
)
NATIVE = {
    "Deutsch": "Deutsch",
    "Türkisch": "Türkçe",
    "Arabisch": "العربية",
    "Russisch": "Русский",
    "Ukrainisch": "Українська",
    "Persisch": "فارسی",
    "Italienisch": "Italiano",
    "Griechisch": "Ελληνικά",
    "Kroatisch": "Hrvatski",
    "Englisch": "English",
    "Kurdisch (Kurmandschi)": "Kurmancî",
}
CODES = {
    "Deutsch": "de",
    "Türkisch": "tr",
    "Arabisch": "ar",
    "Russisch": "ru",
    "Ukrainisch": "uk",
    "Persisch": "fa",
    "Italienisch": "it",
    "Griechisch": "el",
    "Kroatisch": "hr",
    "Englisch": "en",
    "Kurdisch (Kurmandschi)": "kmr",
}
#: The language an association's name implies (index-aligned with its name stems).
ASSOCIATION_LANGUAGE = (
    "Türkisch",
    "Italienisch",
    "Griechisch",
    "Ukrainisch",
    "Kurdisch (Kurmandschi)",
    "Kroatisch",
    "Persisch",
    "Arabisch",
    "Russisch",
)
HOURS = (
    "Mo–Fr 9:00–12:00",
    "Di und Do 15:00–18:00",
    "Mi 17:00–19:00",
    "Sa 10:00–13:00",
    "nach Vereinbarung",
    "Fr 14:00–16:30",
    "So 11:00–13:00",
    "Mo 18:00–20:00",
    "",
)
SEPARATORS = (", ", ", ", ", ", "; ", " / ")


# --------------------------------------------------------------------------- pieces of a row


def _pick_languages(rng: random.Random, kind_id: str, stem_index: int, district_id: str) -> list[str]:
    if kind_id == "counselling" and district_id == "ossweil":
        return ["Deutsch"]  # deliberate gap: counselling in Oßweil only in German
    names, weights = zip(*LANGUAGES, strict=True)
    extra = rng.choices(names, weights=weights, k=rng.choice((0, 1, 1, 2, 2, 3)))
    if kind_id == "association":
        extra = [ASSOCIATION_LANGUAGE[stem_index % len(ASSOCIATION_LANGUAGE)], *extra]
    chosen = ["Deutsch"] + [n for i, n in enumerate(extra) if n not in extra[:i]]
    return chosen


def _format_languages(rng: random.Random, languages: list[str]) -> str:
    """German names mostly; some rows with ISO codes or native names where known."""
    style = rng.random()
    if style < 0.08:
        return ", ".join(CODES.get(n, n) for n in languages)
    if style < 0.16:
        return ", ".join(NATIVE.get(n, n) for n in languages)
    return rng.choice(SEPARATORS).join(languages)


def _verified(rng: random.Random) -> str:
    if rng.random() < 0.08:
        return ""
    day = date(2025, 1, 6) + timedelta(days=rng.randrange(0, 660))  # 2025-01-06 .. 2026-10-28
    return day.isoformat() if rng.random() < 0.2 else day.strftime("%d.%m.%Y")


def _accessibility(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.40:
        return "ja", rng.choice(("stufenloser Eingang", "Aufzug vorhanden", "", "barrierefreies WC"))
    if roll < 0.65:
        return "nein", rng.choice(("Eingang mit drei Stufen", "1. OG ohne Aufzug", ""))
    if roll < 0.70:
        return "teilweise", "Rampe am Seiteneingang, WC nicht barrierefrei"
    return "", ""


def _point_in_cell(rng: random.Random, cell_m: shapely.Geometry, centre_m: tuple[float, float]) -> tuple[float, float]:
    """A point within 600 m of the district centre, at least 40 m inside its cell (metres)."""
    inner = cell_m.buffer(-40.0)
    for _ in range(1000):
        radius, angle = 600.0 * rng.random() ** 0.5, rng.uniform(0, 2 * np.pi)
        x, y = centre_m[0] + radius * np.cos(angle), centre_m[1] + radius * np.sin(angle)
        if inner.contains(Point(x, y)):
            return x, y
    raise RuntimeError("no point found inside the district cell; check districts.csv")


def _decimal(value: float, comma: bool) -> str:
    text = f"{value:.6f}"
    return text.replace(".", ",") if comma else text


# --------------------------------------------------------------------------- rows


def _district_geometry() -> dict[str, tuple[shapely.Geometry, tuple[float, float]]]:
    """District id -> (approximate cell, centre) in EPSG:25832, as the build computes them."""
    area = tomllib.loads((DATASET / "city.toml").read_text(encoding="utf-8"))["city"]["area_km2"]
    districts = load_districts(DATASET / "districts.csv", city_area_km2=area).to_crs(METRIC_CRS)
    with (DATASET / "districts.csv").open(encoding="utf-8-sig", newline="") as fh:
        centres = {r["id"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(fh, delimiter=";")}
    out = {}
    for district_id, cell in zip(districts["id"], districts.geometry, strict=True):
        x, y = to_metric(np.array([centres[district_id][0]]), np.array([centres[district_id][1]]))
        out[district_id] = (cell, (float(x[0]), float(y[0])))
    return out


def _demo_row(
    rng: random.Random,
    district_id: str,
    kind_id: str,
    n: int,
    geometry: dict[str, tuple[shapely.Geometry, tuple[float, float]]],
    placement: Placement,
) -> dict[str, str]:
    kind = KINDS[kind_id]
    stem_index = rng.randrange(len(kind.names))
    district_name, postcodes, streets = DISTRICTS[district_id]
    stem = kind.names[stem_index]
    name = f"{stem} {district_name} (Demo)"
    organisation = stem + " e. V." if kind_id == "association" else rng.choice(kind.organisations)
    groups = rng.sample(kind.groups, k=min(len(kind.groups), rng.choice((1, 1, 2, 2, 3))))
    row = dict.fromkeys(HEADERS, "")
    row.update(
        {
            "Name": name,
            "Träger": organisation,
            "Kategorie": rng.choice(kind.spellings),
            "Unterkategorie": rng.choice(kind.subcategories) if kind.subcategories else "",
            "Sprachen": _format_languages(rng, _pick_languages(rng, kind_id, stem_index, district_id)),
            "Zielgruppe": rng.choice(SEPARATORS).join(groups),
            "Beschreibung": f"{kind.description} Fiktiver Demo-Eintrag.",
            "Öffnungszeiten": rng.choice(HOURS),
            "Stand": _verified(rng),
            "Demo": "ja",
        }
    )
    if rng.random() < 0.55:
        row["Telefon"] = f"+49 7141 000-{n:04d}"
    if rng.random() < 0.6:
        row["E-Mail"] = f"demo-{n:04d}@example.org"
    if rng.random() < 0.5:
        row["Webseite"] = f"https://example.org/demo/{n:04d}"
    row["Barrierefrei"], row["Hinweise Barrierefreiheit"] = _accessibility(rng)
    _place(rng, row, district_id, district_name, postcodes, streets, geometry, placement)
    return row


@dataclass
class Placement:
    """What the rows placed so far used: the address register and the counts of coarse rows."""

    register: dict[tuple[str, str, str], tuple[str, float, float]]  # (street, no., PLZ) -> (district, x, y)
    district_only: dict[str, int]
    postcode_only: int = 0

    def mode(self, rng: random.Random, district_id: str) -> str:
        """How the next row of ``district_id`` is located (coordinates or address mostly)."""
        mode = rng.choices(("coordinates", "address", "postcode", "district"), weights=(46, 44, 4, 6))[0]
        if mode == "district" and self.district_only.get(district_id, 0) >= MAX_DISTRICT_ONLY:
            return "address"
        if mode == "postcode" and self.postcode_only >= MAX_POSTCODE_ONLY:
            return "address"
        if mode == "district":
            self.district_only[district_id] = self.district_only.get(district_id, 0) + 1
        if mode == "postcode":
            self.postcode_only += 1
        return mode

    def address(
        self,
        rng: random.Random,
        district_id: str,
        streets: tuple[str, ...],
        postcode: str,
        point: tuple[float, float],
    ) -> tuple[str, str]:
        """A street and house number not used by another district under ``postcode``; registered at ``point``."""
        for _ in range(1000):
            street = rng.choice(streets)
            number = str(rng.randrange(1, 80)) + ("a" if rng.random() < 0.08 else "")
            key = (street, number, postcode)
            if key not in self.register:
                self.register[key] = (district_id, point[0], point[1])
                return street, number
            if self.register[key][0] == district_id:
                return street, number  # a second offer in the same house
        raise RuntimeError(f"no free address in {district_id}; add streets to DISTRICTS")


def _place(
    rng: random.Random,
    row: dict[str, str],
    district_id: str,
    district_name: str,
    postcodes: tuple[str, ...],
    streets: tuple[str, ...],
    geometry: dict[str, tuple[shapely.Geometry, tuple[float, float]]],
    placement: Placement,
) -> None:
    """Fill the location columns in one of four ways a municipal list has them."""
    mode = placement.mode(rng, district_id)
    if mode in ("coordinates", "address"):
        cell, centre = geometry[district_id]
        x, y = _point_in_cell(rng, cell, centre)
        postcode = rng.choice(postcodes)
        row["Straße"], row["Hausnr."] = placement.address(rng, district_id, streets, postcode, (x, y))
        x, y = placement.register[(row["Straße"], row["Hausnr."], postcode)][1:]
        row["PLZ"] = postcode
        row["Ort"] = (
            "Ludwigsburg" if rng.random() < 0.85 or district_id == "kernstadt" else f"Ludwigsburg-{district_name}"
        )
        row["Stadtteil"] = district_name if rng.random() < 0.7 else ""
    if mode == "coordinates":
        lon, lat = to_storage(np.array([x]), np.array([y]))
        comma = rng.random() >= 0.1  # most exports use the German decimal comma
        row["Breitengrad"], row["Längengrad"] = _decimal(float(lat[0]), comma), _decimal(float(lon[0]), comma)
        row["Stadtteil"] = district_name if rng.random() < 0.8 else row["Stadtteil"]
    elif mode == "postcode":
        row["PLZ"], row["Ort"] = rng.choice(postcodes), "Ludwigsburg"
        row["Stadtteil"] = district_name if placement.postcode_only % 2 == 0 else ""
    elif mode == "district":
        row["Stadtteil"], row["Ort"] = district_name, "Ludwigsburg"


#: The two real public service points: published name and address only (nothing invented).
PUBLIC_POINTS: tuple[dict[str, str], ...] = (
    {
        "Name": "Büro für Integration und Migration",
        "Träger": "Stadt Ludwigsburg",
        "Kategorie": "Behörden & Servicestellen",
        "Straße": "Obere Marktstraße",
        "Hausnr.": "1",
        "PLZ": "71634",
        "Ort": "Ludwigsburg",
        "Demo": "nein",
    },
    {
        "Name": "Rathaus / Bürgerbüro",
        "Träger": "Stadt Ludwigsburg",
        "Kategorie": "Bürgerbüro",
        "Straße": "Wilhelmstraße",
        "Hausnr.": "11",
        "PLZ": "71638",
        "Ort": "Ludwigsburg",
        "Demo": "nein",
    },
)


def _problem_rows(rows: list[dict[str, str]]) -> list[tuple[str, dict[str, str]]]:
    """Deliberately faulty rows (each labelled in its Beschreibung) for the rejects report and warnings."""
    base = {**dict.fromkeys(HEADERS, ""), "Ort": "Ludwigsburg", "Demo": "ja", "Sprachen": "Deutsch"}
    note = "Fiktiver Demo-Eintrag mit Absicht fehlerhaft:"
    return [
        (
            "missing name",
            {**base, "Kategorie": "Sprachcafé", "Stadtteil": "Kernstadt", "Beschreibung": f"{note} Name fehlt."},
        ),
        (
            "category typo",
            {
                **base,
                "Name": "Beratung Tippfehler (Demo)",
                "Kategorie": "Beratnug",
                "PLZ": "71638",
                "Beschreibung": f"{note} Kategorie falsch geschrieben.",
            },
        ),
        (
            "malformed e-mail",
            {
                **base,
                "Name": "Sprachtreff E-Mail-Fehler (Demo)",
                "Kategorie": "Sprachtreff",
                "Stadtteil": "Eglosheim",
                "E-Mail": "sprachtreff.example.org",
                "Beschreibung": f"{note} E-Mail ohne @.",
            },
        ),
        (
            "javascript url",
            {
                **base,
                "Name": "Kulturverein Link-Fehler (Demo)",
                "Kategorie": "Kulturverein",
                "PLZ": "71640",
                "Webseite": "javascript:alert('demo')",
                "Beschreibung": f"{note} Webseite ist kein http(s)-Link.",
            },
        ),
        (
            "far outside",
            {
                **base,
                "Name": "Lauftreff Koordinatenfehler (Demo)",
                "Kategorie": "Sport",
                "Breitengrad": "52,520008",
                "Längengrad": "13,404954",
                "Beschreibung": f"{note} Koordinaten liegen in Berlin.",
            },
        ),
        (
            "swapped lat/lon",
            {
                **base,
                "Name": "Hausaufgabenhilfe Koordinaten vertauscht (Demo)",
                "Kategorie": "Hausaufgabenhilfe",
                "Stadtteil": "Kernstadt",
                "Breitengrad": "9,191610",
                "Längengrad": "48,897310",
                "Beschreibung": f"{note} Breiten- und Längengrad vertauscht.",
            },
        ),
        (
            "no address",
            {
                **base,
                "Name": "Begegnungscafé ohne Adresse (Demo)",
                "Kategorie": "Begegnung",
                "Ort": "",
                "Beschreibung": f"{note} keine Adresse, kein Stadtteil, keine Koordinaten.",
            },
        ),
        (
            "duplicate id",
            {
                **rows[11],
                "Name": "Doppelte Kennung (Demo)",
                "Beschreibung": f"{note} gleiche ID wie eine andere Zeile.",
            },
        ),
    ]


#: Approximate positions (EPSG:4326 lon, lat) of the two real service points in the demo register:
#: near the Marktplatz (Obere Marktstraße 1) and the Rathaus (Wilhelmstraße 11), city centre.
PUBLIC_POSITIONS: dict[tuple[str, str, str], tuple[float, float]] = {
    ("Obere Marktstraße", "1", "71634"): (9.1928, 48.8959),
    ("Wilhelmstraße", "11", "71638"): (9.1912, 48.8936),
}


def build_demo(seed: int = SEED) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """All rows of the demo file in file order, and the demo address register (pure given the seed)."""
    rng = random.Random(seed)
    geometry = _district_geometry()
    placement = Placement(register={}, district_only={})
    planned = [(d, k) for d, counts in PLAN.items() for k, c in counts.items() for _ in range(c)]
    rng.shuffle(planned)
    rows = [_demo_row(rng, d, k, n, geometry, placement) for n, (d, k) in enumerate(planned, start=3)]
    _distinct_names(rows)
    rows[0:0] = [{**dict.fromkeys(HEADERS, ""), **p} for p in PUBLIC_POINTS]
    problems = _problem_rows(rows)
    for offset, (_label, row) in enumerate(problems):
        rows.insert(20 + offset * 19, row)  # spread through the file
    for number, row in enumerate(rows, start=1):
        row["ID"] = f"LB-{number:04d}"
    for row in rows:
        _number_contacts(row)
    duplicate = next(row for label, row in problems if label == "duplicate id")
    duplicate["ID"] = rows[11]["ID"]
    log.info("generated %d rows (%d deliberately faulty)", len(rows), len(problems))
    return rows, _register_rows(placement)


def build_rows(seed: int = SEED) -> list[dict[str, str]]:
    """All rows of the demo file, in file order (pure given the seed and the bundled districts)."""
    return build_demo(seed)[0]


def _register_rows(placement: Placement) -> list[dict[str, str]]:
    """The demo address register: invented addresses at their drawn points, plus the two service points."""
    entries = []
    for (street, number, postcode), (lon, lat) in PUBLIC_POSITIONS.items():
        x, y = to_metric(np.array([lon]), np.array([lat]))
        hint = "öffentliche Servicestelle, Lage ungefähr (Demo-Register)"
        entries.append((street, number, postcode, float(x[0]), float(y[0]), hint))
    for (street, number, postcode), (_district, x_m, y_m) in placement.register.items():
        entries.append((street, number, postcode, x_m, y_m, "erfundene Adresse (Demo-Register)"))
    entries.sort(key=lambda e: (e[0], e[2], e[1]))
    return [
        dict(zip(REGISTER_HEADERS, (st, no, plz, "Ludwigsburg", f"{x:.1f}", f"{y:.1f}", hint), strict=True))
        for st, no, plz, x, y, hint in entries
    ]


def _number_contacts(row: dict[str, str]) -> None:
    """Give a demo row's invented phone, e-mail and web page the number of its ID."""
    number = row["ID"].removeprefix("LB-")
    if row["Telefon"]:
        row["Telefon"] = f"+49 7141 000-{number}"
    if row["E-Mail"].startswith("demo-"):
        row["E-Mail"] = f"demo-{number}@example.org"
    if row["Webseite"].startswith("https://example.org/demo/"):
        row["Webseite"] = f"https://example.org/demo/{number}"


def _distinct_names(rows: list[dict[str, str]]) -> None:
    """Number repeated names ("Hausaufgabenhilfe Eglosheim 2 (Demo)") so that each offer is distinct."""
    seen: dict[str, int] = {}
    for row in rows:
        seen[row["Name"]] = seen.get(row["Name"], 0) + 1
        if seen[row["Name"]] > 1:
            row["Name"] = row["Name"].replace(" (Demo)", f" {seen[row['Name']]} (Demo)")


def render(rows: Sequence[dict[str, str]], headers: Sequence[str] = HEADERS) -> bytes:
    """The CSV bytes: ``;``-separated, CRLF, UTF-8 with BOM, header row first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(headers), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def main(argv: Sequence[str] | None = None) -> int:
    """Write the demo offers CSV; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output CSV (default: {DEFAULT_OUT})")
    parser.add_argument(
        "--register", type=Path, default=DEFAULT_REGISTER, help=f"demo address register (default: {DEFAULT_REGISTER})"
    )
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default: {SEED})")
    args = parser.parse_args(argv)
    rows, register = build_demo(args.seed)
    atomic_write_bytes(args.out, render(rows))
    atomic_write_bytes(args.register, render(register, REGISTER_HEADERS))
    print(f"wrote {args.out} and {args.register}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    raise SystemExit(main())
