"""Data API: the offers of a view as GeoJSON or CSV, with the page's query parameters.

``GET /api/offers.geojson?category=counselling&district=ossweil`` returns exactly the
offers the page shows for the same parameters (file order), as an RFC 7946
FeatureCollection; ``/api/offers.csv`` the same as ``;``-separated UTF-8 CSV with BOM
(opens in Excel), list fields joined with ``,``, every cell passed through
:func:`geodata.csvsafe.spreadsheet_safe` (no cell runs as a formula). Ignored parameter
values are listed in the GeoJSON's ``notices`` member and the ``X-Stadtkarte-Notices``
header. Both read the request's snapshot (:func:`dashboard.snapshot.current_snapshot`);
its version is in the ``X-Stadtkarte-Snapshot`` header.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from flask import Flask, Response, request

from dashboard.data import Dataset
from dashboard.filters import Notice, filter_mask, parse_query, search_notices
from dashboard.security import NOTICES_HEADER, summarise_notices
from dashboard.snapshot import current_snapshot
from geodata.csvsafe import spreadsheet_safe
from geodata.io import dumps_features
from geodata.schema import OFFER_FIELD_NAMES, OFFER_FIELDS

CSV_COLUMNS: tuple[str, ...] = (*OFFER_FIELD_NAMES, "lon", "lat")


def selected_rows(dataset: Dataset, query: dict[str, list[str]]) -> tuple[np.ndarray, list[Notice]]:
    """Rows (file order) matching the page's query parameters, and what was ignored."""
    state, notices = parse_query(query, dataset)
    mask = filter_mask(dataset, state)
    return np.flatnonzero(mask), notices + search_notices(dataset, state, mask)


def _notice_strings(notices: Sequence[Notice]) -> list[str]:
    return [f"{n.kind}: {n.param}={n.value}" for n in notices]


def geojson_text(dataset: Dataset, rows: np.ndarray, notices: Sequence[Notice] = ()) -> str:
    """The offers at ``rows`` as a deterministic FeatureCollection (plus ``notices`` when any)."""
    text = dumps_features([dataset.features[i] for i in rows], OFFER_FIELDS)
    if not notices:
        return text
    collection = json.loads(text)
    collection["notices"] = _notice_strings(notices)
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def _cell(value: Any) -> str:
    """One CSV cell: lists joined with ``,``, booleans as ``true``/``false``, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, list):
        text = ",".join(map(str, value))
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return spreadsheet_safe(text)


def csv_text(dataset: Dataset, rows: np.ndarray) -> str:
    """The offers at ``rows`` as ``;``-separated CSV (header + one line per offer, BOM first)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(c) for c in CSV_COLUMNS])
    for i in rows:
        feature = dataset.features[i]
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        writer.writerow([*(_cell(props.get(k)) for k in OFFER_FIELD_NAMES), _cell(lon), _cell(lat)])
    return "\ufeff" + out.getvalue()


def register_api(server: Flask) -> None:
    """Add ``GET /api/offers.geojson`` and ``GET /api/offers.csv`` to the Flask ``server``."""

    def _query() -> dict[str, list[str]]:
        return request.args.to_dict(flat=False)

    def _headers(notices: Sequence[Notice], filename: str) -> dict[str, str]:
        headers = {"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"}
        if notices:
            headers[NOTICES_HEADER] = summarise_notices(_notice_strings(notices))
        return headers

    @server.get("/api/offers.geojson")
    def offers_geojson() -> Response:
        dataset = current_snapshot().dataset
        rows, notices = selected_rows(dataset, _query())
        return Response(
            geojson_text(dataset, rows, notices),
            mimetype="application/geo+json",
            headers=_headers(notices, "angebote.geojson"),
        )

    @server.get("/api/offers.csv")
    def offers_csv() -> Response:
        dataset = current_snapshot().dataset
        rows, notices = selected_rows(dataset, _query())
        return Response(
            csv_text(dataset, rows).encode("utf-8"),
            mimetype="text/csv",
            headers=_headers(notices, "angebote.csv"),
        )
