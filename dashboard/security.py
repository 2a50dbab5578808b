"""Hardening of the dashboard's Flask server: one call, :func:`harden`, from ``create_app``.

It adds, for every response of the app (whatever WSGI server runs it):

* **Host allow-list**: a ``Host`` header outside :meth:`Settings.host_names` gets 400, so no
  foreign host name is ever reflected (Dash Pages writes ``request.url`` into a ``<meta>`` tag).
* **Limits**: request bodies (callbacks ``max_callback_bytes``, other POSTs ``max_form_bytes``)
  -> 413; query strings longer than ``max_query_bytes`` or with more than ``max_query_params``
  parameters -> 414. (The server in front answers 431 for oversized request headers.)
* **Malformed callback payloads** (bad JSON, deep nesting, unknown output, wrong shapes or
  value types) -> 400 with a one-line log entry instead of a 500 with a traceback.
* **Headers**: Content-Security-Policy (see :func:`content_security_policy`),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``, HSTS on HTTPS requests only.
* **Caching**: fingerprinted Dash/asset URLs and the versioned favicon ``immutable`` for a year; everything else
  ``no-cache`` with an ETag (so browsers and proxies revalidate with a cheap 304).
* **Compression**: brotli (when installed) or gzip for every text response (HTML, JS, CSS, JSON,
  GeoJSON, CSV, XML, captions) and the favicon.
* **Real 404s**: a translated page (five languages) with the site header and a way back.
* **Health**: ``/healthz`` (process alive) and ``/readyz`` (data loaded), left out of the access log.
* **Access log** (logger ``dashboard.access``): client address truncated (IPv4 /24, IPv6 /48),
  path without the query string (it may hold search words).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import ipaddress
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dash
from dash.fingerprint import check_fingerprint
from flask import Flask, Response, g, request

from dashboard.config import Settings
from dashboard.filters import DEFAULT_LANG, UI_LANGUAGES
from dashboard.i18n import text_direction, translator
from geodata.languages import native_name

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("dashboard.access")

CALLBACK_PATH = "/_dash-update-component"
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
#: Deepest JSON nesting a callback body may have (Dash's own payloads stay below 10).
MAX_JSON_DEPTH = 32
#: Longest ``X-Stadtkarte-Notices`` header value (bytes, ASCII); longer lists are summarised.
MAX_NOTICES_HEADER = 1024
NOTICES_HEADER = "X-Stadtkarte-Notices"
API_PREFIX = "/api/"
ONE_YEAR = 31536000
COMPRESS_MIMETYPES = (
    "text/html",
    "text/css",
    "text/csv",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/xml",
    "text/xml",
    "text/vtt",
    "image/svg+xml",
    "image/x-icon",  # Dash's favicon: 15 KB, about 4 KB compressed
    "image/vnd.microsoft.icon",
)
#: Dash's favicon; its ``?v=`` names Dash's version, so a year's cache lifetime is safe.
FAVICON_PATH = "/_favicon.ico"
#: Exceptions a callback raises when the browser sent values of the wrong shape or type.
MALFORMED_INPUT_ERRORS: tuple[type[Exception], ...] = (TypeError, ValueError, KeyError, AttributeError, IndexError)
#: plotly.js's strict bundle (no eval) and the URL dcc.Graph loads plotly.js from.
STRICT_PLOTLY_JS = Path(__file__).resolve().parent / "vendor" / "plotly-strict.min.js"
PLOTLY_JS_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"
#: MapLibre GL JS, vendored (dashboard/vendor/README.md): its version, files and URL prefix (the
#: version is in the URL, so the files are cached for a year; the worker is found next to the module).
MAPLIBRE_VERSION = "6.17.0"
MAPLIBRE_FILES: dict[str, str] = {
    "maplibre-gl.mjs": "text/javascript",
    "maplibre-gl-worker.mjs": "text/javascript",
    "maplibre-gl.css": "text/css",
}
MAPLIBRE_PREFIX = f"/vendor/maplibre-gl/{MAPLIBRE_VERSION}/"
#: The map's points per snapshot version and language (``dashboard.map.points.serve_points``): immutable.
MAP_POINTS_PREFIX = "/_map/points/"
VENDOR_DIR = Path(__file__).resolve().parent / "vendor"


class MalformedCallbackError(ValueError):
    """A callback request body that no browser running our pages would send."""


# --------------------------------------------------------------------------- pure helpers


def truncate_ip(address: str | None) -> str:
    """``address`` with the host part zeroed (IPv4 /24, IPv6 /48) for GDPR-friendly logs."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "-"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def host_name(host_header: str) -> str:
    """The host name of a ``Host`` header value, lower case, without port or IPv6 brackets."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def summarise_notices(notices: Iterable[object], limit: int = MAX_NOTICES_HEADER) -> str:
    """A JSON list of notice strings for a response header, at most ``limit`` bytes (ASCII).

    Notices are ``dashboard.filters.Notice`` objects (``kind: param=value``) or strings.
    When they do not all fit, as many as fit are kept and a last entry says how many more
    there are (the response body lists them all). Each notice is cut to 120 characters.
    """
    texts = [_notice_text(n)[:120] for n in notices]
    kept: list[str] = []
    for index, text in enumerate(texts):
        more = len(texts) - index
        candidate = [*kept, text]
        tail = [] if more == 1 else [f"... {more - 1} more notices in the response body"]
        if len(json.dumps([*candidate, *tail], ensure_ascii=True)) > limit:
            return json.dumps([*kept, f"... {more} more notices in the response body"], ensure_ascii=True)
        kept = candidate
    return json.dumps(kept, ensure_ascii=True)


def _notice_text(notice: object) -> str:
    if isinstance(notice, str):
        return notice
    kind, param, value = (getattr(notice, name, "") for name in ("kind", "param", "value"))
    return f"{kind}: {param}={value}"


def _json_list(text: str) -> list[object]:
    try:
        value = json.loads(text)
    except ValueError:
        return [text]
    return value if isinstance(value, list) else [value]


def json_depth_exceeds(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text ``data`` nests arrays/objects deeper than ``limit`` (strings skipped)."""
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _is_dependency(item: object) -> bool:
    if isinstance(item, list):
        return all(_is_dependency(i) for i in item)
    return isinstance(item, dict) and "id" in item and isinstance(item.get("property"), str)


