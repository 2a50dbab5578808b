"""District geometry: polygons from a file, or approximate cells from district centres.

Two inputs are accepted by :func:`load_districts`:

* **Polygons** (GeoJSON, GeoPackage, Shapefile; any CRS): reprojected to
  EPSG:4326; German column names (``Name``/``Stadtteil``, ``ID``/``Schlüssel``,
  ``Einwohner``) are mapped to the contract; ``approximate`` is false unless a
  column says otherwise.
* **Centres** (CSV ``id;name;lat;lon;population;area_km2;source``): turned into
  *approximate* cells (``approximate=True``). The method, in EPSG:25832 metres:

  1. each district's target area is its known ``area_km2``; districts without
     one share the rest of the city area in proportion to their population;
  2. the approximate city outline is the union of discs around the centres with
     radius ``k * sqrt(target / pi)``, closed (buffer out, then in) to smooth it
     and with holes filled, ``k`` found by bisection so that the outline's area
     equals the city area;
  3. the cells are a power diagram (weighted Voronoi) of the centres clipped to
     the outline; the weights are iterated so that each cell's area approaches
     its target, constrained so that every centre stays inside its own cell.
     With ``weighted=False`` the cells are plain Voronoi cells
     (``shapely.voronoi_polygons``).

  This is a plausible sketch, not a boundary: use official polygons when the
  city has them.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio.errors
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from etl.errors import ColumnError, InputEmptyError, InputFormatError, InputMissingError
from etl.problems import Problem, warning
from geodata.crs import METRIC_CRS, STORAGE_CRS
from geodata.schema import DISTRICT_FIELD_NAMES, is_valid_id
from geodata.taxonomy import fold

log = logging.getLogger(__name__)

#: Contract field -> accepted header spellings (compared with :func:`geodata.taxonomy.fold`).
DEFAULT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "id": ("id", "ID", "Schlüssel", "Kennung", "Nr.", "Nummer", "Gebietsschlüssel", "code"),
    "name": ("name", "Name", "Stadtteil", "Bezeichnung", "Stadtbezirk", "Ortsteil", "Bezirk"),
    "population": ("population", "Einwohner", "Einwohnerzahl", "Bevölkerung", "EW"),
    "area_km2": ("area_km2", "Fläche", "Fläche km²", "Fläche (km²)", "Fläche_km2", "area"),
    "lat": ("lat", "Breitengrad", "Breite", "latitude", "y"),
    "lon": ("lon", "Längengrad", "Länge", "longitude", "lng", "x"),
    "approximate": ("approximate", "ungefähr", "genähert", "näherungsweise"),
    "source": ("source", "Quelle"),
}
#: Suffixes read as polygon files; everything else must be a CSV of centres.
POLYGON_SUFFIXES: tuple[str, ...] = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".fgb")
CSV_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv")

_TRUE = frozenset({"1", "ja", "j", "yes", "y", "true", "wahr", "x"})
_FALSE = frozenset({"", "0", "nein", "n", "no", "false", "falsch"})
_THOUSANDS_RE = re.compile(r"^\d{1,3}([.,\s']\d{3})+$")

#: Fraction of the pairwise squared distance by which two power weights may differ;
#: below 1 every centre keeps a margin inside its own cell.
SITE_MARGIN = 0.7
#: Closing distance of the outline, as a fraction of the median disc radius.
SMOOTHING = 0.3
#: Precision grid (metres) applied to cells so that neighbours share vertices.
GRID_M = 0.01


class DistrictError(InputFormatError):
    """A districts file has unusable content: duplicate ids, empty names, bad numbers or geometry."""


@dataclass(frozen=True)
class CellFit:
    """Result of fitting approximate cells to target areas (EPSG:25832).

    Attributes
    ----------
    cells : numpy.ndarray
        One shapely (Multi)Polygon per centre, in metres.
    outline : shapely.geometry.base.BaseGeometry
        The approximate city outline the cells tile.
    target_m2 : numpy.ndarray
        Target area per cell in m².
    iterations : int
        Weight iterations used (0 for plain Voronoi).
    max_relative_error : float
        ``max(|area - target| / target)`` over the cells.
    """

    cells: np.ndarray
    outline: BaseGeometry
    target_m2: np.ndarray
    iterations: int
    max_relative_error: float


# --------------------------------------------------------------------------- columns and values


def _merge_columns(columns: Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    merged = {k: tuple(v) for k, v in DEFAULT_COLUMNS.items()}
    for field, spellings in (columns or {}).items():
        names = (spellings,) if isinstance(spellings, str) else tuple(spellings)
        merged[field] = names + merged.get(field, ())
    return merged


def match_columns(headers: Sequence[str], columns: Mapping[str, Sequence[str]] | None = None) -> dict[str, str]:
    """Map contract fields to the headers present (first matching spelling wins).

    Parameters
    ----------
    headers
        Column names as found in the file.
    columns
        Extra spellings per field (e.g. from the city config), tried before the defaults.

    Returns
    -------
    dict
        ``{field: header}`` for every field that has a matching header.
    """
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(fold(str(header)), str(header))
    found: dict[str, str] = {}
    for field, spellings in _merge_columns(columns).items():
        for spelling in spellings:
            match = by_key.get(fold(spelling))
            if match is not None and match not in found.values():
                found[field] = match
                break
    return found


def _number(text: str, *, where: str, hint: str) -> float | None:
    """Parse a decimal with ``.`` or ``,``; empty -> None; raises DistrictError."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError as exc:
        raise DistrictError(f"{where} has {text!r}, not a number; {hint}") from exc
    if not np.isfinite(value):
        raise DistrictError(f"{where} has {text!r}, not a finite number; {hint}")
    return value


