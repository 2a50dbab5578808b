"""The register tests' register: three offers imported and published.

The engines (SQLite and PostgreSQL), ``empty_register`` and ``data_dir`` come from ``tests/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from registry import Register
from tests.support.registry import DISTRICTS, ROWS, write_offers


@pytest.fixture
def register(empty_register: Register, tmp_path: Path) -> Register:
    """A register with the three offers of :data:`ROWS` imported and published (``--apply``)."""
    from registry.importer import import_offers

    offers = write_offers(tmp_path / "offers.csv", list(ROWS.values()))
    import_offers(empty_register, offers, districts=DISTRICTS, apply=True)
    return empty_register