def check_callback_body(body: object, known_outputs: Iterable[str]) -> None:
    """Raise :class:`MalformedCallbackError` unless ``body`` has the shape Dash's renderer sends."""
    if not isinstance(body, dict):
        raise MalformedCallbackError("body is not a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or output not in set(known_outputs):
        raise MalformedCallbackError("unknown callback output")
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list) or not all(_is_dependency(i) for i in items):
            raise MalformedCallbackError(f"'{key}' is not a list of {{id, property, value}} objects")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise MalformedCallbackError("'changedPropIds' is not a list of strings")
    outputs = body.get("outputs")
    if outputs is not None and not (isinstance(outputs, dict | list)):
        raise MalformedCallbackError("'outputs' is not an object or a list")


def content_security_policy(
    script_hashes: Sequence[str],
    frame_ancestors: Sequence[str] = ("'self'",),
    extra_image_sources: Sequence[str] = (),
    allow_eval: bool = False,
) -> str:
    """The Content-Security-Policy value: our own origin only, plus what Dash and MapLibre need.

    * ``script-src 'self'`` + the hashes of Dash's inline scripts (``app.csp_hashes()``);
      ``'unsafe-eval'`` only when ``allow_eval`` (the full plotly.js bundle; we serve the strict one).
    * ``style-src 'self' 'unsafe-inline'``: Dash's renderer and plotly.js inject ``<style>`` and
      ``style=`` attributes at run time (no nonce support upstream).
    * ``worker-src``/``child-src 'self' blob:`` and ``img-src 'self' data: blob:``: MapLibre
      starts its workers from ``blob:`` URLs and draws icons from ``data:``/``blob:``.
    * ``extra_image_sources``: the origin of a city's optional online basemap tiles.
    """
    script = ["'self'", *script_hashes, *(["'unsafe-eval'"] if allow_eval else [])]
    images = ["'self'", "data:", "blob:", *extra_image_sources]
    directives = {
        "default-src": ["'self'"],
        "script-src": script,
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *extra_image_sources],
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": list(frame_ancestors) or ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def tile_origins(city: Mapping[str, Any]) -> tuple[str, ...]:
    """Origins (``https://host``) of the city's optional online basemap tiles, from ``city.json``."""
    basemap = city.get("basemap") or {}
    tiles = basemap.get("tiles") if isinstance(basemap, Mapping) else None
    urls = [tiles] if isinstance(tiles, str) else list(tiles or [])
    origins = []
    for url in urls:
        parts = urlsplit(str(url))
        if parts.scheme in ("http", "https") and parts.hostname:
            origins.append(f"{parts.scheme}://{parts.netloc.split('@')[-1]}")
    return tuple(dict.fromkeys(origins))


