"""The vendored MapLibre GL JS: served by the app itself, cacheable for a year, compressed, documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dashboard.app import create_app
from dashboard.security import MAPLIBRE_FILES, MAPLIBRE_PREFIX, MAPLIBRE_VERSION, VENDOR_DIR

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def client(tiny_data_dir: Path) -> Any:
    return create_app(tiny_data_dir).server.test_client()


@pytest.mark.parametrize("name", sorted(MAPLIBRE_FILES))
def test_maplibre_files_are_served_for_a_year_and_compressed(client: Any, name: str) -> None:
    response = client.get(MAPLIBRE_PREFIX + name, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.mimetype == MAPLIBRE_FILES[name]
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers.get("Content-Encoding") == "gzip"
    assert len(response.data) < (VENDOR_DIR / name).stat().st_size / 2


def test_the_worker_is_found_next_to_the_module_with_its_version_query(client: Any) -> None:
    response = client.get(MAPLIBRE_PREFIX + f"maplibre-gl-worker.mjs?v={MAPLIBRE_VERSION}")
    assert response.status_code == 200
    assert client.get(MAPLIBRE_PREFIX + "maplibre-gl.mjs.map").status_code == 404
    assert client.get(MAPLIBRE_PREFIX + "../security.py").status_code == 404


def test_the_vendored_files_are_the_documented_version_with_their_licence() -> None:
    head = (VENDOR_DIR / "maplibre-gl.mjs").read_text(encoding="utf-8")[:400]
    assert f"v{MAPLIBRE_VERSION}" in head
    assert "BSD" in (VENDOR_DIR / "maplibre-gl-LICENSE.txt").read_text(encoding="utf-8")
    readme = (VENDOR_DIR / "README.md").read_text(encoding="utf-8")
    assert f"maplibre-gl@{MAPLIBRE_VERSION}" in readme


def test_map_js_preloads_the_served_module() -> None:
    """assets/map.js names the module it preloads; it must be the one the server serves."""
    text = (REPO / "assets" / "map.js").read_text(encoding="utf-8")
    assert f'"{MAPLIBRE_PREFIX}maplibre-gl.mjs"' in text
