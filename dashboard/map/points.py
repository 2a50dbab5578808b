"""The map's points of one snapshot: grouped once per version and sent once per page load."""

from __future__ import annotations

import logging
from typing import Any

from dashboard.map.figures import MapPoints, dataset_points, district_label_points, map_setup, points_payload
from dashboard.snapshot import Snapshot

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
