"""Synthetic benchmark data: an address register and offer lists (generated, never committed).

Everything here is fictitious and labelled so: the register's towns are called
"Synthstadt 0001" and so on (except one "Ludwigsburg" with the city's real
postcodes so that the city's postcode filter applies), offers are named
"Synthetisches Angebot ..." and carry ``Demo = ja``. Coordinates are random
points in Baden-Württemberg, in EPSG:25832 metres for the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.crs import to_storage
from geodata.taxonomy import load_taxonomy

#: Real postcodes of Ludwigsburg, used for the synthetic city so the postcode filter applies.
CITY_POSTCODES: tuple[str, ...] = ("71634", "71636", "71638", "71640", "71642")
CITY_NAME = "Ludwigsburg"
#: Centre of the synthetic city in EPSG:25832 (about Ludwigsburg's centre), metres.
CITY_CENTRE = (513926.0, 5415801.0)
REGISTER_HEADER = ("strasse", "hausnummer", "plz", "ort", "x", "y")

_BASES = [
    "Haupt",
    "Bahnhof",
    "Schiller",
    "Goethe",
    "Kirch",
    "Schul",
    "Garten",
    "Linden",
    "Berg",
    "Wald",
    "Mühl",
    "Brunnen",
    "Feld",
    "Wiesen",
    "Rosen",
    "Eichen",
    "Birken",
    "Tannen",
    "Friedrich-Ebert-",
    "Mörike",
    "Uhland",
    "Hölderlin",
    "Keplers",
    "Kant",
    "Marien",
    "Schloss",
    "Markt",
    "Post",
    "Bismarck",
    "Karl-",
    "Wilhelm-",
    "Königs",
    "Stuttgarter",
    "Heilbronner",
    "Marbacher",
    "Asperger",
    "Solitude",
    "Fasanen",
    "Favoriten",
    "Seestraße-",
    "Neckar",
    "Enz",
    "Rems",
    "Murr",
    "Kelter",
    "Reben",
    "Sonnen",
    "Mond",
    "Stern",
    "Ahorn",
    "Kastanien",
    "Erlen",
    "Ulmen",
]
_TYPES = ("straße", "weg", "allee", "gasse", "platz", "ring", "steige", "pfad")
_SPELLINGS = {"straße": ("Str.", "strasse", "Strasse", "str.")}


@dataclass(frozen=True)
class Register:
    """A generated register: its CSV path and the city's part, for drawing offer addresses."""

    path: Path
    rows: int
    city_rows: pd.DataFrame  # strasse, hausnummer, plz, ort, x, y of the synthetic city


def _street_names(count: int, rng: np.random.Generator) -> np.ndarray:
    combos = np.array([b + t if not b.endswith("-") else b + t.capitalize() for b in _BASES for t in _TYPES])
    names = combos[rng.permutation(len(combos))]
    if count <= len(names):
        return names[:count]
    extra = [f"{names[i % len(names)]} {i // len(names) + 1}" for i in range(len(names), count)]
    return np.concatenate([names, np.array(extra)])


