"""The dashboard's data of one snapshot, loaded once per version and read-only afterwards.

:func:`load_dataset` reads a snapshot folder (``offers.geojson``,
``districts.geojson``, ``city.json``) and precomputes the numpy structures the
filters need, so that a filter change is a few vectorised operations. Which
snapshot a request reads is decided by :mod:`dashboard.snapshot`.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from geodata.errors import DatasetError
from geodata.io import CITY_FILE, DISTRICTS_FILE, OFFERS_FILE, read_districts, read_offers
from geodata.schema import APPROXIMATE_PRECISIONS, OFFER_FIELD_NAMES, OFFER_FIELDS
from geodata.taxonomy import Taxonomy, fold, load_taxonomy, offer_search_keys

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Offers, districts and city settings plus precomputed filter structures.

    Row ``i`` of every array is offer ``i`` in file order (``offers.geojson``).

    Attributes
    ----------
    offers : pandas.DataFrame
        One row per offer: the contract properties plus ``lon``/``lat`` (EPSG:4326, degrees).
    features : tuple of dict
        The offer features as read (for the API's GeoJSON output).
    districts : tuple of dict
        District features (EPSG:4326), sorted by id as written by the ETL.
    city : Mapping
        ``city.json`` (name, demo, contact, basemap, route_url, outline, ...).
    taxonomy : Taxonomy
        Categories and target groups with their labels.
    category_ids, language_ids, target_ids, district_ids : tuple of str
        Column order of the matrices / index values of ``district_index``.
    categories, languages, targets : numpy.ndarray
        Boolean matrices offers x ids; ``categories`` covers the category and the subcategories' parent.
    district_index : numpy.ndarray
        int32 index into ``district_ids`` per offer, -1 when outside every district.
    barrier_free : numpy.ndarray
        True where ``accessibility == "yes"``.
    approximate : numpy.ndarray
        True where the location precision is in ``APPROXIMATE_PRECISIONS``.
    search_text : tuple of str
        Search key of ``name organization description`` and the category's and subcategories' labels
        and aliases (see :func:`geodata.taxonomy.offer_search_keys`). Plain Python strings, not a
        numpy string array: ``word in text`` over them is about 20x faster than ``np.strings.find``
        over a fixed-width array (measured in ``bench/dashboard.py``), and they take a third of the memory.
    order_by_name, order_by_district : numpy.ndarray
        Row indices sorted by folded name / by district name then name.
    """

    offers: pd.DataFrame
    features: tuple[Mapping[str, Any], ...]
    districts: tuple[Mapping[str, Any], ...]
    city: Mapping[str, Any]
    taxonomy: Taxonomy
    category_ids: tuple[str, ...]
    language_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    district_ids: tuple[str, ...]
    district_names: Mapping[str, str]
    categories: np.ndarray
    languages: np.ndarray
    targets: np.ndarray
    district_index: np.ndarray
    barrier_free: np.ndarray
    approximate: np.ndarray
    search_text: tuple[str, ...]
    order_by_name: np.ndarray
    order_by_district: np.ndarray

    def __len__(self) -> int:
        return len(self.offers)

    @property
    def is_demo(self) -> bool:
        """True when the city config or any offer is marked as demo data."""
        return bool(self.city.get("demo")) or bool(self.offers["demo"].astype(bool).any())

    @property
    def has_approximate_districts(self) -> bool:
        """True when any district boundary is an approximation."""
        return any(bool(d["properties"].get("approximate")) for d in self.districts)

    def index_of(self, offer_id: str) -> int | None:
        """Row of the offer ``offer_id``, or None."""
        hits = np.flatnonzero(self.offers["id"].to_numpy() == offer_id)
        return int(hits[0]) if len(hits) else None


def read_city(data_dir: Path) -> dict[str, Any]:
    """Read ``city.json``; a missing file gives neutral defaults, a broken one a DatasetError."""
    path = Path(data_dir) / CITY_FILE
    if not path.exists():
        logger.warning("%s is missing: using neutral city settings", path)
        return {"name": "", "demo": False, "contact": {}, "basemap": None, "route_url": None, "outline": None}
    try:
        city = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path} is not readable JSON ({exc}); rebuild it with 'stadtkarte build'") from exc
    if not isinstance(city, dict):
        raise DatasetError(f"{path} must hold a JSON object; rebuild it with 'stadtkarte build'")
    return city


