"""ETL memory benchmark: peak resident memory of a build of a large offer list.

Run as ``python bench/etl_memory.py [--rows 200000] [--stage build|extract] [--repeat N]``.

Generates a synthetic offer list (German headers, UTF-8 ``;`` CSV, every row with
coordinates inside Ludwigsburg and a description, about 66 MB for 200,000
rows) in a temporary folder, then runs ``etl.extract.read_table`` alone and
``etl.pipeline.build`` (demo config and districts) each in a fresh subprocess and
prints each one's peak resident memory (``ru_maxrss``) and time; with ``--repeat N``
each stage runs N times (each in a fresh process) and the median is reported too.

Target (issue 11): a 200,000-row CSV builds in under 1 GB peak.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MB = 1024.0
HEADER = (
    "ID;Name;Träger;Kategorie;Sprachen;Zielgruppe;Beschreibung;Straße;Hausnr.;PLZ;Ort;"
    "Telefon;E-Mail;Webseite;Öffnungszeiten;Barrierefrei;Stand;Breitengrad;Längengrad;Demo"
)
_CATEGORIES = ("Sprachkurse", "Beratung", "Kinder & Jugend", "Arbeit & Ausbildung", "Freizeit & Begegnung")


def write_offers(path: Path, rows: int, seed: int = 3) -> int:
    """Write ``rows`` synthetic offers to ``path``; returns the file size in bytes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    lat = rng.uniform(48.875, 48.915, rows)
    lon = rng.uniform(9.17, 9.22, rows)
    words = np.array(
        ["Beratung", "Treffpunkt", "Sprachcafé", "Hausaufgaben", "Familien", "Frauen", "Nachbarschaft", "Beruf"]
    )
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\r\n")
        for i in range(rows):
            text = " ".join(words[rng.integers(0, len(words), 6)])
            out.write(
                f"M-{i:06d};Angebot {i} {words[i % len(words)]};Verein {i % 997};{_CATEGORIES[i % 5]};"
                f"Deutsch, Englisch;Erwachsene;{text} – Demo-Eintrag Nummer {i};Musterstraße;{1 + i % 120};71634;"
                f"Ludwigsburg;07141 {100000 + i};info{i}@example.org;https://example.org/{i};Mo-Fr 09:00-12:00;ja;"
                f"2026-01-15;{lat[i]:.6f};{lon[i]:.6f};ja\r\n"
            )
    return path.stat().st_size


def _child(stage: str, offers: Path, out: Path) -> dict[str, float]:
    """Run one stage in this (fresh) process; return seconds, rows and peak RSS in MiB."""
    started = time.perf_counter()
    if stage == "extract":
        from etl.extract import read_table

        rows = len(read_table(offers).frame)
    else:
        from etl.pipeline import build

        rows = build(offers=offers, out_dir=out, progress=False, use_cache=False).rows_in
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "rows": rows,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _in_subprocess(stage: str, offers: Path, out: Path) -> dict[str, float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", stage, str(offers), str(out)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--stage", choices=("extract", "build", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=1, help="runs per stage (median reported); default 1")
    parser.add_argument("--child", nargs=3, metavar=("STAGE", "OFFERS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        stage, offers, out = args.child
        print(json.dumps(_child(stage, Path(offers), Path(out))))
        return 0
    if args.repeat < 1 or args.rows < 1:
        parser.error("--rows and --repeat must be at least 1")
    with tempfile.TemporaryDirectory(prefix="etl-memory-") as tmp:
        offers = Path(tmp) / "angebote.csv"
        size = write_offers(offers, args.rows)
        print(f"offer list: {args.rows:,} rows, {size / 1e6:.1f} MB")
        stages = ("extract", "build") if args.stage == "both" else (args.stage,)
        worst = 0.0
        for stage in stages:
            peaks, seconds = [], []
            for _run in range(args.repeat):
                result = _in_subprocess(stage, offers, Path(tmp) / "out")
                peaks.append(result["peak_mb"])
                seconds.append(result["seconds"])
                print(
                    f"{stage:8s} {result['rows']:>8,} rows  {result['seconds']:7.1f} s  peak RSS {result['peak_mb']:7.1f} MiB",
                    flush=True,
                )
            if args.repeat > 1:
                print(
                    f"{stage:8s} median of {args.repeat}: {statistics.median(seconds):7.1f} s  "
                    f"peak RSS {statistics.median(peaks):7.1f} MiB (min {min(peaks):.1f}, max {max(peaks):.1f})"
                )
            worst = max(worst, statistics.median(peaks))
    verdict = "OK" if worst < TARGET_MB else "OVER"
    print(f"peak {worst:.0f} MiB; target < {TARGET_MB:.0f} MiB: {verdict}")
    return 0 if worst < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
