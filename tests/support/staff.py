"""The staff pages' test inputs and helpers: accounts, a new offer, CSRF-aware form posts."""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from dashboard.staff import register_staff

MODERATOR = "moderator@stadt.example"
ADMIN = "admin@stadt.example"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

#: A valid new offer inside the demo city (coordinates given, so no geocoding is needed).
NEW_OFFER: dict[str, str | None] = {
    "id": "neu-1",
    "name": "Sprachcafé Weststadt",
    "organization": "Freundeskreis Asyl",
    "category": "language_cafe",
    "languages": "Arabisch, Deutsch",
    "target_groups": "women",
    "street": "Marktplatz",
    "house_number": "1",
    "postal_code": "71634",
    "city": "Ludwigsburg",
    "lat": "48.8950",
    "lon": "9.1900",
}


OFFER_LIST = """ID;Name;Träger;Kategorie;Sprachen;Zielgruppe;Straße;Hausnr.;PLZ;Ort;Breitengrad;Längengrad
lb-1;Migrationsberatung Innenstadt;Caritas;counselling;tr, de;all;Marktplatz;1;71634;Ludwigsburg;48.8950;9.1900
lb-2;Deutschkurs A1;Volkshochschule;language_course;de;newcomers;Solitudestraße;24;71638;Ludwigsburg;48.8930;9.1850
"""


def make_server(data_dir: Path, register: Any, **options: Any) -> Flask:
    """A Flask server with the staff pages on ``register`` (secret from the environment-free file)."""
    server = Flask("staff-test")
    register_staff(server, data_dir, register=register, **options)
    return server


def csrf_token(client: Any, path: str = "/verwaltung/login") -> str:
    """The CSRF token of the form on ``path`` (the token is per session)."""
    response = client.get(path)
    match = _TOKEN.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {path} ({response.status_code})"
    return match.group(1)


def login(client: Any, email: str, password: str) -> Any:
    """Sign in through the form (with its CSRF token); returns the POST's response."""
    token = csrf_token(client)
    return client.post("/verwaltung/login", data={"email": email, "password": password, "csrf_token": token})


def post_form(client: Any, path: str, data: Mapping[str, str], token_path: str | None = None) -> Any:
    """POST ``data`` to ``path`` with the session's CSRF token (read from ``token_path`` or ``path``)."""
    token = csrf_token(client, token_path or path)
    return client.post(path, data={**data, "csrf_token": token})


def body(response: Any) -> str:
    """The response body as text."""
    return str(response.get_data(as_text=True))


def publish_flat(register: Any, data_dir: Path) -> str:
    """Publish the register into ``data_dir`` and copy the snapshot's files to its top level too.

    The copy serves a dashboard that still reads the flat build folder; a dashboard that
    reads ``CURRENT`` finds the same files in the snapshot.
    """
    from geodata.snapshot import current_snapshot_dir

    version = register.publish(data_dir)
    folder = current_snapshot_dir(data_dir)
    assert folder is not None
    for path in folder.iterdir():
        if path.is_file():
            shutil.copyfile(path, data_dir / path.name)
    return str(version)
