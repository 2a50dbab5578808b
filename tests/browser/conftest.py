"""Fixtures for real-browser tests: a local server, offline Chromium, a page guard and axe.

* The app is served on a free 127.0.0.1 port by werkzeug's ``make_server`` in a
  background thread (:func:`serve_app`, fixtures ``app_url`` and ``serve``).
* Chromium is Debian's ``/usr/bin/chromium`` launched through pytest-playwright's
  ``browser_type_launch_args`` with SwiftShader WebGL (MapLibre needs WebGL2).
  Missing Chromium skips these tests locally and fails them when
  ``STADTKARTE_REQUIRE_BROWSER=1`` (CI sets it).
* Every page records console errors, uncaught page errors and every request; the
  ``page`` fixture fails the test on any console error or any request that leaves
  127.0.0.1 (such requests are also aborted, so no test touches the network).
* :func:`axe` injects axe-core from ``node_modules`` (``npm ci``) and returns the
  serious and critical violations.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from geodata.io import DISTRICTS_FILE, OFFERS_FILE, write_districts, write_offers

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LOCAL_HOSTS = frozenset({"127.0.0.1"})
#: URL schemes that never leave the browser.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome", "chrome-error"})
SERIOUS_IMPACTS = frozenset({"serious", "critical"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test below ``tests/browser`` with ``browser``."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- Chromium


def chromium_executable() -> str | None:
    """Path of a Chromium binary on this machine, or None."""
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


def is_browser_required() -> bool:
    """True when browser tests must run (CI sets ``STADTKARTE_REQUIRE_BROWSER=1``)."""
    return os.environ.get("STADTKARTE_REQUIRE_BROWSER", "").strip() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium with flags that behave offline and give SwiftShader WebGL."""
    executable = chromium_executable()
    if executable is None:
        message = "Chromium not found at /usr/bin/chromium: install Debian's 'chromium' package"
        if is_browser_required():
            pytest.fail(message + " (STADTKARTE_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": executable, "args": list(CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A desktop-sized viewport unless a test asks for another one."""
    return {"viewport": {"width": 1280, "height": 800}, **browser_context_args}


# --------------------------------------------------------------------------- offline page guard


def is_local_url(url: str) -> bool:
    """True for URLs that stay on this machine (127.0.0.1 or a browser-internal scheme)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.hostname in LOCAL_HOSTS


@dataclass
class PageLog:
    """What a page did: console errors, uncaught errors and every request URL."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Any) -> PageLog:
        """Start recording ``page``'s console errors, page errors and requests."""
        log = cls()
        page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
        page.on("request", lambda request: log.requests.append(request.url))
        return log

    @property
    def remote_requests(self) -> list[str]:
        """Requests that would have left 127.0.0.1."""
        return [url for url in self.requests if not is_local_url(url)]

    def problems(self) -> list[str]:
        """Everything that makes a browser test fail, one line each."""
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"uncaught page error: {text}" for text in self.page_errors]
            + [f"remote request: {url}" for url in self.remote_requests]
        )


def _abort_remote(route: Any) -> None:
    route.abort("blockedbyclient")


@pytest.fixture
def context(new_context: Callable[..., Any]) -> Any:
    """A browser context in which every request that leaves 127.0.0.1 is aborted."""
    ctx = new_context()
    ctx.route(lambda url: not is_local_url(url), _abort_remote)
    return ctx


@pytest.fixture
def page_log() -> PageLog:
    """The record of the ``page`` fixture (filled once ``page`` is requested)."""
    return PageLog()


@pytest.fixture
def page(context: Any, page_log: PageLog) -> Iterator[Any]:
    """A page that fails the test on any console error, page error or remote request."""
    pg = context.new_page()
    recorded = PageLog.attach(pg)
    # share the lists with ``page_log`` so tests can look at them mid-test
    page_log.console_errors = recorded.console_errors
    page_log.page_errors = recorded.page_errors
    page_log.requests = recorded.requests
    yield pg
    problems = page_log.problems()
    if problems:
        pytest.fail("the page misbehaved:\n  " + "\n  ".join(problems), pytrace=False)


