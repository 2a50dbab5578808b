"""Privacy levels in the register: the exact record stays for staff, publishing coarsens (geodata.privacy)."""

from __future__ import annotations

from pathlib import Path

from geodata.io import read_offers
from geodata.snapshot import current_snapshot_dir
from registry import Register
from registry.importer import import_offers
from tests.support.registry import DISTRICTS

HEADER = "ID;Name;Kategorie;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad;Standort anzeigen;Veröffentlichen"
ROWS = [
    "p1;Offener Treff;Treffpunkt;Hauptstraße;5;71634;Ludwigsburg;48,895;9,185;genau;ja",
    "p2;Frauenhaus;Beratung;Geheimgasse;17;71634;Ludwigsburg;48,8837123;9,1773456;Stadtteil;",
    "p3;Stiller Verein;Beratung;Stillweg;2;71634;Ludwigsburg;48,887;9,21;Straße;nein",
]


def _published(data_dir: Path) -> tuple[str, dict[str, dict]]:
    folder = current_snapshot_dir(data_dir)
    assert folder is not None
    text = (folder / "offers.geojson").read_text(encoding="utf-8")
    return text, {f["properties"]["id"]: f for f in read_offers(folder / "offers.geojson")}


def test_import_keeps_exact_entries_and_publish_coarsens(empty_register: Register, tmp_path: Path) -> None:
    offers = tmp_path / "offers.csv"
    offers.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    import_offers(empty_register, offers, districts=DISTRICTS, apply=True)
    shelter, quiet = empty_register.entry("p2"), empty_register.entry("p3")
    assert shelter is not None and quiet is not None
    # the register keeps the exact record for staff
    assert (shelter.lon, shelter.lat) == (9.1773456, 48.8837123) and shelter.properties["street"] == "Geheimgasse"
    assert shelter.properties["location_visibility"] == "district" and quiet.properties["listed"] is False
    assert quiet.state == "published"  # "published" in the register; the public files leave it out

    empty_register.publish()
    text, by_id = _published(empty_register.data_dir)
    assert sorted(by_id) == ["p1", "p2"]
    assert "Stiller Verein" not in text and "Stillweg" not in text
    assert "Geheimgasse" not in text and "9.17734" not in text and "48.88371" not in text
    assert by_id["p2"]["properties"]["geocode_precision"] == "district"
    assert by_id["p1"]["geometry"]["coordinates"] == [9.185, 48.895]


def test_a_staff_edit_keeps_the_privacy_levels(empty_register: Register, tmp_path: Path) -> None:
    offers = tmp_path / "offers.csv"
    offers.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    import_offers(empty_register, offers, districts=DISTRICTS, apply=True)
    entry = empty_register.entry("p2")
    assert entry is not None
    values = {**Register.form_values(entry), "name": "Frauenhaus (geändert)"}
    edited = empty_register.edit("p2", values, actor="staff@stadt.example", expected_version=entry.version)
    assert edited.properties["location_visibility"] == "district" and edited.properties["listed"] is True
    assert (edited.lon, edited.lat) == (9.1773456, 48.8837123)
    empty_register.publish()
    text, by_id = _published(empty_register.data_dir)
    assert by_id["p2"]["properties"]["name"] == "Frauenhaus (geändert)" and "Geheimgasse" not in text
