"""The ``stadtkarte`` command.

``stadtkarte build`` runs the ETL (see :mod:`etl.cli`); ``stadtkarte serve`` starts
the dashboard (see :mod:`dashboard.cli`); ``import``, ``user``, ``db``, ``backup``,
``restore`` and ``publish`` work on the offer register (see :mod:`registry.cli`).
This module only wires them: each package owns its own arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    from dashboard.cli import add_serve_arguments
    from etl.cli import add_build_arguments

    parser = argparse.ArgumentParser(
        prog="stadtkarte",
        description="Stadtkarte Integration: build the map data from a city's offer list, keep it in the register and serve the dashboard.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = sub.add_parser(
        "build",
        help="validate, geocode and enrich an offer list into GeoJSON (no arguments: the Ludwigsburg demo)",
        description="Build offers.geojson, districts.geojson, rejects.csv and build_report.json.",
    )
    add_build_arguments(build)
    serve = sub.add_parser(
        "serve",
        help="start the dashboard on the built data (builds the demo first when there is none)",
        description="Start the Dash dashboard at http://HOST:PORT.",
    )
    add_serve_arguments(serve)
    from registry.cli import add_registry_commands

    add_registry_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return int(args.func(args))
