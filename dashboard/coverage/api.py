"""``GET /api/coverage.csv``: every metric per district for the page's query parameters.

``/api/coverage.csv?category=counselling&district=ossweil`` returns one row per district
(and the city, ``_city``) x metric: ``;``-separated UTF-8 with BOM (Excel), with the
population method in its own column; every cell passes :func:`geodata.csvsafe.spreadsheet_safe`
(a district named ``=HYPERLINK(..)`` stays text). Reads the current snapshot on every request.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from flask import Flask, Response, request

from dashboard.coverage.compute import CSV_HEADER, CoverageContext, csv_rows
from dashboard.coverage.context import coverage_context
from dashboard.filters import filter_mask, parse_query
from dashboard.snapshot import current_snapshot
from geodata.csvsafe import spreadsheet_safe

#: Answer when the current snapshot has no districts.
NO_DISTRICTS = "Keine Stadtteile im Datenbestand: die Abdeckung braucht districts.geojson.\n"


def csv_text(ctx: CoverageContext, query: Mapping[str, Sequence[str]]) -> str:
    """``/api/coverage.csv`` body for the page's query parameters (BOM + ``;``-CSV)."""
    state, _notices = parse_query(dict(query), ctx.dataset)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in csv_rows(ctx, filter_mask(ctx.dataset, state)):
        writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
    return "\ufeff" + out.getvalue()


def register_coverage_api(server: Flask) -> None:
    """Add ``GET /api/coverage.csv`` to the Flask ``server``."""

    @server.get("/api/coverage.csv")
    def coverage_csv() -> Response:
        ctx = coverage_context(current_snapshot())
        if ctx is None:
            return Response(NO_DISTRICTS.encode("utf-8"), status=404, mimetype="text/plain")
        body = csv_text(ctx, request.args.to_dict(flat=False))
        return Response(
            body.encode("utf-8"),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="abdeckung.csv"', "Cache-Control": "no-store"},
        )