def _population(value: object, *, where: str) -> int | None:
    """Parse a resident count (``46416``, ``46.416``, ``46 416``); empty -> None."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        number = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        if _THOUSANDS_RE.match(text):
            text = re.sub(r"[.,\s']", "", text)
        try:
            as_float = float(text)
        except ValueError as exc:
            raise DistrictError(f"{where} has {text!r}; write the number of residents as digits, e.g. 46416") from exc
        if not as_float.is_integer():
            raise DistrictError(f"{where} has {text!r}; write the number of residents as a whole number")
        number = int(as_float)
    if number < 0:
        raise DistrictError(f"{where} has {number}; the number of residents cannot be negative")
    return number


def _flag(value: object, *, where: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else fold(str(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise DistrictError(f"{where} has {value!r}; write ja or nein (true/false)")


def slug(text: str) -> str:
    """A stable ASCII id from a name: ``"Grünbühl-Sonnenberg"`` -> ``"gruenbuehl-sonnenberg"``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:64]


def _id_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()


# --------------------------------------------------------------------------- geometry of approximate cells


def target_areas(
    known_km2: Sequence[float | None],
    population: Sequence[int | None],
    city_area_km2: float | None,
) -> np.ndarray:
    """Target area per district in km².

    A known area is kept. Districts without one share the remainder
    ``city_area_km2 - sum(known)`` in proportion to their population (equally
    when a population is missing too). Without a city area, a missing area is
    the median of the known ones (1 km² when none is known).

    Raises
    ------
    DistrictError
        When the known areas already exceed the city area.
    """
    known = np.array([np.nan if a is None else float(a) for a in known_km2], dtype=float)
    if np.any(known[~np.isnan(known)] <= 0):
        raise DistrictError("area_km2 must be positive; fix or leave empty the non-positive areas")
    missing = np.isnan(known)
    if not missing.any():
        return known
    if city_area_km2 is None:
        fallback = float(np.nanmedian(known)) if (~missing).any() else 1.0
        return np.where(missing, fallback, known)
    rest = float(city_area_km2) - float(np.nansum(known))
    if rest <= 0.01 * city_area_km2:
        raise DistrictError(
            f"the known district areas sum to {np.nansum(known):.2f} km², leaving nothing of the city area "
            f"{city_area_km2:.2f} km² for the {int(missing.sum())} district(s) without an area; "
            "fix area_km2 in the districts file or area_km2 in [city] of the config"
        )
    pop = np.array([np.nan if p is None else float(p) for p in population], dtype=float)[missing]
    shares = np.ones(missing.sum()) if np.isnan(pop).any() or pop.sum() <= 0 else pop
    out = known.copy()
    out[missing] = rest * shares / shares.sum()
    return out


