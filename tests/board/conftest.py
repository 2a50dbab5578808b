"""Board fixtures: a register (SQLite, and PostgreSQL when configured: ``tests/conftest.py``) with the test districts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry import Register
from registry.register import META_DISTRICTS
from tests.support.registry import DISTRICTS

SURVEY = """Art;Thema;Titel;Beschreibung;Sprachen;Zielgruppe;Stadtteil;Straße;Hausnr.;PLZ;Organisation;E-Mail;gültig bis;Breitengrad;Längengrad;Ort sichtbar
sucht;Räume;Raum für Elterncafé;Wir suchen einen Gruppenraum am Nachmittag;Arabisch, Deutsch;Familien;Weststadt;Hauptstraße;5;71634;Elternverein West;eltern@example.org;31.03.2099;;;
bietet;Raum;Gruppenraum frei;Räume am Abend und Wochenende;Arabisch;Familien;Weststadt;;;;Moscheeverein;moschee@example.org;;48,8951;9,1905;genau
bietet;Räumlichkeiten;Saal für Feste;Großer Saal;Türkisch;;Oststadt;;;;Kulturverein;kultur@example.org;;48,8952;9,2150;
sucht;Ehrenamtliche;Lesepaten gesucht;Ehrenamtliche für Hausaufgaben;Deutsch;Kinder;Oststadt;;;;Schule Ost;schule@example.org;;;;
"""


@pytest.fixture
def board_register(empty_register: Register) -> Register:
    """An empty register that knows the test districts (Weststadt = west, Oststadt = ost)."""
    features = json.loads(DISTRICTS.read_text(encoding="utf-8"))["features"]
    with empty_register._tx() as s:
        empty_register._set_meta(s, META_DISTRICTS, features)
    return empty_register


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    path = tmp_path / "bedarfe.csv"
    path.write_text(SURVEY, encoding="utf-8")
    return path