def wait_for_dash(page: Any, timeout_ms: float = 15_000) -> None:
    """Wait until the Dash renderer has drawn the layout and the network is idle."""
    page.wait_for_selector("#react-entry-point", state="attached", timeout=timeout_ms)
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('._dash-loading') && document.querySelector('#react-entry-point').children.length > 0"
        " && !document.getElementById('first-view')",  # the map page's server-rendered copy has made way
        timeout=timeout_ms,
    )


# --------------------------------------------------------------------------- axe


def axe(page: Any, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on ``page`` and return its serious and critical violations.

    Each violation is axe's dict (``id``, ``impact``, ``help``, ``nodes`` ...).
    """
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run 'npm ci' at the repository root", pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))  # not a <script> tag: the app's CSP forbids inline ones
    result = page.evaluate(
        "async (options) => await window.axe.run(document, options)",
        {"resultTypes": ["violations"], **(options or {})},
    )
    return [v for v in result["violations"] if v.get("impact") in SERIOUS_IMPACTS]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per axe violation with the first offending selectors (for assert messages)."""
    lines = []
    for v in violations:
        targets = ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({targets})")
    return "\n".join(lines)


# --------------------------------------------------------------------------- server


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """Serve a Dash app (or a Flask app) on a free 127.0.0.1 port; yield its base URL."""
    from werkzeug.serving import make_server

    flask_app = getattr(app, "server", app)
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dash-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def create_dashboard(data_dir: Path) -> Any:
    """The project's Dash app on ``data_dir`` (imported lazily)."""
    from dashboard.app import create_app

    return create_app(data_dir)


@pytest.fixture
def serve() -> Iterator[Callable[[Any], str]]:
    """Factory: ``serve(app_or_data_dir) -> base URL``; servers stop after the test."""
    stack: list[Any] = []

    def _serve(app_or_dir: Any) -> str:
        app = create_dashboard(Path(app_or_dir)) if isinstance(app_or_dir, str | Path) else app_or_dir
        cm = serve_app(app)
        url = cm.__enter__()
        stack.append(cm)
        return url

    yield _serve
    for cm in reversed(stack):
        cm.__exit__(None, None, None)


@pytest.fixture(scope="session")
def app_url(browser_data_dir: Path) -> Iterator[str]:
    """Base URL of the project's dashboard serving the tiny browser dataset (one per session)."""
    with serve_app(create_dashboard(browser_data_dir)) as url:
        yield url


# --------------------------------------------------------------------------- tiny dataset

#: Two districts (approximate squares) in the Ludwigsburg area, lon/lat EPSG:4326.
TINY_DISTRICTS: tuple[tuple[str, str, tuple[float, float, float, float]], ...] = (
    ("mitte", "Mitte", (9.170, 48.880, 9.205, 48.905)),
    ("ossweil", "Oßweil", (9.205, 48.880, 9.240, 48.905)),
)


def _offer(oid: str, name: str, lon: float, lat: float, district: str, **props: Any) -> dict[str, Any]:
    base = {
        "id": oid,
        "name": name,
        "category": "counselling",
        "geocode_source": "input",
        "geocode_precision": "address",
        "accessibility": "unknown",
        "district_id": district,
        "district_name": dict((d[0], d[1]) for d in TINY_DISTRICTS)[district],
        "city": "Ludwigsburg",
        "demo": True,
    }
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": base | props}


#: Offers covering the journeys: an Arabic language café for women, two offers at one
#: address, an approximately located offer, a barrier-free one, counselling in Oßweil.
TINY_OFFERS: tuple[dict[str, Any], ...] = (
    _offer(
        "o1",
        "Sprachcafé Frauen",
        9.1900,
        48.8950,
        "mitte",
        category="language_cafe",
        languages=["ar", "de"],
        target_groups=["women"],
        organization="Internationaler Frauentreff",
        description="Deutsch üben bei Tee",
        street="Marktplatz",
        house_number="1",
        postal_code="71634",
        phone="+49 7141 000000",
        opening_hours="Mi 15-17 Uhr",
        accessibility="yes",
    ),
    _offer("o2", "Migrationsberatung", 9.1900, 48.8950, "mitte", languages=["tr", "de"], target_groups=["all"]),
    _offer("o3", "Beratung Oßweil", 9.2200, 48.8900, "ossweil", languages=["uk"], target_groups=["families"]),
    _offer(
        "o4",
        "Deutschkurs A1",
        9.2300,
        48.8980,
        "ossweil",
        category="language_course",
        languages=["de"],
        target_groups=["newcomers"],
        geocode_source="postcode",
        geocode_precision="postcode",
    ),
    _offer("o5", "Sportverein Integration", 9.1800, 48.8850, "mitte", category="sports", target_groups=["youth"]),
)


def write_tiny_dataset(data_dir: Path, offers: Sequence[dict[str, Any]] | None = None) -> Path:
    """Write offers (:data:`TINY_OFFERS` or ``offers``), districts and city.json of a tiny demo dataset to ``data_dir``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    districts = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
            },
            "properties": {"id": did, "name": name, "approximate": True, "source": "test"},
        }
        for did, name, (x0, y0, x1, y1) in TINY_DISTRICTS
    ]
    write_districts(data_dir / DISTRICTS_FILE, districts)
    write_offers(data_dir / OFFERS_FILE, [dict(f) for f in (TINY_OFFERS if offers is None else offers)])
    xs = [b[0] for *_, b in TINY_DISTRICTS] + [b[2] for *_, b in TINY_DISTRICTS]
    ys = [b[1] for *_, b in TINY_DISTRICTS] + [b[3] for *_, b in TINY_DISTRICTS]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    city = {
        "name": "Ludwigsburg",
        "demo": True,
        "contact": {"email": "integration@example.org", "phone": "+49 7141 000001", "url": "https://example.org"},
        "basemap": None,
        "route_url": "https://www.openstreetmap.org/directions?to={lat},{lon}",
        "population_grid": None,
        "outline": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]},
    }
    (data_dir / "city.json").write_text(json.dumps(city, ensure_ascii=False, indent=2), encoding="utf-8")
    return data_dir


@pytest.fixture(scope="session")
def browser_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny dataset folder shared by the browser tests (read-only)."""
    return write_tiny_dataset(tmp_path_factory.mktemp("browser-data"))


@pytest.fixture(scope="session")
def browser_dataset() -> BrowserDataset:
    """Writers of the tiny browser dataset, for tests that need a variant of it."""
    return BrowserDataset()


@dataclass(frozen=True)
class BrowserDataset:
    """``write(data_dir, offers=None)`` writes the tiny dataset; ``offer(...)`` makes an offer in its districts."""

    write: Callable[..., Path] = write_tiny_dataset
    offer: Callable[..., dict[str, Any]] = _offer
    offers: tuple[dict[str, Any], ...] = TINY_OFFERS


# --------------------------------------------------------------------------- helpers as a fixture


@dataclass(frozen=True)
class BrowserTools:
    """The helpers browser tests share, handed out by the ``tools`` fixture (tests never import conftest).

    Attributes
    ----------
    repo_root : Path
        The repository (``assets/`` lives there).
    wait_for_dash, axe, describe_violations, serve_app, create_dashboard, attach_log
        :func:`wait_for_dash`, :func:`axe`, :func:`describe_violations`, :func:`serve_app`,
        :func:`create_dashboard`, :meth:`PageLog.attach`.
    """

    repo_root: Path = REPO_ROOT
    wait_for_dash: Callable[..., None] = wait_for_dash
    axe: Callable[..., list[dict[str, Any]]] = axe
    describe_violations: Callable[[list[dict[str, Any]]], str] = describe_violations
    serve_app: Callable[[Any], Any] = serve_app
    create_dashboard: Callable[[Path], Any] = create_dashboard
    attach_log: Callable[[Any], PageLog] = PageLog.attach


@pytest.fixture(scope="session")
def tools() -> BrowserTools:
    """The shared browser-test helpers (see :class:`BrowserTools`)."""
    return BrowserTools()
