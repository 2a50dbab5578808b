"""The per-record check: one offer (or many) in, a contract feature and its problems out.

:class:`RecordChecker` holds what a check needs -- the city config, the taxonomy, the
districts, the city area and the geocoding chain with its cache -- and is reused for
every check. :meth:`RecordChecker.check` serves the register's forms (one record as a
form posts it), :meth:`RecordChecker.check_many` its imports, and
:meth:`RecordChecker.check_frame` is the vectorised path that :func:`etl.pipeline.build`
runs: one place for every rule (validate -> geocode -> assign the district).

All coordinates are longitude/latitude in EPSG:4326 (degrees) unless a name says metres.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from etl._frames import records
from etl.config import CityConfig
from etl.districts import city_outline, load_districts
from etl.enrich import (
    assign_districts,
    decide_districts,
    district_lookup,
    offers_frame,
    outside_problems,
    undecided_problems,
)
from etl.errors import InputMissingError
from etl.extract import FRAME_FIELDS
from etl.geocode import AddressQuery, GeocodeCache, Provider, geocode_queries, make_providers
from etl.problems import Problem, error, render, render_all, warning
from etl.validate import rejects_frame, validate_rows, warning_dicts
from etl.write import offer_features
from geodata.crs import METRIC_CRS, STORAGE_CRS
from geodata.datasets import get_path
from geodata.schema import (
    APPROXIMATE_PRECISIONS,
    OFFER_FIELD_NAMES,
    OFFER_FIELDS,
    PRECISIONS,
    SOURCES,
    complete_properties,
    validate_offer_features,
)
from geodata.taxonomy import Taxonomy, load_taxonomy

logger = logging.getLogger(__name__)

DEMO_DISTRICTS = "ludwigsburg/districts.csv"
CACHE_DIR = ".cache"
#: Tolerance around the city area (metres) within which coordinates count as "in the city";
#: district boundaries built from centres are approximate.
AREA_TOLERANCE_M = 1000.0
#: ``source`` of features checked through the register (a build uses the input file's name).
REGISTER_SOURCE = "register"
#: Order of fields for sorting one record's problems (the contract's, then the derived ones).
_FIELD_ORDER = {
    name: i for i, name in enumerate(dict.fromkeys([*FRAME_FIELDS, *OFFER_FIELD_NAMES, "geocode_precision"]))
}

Stage = Callable[[str], AbstractContextManager[None]]


def _no_stage(_name: str) -> AbstractContextManager[None]:
    return nullcontext()


@dataclass(frozen=True)
class RecordCheck:
    """The result of checking one record.

    Attributes
    ----------
    feature
        A contract GeoJSON Feature (properties completed per :mod:`geodata.schema`): validated,
        geocoded, district assigned; None when the record is rejected.
    problems
        Every error and warning of the record, in field order.
    """

    feature: dict[str, Any] | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when no problem has error severity (the record can be published)."""
        return not any(p.is_error for p in self.problems)


@dataclass(frozen=True)
class CheckedRows:
    """The result of :meth:`RecordChecker.check_frame` (the vectorised path).

    Attributes
    ----------
    features
        Contract features of the kept rows, ordered by input row.
    feature_rows
        The input row of each feature (aligned with ``features``).
    problems
        ``(row, problem)`` for every problem, ordered by row (stable: validation, geocoding, districts).
    rows_in
        Number of rows checked.
    rejected_rows
        Rows that became no feature (each has at least one error in ``problems``).
    by_geocode_source, by_geocode_precision
        Features per ``geocode_source`` / ``geocode_precision`` (every value of the contract listed).
    cache_hits
        Rows answered by the geocode cache.
    """

    features: list[dict[str, Any]]
    feature_rows: tuple[int, ...]
    problems: tuple[tuple[int, Problem], ...]
    rows_in: int
    rejected_rows: tuple[int, ...]
    by_geocode_source: Mapping[str, int]
    by_geocode_precision: Mapping[str, int]
    cache_hits: int = 0

    def rejects(self, lang: str = "de") -> pd.DataFrame:
        """Rejected rows: ``row`` and ``reason`` (the row's errors rendered in ``lang``)."""
        return rejects_frame(self.problems, lang)

    def warnings(self, lang: str = "de") -> tuple[dict[str, Any], ...]:
        """Warnings as report entries ``{"row", "field", "code", "params", "message"}`` (message in ``lang``)."""
        return warning_dicts(self.problems, lang)

    def review(self, lang: str = "de") -> pd.DataFrame:
        """Offers located only approximately, for the clerk's ``review.csv`` (see :func:`review_frame`)."""
        return review_frame(self.features, self.feature_rows, self.problems, lang)


