"""``stadtkarte serve`` / ``python -m dashboard``: start the dashboard.

Builds the embedded demo first when the data folder has no ``offers.geojson``.
Bad input ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from dashboard.config import Settings, SettingsError, parse_port
from geodata.snapshot import current_version

logger = logging.getLogger(__name__)

EXIT_BAD_INPUT = 2


def add_serve_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``--host``, ``--port``, ``--data``, ``--debug`` and ``func=run_serve`` to ``parser``."""
    parser.add_argument("--host", default=None, help="interface to listen on (default 127.0.0.1, env STADTKARTE_HOST)")
    parser.add_argument("--port", default=None, help="TCP port (default 8050, env STADTKARTE_PORT)")
    parser.add_argument(
        "--data", metavar="DIR", default=None, help="build output folder (default data/, env STADTKARTE_DATA_DIR)"
    )
    parser.add_argument("--debug", action="store_true", help="Dash debug mode (never on a public server)")
    parser.set_defaults(func=run_serve)
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Environment settings overridden by the command-line options (raises SettingsError)."""
    settings = Settings.from_env()
    if args.host:
        settings = replace(settings, host=args.host)
    if args.port is not None:
        settings = replace(settings, port=parse_port(args.port, "--port"))
    if args.data:
        settings = replace(settings, data_dir=Path(args.data))
    return replace(settings, debug=bool(args.debug) or settings.debug)


def ensure_data(data_dir: Path) -> None:
    """Build the embedded demo into ``data_dir`` when nothing is published there yet."""
    if current_version(data_dir) is not None:
        return
    logger.warning("%s has no published data: building the embedded demo first", data_dir)
    from etl.pipeline import build

    build(out_dir=data_dir)


def run_serve(args: argparse.Namespace) -> int:
    """Start the server; returns the exit code (2 with one line on stderr for unusable input)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = settings_from_args(args)
        from registry.bootstrap import ensure_register

        if demo_login := ensure_register(settings.data_dir):
            print(f"Demo-Moderation /verwaltung: {demo_login} (nur jetzt angezeigt / shown once)", flush=True)
        ensure_data(settings.data_dir)
        from dashboard.app import create_app

        app = create_app(settings.data_dir, settings)
    except (SettingsError, ValueError, OSError, ImportError) as exc:
        print(f"stadtkarte serve: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    logger.info("serving http://%s:%d/", settings.host, settings.port)
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard [--host H] [--port P] [--data DIR] [--debug]``."""
    parser = add_serve_arguments(argparse.ArgumentParser(prog="python -m dashboard", description=__doc__))
    args = parser.parse_args(argv)
    return int(args.func(args))
