"""The register tests' inputs: the test districts, a messy clerk's file, a three-row offer list."""

from __future__ import annotations

from pathlib import Path

from etl.config import CityConfig

DATA = Path(__file__).resolve().parents[1] / "data"
DISTRICTS = DATA / "etl_districts.geojson"
MESSY = DATA / "etl_messy_cp1252.csv"
CONFIG = CityConfig(name="Ludwigsburg", postcodes=("71634", "71636"), demo=True)
HEADER = "ID;Name;Träger;Kategorie;Sprachen;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad"
ROWS = {
    "a1": "a1;Sprachcafé West;Verein A;Sprachcafé;Türkisch, Deutsch;Hauptstraße;5;71634;Ludwigsburg;48,895;9,185",
    "a2": "a2;Beratung Ost;Caritas;Beratung;Englisch;Marktplatz;1;71634;Ludwigsburg;48,89;9,21",
    "a3": "a3;Frauentreff;Verein C;Treffpunkt;Arabisch;Schillerstraße;3;71634;Ludwigsburg;48,9;9,19",
}


def write_offers(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    """An offer list CSV (``;``, CRLF) with :data:`HEADER` and ``rows``."""
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))
    return path
