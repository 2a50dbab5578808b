"""The coverage room's dataset and app.

``data/`` holds the browser tests' tiny Ludwigsburg dataset (Mitte and Oßweil, two squares of
0.035° x 0.025°, offers o1-o5) with populations 3000 (Mitte) and 1000 (Oßweil), spread over
the district areas on a 100 m lattice.

Offers: Mitte o1 language_cafe, o2 counselling, o5 sports -> 3 offers;
Oßweil o3 counselling, o4 language_course -> 2 offers.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.coverage.compute import CoverageContext
from dashboard.coverage.context import coverage_context
from dashboard.filters import FilterState, parse_query
from dashboard.snapshot import current_snapshot

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def coverage_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of ``data/`` (a build output folder)."""
    target = tmp_path_factory.mktemp("coverage") / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="module")
def app(coverage_data_dir: Path):
    return create_app(coverage_data_dir)


@pytest.fixture(scope="module")
def ctx(app) -> CoverageContext:
    """The coverage context of the app's current snapshot."""
    with app.server.test_request_context("/coverage"):
        context = coverage_context(current_snapshot())
    assert context is not None
    return context


@pytest.fixture
def state_for(ctx: CoverageContext) -> Callable[..., FilterState]:
    """The filter state of a URL query string such as ``"category=counselling"``."""

    def make(query: str = "") -> FilterState:
        params = dict(p.split("=", 1) for p in query.lstrip("?").split("&") if p)
        return parse_query(params, ctx.dataset)[0]

    return make
