"""Settings of the dashboard server, with environment overrides.

``STADTKARTE_HOST``, ``STADTKARTE_PORT``, ``STADTKARTE_DATA_DIR``, ``STADTKARTE_WORKERS``,
``STADTKARTE_THREADS``, ``STADTKARTE_ALLOWED_HOSTS`` (comma-separated host names),
``STADTKARTE_TRUSTED_PROXY`` (IP address of the reverse proxy in front) and
``STADTKARTE_FRAME_ANCESTORS`` (space-separated CSP sources) override the defaults;
command-line options override both (see :mod:`dashboard.cli`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

#: Host names a local server answers to when no list is configured.
LOCAL_HOST_NAMES: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
#: Bind addresses that mean "every interface" (they name no host a browser would send).
WILDCARD_HOSTS: frozenset[str] = frozenset({"0.0.0.0", "::", ""})
MAX_WORKERS_DEFAULT = 8


class SettingsError(ValueError):
    """A setting (usually from the environment) has an unusable value."""


def default_workers() -> int:
    """Worker processes by default: one per CPU core, at most :data:`MAX_WORKERS_DEFAULT`."""
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS_DEFAULT))


@dataclass(frozen=True)
class Settings:
    """Where the dashboard listens, which data folder it serves, and the serving limits.

    Parameters
    ----------
    host : str
        Interface to bind; ``127.0.0.1`` keeps the server local.
    port : int
        TCP port, 1-65535.
    data_dir : Path
        Build output folder (``offers.geojson``, ``districts.geojson``, ``city.json``).
    debug : bool
        Dash debug mode with the development server (dev tools, reloader); off unless asked for.
    workers : int
        Server processes (Linux/macOS: pre-forked; Windows: always 1). Default: the CPU count (max 8).
    threads : int
        Request threads per process.
    allowed_hosts : tuple of str
        Host names the server answers to (``Host`` header, port ignored); empty: ``localhost``,
        ``127.0.0.1``, ``::1`` and ``host`` when it is not a wildcard address. Others get 400.
    trusted_proxy : str or None
        IP address of the reverse proxy in front; only its ``X-Forwarded-For``/``-Proto`` are believed.
    frame_ancestors : tuple of str
        CSP ``frame-ancestors`` sources (who may embed the map); ``'self'`` by default. The city
        config's ``[dashboard] frame_ancestors`` (in ``city.json``) is used when this is not set.
    max_callback_bytes : int
        Largest body of a Dash callback POST (``/_dash-update-component``); more gets 413.
    max_form_bytes : int
        Largest body of any other POST (forms); more gets 413.
    max_query_bytes, max_query_params : int
        Longest query string and most query parameters; more gets 414.
    request_timeout : int
        Seconds a connection may stay silent (half-sent request, idle keep-alive) before it is closed.
    connection_limit : int
        Open connections per process before new ones wait in the listen backlog.
    """

    host: str = "127.0.0.1"
    port: int = 8050
    data_dir: Path = Path("data")
    debug: bool = False
    workers: int = field(default_factory=default_workers)
    threads: int = 8
    allowed_hosts: tuple[str, ...] = ()
    trusted_proxy: str | None = None
    frame_ancestors: tuple[str, ...] = ()
    max_callback_bytes: int = 512 * 1024
    max_form_bytes: int = 2 * 1024 * 1024
    max_query_bytes: int = 4096
    max_query_params: int = 200
    request_timeout: int = 30
    connection_limit: int = 1000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by the ``STADTKARTE_*`` variables of ``environ`` (see the module)."""
        env = os.environ if environ is None else environ
        settings = cls()
        if host := env.get("STADTKARTE_HOST"):
            settings = replace(settings, host=host)
        if port := env.get("STADTKARTE_PORT"):
            settings = replace(settings, port=parse_port(port, "STADTKARTE_PORT"))
        if data_dir := env.get("STADTKARTE_DATA_DIR"):
            settings = replace(settings, data_dir=Path(data_dir))
        if workers := env.get("STADTKARTE_WORKERS"):
            settings = replace(settings, workers=parse_count(workers, "STADTKARTE_WORKERS", 64))
        if threads := env.get("STADTKARTE_THREADS"):
            settings = replace(settings, threads=parse_count(threads, "STADTKARTE_THREADS", 256))
        if hosts := env.get("STADTKARTE_ALLOWED_HOSTS"):
            settings = replace(settings, allowed_hosts=parse_host_list(hosts))
        if proxy := env.get("STADTKARTE_TRUSTED_PROXY"):
            settings = replace(settings, trusted_proxy=proxy.strip())
        if ancestors := env.get("STADTKARTE_FRAME_ANCESTORS"):
            settings = replace(settings, frame_ancestors=tuple(ancestors.split()))
        return settings

    def host_names(self) -> frozenset[str]:
        """The host names this server answers to (lower case, without port)."""
        names = self.allowed_hosts or (*LOCAL_HOST_NAMES, *(() if self.host in WILDCARD_HOSTS else (self.host,)))
        return frozenset(name.strip().lower().strip("[]") for name in names if name.strip())


def parse_port(text: str, name: str = "port") -> int:
    """Parse a TCP port; raises :class:`SettingsError` naming the value and the valid range."""
    try:
        port = int(str(text).strip())
    except ValueError as exc:
        raise SettingsError(f"{name}={text!r} is not a number: use a port between 1 and 65535") from exc
    if not 1 <= port <= 65535:
        raise SettingsError(f"{name}={port} is out of range: use a port between 1 and 65535")
    return port


def parse_count(text: str, name: str, maximum: int) -> int:
    """Parse a positive count (workers, threads) up to ``maximum``; raises :class:`SettingsError`."""
    try:
        count = int(str(text).strip())
    except ValueError as exc:
        raise SettingsError(f"{name}={text!r} is not a number: use a whole number from 1 to {maximum}") from exc
    if not 1 <= count <= maximum:
        raise SettingsError(f"{name}={count} is out of range: use a whole number from 1 to {maximum}")
    return count


def parse_host_list(text: str) -> tuple[str, ...]:
    """Comma-separated host names (e.g. ``karte.ludwigsburg.de,localhost``); raises on an empty list."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise SettingsError(f"allowed hosts {text!r} names no host: give e.g. karte.example.de,localhost")
    return names
