"""``stadtkarte build``: the command line of the ETL.

Exit codes: 0 when the build was written (even with rejects), 2 when an input
is unusable (one line on stderr starting ``stadtkarte: error:``), 1 for an
unexpected internal error (also one line; ``-v`` shows the traceback), 130 when
interrupted with Ctrl-C (one line; the previous snapshot stays current). A
traceback is never printed by default.

Messages (the summary, the reasons in ``rejects.csv``, the report's warnings) are
German by default, the clerk's language; ``--lang`` picks another of
:data:`etl.problems.LANGUAGES`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from etl.errors import INPUT_ERRORS
from etl.problems import DEFAULT_LANGUAGE, LANGUAGES
from etl.report import BuildReport
from geodata.errors import ContractError, DatasetError
from geodata.io import REJECTS_FILE, REVIEW_FILE

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
    add_sheet_argument(parser)
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
        help="data folder: each build is published as DIR/snapshots/<version>/ (offers.geojson, "
        "districts.geojson, rejects.csv, build_report.json, city.json) and DIR/CURRENT switched to it "
        "atomically; a copy of the rejects at DIR/rejects.csv; the geocode cache in DIR/.cache/ "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help="language of the reasons in rejects.csv, the report's warnings and the summary line "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="rebuild even when DIR's current snapshot is a build of the same inputs, settings and code "
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


def add_sheet_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--sheet NAME|NUMBER`` (which worksheet of an .xlsx offer list to read) to ``parser``."""
    parser.add_argument(
        "--sheet",
        metavar="NAME|NUMBER",
        help="worksheet of an .xlsx offer list: its name or number (1 = first); default: the first sheet "
        "with a recognisable header row (a cover sheet before it is skipped and named in the report)",
    )


def _configure_logging(verbose: bool, quiet: bool) -> None:
    level = logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr, force=True)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def run_build(args: argparse.Namespace) -> int:
    """Run the build from parsed arguments; returns the exit code."""
    verbose, quiet = bool(getattr(args, "verbose", False)), bool(getattr(args, "quiet", False))
    lang = str(getattr(args, "lang", DEFAULT_LANGUAGE))
    _configure_logging(verbose, quiet)
    try:
        from etl.pipeline import build  # lazy: `stadtkarte --help` does not load geopandas

        report = build(
            offers=args.offers,
            districts=args.districts,
            config=args.config,
            out_dir=args.out,
            force=bool(getattr(args, "force", False)),
            lang=lang,
            sheet=getattr(args, "sheet", None),
        )
    except KeyboardInterrupt:
        print(PREFIX + _INTERRUPTED[lang], file=sys.stderr)
        return 130
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
        print(summary(report, Path(args.out), lang))
    return 0


def summary(report: BuildReport, out: Path, lang: str = DEFAULT_LANGUAGE) -> str:
    """The one-line summary of a build in ``lang`` (German by default), naming the rejects and review files."""
    texts = _SUMMARY.get(lang, _SUMMARY[DEFAULT_LANGUAGE])
    rejects = f" -> {out / REJECTS_FILE}" if report.rows_rejected else ""
    if report.rows_review:
        rejects += texts["review"].format(rows_review=report.rows_review, path=out / REVIEW_FILE)
    template = texts["up_to_date"] if report.up_to_date else texts["written"]
    return template.format(
        out=out, rows_out=report.rows_out, rows_rejected=report.rows_rejected, rejects=rejects, version=report.version
    )


#: The summary line per language (the German one as clerks know it).
_SUMMARY: dict[str, dict[str, str]] = {
    "de": {
        "review": ", {rows_review} nur ungefähr verortet -> {path}",
        "written": "{rows_out} Angebote geschrieben, {rows_rejected} abgelehnt{rejects} (Datenstand {version})",
        "up_to_date": "{out} ist aktuell (Eingaben unverändert): {rows_out} Angebote, {rows_rejected} abgelehnt"
        "{rejects} – mit --force neu bauen",
    },
    "en": {
        "review": ", {rows_review} located only approximately -> {path}",
        "written": "{rows_out} offers written, {rows_rejected} rejected{rejects} (data version {version})",
        "up_to_date": "{out} is up to date (inputs unchanged): {rows_out} offers, {rows_rejected} rejected"
        "{rejects} – rebuild with --force",
    },
    "tr": {
        "review": ", {rows_review} yalnızca yaklaşık konumlu -> {path}",
        "written": "{rows_out} teklif yazıldı, {rows_rejected} reddedildi{rejects} (veri sürümü {version})",
        "up_to_date": "{out} güncel (girdiler değişmedi): {rows_out} teklif, {rows_rejected} reddedildi"
        "{rejects} – yeniden oluşturmak için --force",
    },
    "ar": {
        "review": "، {rows_review} بموقع تقريبي فقط -> {path}",
        "written": "تمت كتابة {rows_out} عرضاً، ورُفض {rows_rejected}{rejects} (إصدار البيانات {version})",
        "up_to_date": "{out} محدَّث (المدخلات لم تتغير): {rows_out} عرضاً، رُفض {rows_rejected}"
        "{rejects} – لإعادة البناء استخدم --force",
    },
    "uk": {
        "review": ", розташовано лише приблизно: {rows_review} -> {path}",
        "written": "Записано пропозицій: {rows_out}, відхилено: {rows_rejected}{rejects} (версія даних {version})",
        "up_to_date": "{out} актуальна (вхідні дані не змінилися): пропозицій {rows_out}, відхилено "
        "{rows_rejected}{rejects} – перебудувати з --force",
    },
}
_INTERRUPTED: dict[str, str] = {
    "de": "abgebrochen (Strg+C) – der bisherige Datenstand bleibt gültig",
    "en": "interrupted (Ctrl+C) – the previous data version stays current",
    "tr": "iptal edildi (Ctrl+C) – önceki veri sürümü geçerli kalır",
    "ar": "تم الإلغاء (Ctrl+C) – يبقى إصدار البيانات السابق ساريًا",
    "uk": "перервано (Ctrl+C) – попередня версія даних залишається чинною",
}
