"""The Dash app frame: pages, local assets, the current snapshot, callbacks and API.

``create_app(data_dir)`` is all a deployment needs (``app.server`` is the Flask/WSGI app).
Pages in ``dashboard/pages/`` register themselves (Dash Pages), so new pages need no
change here. Everything is served from this server: no CDN, fonts or remote scripts.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output
from flask import has_request_context, request

from dashboard import ids
from dashboard.api import register_api
from dashboard.board import register_board
from dashboard.components.media import register_media
from dashboard.config import Settings
from dashboard.coverage import register_coverage
from dashboard.filters import DEFAULT_LANG, UI_LANGUAGES
from dashboard.i18n import text_direction
from dashboard.layout import served_title, translate_page_titles
from dashboard.map.callbacks import register_callbacks, register_map_callbacks
from dashboard.map.prerender import FIRST_VIEW_JS, REMOVE_JS, first_view_html
from dashboard.map.startup import LOADER_JS, map_first_scripts
from dashboard.security import MAPLIBRE_PREFIX, MAPLIBRE_VERSION, harden
from dashboard.snapshot import current_snapshot, init_snapshots
from dashboard.staff import register_staff
from dashboard.submit import register_submit

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
ASSETS_DIR = PACKAGE_DIR.parent / "assets"
PAGES_DIR = PACKAGE_DIR / "pages"


def request_lang() -> str:
    """The interface language asked for by the current request's ``?lang=`` (German otherwise)."""
    if not has_request_context():
        return DEFAULT_LANG
    lang = (request.args.get("lang") or "").strip().lower()
    return lang if lang in UI_LANGUAGES else DEFAULT_LANG


#: The page whose first view the server renders into the HTML (:mod:`dashboard.map.prerender`).
PRERENDERED_PATH = "/"
ENTRY_POINT = '<div id="react-entry-point">'
#: MapLibre GL JS, preloaded by the map page's HTML (the map draws with it; see :mod:`dashboard.map.figures`).
MAPLIBRE_MODULE = MAPLIBRE_PREFIX + "maplibre-gl.mjs"
#: MapLibre's worker, as MapLibre asks for it (``maplibre-gl-worker.mjs?v=<version>``, next to the module).
MAPLIBRE_WORKER = f"{MAPLIBRE_PREFIX}maplibre-gl-worker.mjs?v={MAPLIBRE_VERSION}"
#: The map page's hints: the module is preloaded (parsed once, import() reuses it); the worker is
#: prefetched into the HTTP cache (no parsing), so it arrives alongside the module instead of after it:
#: MapLibre asks for it only once a map is created.
MAPLIBRE_HINTS = ((MAPLIBRE_MODULE, "modulepreload"), (MAPLIBRE_WORKER, "prefetch"))
#: The hints in the page's head ...
MAPLIBRE_PRELOADS = "".join(f'<link rel="{rel}" href="{url}">' for url, rel in MAPLIBRE_HINTS)
#: ... and as an HTTP header: the browser asks for MapLibre when the headers arrive, before the page's
#: body (about 0.1 s earlier over a 150 ms mobile link).
MAPLIBRE_LINK = ", ".join(f"<{url}>; rel={rel}" for url, rel in MAPLIBRE_HINTS)


def request_query() -> dict[str, Any]:
    """The current request's URL parameters as Dash Pages passes them to a layout (one value: a string)."""
    return {k: v[0] if len(v) == 1 else v for k, v in request.args.to_dict(flat=False).items()}


def with_first_view(app_entry: str, first_view: str) -> str:
    """Dash's ``app_entry`` followed by ``first_view``; the entry point is ``aria-busy`` until Dash has drawn.

    The copy comes *after* the entry point: while that is empty the copy is at the top of the page;
    once Dash has drawn the page, the page is on top and the copy (removed two frames later) below it,
    and scripts that look up the first element of a class find the page's.
    """
    return app_entry.replace(ENTRY_POINT, '<div id="react-entry-point" aria-busy="true">', 1) + first_view


def inline_stylesheets(assets_dir: Path) -> str | None:
    """The stylesheets of ``assets_dir`` in Dash's order as one ``<style>`` element (None when one cannot be inlined).

    The first view needs them before it can be drawn; six more requests (each a round trip on a
    mobile network, and sharing the bandwidth with Dash's scripts) cost about a second there.
    """
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(assets_dir).glob("*.css"))]
    if any("</" in text for text in texts):  # would end the <style> element early
        logger.warning("a stylesheet in %s contains '</': the first view links the stylesheets instead", assets_dir)
        return None
    return "<style>" + "\n".join(texts) + "</style>"