def _fill_holes(geom: BaseGeometry) -> BaseGeometry:
    parts = [Polygon(p.exterior) for p in shapely.get_parts(geom) if isinstance(p, Polygon)]
    return shapely.union_all(parts)


def _disc_outline(points: np.ndarray, radii: np.ndarray, smooth_m: float) -> BaseGeometry:
    discs = shapely.buffer(shapely.points(points), radii, quad_segs=16)
    closed = shapely.union_all(discs).buffer(smooth_m, quad_segs=16).buffer(-smooth_m, quad_segs=16)
    return _fill_holes(closed)


def approximate_outline(points: np.ndarray, target_m2: np.ndarray, total_m2: float) -> BaseGeometry:
    """Approximate city outline (EPSG:25832) with area ``total_m2``.

    Union of discs of radius ``k * sqrt(target / pi)`` around ``points``
    (shape ``(n, 2)``, metres), closed by :data:`SMOOTHING` times the median
    radius and with holes filled; ``k`` is found by bisection (area within 0.01 %).
    """
    radii = np.sqrt(np.asarray(target_m2, dtype=float) / np.pi)
    smooth = SMOOTHING * float(np.median(radii))
    low, high = 0.05, 1.0
    while _disc_outline(points, high * radii, smooth).area < total_m2:
        low, high = high, high * 2
    outline = _disc_outline(points, high * radii, smooth)
    for _ in range(60):
        mid = (low + high) / 2
        candidate = _disc_outline(points, mid * radii, smooth)
        if abs(candidate.area - total_m2) <= 1e-4 * total_m2:
            return candidate
        low, high = (mid, high) if candidate.area < total_m2 else (low, mid)
        outline = candidate
    return outline


def _half_planes(points: np.ndarray, weights: np.ndarray, i: int, mid: np.ndarray, reach: float) -> np.ndarray:
    """For each j != i, the half-plane where the power distance to i is at most that to j, as large polygons."""
    others = np.delete(np.arange(len(points)), i)
    a = 2.0 * (points[others] - points[i])
    b = np.einsum("ij,ij->i", points[others], points[others]) - points[i] @ points[i] - weights[others] + weights[i]
    norm = np.hypot(a[:, 0], a[:, 1])[:, None]
    n = a / norm
    t = np.column_stack([-n[:, 1], n[:, 0]])
    foot = mid + ((b - a @ mid) / norm[:, 0] ** 2)[:, None] * a
    r = (reach + np.hypot(*(foot - mid).T))[:, None]
    rings = np.stack([foot + r * t, foot - r * t, foot - r * t - 2 * r * n, foot + r * t - 2 * r * n], axis=1)
    return np.asarray(shapely.polygons(rings))


def power_cells(points: np.ndarray, weights: np.ndarray, boundary: BaseGeometry) -> np.ndarray:
    """Power-diagram cells of ``points`` with ``weights`` (m²), clipped to ``boundary``.

    A point ``p`` belongs to cell ``i`` when ``|p - points[i]|² - weights[i]`` is
    smallest. All-zero weights give the ordinary Voronoi diagram. Coordinates in
    metres (EPSG:25832); returns one geometry per point (possibly empty).
    """
    points = np.asarray(points, dtype=float)
    weights = np.asarray(weights, dtype=float)
    minx, miny, maxx, maxy = boundary.bounds
    mid = np.array([(minx + maxx) / 2, (miny + maxy) / 2])
    reach = 4.0 * float(np.hypot(maxx - minx, maxy - miny))
    cells = [
        shapely.intersection_all([boundary, *_half_planes(points, weights, i, mid, reach)]) for i in range(len(points))
    ]
    return shapely.set_precision(np.array(cells, dtype=object), GRID_M)


