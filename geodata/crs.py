"""Coordinate reference systems of the project.

Storage is EPSG:4326 (longitude, latitude; RFC 7946 GeoJSON). Distances, areas
and buffers are computed in EPSG:25832 (ETRS89 / UTM zone 32N, metres), which
covers Baden-Württemberg and most of Germany.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Transformer

STORAGE_CRS = "EPSG:4326"
METRIC_CRS = "EPSG:25832"


@lru_cache(maxsize=16)
def transformer(source: str, target: str) -> Transformer:
    """Return a cached, always_xy transformer from ``source`` to ``target``."""
    return Transformer.from_crs(source, target, always_xy=True)


def to_metric(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project longitude/latitude (EPSG:4326, degrees) to EPSG:25832 metres."""
    x, y = transformer(STORAGE_CRS, METRIC_CRS).transform(np.asarray(lon), np.asarray(lat))
    return np.asarray(x), np.asarray(y)


def to_storage(x: np.ndarray, y: np.ndarray, source: str = METRIC_CRS) -> tuple[np.ndarray, np.ndarray]:
    """Project coordinates from ``source`` (default EPSG:25832) to lon/lat degrees."""
    lon, lat = transformer(source, STORAGE_CRS).transform(np.asarray(x), np.asarray(y))
    return np.asarray(lon), np.asarray(lat)