def _town(town: int, n_addresses: int, rng: np.random.Generator, centre: tuple[float, float] | None) -> pd.DataFrame:
    """Addresses of one town: streets of ~40 houses laid out along short straight lines."""
    per_street = 40
    n_streets = max(1, n_addresses // per_street)
    postcodes = (
        np.array(CITY_POSTCODES)
        if centre is not None
        else np.array([f"{70000 + town * 3 + k:05d}" for k in range(1 + town % 3)])
    )
    cx, cy = centre or (rng.uniform(400_000, 600_000), rng.uniform(5_280_000, 5_500_000))
    street = np.repeat(np.arange(n_streets), per_street)[:n_addresses]
    street = np.concatenate([street, rng.integers(0, n_streets, n_addresses - len(street))])
    order = np.argsort(street, kind="stable")
    street = street[order]
    position = np.arange(n_addresses) - np.searchsorted(street, street)  # 0.. within the street
    start_x = cx + rng.normal(0, 1500, n_streets)
    start_y = cy + rng.normal(0, 1500, n_streets)
    angle = rng.uniform(0, 2 * np.pi, n_streets)
    along = position * 12.0
    side = np.where(position % 2 == 0, 8.0, -8.0)
    x = start_x[street] + along * np.cos(angle[street]) - side * np.sin(angle[street]) + rng.normal(0, 1, n_addresses)
    y = start_y[street] + along * np.sin(angle[street]) + side * np.cos(angle[street]) + rng.normal(0, 1, n_addresses)
    number = position + 1
    suffix = np.where(rng.random(n_addresses) < 0.05, "a", "")
    return pd.DataFrame(
        {
            "strasse": _street_names(n_streets, rng)[street],
            "hausnummer": np.char.add(number.astype(str), suffix.astype(str)),
            "plz": postcodes[street % len(postcodes)],
            "ort": CITY_NAME if centre is not None else f"Synthstadt {town:04d}",
            "x": np.round(x, 2),
            "y": np.round(y, 2),
        }
    )


def write_register(path: Path, rows: int, city_rows: int = 40_000, seed: int = 1) -> Register:
    """Write a ``;``-separated register CSV of ``rows`` addresses in EPSG:25832 (one town per ~3,000)."""
    rng = np.random.default_rng(seed)
    city_rows = min(city_rows, rows)
    city = _town(0, city_rows, rng, CITY_CENTRE)
    path.parent.mkdir(parents=True, exist_ok=True)
    city.to_csv(path, sep=";", index=False)
    remaining, town = rows - city_rows, 1
    with path.open("a", encoding="utf-8") as handle:
        batch: list[pd.DataFrame] = []
        while remaining > 0:
            size = min(remaining, int(rng.integers(1_000, 5_000)))
            batch.append(_town(town, size, rng, None))
            remaining -= size
            town += 1
            if sum(len(b) for b in batch) >= 200_000 or remaining <= 0:
                pd.concat(batch).to_csv(handle, sep=";", index=False, header=False)
                batch = []
    return Register(path, rows, city)


def _vary_street(name: str, rng: np.random.Generator) -> str:
    """Spell a street as clerks do: "Str.", "strasse", other case."""
    roll = rng.random()
    if name.endswith("straße") and roll < 0.3:
        return name[: -len("straße")] + str(rng.choice(_SPELLINGS["straße"]))
    if roll < 0.4:
        return name.upper() if roll < 0.33 else name.lower()
    return name


def write_offers(path: Path, register: Register, rows: int, seed: int = 2) -> dict[str, int]:
    """Write a ``;``-separated offer list with German headers; return how many rows of each kind.

    Kinds: ``address`` (drawn from the city's register, spelled variously,
    some "12 A"), ``street_only`` (house number not in the register),
    ``coordinates`` (Breitengrad/Längengrad, no address), ``postcode_only`` and
    ``bad`` (missing name, unknown postcode, nonsense coordinates).
    """
    rng = np.random.default_rng(seed)
    taxonomy = load_taxonomy()
    categories = [taxonomy.categories.label(c, "de") for c in taxonomy.categories.ids]
    groups = [taxonomy.target_groups.label(g, "de") for g in taxonomy.target_groups.ids]
    kinds = rng.choice(
        ["address", "street_only", "coordinates", "postcode_only", "bad"], size=rows, p=[0.8, 0.04, 0.08, 0.06, 0.02]
    )
    city = register.city_rows
    pick = city.iloc[rng.integers(0, len(city), rows)].reset_index(drop=True)
    lon, lat = to_storage(pick["x"].to_numpy(), pick["y"].to_numpy())
    records = []
    for i in range(rows):
        kind = kinds[i]
        rec = {
            "ID": f"S{i + 1:06d}",
            "Name": f"Synthetisches Angebot {i + 1}",
            "Träger": f"Träger {i % 97 + 1}",
            "Kategorie": categories[i % len(categories)],
            "Sprachen": ("Deutsch, Arabisch", "Deutsch; Türkisch", "Ukrainisch/Russisch", "Deutsch")[i % 4],
            "Zielgruppe": groups[i % len(groups)],
            "Beschreibung": "Fiktiver Datensatz für den Benchmark.",
            "Straße": "",
            "Hausnr.": "",
            "PLZ": "",
            "Ort": CITY_NAME,
            "Stadtteil": "",
            "Breitengrad": "",
            "Längengrad": "",
            "Telefon": "07141 000000",
            "E-Mail": "info@example.org",
            "Webseite": "https://example.org",
            "Öffnungszeiten": "Mo-Fr 9-12",
            "Barrierefrei": ("ja", "nein", "")[i % 3],
            "Stand": "31.12.2025",
            "Demo": "ja",
        }
        if kind in ("address", "street_only"):
            number = str(pick.at[i, "hausnummer"])
            if kind == "street_only":
                number = str(9000 + i % 500)
            elif number[-1].isalpha() and rng.random() < 0.5:
                number = f"{number[:-1]} {number[-1].upper()}"
            rec.update(Straße=_vary_street(str(pick.at[i, "strasse"]), rng), PLZ=str(pick.at[i, "plz"]))
            rec["Hausnr."] = number
        elif kind == "coordinates":
            rec.update(Breitengrad=f"{lat[i]:.6f}", Längengrad=f"{lon[i]:.6f}")
        elif kind == "postcode_only":
            rec["PLZ"] = str(pick.at[i, "plz"])
        else:
            bad = i % 3
            if bad == 0:
                rec.update(Name="", Straße=str(pick.at[i, "strasse"]), PLZ=str(pick.at[i, "plz"]))
            elif bad == 1:
                rec["PLZ"] = "71999"
            else:
                rec.update(Breitengrad="999", Längengrad="abc")
        records.append(rec)
    pd.DataFrame.from_records(records).to_csv(path, sep=";", index=False, encoding="utf-8")
    return {str(k): int(v) for k, v in zip(*np.unique(kinds, return_counts=True), strict=True)}