def _limit_weights(weights: np.ndarray, sq_dist: np.ndarray, margin: float) -> np.ndarray:
    """Pull weights together until ``|w_i - w_j| <= margin * d_ij²`` (each centre stays in its cell)."""
    w = weights.copy()
    for _ in range(50 * len(w)):
        excess = (w[:, None] - w[None, :]) - margin * sq_dist
        i, j = np.unravel_index(int(np.argmax(excess)), excess.shape)
        if excess[i, j] <= 1e-9 * (1 + abs(w[i])):
            break
        w[i] -= excess[i, j] / 2
        w[j] += excess[i, j] / 2
    return w


def fit_cells(
    points: np.ndarray,
    target_m2: np.ndarray,
    outline: BaseGeometry,
    *,
    weighted: bool = True,
    max_iterations: int = 200,
    tolerance: float = 0.01,
) -> CellFit:
    """Cells of ``points`` tiling ``outline`` with areas near ``target_m2`` (EPSG:25832).

    With ``weighted`` the power weights are moved, step by step, by the area
    deficit times ``d_nn / perimeter`` (damped), and limited so that each centre
    stays inside its own cell; the iteration stops when every cell is within
    ``tolerance`` (relative) or no longer improves. Without it, plain Voronoi.
    """
    points = np.asarray(points, dtype=float)
    target = np.asarray(target_m2, dtype=float)
    if len(points) == 1:
        cells = np.array([outline], dtype=object)
        return CellFit(cells, outline, target, 0, float(abs(outline.area - target[0]) / target[0]))
    if not weighted:
        voronoi = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline))
        centres = np.asarray(shapely.points(points))
        ordered = [next(c for c in voronoi if c.contains(p)) for p in centres]
        cells = shapely.set_precision(shapely.intersection(np.array(ordered, dtype=object), outline), GRID_M)
        err = float(np.max(np.abs(shapely.area(cells) - target) / target))
        return CellFit(cells, outline, target, 0, err)
    diff = points[:, None, :] - points[None, :, :]
    sq_dist = np.einsum("ijk,ijk->ij", diff, diff)
    nearest = np.sqrt(np.where(np.eye(len(points), dtype=bool), np.inf, sq_dist).min(axis=1))
    weights = np.zeros(len(points))
    best: tuple[float, np.ndarray, int] | None = None
    stalled = 0
    for iteration in range(max_iterations + 1):
        cells = power_cells(points, weights, outline)
        areas = shapely.area(cells)
        err = float(np.max(np.abs(areas - target) / target))
        if best is None or err < best[0] - 1e-6:
            best, stalled = (err, cells, iteration), 0
        else:
            stalled += 1
        if err <= tolerance or stalled >= 25 or iteration == max_iterations:
            break
        perimeter = np.maximum(shapely.length(cells), 1.0)
        weights = weights + 0.5 * (target - areas) * 2.0 * nearest / perimeter
        weights = _limit_weights(weights - weights.mean(), sq_dist, SITE_MARGIN)
    assert best is not None
    return CellFit(best[1], outline, target, best[2], best[0])


# --------------------------------------------------------------------------- readers


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.info("%s is not UTF-8; reading it as Windows-1252", path.name)
        return raw.decode("cp1252")


