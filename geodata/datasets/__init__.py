"""Bundled datasets: the default taxonomy and the embedded Ludwigsburg demo.

``get_path("ludwigsburg/offers.csv")`` returns the path of a bundled file; see
``ludwigsburg/PROVENANCE.md`` for sources and licences of the demo.
"""

from __future__ import annotations

from pathlib import Path

from geodata.errors import DatasetError

_HERE = Path(__file__).resolve().parent


def get_path(name: str) -> Path:
    """Path of the bundled dataset file ``name`` (relative to this folder)."""
    path = (_HERE / name).resolve()
    if _HERE not in path.parents or not path.is_file():
        raise DatasetError(f"no bundled dataset named {name!r} in {_HERE}")
    return path