# --------------------------------------------------------------------------------------------
# The city's geometry (pure)
# --------------------------------------------------------------------------------------------


def city_area(config: CityConfig, districts: gpd.GeoDataFrame) -> BaseGeometry:
    """The city area in EPSG:4326: the config's ``area`` (bbox or polygon file), else the districts' outline."""
    if isinstance(config.area, tuple):
        return shapely.box(*config.area)
    if isinstance(config.area, Path):
        if not config.area.is_file():
            raise InputMissingError(f"city area file {config.area} does not exist: fix [city] area in the config")
        return gpd.read_file(config.area).to_crs(STORAGE_CRS).union_all()
    return city_outline(districts.to_crs(STORAGE_CRS))


def widen(area: BaseGeometry, metres: float = AREA_TOLERANCE_M) -> BaseGeometry:
    """``area`` (EPSG:4326) buffered by ``metres`` (computed in EPSG:25832)."""
    series = gpd.GeoSeries([area], crs=STORAGE_CRS).to_crs(METRIC_CRS).buffer(metres)
    return series.to_crs(STORAGE_CRS).iloc[0]


def district_points(districts: gpd.GeoDataFrame) -> dict[str, tuple[float, float]]:
    """District name and id -> a point inside the district ``(lon, lat)`` (EPSG:4326 degrees)."""
    frame = districts.to_crs(STORAGE_CRS)
    points: dict[str, tuple[float, float]] = {}
    for rec_id, name, geom in zip(frame["id"], frame["name"], frame.geometry, strict=True):
        point = geom.representative_point()
        for key in (str(name), str(rec_id)):
            points.setdefault(key, (float(point.x), float(point.y)))
    return points


def districts_path(districts: str | Path | None) -> Path:
    """The districts file to read: ``districts``, or the bundled demo's."""
    return Path(districts) if districts is not None else get_path(DEMO_DISTRICTS)


def _text(value: Any) -> str | None:
    """A cell as str, or None when empty or missing (NaN)."""
    return value if isinstance(value, str) and value else None


def _counts(values: pd.Series, names: Sequence[str]) -> dict[str, int]:
    counted = Counter(values)
    return {name: int(counted.get(name, 0)) for name in names}


def _precision_problems(located: pd.DataFrame) -> list[tuple[int, Problem]]:
    rough = located[located["geocode_precision"].isin(APPROXIMATE_PRECISIONS)]
    return [
        (int(row), warning("address_imprecise", "geocode_precision", precision=p))
        for row, p in zip(rough["row"], rough["geocode_precision"], strict=True)
    ]


#: Columns of the review list (``review.csv``), in order.
REVIEW_COLUMNS: tuple[str, ...] = ("row", "id", "name", "precision", "district", "reason", "fix")
#: Problem codes that explain an approximate location (shown in the review list's reason).
_REVIEW_REASONS = frozenset({"address_imprecise", "district_undecided", "outside_districts"})


def _fix(precision: str, house_number: str | None) -> Problem:
    """What would make an approximate location exact."""
    if precision == "street" and not house_number:
        return warning("fix_house_number", "house_number")
    return warning("fix_address", "street")


def review_frame(
    features: Sequence[Mapping[str, Any]],
    feature_rows: Sequence[int],
    problems: Sequence[tuple[int, Problem]],
    lang: str = "de",
) -> pd.DataFrame:
    """One row per offer located only approximately (precision street, postcode, district or city).

    Parameters
    ----------
    features, feature_rows
        Contract features and their input rows (:class:`CheckedRows`).
    problems
        ``(row, problem)`` of the check; the location's warnings become the ``reason``.
    lang
        Language of ``precision``, ``reason`` and ``fix`` (one of :data:`etl.problems.LANGUAGES`).

    Returns
    -------
    DataFrame
        Columns :data:`REVIEW_COLUMNS`, sorted by row.
    """
    by_row: dict[int, list[Problem]] = {}
    for number, problem in problems:
        if problem.code in _REVIEW_REASONS:
            by_row.setdefault(number, []).append(problem)
    out = []
    for feature, number in zip(features, feature_rows, strict=True):
        props = feature["properties"]
        precision = str(props.get("geocode_precision"))
        if precision not in APPROXIMATE_PRECISIONS:
            continue
        reasons = list(by_row.get(number, []))
        if any(p.code == "district_undecided" for p in reasons):  # it names the precision already
            reasons = [p for p in reasons if p.code != "address_imprecise"]
        if props.get("district_source") == "named" and props.get("district_name"):
            reasons.append(warning("district_named", "district_id", district=props["district_name"]))
        out.append(
            {
                "row": int(number),
                "id": props.get("id") or "",
                "name": props.get("name") or "",
                "precision": render(warning("precision_term", precision=precision), lang),
                "district": props.get("district_name") or "",
                "reason": render_all(reasons, lang),
                "fix": render(_fix(precision, props.get("house_number")), lang),
            }
        )
    return pd.DataFrame(out, columns=list(REVIEW_COLUMNS)).sort_values("row", kind="stable").reset_index(drop=True)


