"""``stadtkarte build``: the command line of the ETL.

Exit codes: 0 when the build was written (even with rejects), 2 when an input
is unusable (one line on stderr starting ``stadtkarte: error:``), 1 for an
unexpected internal error (also one line; ``-v`` shows the traceback). A
traceback is never printed by default.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from etl.errors import INPUT_ERRORS
from geodata.errors import ContractError, DatasetError
from geodata.io import REJECTS_FILE

logger = logging.getLogger(__name__)

PREFIX = "stadtkarte: error: "
#: Errors that mean "fix the input or the config" -> exit 2.
USAGE_ERRORS: tuple[type[BaseException], ...] = (*INPUT_ERRORS, DatasetError, ContractError, OSError, ValueError)


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``build`` options to ``parser`` and set ``func=run_build``."""
    parser.add_argument(
        "--offers",
        metavar="PATH",
        type=Path,
        help="offer list: CSV (';' or ',', UTF-8 or Windows-1252), XLSX, GeoJSON or GeoPackage "
        "(default: the embedded Ludwigsburg demo)",
    )
    parser.add_argument(
        "--districts",
        metavar="PATH",
        type=Path,
        help="district polygons (GeoJSON/GeoPackage) or a CSV of district centres (default: the demo's districts)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        help="city config (TOML: [city], [columns], [taxonomy], [gazetteer], [geocoder], [dashboard], "
        "[population]; paths in it are relative to the file; default: the demo config)",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=Path("data"),
        help="output folder for offers.geojson, districts.geojson, rejects.csv, build_report.json, "
        "city.json and the geocode cache .cache/ (default: %(default)s)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="rebuild even when DIR already holds a build of the same inputs, settings and code "
        "(otherwise such a re-run does nothing and says so)",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log each stage with counts (rows read, geocoded, rejected) and tracebacks of internal errors",
    )
    verbosity.add_argument(
        "--quiet", action="store_true", help="print nothing but errors (no summary line, no warnings)"
    )
    parser.set_defaults(func=run_build)


def _configure_logging(verbose: bool, quiet: bool) -> None:
    level = logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr, force=True)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def run_build(args: argparse.Namespace) -> int:
    """Run the build from parsed arguments; returns the exit code."""
    verbose, quiet = bool(getattr(args, "verbose", False)), bool(getattr(args, "quiet", False))
    _configure_logging(verbose, quiet)
    from etl.pipeline import build  # lazy: `stadtkarte --help` does not load geopandas

    try:
        report = build(
            offers=args.offers,
            districts=args.districts,
            config=args.config,
            out_dir=args.out,
            force=bool(getattr(args, "force", False)),
        )
    except USAGE_ERRORS as exc:
        if verbose:
            logger.info("build failed", exc_info=True)
        print(PREFIX + _one_line(exc), file=sys.stderr)
        return 2
    except Exception as exc:
        if verbose:
            logger.exception("internal error")
        print(PREFIX + f"internal error: {_one_line(exc)} (run with -v for details and report it)", file=sys.stderr)
        return 1
    if not quiet:
        rejects = f" -> {Path(args.out) / REJECTS_FILE}" if report.rows_rejected else ""
        if report.up_to_date:
            print(
                f"{args.out} ist aktuell (Eingaben unverändert): {report.rows_out} Angebote, "
                f"{report.rows_rejected} abgelehnt{rejects} – mit --force neu bauen"
            )
        else:
            print(f"{report.rows_out} Angebote geschrieben, {report.rows_rejected} abgelehnt{rejects}")
    return 0