def membership(lists: pd.Series | list[list[str]], ids: tuple[str, ...]) -> np.ndarray:
    """Boolean matrix ``len(lists) x len(ids)``: True where row's list contains the id."""
    position = {v: j for j, v in enumerate(ids)}
    rows = [i for i, values in enumerate(lists) for v in values if v in position]
    cols = [position[v] for values in lists for v in values if v in position]
    matrix = np.zeros((len(lists), len(ids)), dtype=bool)
    matrix[np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)] = True
    return matrix


def _frame(features: list[dict[str, Any]]) -> pd.DataFrame:
    records = [f["properties"] for f in features]
    frame = pd.DataFrame.from_records(records, columns=list(OFFER_FIELD_NAMES))
    for f in OFFER_FIELDS:
        if f.kind in ("str", "enum", "date"):  # missing text stays None (not NaN) for the components
            column = frame[f.name].astype(object)
            frame[f.name] = column.where(column.notna(), None)
    frame["lon"] = np.array([f["geometry"]["coordinates"][0] for f in features], dtype=float)
    frame["lat"] = np.array([f["geometry"]["coordinates"][1] for f in features], dtype=float)
    return frame


def _ordered_languages(lists: pd.Series) -> tuple[str, ...]:
    """Languages present in the data, most offered first (ties by code)."""
    counts = Counter(code for values in lists for code in values)
    return tuple(sorted(counts, key=lambda c: (-counts[c], c)))


def build_dataset(
    features: list[dict[str, Any]],
    districts: list[dict[str, Any]],
    city: Mapping[str, Any],
    taxonomy: Taxonomy,
) -> Dataset:
    """Precompute the filter structures for contract ``features`` (pure; no I/O)."""
    frame = _frame(features)
    known = taxonomy.categories.ids
    extra = tuple(sorted(set(frame["category"]) - set(known)))
    category_ids = known + extra
    target_ids = taxonomy.target_groups.ids + tuple(
        sorted({t for ts in frame["target_groups"] for t in ts} - set(taxonomy.target_groups.ids))
    )
    language_ids = _ordered_languages(frame["languages"])
    district_ids = tuple(str(d["properties"]["id"]) for d in districts)
    district_names = {str(d["properties"]["id"]): str(d["properties"]["name"]) for d in districts}
    position = {d: i for i, d in enumerate(district_ids)}
    district_index = np.array([position.get(d, -1) if d else -1 for d in frame["district_id"]], dtype=np.int32)
    search_text = tuple(
        offer_search_keys(
            frame["name"],
            frame["organization"],
            frame["description"],
            frame["category"],
            frame["subcategories"],
            taxonomy,
        )
    )
    name_key = np.array([fold(n) for n in frame["name"]], dtype=str) if len(frame) else np.array([], dtype=str)
    dname = np.array([fold(district_names.get(d or "", "~")) for d in frame["district_id"]], dtype=str)
    order_by_name = np.lexsort((np.arange(len(frame)), name_key)) if len(frame) else np.array([], dtype=np.intp)
    order_by_district = np.lexsort((name_key, dname)) if len(frame) else np.array([], dtype=np.intp)
    return Dataset(
        offers=frame,
        features=tuple(features),
        districts=tuple(districts),
        city=MappingProxyType(dict(city)),
        taxonomy=taxonomy,
        category_ids=category_ids,
        language_ids=language_ids,
        target_ids=target_ids,
        district_ids=district_ids,
        district_names=MappingProxyType(district_names),
        categories=membership([[c] for c in frame["category"]], category_ids),
        languages=membership(list(frame["languages"]), language_ids),
        targets=membership(list(frame["target_groups"]), target_ids),
        district_index=district_index,
        barrier_free=(frame["accessibility"] == "yes").to_numpy(dtype=bool),
        approximate=frame["geocode_precision"].isin(APPROXIMATE_PRECISIONS).to_numpy(dtype=bool),
        search_text=search_text,
        order_by_name=order_by_name,
        order_by_district=order_by_district,
    )


def load_dataset(data_dir: str | Path) -> Dataset:
    """Load a build output folder once (raises DatasetError/ContractError naming the fix).

    Parameters
    ----------
    data_dir : str or Path
        Folder with ``offers.geojson``, ``districts.geojson`` (optional) and ``city.json``.
    """
    data_dir = Path(data_dir)
    features = read_offers(data_dir / OFFERS_FILE)
    districts_path = data_dir / DISTRICTS_FILE
    districts = read_districts(districts_path) if districts_path.exists() else []
    city = read_city(data_dir)
    taxonomy = load_taxonomy(overrides=city.get("taxonomy") or None)
    dataset = build_dataset(features, districts, city, taxonomy)
    logger.info("loaded %d offers and %d districts from %s", len(features), len(districts), data_dir)
    return dataset
