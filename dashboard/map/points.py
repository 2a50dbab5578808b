"""The map's points of one snapshot: grouped once per version, served as a file per version and language.

The payload (:func:`snapshot_payload`) is served at :func:`points_href` (:func:`serve_points`); the
page's points store and the server-rendered first view only name that URL (:func:`points_ref`), so
the browser fetches the points once, can draw the map before Dash has started (``assets/map.js``),
and keeps them for a year (the URL holds the version): a new snapshot means a new URL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response

from dashboard.filters import UI_LANGUAGES
from dashboard.map.figures import (
    MapPoints,
    dataset_points,
    district_label_points,
    map_setup,
    points_details,
    points_payload,
)
from dashboard.security import MAP_POINTS_PREFIX, Precompressed
from dashboard.snapshot import Snapshot, current_snapshot

logger = logging.getLogger(__name__)


def snapshot_points(snapshot: Snapshot) -> MapPoints:
    """The marker groups of ``snapshot`` (computed once per snapshot)."""

    def compute() -> MapPoints:
        points = dataset_points(snapshot.dataset)
        logger.info("map: %d offers in %d markers (snapshot %s)", len(points), len(points.groups), snapshot.version)
        return points

    return snapshot.derived(("map-points",), compute)


def snapshot_payload(snapshot: Snapshot, lang: str) -> dict[str, Any]:
    """The points store of ``snapshot`` in interface language ``lang`` (computed once per snapshot and language).

    Carries ``version``: the browser draws a view mask only over the points of the same version;
    and the map's offline ``style`` and first ``view`` (:func:`~dashboard.map.figures.map_setup`).
    """

    def compute() -> dict[str, Any]:
        points = snapshot_points(snapshot)
        return {
            **points_payload(points, lang),
            **map_setup(snapshot.dataset, points),
            "districtLabels": district_label_points(snapshot.dataset.districts),
            "version": snapshot.version,
        }

    return snapshot.derived(("map-payload", lang), compute)


#: The part of :func:`snapshot_payload` the map needs before any point (style, first view, marker
#: images, labels): written into the first view's map box, so MapLibre starts with it at once.
SETUP_KEYS = (
    "style",
    "view",
    "labels",
    "markers",
    "markerSize",
    "rimWidth",
    "cluster",
    "districtLabels",
    "lang",
    "version",
)


def setup_payload(snapshot: Snapshot, lang: str) -> dict[str, Any]:
    """The :data:`SETUP_KEYS` of :func:`snapshot_payload` (about 7 KB compressed for Ludwigsburg's districts)."""
    payload = snapshot_payload(snapshot, lang)
    return {key: payload[key] for key in SETUP_KEYS}


#: The part of :func:`snapshot_payload` only a tooltip or a click needs
#: (:func:`~dashboard.map.figures.points_details`): a file of its own (:func:`details_href`), so the map
#: is drawn without waiting for it (10,000 offers: 22 of 79 KB compressed).
DETAIL_KEYS = ("names", "ids", "gdistrict")
#: The name of the details file next to the points files of a version.
DETAILS_NAME = "details"


def points_href(snapshot: Snapshot, lang: str) -> str:
    """The URL of :func:`snapshot_payload` (``/_map/points/<version>/<lang>.json``)."""
    return f"{MAP_POINTS_PREFIX}{snapshot.version}/{lang}.json"


def points_ref(snapshot: Snapshot, lang: str) -> dict[str, str]:
    """What the page's points store holds: the URL of the points and their version (``assets/map.js`` fetches
    them once per URL; the first view's map has usually fetched them already)."""
    return {"href": points_href(snapshot, lang), "version": snapshot.version}


def details_href(snapshot: Snapshot) -> str:
    """The URL of :func:`details_json` (``/_map/points/<version>/details.json``; the same in every language)."""
    return f"{MAP_POINTS_PREFIX}{snapshot.version}/{DETAILS_NAME}.json"


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def points_json(snapshot: Snapshot, lang: str) -> bytes:
    """:func:`snapshot_payload` without :data:`DETAIL_KEYS`, which it names as ``details`` (a URL), as UTF-8
    JSON (encoded once per snapshot and language)."""

    def encode() -> bytes:
        payload = snapshot_payload(snapshot, lang)
        drawn = {key: value for key, value in payload.items() if key not in DETAIL_KEYS}
        return _json({**drawn, "details": details_href(snapshot)})

    return snapshot.derived(("map-payload-json", lang), encode)


def details_json(snapshot: Snapshot) -> bytes:
    """The :data:`DETAIL_KEYS` of :func:`snapshot_payload` and the version, as UTF-8 JSON (once per snapshot)."""

    def encode() -> bytes:
        return _json({"version": snapshot.version, **points_details(snapshot_points(snapshot))})

    return snapshot.derived(("map-details-json",), encode)


def serve_points(server: Flask, snapshot_of: Callable[[], Snapshot] = current_snapshot) -> None:
    """Serve :func:`points_json` of the current snapshot at :func:`points_href` and :func:`details_json` at
    :func:`details_href` (idempotent).

    Only the current version is served (another version, e.g. one replaced since the page was
    rendered, or an unknown language gets a 404): the page then draws the map from Dash's points
    store, which always matches its view. ``dashboard.security`` gives the URL a year-long,
    immutable cache lifetime; the body is compressed once per snapshot and language (:class:`Precompressed`). ``snapshot_of`` returns the snapshot a request reads (an app built
    without :func:`dashboard.app.create_app`, e.g. a test harness, passes its own).
    """
    if "stadtkarte_map_points" in server.view_functions:
        return

    def points(version: str, lang: str) -> Response:
        snapshot = snapshot_of()
        if version != snapshot.version or (lang not in UI_LANGUAGES and lang != DETAILS_NAME):
            return Response("not found\n", status=404, mimetype="text/plain")

        def compress() -> Precompressed:
            data = details_json(snapshot) if lang == DETAILS_NAME else points_json(snapshot, lang)
            return Precompressed(data, "application/json")

        return snapshot.derived(("map-points-body", lang), compress).response()

    server.add_url_rule(MAP_POINTS_PREFIX + "<version>/<lang>.json", "stadtkarte_map_points", points)