def page_patterns(registry: Mapping[str, Mapping[str, Any]]) -> tuple[re.Pattern[str], ...]:
    """Regular expressions of the Dash Pages paths (``path_template`` variables match one segment)."""
    patterns = []
    for page in registry.values():
        for path in (page.get("path_template") or page.get("path"), *(page.get("redirect_from") or ())):
            if not path:
                continue
            regex = re.sub(r"<[^>]+>", "[^/]+", re.escape(path.rstrip("/") or "/"))
            patterns.append(re.compile(f"{regex}/?"))
    return tuple(patterns)


def is_known_path(path: str, patterns: Sequence[re.Pattern[str]], own_route: Callable[[str], bool]) -> bool:
    """True when ``path`` is a page of the app (``patterns``) or matches one of its own routes.

    ``own_route(path)`` tells whether a route other than Dash's catch-all serves ``path``.
    """
    return path in HEALTH_PATHS or own_route(path) or any(p.fullmatch(path) for p in patterns)


def route_matcher(server: Flask, catch_all: str = "/<path:path>") -> Callable[[str], bool]:
    """``own_route(path)`` for :func:`is_known_path`: a GET route of ``server`` other than ``catch_all``."""
    from werkzeug.exceptions import HTTPException

    def own_route(path: str) -> bool:
        adapter = server.url_map.bind("localhost")
        try:
            rule, _args = adapter.match(path, method="GET", return_rule=True)
        except HTTPException:
            return False
        return bool(rule.rule != catch_all)

    return own_route


def api_etag(version: str, full_path: str) -> str:
    """Weak ETag of an API response: the snapshot version and the request's path and query.

    The same URL on the same snapshot always gives the same data, so a client or proxy that
    sends it back in ``If-None-Match`` gets a 304 before any data is filtered or encoded.
    """
    digest = hashlib.sha256(full_path.encode("utf-8")).hexdigest()[:16]
    return f"{version}-{digest}"


def cache_control_for(path: str, query: Mapping[str, str], method: str, status: int) -> str | None:
    """The Cache-Control value our policy gives a response (None: leave what the view set)."""
    if method not in ("GET", "HEAD"):
        return "no-store"
    if status != 200:
        return "no-store" if status >= 400 else None
    if path.startswith("/_dash-component-suites/"):
        _, has_fingerprint = check_fingerprint(path.rsplit("/", 1)[-1])
        return f"public, max-age={ONE_YEAR}, immutable" if has_fingerprint else "no-cache"
    if path.startswith("/assets/") and query.get("m"):
        return f"public, max-age={ONE_YEAR}, immutable"
    if path.startswith((MAPLIBRE_PREFIX, MAP_POINTS_PREFIX)):
        return f"public, max-age={ONE_YEAR}, immutable"
    if path == FAVICON_PATH and query.get("v"):
        return f"public, max-age={ONE_YEAR}, immutable"
    return "no-cache"


# --------------------------------------------------------------------------- the 404 page


