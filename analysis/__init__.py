"""The planners' measures: where integration offers are missing, by district, against residents.

Pure functions over frames and arrays (no Dash, no Flask, no web request): offers are a
DataFrame with ``district_id``, ``category``, ``languages``, ``target_groups`` and
``lon``/``lat`` (EPSG:4326) or ``x``/``y`` (EPSG:25832); districts a GeoDataFrame with
``id, name, population, area_km2, geometry``; residents :class:`PopulationCells`. A filter is
a boolean ``mask`` per offer row. Results are tidy tables keyed by ``district_id`` (the
whole city as :data:`CITY`), with the population ``method`` next to every figure derived
from residents.

Modules: :mod:`analysis.inputs` (positions, membership, district table),
:mod:`analysis.counts` (counts, white spots, per 1,000), :mod:`analysis.distance`
(distance coverage), :mod:`analysis.access` (E2SFCA), :mod:`analysis.inequality`
(Gini/Lorenz), :mod:`analysis.population` (Zensus grid reader, area-spread fallback), the
precomputed :class:`CoverageModel` for interactive use (its speed-ups are private), and
:mod:`analysis.matching` (the exchange board's explainable offer <-> need matching).
Imports :mod:`geodata` only.
"""

from __future__ import annotations

from analysis._model import CoverageModel, build_coverage_model
from analysis.access import (
    DECAYS,
    DEFAULT_CATCHMENT,
    STEP_WEIGHTS,
    Catchment,
    E2sfcaWeights,
    catchment_pairs,
    e2sfca_by_district,
    e2sfca_cells,
    e2sfca_from_weights,
    e2sfca_weights,
)
from analysis.counts import (
    count_matrix,
    offers_by_district,
    offers_per_1000,
    per_1000_table,
    tidy_counts,
    white_spots,
)
from analysis.distance import (
    DEFAULT_THRESHOLDS_M,
    MEDIAN_CAP_M,
    coverage_from_distances,
    distance_coverage,
    distance_curve,
    median_distance_by_group,
    nearest_distances,
)
from analysis.inequality import gini, inequality, lorenz_curve
from analysis.inputs import (
    CITY,
    DIMENSIONS,
    MetricError,
    as_mask,
    district_index,
    district_table,
    membership,
    observed_groups,
    offer_xy,
)
from analysis.population import (
    METHOD_AREA,
    METHOD_GRID,
    METHOD_NONE,
    METHODS,
    PopulationCells,
    PopulationGrid,
    PopulationGridError,
    cells_from_grid,
    cells_or_spread,
    districts_frame,
    population_cells,
    read_population_grid,
    spread_district_population,
)

__all__ = [
    "CITY",
    "DECAYS",
    "DEFAULT_CATCHMENT",
    "DEFAULT_THRESHOLDS_M",
    "DIMENSIONS",
    "MEDIAN_CAP_M",
    "METHODS",
    "METHOD_AREA",
    "METHOD_GRID",
    "METHOD_NONE",
    "STEP_WEIGHTS",
    "Catchment",
    "CoverageModel",
    "E2sfcaWeights",
    "MetricError",
    "PopulationCells",
    "PopulationGrid",
    "PopulationGridError",
    "as_mask",
    "build_coverage_model",
    "catchment_pairs",
    "cells_from_grid",
    "cells_or_spread",
    "count_matrix",
    "coverage_from_distances",
    "distance_coverage",
    "distance_curve",
    "district_index",
    "district_table",
    "districts_frame",
    "e2sfca_by_district",
    "e2sfca_cells",
    "e2sfca_from_weights",
    "e2sfca_weights",
    "gini",
    "inequality",
    "lorenz_curve",
    "median_distance_by_group",
    "membership",
    "nearest_distances",
    "observed_groups",
    "offer_xy",
    "offers_by_district",
    "offers_per_1000",
    "per_1000_table",
    "population_cells",
    "read_population_grid",
    "spread_district_population",
    "tidy_counts",
    "white_spots",
]