def _read_centres(path: Path, columns: Mapping[str, Sequence[str]] | None) -> pd.DataFrame:
    """Read the CSV of centres into id, name, lat, lon, population, area_km2, source (str columns parsed)."""
    text = _read_text(path)
    first = text.split("\n", 1)[0]
    if not text.strip():
        raise InputEmptyError(f"{path} is empty; it needs a header 'id;name;lat;lon;population;area_km2;source'")
    sep = ";" if ";" in first else ("\t" if "\t" in first else ",")
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    if not body:
        raise InputEmptyError(f"{path} has a header but no district rows; add one row per district")
    found = match_columns(header, columns)
    for field in ("name", "lat", "lon"):
        if field not in found:
            raise ColumnError(
                f"{path} has no column for {field!r} (headers: {', '.join(header)}); "
                f"add one named {DEFAULT_COLUMNS[field][0]!r} or {DEFAULT_COLUMNS[field][1]!r}"
            )
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cell = {h: (row[k] if k < len(row) else "") for k, h in enumerate(header)}

        def value(field: str, cell: dict[str, str] = cell) -> str:
            return cell.get(found[field], "").strip() if field in found else ""

        where = f"{path.name} row {number}"
        lat = _number(value("lat"), where=f"{where} column {found['lat']!r}", hint="write it like 48.8973")
        lon = _number(value("lon"), where=f"{where} column {found['lon']!r}", hint="write it like 9.1916")
        if lat is None or lon is None:
            raise DistrictError(f"{where} has no centre coordinates; fill {found['lat']!r} and {found['lon']!r}")
        _check_lat_lon(lat, lon, where)
        area = _number(
            value("area_km2"), where=f"{where} column 'area_km2'", hint="write km² like 4.47, or leave it empty"
        )
        records.append(
            {
                "id": value("id"),
                "name": value("name"),
                "lat": lat,
                "lon": lon,
                "population": _population(value("population"), where=f"{where} column 'population'"),
                "area_km2": area,
                "source": value("source") or f"approximate cells from centres in {path.name}",
            }
        )
    return pd.DataFrame.from_records(records)


def _check_lat_lon(lat: float, lon: float, where: str) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DistrictError(f"{where} has lat={lat}, lon={lon}, outside the globe; write decimal degrees (WGS84)")
    if 5 <= lat <= 16 and 47 <= lon <= 56:
        raise DistrictError(f"{where} has lat={lat}, lon={lon}: latitude and longitude look swapped; swap them")


def cells_from_centres(
    centres: pd.DataFrame, city_area_km2: float | None = None, *, weighted: bool = True
) -> gpd.GeoDataFrame:
    """Approximate district cells from a table of centres (see the module docstring).

    Parameters
    ----------
    centres
        Columns id, name, lat, lon (EPSG:4326 degrees), population, area_km2 (km², may be None), source.
    city_area_km2
        Area of the whole city in km²; the outline is scaled to it. None: the sum of the targets.
    weighted
        Power diagram fitted to the target areas (True) or plain Voronoi (False).

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:25832 with the input columns, ``target_km2`` and the cell geometry.
    """
    metric = gpd.GeoDataFrame(
        centres, geometry=gpd.points_from_xy(centres["lon"], centres["lat"]), crs=STORAGE_CRS
    ).to_crs(METRIC_CRS)
    points = shapely.get_coordinates(metric.geometry.array)
    close = _close_pairs(points)
    if close:
        a, b = close[0]
        raise DistrictError(
            f"districts {centres['id'].iloc[a]!r} and {centres['id'].iloc[b]!r} have the same centre "
            "(less than 1 m apart); give each district its own centre"
        )
    target_km2 = target_areas(list(centres["area_km2"]), list(centres["population"]), city_area_km2)
    target_m2 = target_km2 * 1e6
    total_m2 = float(city_area_km2) * 1e6 if city_area_km2 is not None else float(target_m2.sum())
    outline = approximate_outline(points, target_m2 * total_m2 / target_m2.sum(), total_m2)
    fit = fit_cells(points, target_m2 * total_m2 / target_m2.sum(), outline, weighted=weighted)
    log.info(
        "approximate cells for %d districts: outline %.2f km², %d iterations, largest area error %.1f %%",
        len(points),
        outline.area / 1e6,
        fit.iterations,
        100 * fit.max_relative_error,
    )
    out = metric.drop(columns=["lat", "lon"]).copy()
    out["target_km2"] = target_km2
    out["approximate"] = True
    return out.set_geometry(gpd.GeoSeries(fit.cells, index=out.index, crs=METRIC_CRS))


def _close_pairs(points: np.ndarray, tolerance_m: float = 1.0) -> list[tuple[int, int]]:
    diff = points[:, None, :] - points[None, :, :]
    dist = np.hypot(diff[..., 0], diff[..., 1])
    i, j = np.nonzero(np.triu(dist < tolerance_m, k=1))
    return list(zip(i.tolist(), j.tolist(), strict=True))