def not_found_html(lang: str, stylesheets: Sequence[str] = ()) -> str:
    """A small server-rendered 404 page in ``lang``: the site header, an explanation, a way back."""
    lang = lang if lang in UI_LANGUAGES else DEFAULT_LANG
    _ = translator(lang)
    esc = html.escape
    current = ' aria-current="true"'
    links = "".join(
        f'<li><a href="/?lang={code}" lang="{code}" hreflang="{code}" dir="{text_direction(code)}"'
        f"{current if code == lang else ''}>{esc(native_name(code))}</a></li>"
        for code in UI_LANGUAGES
    )
    css = "".join(f'<link rel="stylesheet" href="{esc(href)}">' for href in stylesheets)
    return (
        f'<!DOCTYPE html><html lang="{lang}" dir="{text_direction(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(_('Seite nicht gefunden'))} – {esc(_('Stadtkarte Integration'))}</title>{css}</head>"
        f'<body><div class="page" lang="{lang}" dir="{text_direction(lang)}">'
        f'<a class="skip-link" href="#main">{esc(_("Zum Inhalt springen"))}</a>'
        '<header class="site-header"><div class="brand-row"><p class="brand">'
        f'<a href="/?lang={lang}">{esc(_("Stadtkarte Integration"))}</a></p></div>'
        f'<nav class="lang-switch" aria-label="{esc(_("Sprache der Oberfläche"))}"><ul>{links}</ul></nav></header>'
        f'<main id="main" class="site-main" tabindex="-1"><h1>{esc(_("Seite nicht gefunden"))}</h1>'
        f"<p>{esc(_('Diese Adresse gibt es hier nicht. Vielleicht ist der Link veraltet oder falsch geschrieben.'))}</p>"
        f'<p><a href="/?lang={lang}">{esc(_("Zur Karte mit allen Angeboten"))}</a></p></main></div></body></html>'
    )


def stylesheet_urls(assets_dir: Path) -> tuple[str, ...]:
    """Fingerprinted URLs of the CSS files in ``assets_dir`` (as Dash links them)."""
    return tuple(f"/assets/{p.name}?m={p.stat().st_mtime}" for p in sorted(Path(assets_dir).glob("*.css")))


# --------------------------------------------------------------------------- compression cache