def values_frame(rows: Sequence[Mapping[str, str | None]], first_row: int = 1) -> pd.DataFrame:
    """Records as a form posts them (contract field -> text) as the frame :func:`etl.extract.read_table` gives.

    Every field of :data:`etl.extract.FRAME_FIELDS` becomes a str column (``""`` when absent or None,
    cells stripped); ``row`` numbers the records from ``first_row``. Other keys are ignored.
    """
    data: dict[str, Any] = {"row": list(range(first_row, first_row + len(rows)))}
    for name in FRAME_FIELDS:
        data[name] = [str(rec.get(name) or "").strip() for rec in rows]
    return pd.DataFrame(data, columns=["row", *FRAME_FIELDS]).astype({n: object for n in FRAME_FIELDS})


# --------------------------------------------------------------------------------------------
# The checker
# --------------------------------------------------------------------------------------------


class RecordChecker:
    """Validate, geocode and place offers of one city; build once, reuse for every check.

    Use :meth:`from_config`. Not thread-safe while geocoding (the cache is one SQLite
    connection per check); give each thread its own checker.
    """

    def __init__(
        self,
        config: CityConfig,
        taxonomy: Taxonomy,
        districts: gpd.GeoDataFrame,
        area: BaseGeometry,
        data_dir: Path,
        providers: Sequence[Provider] | None = None,
        use_cache: bool = True,
    ) -> None:
        self.config = config
        self.taxonomy = taxonomy
        self.districts = districts
        self.area = area
        self.check_area = widen(area)
        self.cache_dir = Path(data_dir) / CACHE_DIR
        self.use_cache = use_cache
        self._providers = list(providers) if providers is not None else None

    @classmethod
    def from_config(
        cls,
        config: CityConfig,
        data_dir: Path,
        districts: str | Path | gpd.GeoDataFrame | None = None,
        *,
        providers: Sequence[Provider] | None = None,
        use_cache: bool = True,
    ) -> RecordChecker:
        """A checker for ``config``'s city.

        Parameters
        ----------
        config
            The city config (taxonomy overrides, area, postcodes, geocoding settings).
        data_dir
            The data folder; the geocode cache and the address register's index live in ``data_dir/.cache``.
        districts
            District polygons or a CSV of centres (see :func:`etl.districts.load_districts`), a
            GeoDataFrame of districts, or None for the bundled demo's districts.
        providers
            A geocoding chain to use instead of the configured one (tests inject fakes here).
        use_cache
            Use the persistent geocode cache in ``data_dir/.cache``.

        Raises
        ------
        etl.errors.InputMissingError, InputFormatError, ColumnError
            When the districts or the area file is unusable (the message names the fix).
        """
        if isinstance(districts, gpd.GeoDataFrame):
            frame = districts
        else:
            frame = load_districts(districts_path(districts), columns=None, city_area_km2=config.area_km2)
        taxonomy = load_taxonomy(overrides=config.taxonomy)
        return cls(config, taxonomy, frame, city_area(config, frame), Path(data_dir), providers, use_cache)

    def providers(self) -> list[Provider]:
        """The geocoding chain (built on first use: preparing the address register's index costs time)."""
        if self._providers is None:
            self._providers = make_providers(
                self.config.gazetteer_settings(),
                self.config.geocoder_settings(),
                self.config.postcodes or None,
                district_points(self.districts),
                self.cache_dir,
            )
        return self._providers

    # --- one or many records, as the register posts them

    def check(self, values: Mapping[str, str | None], row: int | None = None) -> RecordCheck:
        """Check one record (contract field -> text as a form posts it, e.g. ``"ar, tr"``, ``"ja"``)."""
        return self.check_many([values], first_row=row if row is not None else 1)[0]

    def check_many(self, rows: Sequence[Mapping[str, str | None]], first_row: int = 1) -> list[RecordCheck]:
        """Check several records at once (the vectorised path); ids must be unique among them.

        Record ``i`` is numbered ``first_row + i`` in messages such as a duplicate id's.
        """
        if not rows:
            return []
        sources = {str(rec.get("source") or REGISTER_SOURCE) for rec in rows}
        source = sources.pop() if len(sources) == 1 else REGISTER_SOURCE
        checked = self.check_frame(values_frame(rows, first_row), source)
        completed = [{**f, "properties": complete_properties(f["properties"], OFFER_FIELDS)} for f in checked.features]
        validate_offer_features(completed)  # the contract holds for every feature the check lets through
        features = dict(zip(checked.feature_rows, completed, strict=True))
        by_row: dict[int, list[Problem]] = {}
        for number, problem in checked.problems:
            by_row.setdefault(number, []).append(problem)
        results = []
        for number in range(first_row, first_row + len(rows)):
            problems = sorted(by_row.get(number, []), key=lambda p: _FIELD_ORDER.get(p.field or "", -1))
            results.append(RecordCheck(features.get(number), tuple(problems)))
        return results

    # --- the vectorised path (the build)

    def check_frame(
        self, frame: pd.DataFrame, source: str, *, progress: bool = False, stage: Stage = _no_stage
    ) -> CheckedRows:
        """Check every row of an extracted frame (from :func:`etl.extract.read_table` or :func:`values_frame`).

        Parameters
        ----------
        frame
            ``row`` plus one str column per field of :data:`etl.extract.FRAME_FIELDS`.
        source
            The ``source`` property of the features (the input file's name).
        progress
            Show a progress bar while geocoding (only on a terminal).
        stage
            ``stage(name)`` gives a context manager around each stage (``validate``, ``geocode``,
            ``enrich``); the build times them.
        """
        with stage("validate"):
            validation = validate_rows(frame, self.taxonomy, self.check_area, self.config.name)
        with stage("geocode"):
            located, unresolved, cache_hits = self._geocode(validation.valid, progress)
        with stage("enrich"):
            placed = assign_districts(offers_frame(located), self.districts)
            enriched = decide_districts(placed, district_lookup(self.districts))
            # An empty Demo cell takes the city's default ([city] demo); a filled one is kept.
            enriched["demo"] = [bool(self.config.demo) if d is None else bool(d) for d in enriched["demo"]]
            features = offer_features(enriched, source)
            feature_rows = tuple(int(r) for r in enriched["row"].sort_values(kind="stable"))
        problems = sorted(
            [
                *validation.problems,
                *unresolved,
                *_precision_problems(located),
                *outside_problems(enriched),
                *undecided_problems(enriched),
            ],
            key=lambda item: item[0],
        )
        kept = set(feature_rows)
        rejected = tuple(int(r) for r in frame["row"] if int(r) not in kept)
        return CheckedRows(
            features=features,
            feature_rows=feature_rows,
            problems=tuple(problems),
            rows_in=len(frame),
            rejected_rows=rejected,
            by_geocode_source=_counts(enriched["geocode_source"], SOURCES),
            by_geocode_precision=_counts(enriched["geocode_precision"], PRECISIONS),
            cache_hits=cache_hits,
        )

    def _geocode(self, valid: pd.DataFrame, progress: bool) -> tuple[pd.DataFrame, list[tuple[int, Problem]], int]:
        """Locate rows without coordinates; returns (located rows, unresolved rows' errors, cache hits)."""
        table = valid.copy()
        table["geocode_source"] = "input"
        table["geocode_precision"] = "input"
        todo = table.index[table["lat"].isna()]
        if len(todo) == 0:
            return table, [], 0
        queries = [
            AddressQuery(
                street=_text(rec["street"]),
                house_number=_text(rec["house_number"]),
                postal_code=_text(rec["postal_code"]),
                city=_text(rec["city"]) or self.config.name,
                district=_text(rec["district"]),
            )
            for rec in records(table.loc[todo])
        ]
        providers = self.providers()
        if self.use_cache:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
        cache_ctx = GeocodeCache.open(self.cache_dir) if self.use_cache else nullcontext(None)
        with cache_ctx as cache:
            outcome = geocode_queries(queries, providers, cache, progress)
        found = [loc is not None for loc in outcome.locations]
        hits = todo[found]
        locs = [loc for loc in outcome.locations if loc is not None]
        # one vectorised assignment per column (row-wise .loc writes cost seconds per 10k rows)
        table.loc[hits, "lon"] = [loc.lon for loc in locs]
        table.loc[hits, "lat"] = [loc.lat for loc in locs]
        table.loc[hits, "geocode_source"] = [loc.source for loc in locs]
        table.loc[hits, "geocode_precision"] = [loc.precision for loc in locs]
        rows = table.loc[todo, "row"].to_numpy()
        unresolved = [
            (int(row), problem or error("address_not_located", "street"))
            for row, ok, problem in zip(rows, found, outcome.problems, strict=True)
            if not ok
        ]
        located = table[table["lat"].notna()].copy()
        return located, unresolved, int(outcome.stats.get("cache_hits", 0))


__all__ = [
    "REVIEW_COLUMNS",
    "CheckedRows",
    "RecordCheck",
    "RecordChecker",
    "city_area",
    "review_frame",
    "values_frame",
    "widen",
]