def _read_polygons(path: Path, columns: Mapping[str, Sequence[str]] | None) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, ValueError) as exc:
        raise InputFormatError(
            f"{path} cannot be read as GeoJSON/GeoPackage/Shapefile ({exc}); export the districts as GeoJSON"
        ) from exc
    if frame.empty:
        raise InputEmptyError(f"{path} holds no district features; export at least one polygon")
    if frame.crs is None:
        raise DistrictError(
            f"{path} has no coordinate reference system; add the .prj file or export as GeoJSON (EPSG:4326)"
        )
    found = match_columns([c for c in frame.columns if c != frame.geometry.name], columns)
    if "name" not in found:
        raise ColumnError(
            f"{path} has no district name column (columns: {', '.join(map(str, frame.columns))}); "
            "add one named 'Name' or 'Stadtteil', or name it under [columns] name in the config"
        )
    geometry = frame.geometry
    for number, geom in enumerate(geometry, start=1):
        if geom is None or geom.is_empty:
            raise DistrictError(f"{path.name} feature {number} has no geometry; draw its polygon or remove it")
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise DistrictError(
                f"{path.name} feature {number} is a {geom.geom_type}, not a polygon; "
                "export district areas (polygons), or a CSV of centres"
            )
    names = [_id_text(v) for v in frame[found["name"]]]
    ids = [_id_text(v) for v in frame[found["id"]]] if "id" in found else [slug(n) for n in names]
    approximate = (
        [
            _flag(v, where=f"{path.name} feature {k} column {found['approximate']!r}")
            for k, v in enumerate(frame[found["approximate"]], start=1)
        ]
        if "approximate" in found
        else [False] * len(frame)
    )
    sources = (
        [_id_text(v) or path.name for v in frame[found["source"]]] if "source" in found else [path.name] * len(frame)
    )
    population = (
        [
            _population(v, where=f"{path.name} feature {k} column {found['population']!r}")
            for k, v in enumerate(frame[found["population"]], start=1)
        ]
        if "population" in found
        else [None] * len(frame)
    )
    out = gpd.GeoDataFrame(
        {"id": ids, "name": names, "population": population, "approximate": approximate, "source": sources},
        geometry=geometry.values,
        crs=frame.crs,
    )
    return out.to_crs(METRIC_CRS)


