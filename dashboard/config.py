"""Settings of the dashboard server, with environment overrides.

``STADTKARTE_HOST``, ``STADTKARTE_PORT`` and ``STADTKARTE_DATA_DIR`` override the
defaults; command-line options override both (see :mod:`dashboard.cli`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path


class SettingsError(ValueError):
    """A setting (usually from the environment) has an unusable value."""


@dataclass(frozen=True)
class Settings:
    """Where the dashboard listens and which data folder it serves.

    Parameters
    ----------
    host : str
        Interface to bind; ``127.0.0.1`` keeps the server local.
    port : int
        TCP port, 1-65535.
    data_dir : Path
        Build output folder (``offers.geojson``, ``districts.geojson``, ``city.json``).
    debug : bool
        Dash debug mode (dev tools, reloader); off unless asked for.
    """

    host: str = "127.0.0.1"
    port: int = 8050
    data_dir: Path = Path("data")
    debug: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by ``STADTKARTE_HOST``/``_PORT``/``_DATA_DIR`` from ``environ``."""
        env = os.environ if environ is None else environ
        settings = cls()
        if host := env.get("STADTKARTE_HOST"):
            settings = replace(settings, host=host)
        if port := env.get("STADTKARTE_PORT"):
            settings = replace(settings, port=parse_port(port, "STADTKARTE_PORT"))
        if data_dir := env.get("STADTKARTE_DATA_DIR"):
            settings = replace(settings, data_dir=Path(data_dir))
        return settings


def parse_port(text: str, name: str = "port") -> int:
    """Parse a TCP port; raises :class:`SettingsError` naming the value and the valid range."""
    try:
        port = int(str(text).strip())
    except ValueError as exc:
        raise SettingsError(f"{name}={text!r} is not a number: use a port between 1 and 65535") from exc
    if not 1 <= port <= 65535:
        raise SettingsError(f"{name}={port} is out of range: use a port between 1 and 65535")
    return port