class CompressionCache:
    """Compressed bodies of immutable (fingerprinted) files, bounded by total bytes; thread-safe.

    flask-compress asks it for every response; keys ending in ``;`` (see :func:`compression_key`)
    are never stored, so only fingerprinted static files are compressed once per algorithm.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._max = max_bytes
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        if key.endswith(";"):
            return None
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";") or len(value) > self._max:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self._size += len(value)
            while self._size > self._max:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)


#: brotli quality of the bodies compressed once and kept (:class:`Precompressed`): 10 is within 2 % of
#: the smallest (11) in less than half its time (MapLibre: 246 KB in 0.7 s; flask-compress's level 5,
#: used for everything else, gives 266 KB).
PRECOMPRESS_BR_QUALITY = 10


class Precompressed:
    """A body that never changes, with its brotli and gzip encodings made once, on first use (thread-safe).

    For the files on the map's critical path on a phone (vendored MapLibre, the map's points): a few
    dozen KB less than flask-compress's per-response level. :meth:`response` answers in the best
    encoding the request accepts (flask-compress leaves a response with ``Content-Encoding`` alone).
    """

    def __init__(self, body: bytes, mimetype: str) -> None:
        self.body = body
        self.mimetype = mimetype
        self._encoded: dict[str, bytes] | None = None
        self._lock = threading.Lock()

    def encodings(self) -> dict[str, bytes]:
        """``{"br": ..., "gzip": ...}`` (only gzip without the brotli package), computed once."""
        with self._lock:
            if self._encoded is None:
                encoded = {"gzip": gzip.compress(self.body, compresslevel=9, mtime=0)}
                try:
                    import brotli
                except ImportError:
                    pass
                else:
                    encoded["br"] = brotli.compress(self.body, quality=PRECOMPRESS_BR_QUALITY)
                self._encoded = encoded
            return self._encoded

    def response(self) -> Response:
        """The body for the current request: brotli, gzip or plain, as its ``Accept-Encoding`` allows."""
        accepted = request.accept_encodings
        for name in ("br", "gzip"):
            if accepted[name] > 0 and name in self.encodings():
                out = Response(self.encodings()[name], mimetype=self.mimetype)
                out.headers["Content-Encoding"] = name
                out.headers["Vary"] = "Accept-Encoding"
                return out
        out = Response(self.body, mimetype=self.mimetype)
        out.headers["Vary"] = "Accept-Encoding"
        return out


def warm_precompressed(server: Flask) -> int:
    """Compress the app's :class:`Precompressed` files now (``stadtkarte serve`` before forking its
    workers, so they share the result and no visitor waits for it); returns how many."""
    bodies = server.extensions.get("stadtkarte_precompressed", [])
    for body in bodies:
        body.encodings()
    return len(bodies)


def compression_key(req: Any) -> str:
    """Cache key of a request for :class:`CompressionCache`: its URL for packaged files, else empty.

    Files under ``/_dash-component-suites/`` and ``/assets/`` and Dash's favicon do not change while
    the server runs (production has no hot reload), so their compressed bodies are kept; nothing else is.
    """
    if req.method == "GET" and (
        req.path.startswith(("/_dash-component-suites/", "/assets/", MAPLIBRE_PREFIX)) or req.path == FAVICON_PATH
    ):
        return str(req.full_path)
    return ""


def _compression_algorithms() -> list[str]:
    try:
        import brotli  # noqa: F401
    except ImportError:
        return ["gzip"]
    return ["br", "gzip"]


# --------------------------------------------------------------------------- wiring


def serve_strict_plotly(server: Flask, bundle: Path = STRICT_PLOTLY_JS) -> None:
    """Serve plotly.js's strict bundle where ``dcc.Graph`` loads plotly.js from (no ``'unsafe-eval'``).

    The URL carries no fingerprint, so it is revalidated (``no-cache`` + ETag: a 304 when unchanged).
    """
    if not bundle.is_file():
        raise FileNotFoundError(f"{bundle} is missing: reinstall the package (see dashboard/vendor/README.md)")
    body = bundle.read_bytes()

    def strict_plotly() -> Response:
        return Response(body, mimetype="text/javascript")

    server.add_url_rule(PLOTLY_JS_PATH, "stadtkarte_strict_plotly", strict_plotly)


def serve_maplibre(server: Flask, folder: Path = VENDOR_DIR) -> None:
    """Serve the vendored MapLibre GL JS files under :data:`MAPLIBRE_PREFIX` (idempotent).

    Registered by the map's callbacks (:func:`dashboard.map.callbacks.register_map_callbacks`), so
    any app with the map serves them; the version in the URL makes them cacheable for a year.
    """
    if "stadtkarte_maplibre" in server.view_functions:
        return
    missing = [name for name in MAPLIBRE_FILES if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{', '.join(missing)} missing in {folder}: reinstall the package (see dashboard/vendor/README.md)"
        )
    bodies = {name: Precompressed((folder / name).read_bytes(), mimetype) for name, mimetype in MAPLIBRE_FILES.items()}
    server.extensions.setdefault("stadtkarte_precompressed", []).extend(bodies.values())

    def maplibre(name: str) -> Response:
        if name not in bodies:
            return _text_response(404, "not found")
        return bodies[name].response()

    server.add_url_rule(MAPLIBRE_PREFIX + "<name>", "stadtkarte_maplibre", maplibre)


def _text_response(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _request_lang() -> str:
    lang = (request.args.get("lang") or "").strip().lower()
    return lang if lang in UI_LANGUAGES else DEFAULT_LANG


def read_city(data_dir: Path) -> Mapping[str, Any]:
    """``city.json`` of the current snapshot in ``data_dir`` ({} when missing or unreadable)."""
    from geodata.io import CITY_FILE
    from geodata.snapshot import current_snapshot_dir

    folder = current_snapshot_dir(Path(data_dir))
    try:
        city = json.loads((folder / CITY_FILE).read_text(encoding="utf-8")) if folder else {}
    except (OSError, ValueError):
        return {}
    return city if isinstance(city, dict) else {}


def harden(app: dash.Dash, settings: Settings, city: Mapping[str, Any] | None = None) -> None:
    """Add limits, headers, caching, compression, 404/400 handling, health and access log to ``app``.

    Parameters
    ----------
    app : dash.Dash
        The dashboard, with all pages and callbacks registered.
    settings : Settings
        Host names, proxy, limits and ``frame_ancestors`` (see :class:`dashboard.config.Settings`).
    city : Mapping, optional
        ``city.json`` of the served data (default: read from ``settings.data_dir``): its
        ``frame_ancestors`` (when the settings set none) and the optional basemap's tile origin.
    """
    from flask_compress import Compress

    server: Flask = app.server
    city = read_city(settings.data_dir) if city is None else city
    hosts = settings.host_names()
    ancestors = settings.frame_ancestors or tuple(city.get("frame_ancestors") or ()) or ("'self'",)
    image_sources = tile_origins(city)
    policy_cache: dict[str, str] = {}
    patterns = page_patterns(dash.page_registry)
    own_route = route_matcher(server)
    stylesheets = stylesheet_urls(Path(app.config.assets_folder))
    server.config["MAX_CONTENT_LENGTH"] = max(settings.max_callback_bytes, settings.max_form_bytes)
    server.config.update(
        COMPRESS_ALGORITHM=_compression_algorithms(),
        COMPRESS_MIMETYPES=list(COMPRESS_MIMETYPES),
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=5,
        COMPRESS_CACHE_BACKEND=CompressionCache,
        COMPRESS_CACHE_KEY=compression_key,
    )
    Compress(server)
    serve_strict_plotly(server)

    def csp() -> str:
        if "value" not in policy_cache:
            policy_cache["value"] = content_security_policy(app.csp_hashes(), ancestors, image_sources)
        return policy_cache["value"]

    @server.before_request
    def _guard() -> Response | None:
        g.stadtkarte_start = time.perf_counter()
        path = request.path
        if path in HEALTH_PATHS:
            return None
        if host_name(request.host) not in hosts:
            logger.warning("request for a host name that is not configured: answered 400 (set allowed hosts)")
            return _text_response(400, "Unbekannter Host-Name. / Unknown host name.")
        query = request.query_string
        if len(query) > settings.max_query_bytes or query.count(b"&") + 1 > settings.max_query_params:
            return _text_response(
                414,
                f"Adresse zu lang (höchstens {settings.max_query_bytes} Zeichen und {settings.max_query_params} "
                "Parameter). / URI too long.",
            )
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            limit = settings.max_callback_bytes if path == CALLBACK_PATH else settings.max_form_bytes
            if (request.content_length or 0) > limit:
                return _text_response(
                    413,
                    f"Anfrage zu groß (höchstens {limit // 1024} KB). / Request too large (at most {limit // 1024} KB).",
                )
        if request.method in ("GET", "HEAD") and path.startswith(API_PREFIX):
            tag = _api_tag()
            if tag is not None and request.if_none_match.contains_weak(tag):
                response = Response(status=304)
                response.set_etag(tag, weak=True)
                return response
        if request.method in ("GET", "HEAD") and not is_known_path(path, patterns, own_route):
            return Response(not_found_html(_request_lang(), stylesheets), status=404, mimetype="text/html")
        return None

    @server.errorhandler(404)
    def _not_found(_error: Exception) -> Response:
        return Response(not_found_html(_request_lang(), stylesheets), status=404, mimetype="text/html")

    @server.errorhandler(413)
    def _too_large(_error: Exception) -> Response:
        return _text_response(413, "Anfrage zu groß. / Request too large.")

    @server.get("/healthz")
    def _healthz() -> Response:
        return Response('{"status":"ok"}\n', mimetype="application/json")

    @server.get("/readyz")
    def _readyz() -> Response:
        ready, detail = readiness(server)
        body = json.dumps({"status": "ready" if ready else "not ready", **detail}) + "\n"
        return Response(body, status=200 if ready else 503, mimetype="application/json")

    _guard_callbacks(app, settings)

    @server.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Content-Security-Policy"] = csp()
        if ancestors == ("'self'",):
            headers["X-Frame-Options"] = "SAMEORIGIN"  # for browsers without CSP frame-ancestors
        notices = headers.get(NOTICES_HEADER)
        if notices is not None and len(notices) > MAX_NOTICES_HEADER:
            headers[NOTICES_HEADER] = summarise_notices(_json_list(notices))
        if request.is_secure:
            headers["Strict-Transport-Security"] = f"max-age={ONE_YEAR}"
        policy = cache_control_for(request.path, request.args, request.method, response.status_code)
        if policy is not None:
            headers["Cache-Control"] = policy
        api_tag = _api_tag() if request.path.startswith(API_PREFIX) and response.status_code == 200 else None
        if api_tag is not None:
            response.set_etag(api_tag, weak=True)
        elif policy == "no-cache" and not response.is_streamed and not response.direct_passthrough:
            response.add_etag()
            response.make_conditional(request)
        _log_access(response)
        return response


def readiness(server: Flask) -> tuple[bool, dict[str, Any]]:
    """Whether the app can answer requests (its data is loaded), and what it serves."""
    try:
        from dashboard import snapshot  # type: ignore[attr-defined]

        current = snapshot.current_snapshot()
        return True, {"snapshot": str(current.version)}
    except ImportError:
        from dashboard.data import DATASET_KEY

        dataset = server.config.get(DATASET_KEY)
        return dataset is not None, {"offers": len(dataset.offers) if dataset is not None else 0}
    except Exception as exc:  # any failure to load means "not ready", never a 500
        logger.warning("not ready: %s", exc)
        return False, {}


def _api_tag() -> str | None:
    """:func:`api_etag` of the current request, or None when no snapshot is loaded."""
    try:
        from dashboard.snapshot import current_snapshot

        version = current_snapshot().version
    except Exception:  # no snapshot: the body's own ETag is used instead
        return None
    return api_etag(version, request.full_path)


def _log_access(response: Response) -> None:
    if request.path in HEALTH_PATHS:
        return
    start = g.get("stadtkarte_start")
    millis = (time.perf_counter() - start) * 1000 if start is not None else 0.0
    access_logger.info(
        '%s "%s %s" %d %s %.0fms',
        truncate_ip(request.remote_addr),
        request.method,
        request.path,
        response.status_code,
        response.content_length if response.content_length is not None else "-",
        millis,
    )


def _guard_callbacks(app: dash.Dash, settings: Settings) -> None:
    """Wrap Dash's callback view: malformed payloads get 400 and one log line, not a traceback."""
    server = app.server
    endpoint = next((r.endpoint for r in server.url_map.iter_rules() if r.rule == CALLBACK_PATH), None)
    if endpoint is None:
        return
    dispatch: Callable[..., Any] = server.view_functions[endpoint]

    def guarded_dispatch(*args: Any, **kwargs: Any) -> Any:
        data = request.get_data(cache=True)
        try:
            if json_depth_exceeds(data):
                raise MalformedCallbackError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            try:
                body = json.loads(data)
            except (ValueError, RecursionError) as exc:
                raise MalformedCallbackError("body is not valid JSON") from exc
            check_callback_body(body, app.callback_map)
        except MalformedCallbackError as exc:
            logger.warning("malformed callback request answered 400: %s", exc)
            return _text_response(400, f"Ungültige Callback-Anfrage: {exc}. / Malformed callback request.")
        try:
            return dispatch(*args, **kwargs)
        except MALFORMED_INPUT_ERRORS as exc:
            if settings.debug:
                raise
            logger.warning(
                "callback %s rejected its input values, answered 400: %s: %s",
                str(body.get("output"))[:80],
                type(exc).__name__,
                str(exc)[:200],
            )
            return _text_response(400, "Ungültige Werte in der Callback-Anfrage. / Malformed callback values.")

    guarded_dispatch.__name__ = getattr(dispatch, "__name__", "dispatch")
    server.view_functions[endpoint] = guarded_dispatch