# --------------------------------------------------------------------------- validation and public API


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Valid polygonal part of ``geom`` (``make_valid`` may add lines or points)."""
    if geom.is_valid:
        return geom
    fixed = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else Polygon()


def _validated(metric: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """Check ids and names, repair geometry, compute area_km2 and return the contract frame in EPSG:4326."""
    for number, (district_id, name) in enumerate(zip(metric["id"], metric["name"], strict=True), start=1):
        if not str(name).strip():
            raise DistrictError(f"{path.name} district {number} has an empty name; fill the name column")
        if not district_id:
            raise DistrictError(f"{path.name} district {name!r} has an empty id; fill the id column or remove it")
        if not is_valid_id(district_id):
            raise DistrictError(
                f"{path.name} district {name!r} has id {district_id!r}; use 1-64 letters, digits or ._:- "
                "(e.g. 'ossweil'), or drop the id column to derive ids from the names"
            )
    duplicated = metric["id"][metric["id"].duplicated()].unique().tolist()
    if duplicated:
        raise DistrictError(
            f"{path.name} has duplicate district id(s) {', '.join(map(repr, duplicated))}; give each district its own id"
        )
    repaired = [_polygonal(g) for g in metric.geometry]
    for name, geom in zip(metric["name"], repaired, strict=True):
        if geom.is_empty:
            raise DistrictError(f"{path.name} district {name!r} has an empty or degenerate polygon; redraw it")
    out = metric.set_geometry(gpd.GeoSeries(repaired, index=metric.index, crs=METRIC_CRS))
    out["area_km2"] = np.round(out.geometry.area.to_numpy() / 1e6, 3)
    out["population"] = pd.array(list(out["population"]), dtype="Int64")
    out["approximate"] = out["approximate"].astype(bool)
    columns = [*DISTRICT_FIELD_NAMES, "geometry"]
    return gpd.GeoDataFrame(out[columns], geometry="geometry", crs=METRIC_CRS).to_crs(STORAGE_CRS)


def load_districts(
    path: str | Path,
    *,
    columns: Mapping[str, Sequence[str]] | None = None,
    city_area_km2: float | None = None,
    weighted: bool = True,
) -> gpd.GeoDataFrame:
    """Read district polygons, or build approximate cells from a CSV of centres.

    Parameters
    ----------
    path
        GeoJSON/GeoPackage/Shapefile of polygons (any CRS), or a CSV (``;`` or
        ``,``, UTF-8) with columns ``id;name;lat;lon;population;area_km2;source``
        (lat/lon in EPSG:4326 degrees, area in km², decimal comma allowed).
    columns
        Extra header spellings per field (``{"name": ["Bezirksname"]}``), tried
        before :data:`DEFAULT_COLUMNS`.
    city_area_km2
        City area in km² (from the config); only used for a CSV of centres,
        where the approximate outline is scaled to it.
    weighted
        For a CSV: fit a power diagram to the district areas (True) or use plain Voronoi.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns ``id, name, population`` (nullable Int64), ``area_km2``
        (computed in EPSG:25832), ``approximate`` (bool), ``source``, ``geometry``;
        in input order.

    Raises
    ------
    InputMissingError, InputEmptyError, InputFormatError, ColumnError, DistrictError
        With a message naming the file, the column or row and the fix.
    """
    path = Path(path)
    if not path.is_file():
        raise InputMissingError(f"districts file {path} does not exist; check the path or the [city] config")
    suffix = path.suffix.lower()
    if suffix in POLYGON_SUFFIXES:
        metric = _read_polygons(path, columns)
    elif suffix in CSV_SUFFIXES:
        centres = _read_centres(path, columns)
        centres["id"] = [i or slug(n) for i, n in zip(centres["id"], centres["name"], strict=True)]
        _validated_ids_only(centres, path)
        metric = cells_from_centres(centres, city_area_km2, weighted=weighted)
    else:
        raise InputFormatError(
            f"{path} has the unsupported suffix {suffix!r}; use .geojson, .gpkg, .shp (polygons) or .csv (centres)"
        )
    result = _validated(metric, path)
    log.info("loaded %d districts from %s (%d approximate)", len(result), path.name, int(result["approximate"].sum()))
    return result


def _validated_ids_only(centres: pd.DataFrame, path: Path) -> None:
    """Run the id/name checks before the (slower) geometry is built."""
    for number, (district_id, name) in enumerate(zip(centres["id"], centres["name"], strict=True), start=2):
        if not str(name).strip():
            raise DistrictError(f"{path.name} row {number} has an empty name; fill the name column")
        if not is_valid_id(district_id):
            raise DistrictError(
                f"{path.name} row {number} has id {district_id!r}; use 1-64 letters, digits or ._:- (e.g. 'ossweil')"
            )
    duplicated = centres["id"][centres["id"].duplicated()].unique().tolist()
    if duplicated:
        raise DistrictError(
            f"{path.name} has duplicate district id(s) {', '.join(map(repr, duplicated))} in column 'id'; "
            "give each district its own id"
        )


def city_outline(districts: gpd.GeoDataFrame) -> BaseGeometry:
    """The city area as one geometry: the union of the district polygons (in the frame's CRS).

    The union is taken in EPSG:25832 on a 1 cm grid, so that neighbouring
    polygons whose shared edges differ by rounding do not leave slivers.
    """
    if districts.empty:
        raise DistrictError("no districts given; the city outline is the union of at least one district")
    crs = districts.crs or STORAGE_CRS
    metric = (
        districts.to_crs(METRIC_CRS) if districts.crs is not None else districts.set_crs(STORAGE_CRS).to_crs(METRIC_CRS)
    )
    union = shapely.union_all(metric.geometry.array, grid_size=GRID_M)
    return gpd.GeoSeries([union], crs=METRIC_CRS).to_crs(crs).iloc[0]


@dataclass(frozen=True)
class DisplayGeometry:
    """District polygons and city outline for the map, simplified where they are too detailed.

    Attributes
    ----------
    districts
        The districts (EPSG:4326, same rows and columns); a polygon with more vertices than
        the limit is simplified, the others are the input's geometry unchanged.
    outline
        The city outline (EPSG:4326), simplified likewise; None when none was given.
    simplified
        ``(name, vertices before, vertices after)`` per simplified district (the outline as
        the city's name).
    """

    districts: gpd.GeoDataFrame
    outline: BaseGeometry | None
    simplified: tuple[tuple[str, int, int], ...]
    tolerance_m: float = 0.0

    @property
    def problems(self) -> tuple[tuple[int, Problem], ...]:
        """A ``district_simplified`` warning per simplified polygon, at row 0 (not a row of the offer list)."""
        return tuple(
            (
                0,
                warning(
                    "district_simplified",
                    "district",
                    district=name,
                    vertices=before,
                    kept=after,
                    tolerance=f"{self.tolerance_m:g}",
                ),
            )
            for name, before, after in self.simplified
        )


def simplify_metric(geometry: BaseGeometry, crs: object, tolerance_m: float) -> BaseGeometry:
    """``geometry`` (in ``crs``) simplified with a tolerance in metres (EPSG:25832), topology kept.

    Douglas-Peucker with ``preserve_topology=True``: rings stay valid and do not cross, and no
    point of the result is further than ``tolerance_m`` from the original boundary.
    """
    metric = gpd.GeoSeries([geometry], crs=crs).to_crs(METRIC_CRS)
    return metric.simplify(tolerance_m, preserve_topology=True).to_crs(crs).iloc[0]


def display_geometry(
    districts: gpd.GeoDataFrame,
    outline: BaseGeometry | None,
    *,
    max_vertices: int = 20_000,
    tolerance_m: float = 5.0,
    city: str = "",
) -> DisplayGeometry:
    """Simplify district polygons (and the city outline) with more than ``max_vertices`` vertices for the map.

    A district digitised at centimetre detail (a million vertices) makes ``city.json`` and the
    district layer tens of megabytes that no browser draws. At the default 5 m tolerance the shape
    is unchanged at any zoom a city map uses. The analysis (assigning offers to districts) keeps the
    full geometry: only what is published for drawing is simplified. ``max_vertices <= 0`` turns
    simplification off.

    Parameters
    ----------
    districts
        District frame in EPSG:4326 (from :func:`load_districts`).
    outline
        City outline in EPSG:4326, or None.
    max_vertices
        Vertices of one polygon above which it is simplified.
    tolerance_m
        Simplification tolerance in metres.
    city
        Name used for the outline in :attr:`DisplayGeometry.simplified`.
    """
    if max_vertices <= 0 or tolerance_m <= 0:
        return DisplayGeometry(districts, outline, ())
    counts = shapely.get_num_coordinates(districts.geometry.array)
    over = np.flatnonzero(counts > max_vertices)
    simplified: list[tuple[str, int, int]] = []
    result = districts
    if len(over):
        result = districts.copy()
        crs = districts.crs or STORAGE_CRS
        for pos in over:
            geom = simplify_metric(districts.geometry.iloc[pos], crs, tolerance_m)
            result.iloc[pos, result.columns.get_loc(result.geometry.name)] = geom
            simplified.append(
                (str(districts["name"].iloc[pos]), int(counts[pos]), int(shapely.get_num_coordinates(geom)))
            )
    shown = outline
    if outline is not None and (n := int(shapely.get_num_coordinates(outline))) > max_vertices:
        shown = simplify_metric(outline, STORAGE_CRS, tolerance_m)
        simplified.append((city or "outline", n, int(shapely.get_num_coordinates(shown))))
    for name, before, after in simplified:
        log.warning("%s: %d vertices simplified to %d for the map (tolerance %s m)", name, before, after, tolerance_m)
    return DisplayGeometry(result, shown, tuple(simplified), tolerance_m)
