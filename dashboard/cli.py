"""``stadtkarte serve`` / ``python -m dashboard``: start the dashboard.

Serves with the production server (waitress, several processes; see :mod:`dashboard.serving`);
the development server only with ``--debug``. Builds the embedded demo first when the data
folder has no ``offers.geojson``. Bad input (a bad option, broken data, a busy port) ends with
one line on stderr and exit code 2, never a traceback; Ctrl-C stops cleanly.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from dashboard.config import Settings, SettingsError, parse_count, parse_host_list, parse_port
from geodata.snapshot import current_version

logger = logging.getLogger(__name__)

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def add_serve_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the serve options (``--host``, ``--port``, ``--data``, ``--workers``, ...) and ``func=run_serve``."""
    parser.add_argument("--host", default=None, help="interface to listen on (default 127.0.0.1, env STADTKARTE_HOST)")
    parser.add_argument("--port", default=None, help="TCP port (default 8050, env STADTKARTE_PORT)")
    parser.add_argument(
        "--data", metavar="DIR", default=None, help="build output folder (default data/, env STADTKARTE_DATA_DIR)"
    )
    parser.add_argument(
        "--workers", default=None, help="server processes (default: the CPU count, max 8; env STADTKARTE_WORKERS)"
    )
    parser.add_argument(
        "--threads", default=None, help="request threads per process (default 8, env STADTKARTE_THREADS)"
    )
    parser.add_argument(
        "--allowed-hosts",
        metavar="NAMES",
        default=None,
        help="comma-separated host names the server answers to, e.g. karte.example.de "
        "(default localhost,127.0.0.1,::1 and --host; env STADTKARTE_ALLOWED_HOSTS)",
    )
    parser.add_argument(
        "--trusted-proxy",
        metavar="IP",
        default=None,
        help="address of the reverse proxy in front, whose X-Forwarded-For/-Proto are believed "
        "(env STADTKARTE_TRUSTED_PROXY)",
    )
    parser.add_argument(
        "--debug", action="store_true", help="Dash debug mode on the development server (never on a public server)"
    )
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
    if getattr(args, "workers", None) is not None:
        settings = replace(settings, workers=parse_count(args.workers, "--workers", 64))
    if getattr(args, "threads", None) is not None:
        settings = replace(settings, threads=parse_count(args.threads, "--threads", 256))
    if getattr(args, "allowed_hosts", None):
        settings = replace(settings, allowed_hosts=parse_host_list(args.allowed_hosts))
    if getattr(args, "trusted_proxy", None):
        settings = replace(settings, trusted_proxy=args.trusted_proxy.strip())
    return replace(settings, debug=bool(args.debug) or settings.debug)


def ensure_data(data_dir: Path) -> None:
    """Build the embedded demo into ``data_dir`` when nothing is published there yet."""
    if current_version(data_dir) is not None:
        return
    logger.warning("%s has no published data: building the embedded demo first", data_dir)
    from etl.pipeline import build

    build(out_dir=data_dir)


def run_serve(args: argparse.Namespace) -> int:
    """Start the server; returns the exit code (2 with one line on stderr for unusable input).

    The port is bound before anything else, so a busy port is reported at once; the app is
    built once in the parent process and shared by the forked workers.
    """
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from dashboard import serving

    sock = None
    try:
        settings = settings_from_args(args)
        sock = serving.bind_socket(settings.host, settings.port)
        from registry.bootstrap import ensure_register

        if demo_login := ensure_register(settings.data_dir):
            print(f"Demo-Moderation /verwaltung: {demo_login} (nur jetzt angezeigt / shown once)", flush=True)
        ensure_data(settings.data_dir)
        from dashboard.app import create_app

        app = create_app(settings.data_dir, settings)
        if settings.debug:
            sock.close()
            logger.warning("--debug: Dash's development server with dev tools; never use it on a public server")
            app.run(host=settings.host, port=settings.port, debug=True)
        else:
            from dashboard.security import warm_precompressed

            logger.info("compressed %d static files for the map", warm_precompressed(app.server))
            serving.serve(app.server, settings, sock)
    except (SettingsError, ValueError, OSError, ImportError) as exc:
        print(f"stadtkarte serve: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("stadtkarte serve: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if sock is not None:
            sock.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard [--host H] [--port P] [--data DIR] [--workers N] [--threads N] [--debug] ...``."""
    parser = add_serve_arguments(argparse.ArgumentParser(prog="python -m dashboard", description=__doc__))
    args = parser.parse_args(argv)
    return int(args.func(args))