class StadtkarteDash(dash.Dash):
    """Dash with ``<html lang=.. dir=..>`` set server-side from ``?lang=``, and the map page's first view
    rendered by the server (readable before any script runs; see :mod:`dashboard.map.prerender`)."""

    #: The stylesheets inlined into the map page (:func:`inline_stylesheets`; set by :func:`create_app`).
    first_view_css: str | None = None

    def csp_hashes(self, hash_algorithm: str = "sha256") -> Sequence[str]:
        """Dash's inline scripts and the map page's own (the first view's and the start-up loader)."""
        ours = [
            base64.b64encode(hashlib.new(hash_algorithm, script.encode("utf-8")).digest()).decode()
            for script in (FIRST_VIEW_JS, LOADER_JS)
        ]
        return [*super().csp_hashes(hash_algorithm), *(f"'{hash_algorithm}-{digest}'" for digest in ours)]

    def interpolate_index(self, **kwargs: Any) -> str:
        kwargs["title"] = escape(served_title())  # the page's own title in the request's language
        if has_request_context() and request.path == PRERENDERED_PATH and "app_entry" in kwargs:
            start = time.perf_counter()
            snapshot = current_snapshot()
            kwargs["app_entry"] = with_first_view(kwargs["app_entry"], first_view_html(snapshot, request_query()))
            if self.first_view_css:
                kwargs["css"] = self.first_view_css
            # the map's library starts loading with the page (map.js draws the first view's map with it)
            kwargs["css"] = kwargs.get("css", "") + MAPLIBRE_PRELOADS
            kwargs["scripts"], kwargs["renderer"] = map_first_scripts(kwargs["scripts"], kwargs["renderer"])
            logger.debug("first view rendered in %.1f ms", (time.perf_counter() - start) * 1000)
        html = super().interpolate_index(**kwargs)
        lang = request_lang()
        return html.replace("<html>", f'<html lang="{lang}" dir="{text_direction(lang)}">', 1)


def create_app(data_dir: Path | str, settings: Settings | None = None) -> dash.Dash:
    """Build the dashboard for the build output folder ``data_dir``.

    Parameters
    ----------
    data_dir : Path or str
        The data folder: published snapshots (``CURRENT`` + ``snapshots/``, see :mod:`geodata.snapshot`)
        or a legacy flat folder with ``offers.geojson``, ``districts.geojson`` and ``city.json``. The
        current snapshot is loaded now (a broken folder fails here); a newer one published later is
        served from the next request on (:mod:`dashboard.snapshot`).
    settings : Settings, optional
        Server settings; only ``debug`` matters here (the CLI uses host and port).
    """
    settings = settings or Settings(data_dir=Path(data_dir))
    app = StadtkarteDash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        assets_folder=str(ASSETS_DIR),
        serve_locally=True,
        external_scripts=[],
        external_stylesheets=[],
        suppress_callback_exceptions=True,
        title="Stadtkarte Integration",
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    if not settings.debug:  # with --debug the stylesheets stay linked (Dash reloads them when they change)
        app.first_view_css = inline_stylesheets(ASSETS_DIR)
    init_snapshots(app.server, data_dir)
    translate_page_titles(dash.page_registry)
    app.server.config["DEBUG"] = settings.debug
    register_callbacks(app)
    register_map_callbacks(app)
    # drops the server's first view once the page is drawn (an output is needed for the initial call)
    app.clientside_callback(REMOVE_JS, Output(ids.URL_SYNC, "data-first-view"), Input(ids.UI_LANG, "data"))
    register_api(app.server)
    register_coverage(app)
    register_staff(app.server, data_dir)
    register_board(app.server, data_dir)  # the network's exchange board at /netzwerk
    register_media(app.server)  # DGS video and captions of the data folder's media/
    register_submit(app.server, data_dir)
    harden(app, settings)

    @app.server.after_request
    def _announce_maplibre(response: Any) -> Any:
        if request.path == PRERENDERED_PATH and response.status_code == 200 and response.mimetype == "text/html":
            response.headers.add("Link", MAPLIBRE_LINK)
        return response

    return app
