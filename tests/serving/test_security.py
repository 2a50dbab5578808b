"""Headers, limits, statuses and health of the app (Flask test client; server-level tests are in test_server.py)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from dashboard.app import create_app
from dashboard.config import Settings
from dashboard.filters import UI_LANGUAGES
from dashboard.security import (
    MAX_NOTICES_HEADER,
    PLOTLY_JS_PATH,
    api_etag,
    cache_control_for,
    content_security_policy,
    host_name,
    json_depth_exceeds,
    summarise_notices,
    tile_origins,
    truncate_ip,
)
from tests.support.tiny import write_tiny

CALLBACK = "/_dash-update-component"


# --------------------------------------------------------------------------- headers (finding 3)


def test_every_response_has_the_security_headers(client: Any) -> None:
    for path in ("/", "/api/offers.geojson", "/healthz", "/does-not-exist", "/_dash-layout"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"], path
        assert "Strict-Transport-Security" not in headers, path  # plain HTTP: no HSTS


def test_csp_allows_only_our_origin_and_dash_inline_scripts(app: Any, client: Any) -> None:
    csp = client.get("/").headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'", *app.csp_hashes()]
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in directives["script-src"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]  # Dash and plotly.js inject styles
    assert directives["connect-src"] == ["'self'"] and directives["object-src"] == ["'none'"]
    assert all(not s.startswith("http") for values in directives.values() for s in values)


def test_inline_scripts_of_the_page_match_the_csp_hashes(client: Any) -> None:
    import base64
    import hashlib
    import re

    response = client.get("/")
    html = re.sub(r"<!--.*?-->", "", response.get_data(as_text=True), flags=re.S)  # IE-only comment
    # every script element without a source file that is not JSON data (Dash's, the first view's, the loader)
    scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", html, re.S)
    assert len(scripts) >= 3, "the page's inline scripts were not found"
    csp = response.headers["Content-Security-Policy"]
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_frame_ancestors_come_from_the_city_config(tiny_data_dir: Any) -> None:
    city = json.loads((tiny_data_dir / "city.json").read_text(encoding="utf-8"))
    city["frame_ancestors"] = ["'self'", "https://www.ludwigsburg.de"]
    (tiny_data_dir / "city.json").write_text(json.dumps(city), encoding="utf-8")
    headers = create_app(tiny_data_dir).server.test_client().get("/").headers
    assert "frame-ancestors 'self' https://www.ludwigsburg.de" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers  # would forbid the city's site


def test_hsts_only_over_https(client: Any) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"].startswith("max-age=")


def test_foreign_host_gets_400_and_is_never_reflected(client: Any) -> None:
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert b"evil.example" not in response.data
    page = client.get("/", headers={"Host": "localhost:8050"})
    assert page.status_code == 200 and b"evil" not in page.data


def test_configured_host_names_are_answered(tiny_data_dir: Any) -> None:
    settings = Settings(data_dir=tiny_data_dir, allowed_hosts=("karte.example.de",))
    client = create_app(tiny_data_dir, settings).server.test_client()
    assert client.get("/", headers={"Host": "karte.example.de"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "10.0.0.7:8050"}).status_code == 200  # probes by IP


@pytest.mark.parametrize(
    ("header", "name"), [("Example.org:8050", "example.org"), ("[::1]:8050", "::1"), ("::1", "::1"), ("a", "a")]
)
def test_host_name_of_a_host_header(header: str, name: str) -> None:
    assert host_name(header) == name


# --------------------------------------------------------------------------- compression and caching (finding 4)


def test_html_js_json_and_geojson_are_compressed(client: Any) -> None:
    for path in ("/", "/api/offers.geojson", "/_dash-layout", PLOTLY_JS_PATH):
        for encoding in ("br", "gzip"):
            response = client.get(path, headers={"Accept-Encoding": encoding})
            assert response.headers.get("Content-Encoding") == encoding, (path, encoding)
            assert "Accept-Encoding" in response.headers["Vary"]


def test_fingerprinted_files_are_immutable_and_the_rest_revalidated(client: Any) -> None:
    html = client.get("/").get_data(as_text=True)
    import re

    fingerprinted = re.findall(r'src="(/_dash-component-suites/[^"]+)"', html) + re.findall(
        r'href="(/assets/[^"]+\?m=[^"]+)"', html
    )
    assert len(fingerprinted) >= 5
    for url in fingerprinted:
        assert client.get(url).headers["Cache-Control"] == "public, max-age=31536000, immutable", url
    assert client.get("/").headers["Cache-Control"] == "no-cache"  # Dash's page has a per-request id
    layout = client.get("/_dash-layout")
    assert layout.headers["Cache-Control"] == "no-cache" and layout.headers["ETag"]
    assert client.get("/_dash-layout", headers={"If-None-Match": layout.headers["ETag"]}).status_code == 304


def test_plotly_js_is_the_strict_bundle_of_the_same_version(client: Any) -> None:
    from plotly.offline import get_plotlyjs_version

    response = client.get(PLOTLY_JS_PATH)
    head = response.data[:200].decode()
    assert "(strict - minified)" in head and f"v{get_plotlyjs_version()}" in head
    assert response.headers["Cache-Control"] == "no-cache" and response.headers["ETag"]
    assert client.get(PLOTLY_JS_PATH, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_api_responses_are_cacheable_per_snapshot_version(client: Any) -> None:
    first = client.get("/api/offers.geojson?category=counselling")
    version = first.headers["X-Stadtkarte-Snapshot"]
    assert first.headers["Cache-Control"] == "no-cache"
    assert first.headers["ETag"] == f'W/"{api_etag(version, "/api/offers.geojson?category=counselling")}"'
    again = client.get("/api/offers.geojson?category=counselling", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    compressed = client.get("/api/offers.geojson?category=counselling", headers={"Accept-Encoding": "br"})
    assert compressed.headers["ETag"] == first.headers["ETag"]  # weak: flask-compress leaves it alone
    other = client.get("/api/offers.geojson?category=culture")
    assert other.headers["ETag"] != first.headers["ETag"]
    assert client.get("/api/offers.csv", headers={"If-None-Match": 'W/"old-version-1234"'}).status_code == 200


def test_a_new_snapshot_changes_the_api_etag(tiny_data_dir: Any) -> None:
    from geodata.snapshot import publish_snapshot

    publish_snapshot(tiny_data_dir, write_tiny)
    client = create_app(tiny_data_dir).server.test_client()
    first = client.get("/api/offers.geojson")
    publish_snapshot(tiny_data_dir, lambda folder: write_tiny(folder, offers=[]))
    again = client.get("/api/offers.geojson", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.get_json()["features"] == []
    assert again.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize(
    ("path", "query", "method", "status", "expected"),
    [
        ("/_dash-component-suites/dash/dcc/dcc.v4_4_1m17.js", {}, "GET", 200, "public, max-age=31536000, immutable"),
        ("/_dash-component-suites/plotly/package_data/plotly.min.js", {}, "GET", 200, "no-cache"),
        ("/assets/app.css", {"m": "17.5"}, "GET", 200, "public, max-age=31536000, immutable"),
        ("/assets/app.css", {}, "GET", 200, "no-cache"),
        ("/_dash-update-component", {}, "POST", 200, "no-store"),
        ("/nope", {}, "GET", 404, "no-store"),
        ("/", {}, "GET", 304, None),
    ],
)
def test_cache_policy(path: str, query: dict[str, str], method: str, status: int, expected: str | None) -> None:
    assert cache_control_for(path, query, method, status) == expected


# --------------------------------------------------------------------------- limits (findings 1 and 6)


def test_oversized_callback_body_gets_413_before_it_is_read(client: Any, callback_body: Any) -> None:
    body = json.dumps(callback_body(client, search="x" * 600_000))
    response = client.post(CALLBACK, data=body, content_type="application/json")
    assert response.status_code == 413
    assert "512 KB" in response.get_data(as_text=True)


def test_normal_callback_still_answers(client: Any, callback_body: Any) -> None:
    response = client.post(CALLBACK, json=callback_body(client, filters={"categories": ["counselling"]}))
    assert response.status_code == 200, response.data[:300]


def test_other_posts_have_their_own_limit(tiny_data_dir: Any, callback_body: Any) -> None:
    settings = Settings(data_dir=tiny_data_dir, max_form_bytes=1000)
    client = create_app(tiny_data_dir, settings).server.test_client()
    assert client.post("/api/offers.csv", data=b"x" * 1001).status_code == 413
    assert client.post(CALLBACK, json=callback_body(client)).status_code == 200  # callbacks: 512 KB


def test_long_query_gets_414(client: Any) -> None:
    assert client.get("/api/offers.geojson?" + "&".join(["language=xx"] * 12000)).status_code == 414
    assert client.get("/?q=" + "a" * 5000).status_code == 414
    assert client.get("/api/offers.geojson?" + "&".join(f"language=l{i}" for i in range(150))).status_code == 200


def test_notices_header_stays_small(client: Any) -> None:
    response = client.get("/api/offers.geojson?" + "&".join(f"language=unknown{i:03d}" for i in range(190)))
    assert response.status_code == 200
    header = response.headers["X-Stadtkarte-Notices"]
    assert len(header) <= MAX_NOTICES_HEADER
    notices = json.loads(header)
    assert notices[-1].startswith("... ") and "more notices" in notices[-1]
    assert len(response.get_json()["notices"]) == 190  # the body keeps them all


def test_summarise_notices_keeps_what_fits_and_counts_the_rest() -> None:
    from dashboard.filters import Notice

    few = [Notice("unknown_language", "language", "xx")]
    assert json.loads(summarise_notices(few)) == ["unknown_language: language=xx"]
    many = [Notice("unknown_language", "language", f"v{i}" * 20) for i in range(500)]
    text = summarise_notices(many)
    items = json.loads(text)
    assert len(text) <= MAX_NOTICES_HEADER and text.isascii()
    assert items[-1] == f"... {500 - (len(items) - 1)} more notices in the response body"
    assert summarise_notices([]) == "[]"
    assert json.loads(summarise_notices(["é" * 5000]))[0] == "é" * 120


# --------------------------------------------------------------------------- statuses (finding 6)


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_unknown_url_is_a_translated_404_page(client: Any, lang: str) -> None:
    response = client.get(f"/gibt-es-nicht?lang={lang}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in html and f'href="/?lang={lang}"' in html
    assert ("Seite nicht gefunden" in html) == (lang == "de")
    assert "404 - Page not found" not in html
    assert html.count('hreflang="') == len(UI_LANGUAGES)  # the header's language switch


def test_404_page_texts_are_translated(client: Any) -> None:
    titles = {
        lang: client.get(f"/x?lang={lang}").get_data(as_text=True).split("<h1>")[1].split("</h1>")[0]
        for lang in UI_LANGUAGES
    }
    assert len(set(titles.values())) == len(UI_LANGUAGES)


def test_pages_and_own_routes_are_not_404(client: Any) -> None:
    for path in ("/", "/barrierefreiheit", "/coverage", "/profile", "/api/offers.csv", "/healthz", "/readyz"):
        assert client.get(path).status_code == 200, path
    assert client.get("/assets/nope.css").status_code == 404
    assert client.get("/api/nope").status_code == 404


MALFORMED: dict[str, Any] = {
    "bad json": b"{not json",
    "not an object": b"[1, 2, 3]",
    "unknown output": {"output": "nope.children", "inputs": [], "changedPropIds": []},
    "inputs not a list": {"inputs": "x"},
    "deep nesting": b'{"output": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "wrong value types": {"filters": {"categories": {"$gt": 1}, "languages": 5, "districts": [[1]]}},
    "filters not an object": {"filters": ["a", "b"]},
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_callback_gets_400_without_traceback(client: Any, case: str, caplog: Any, callback_body: Any) -> None:
    payload = MALFORMED[case]
    if isinstance(payload, bytes):
        data = payload
    elif "filters" in payload:
        data = json.dumps(callback_body(client, filters=payload["filters"])).encode()
    else:
        data = json.dumps({**callback_body(client), **payload}).encode()
    with caplog.at_level(logging.INFO):
        response = client.post(CALLBACK, data=data, content_type="application/json")
    assert response.status_code == 400, response.data[:300]
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)
    assert b"Traceback" not in response.data and len(response.data) < 300


def test_json_depth_scan_ignores_brackets_in_strings() -> None:
    assert not json_depth_exceeds(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', limit=3)
    assert json_depth_exceeds(b"[[[[1]]]]", limit=3)
    assert not json_depth_exceeds(b'["\\"[[[[["]', limit=2)


# --------------------------------------------------------------------------- health and logs (finding 9)


def test_health_endpoints(client: Any) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready"


def test_access_log_truncates_addresses_and_skips_health(client: Any, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="dashboard.access"):
        client.get("/healthz", environ_base={"REMOTE_ADDR": "203.0.113.77"})
        client.get("/readyz", environ_base={"REMOTE_ADDR": "203.0.113.77"})
        client.get("/api/offers.csv?q=geheim", environ_base={"REMOTE_ADDR": "203.0.113.77"})
    lines = [r.getMessage() for r in caplog.records if r.name == "dashboard.access"]
    assert lines == [lines[0]] and lines[0].startswith('203.0.113.0 "GET /api/offers.csv" 200')
    assert "203.0.113.77" not in caplog.text and "geheim" not in caplog.text


@pytest.mark.parametrize(
    ("address", "expected"),
    [("203.0.113.77", "203.0.113.0"), ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::"), ("junk", "-"), (None, "-")],
)
def test_truncate_ip(address: str | None, expected: str) -> None:
    assert truncate_ip(address) == expected


def test_csp_names_an_online_basemap_origin() -> None:
    city = {"basemap": {"tiles": ["https://tiles.example.de/{z}/{x}/{y}.png"], "attribution": "x"}}
    assert tile_origins(city) == ("https://tiles.example.de",)
    csp = content_security_policy([], ("'self'",), tile_origins(city))
    assert "img-src 'self' data: blob: https://tiles.example.de" in csp
    assert tile_origins({"basemap": None}) == ()


def test_city_config_frame_ancestors_reach_city_json() -> None:
    from etl.config import config_from_mapping
    from etl.errors import ConfigError
    from etl.write import city_settings

    config = config_from_mapping({"dashboard": {"frame_ancestors": ["'self'", "https://www.ludwigsburg.de"]}})
    assert city_settings(config, None)["frame_ancestors"] == ["'self'", "https://www.ludwigsburg.de"]
    assert "frame_ancestors" not in city_settings(config_from_mapping({}), None)  # default: 'self' in the server
    for bad in ("https://x.de; script-src *", "*", "javascript:alert(1)"):
        with pytest.raises(ConfigError, match="frame_ancestors"):
            config_from_mapping({"dashboard": {"frame_ancestors": [bad]}})


def test_compression_cache_keys_name_the_file():
    """Each packaged file has its own key (a shared key served one file's body for every script)."""
    from types import SimpleNamespace

    from dashboard.security import MAPLIBRE_PREFIX, compression_key

    def key(path: str, query: str = "", method: str = "GET") -> str:
        full = path + ("?" + query if query else "?")
        return compression_key(SimpleNamespace(method=method, path=path, full_path=full))

    paths = [
        "/_dash-component-suites/dash/deps/polyfill@7.v4_4_1m1.12.1.min.js",
        "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4_4_1m1.min.js",
        "/assets/map.js",
        MAPLIBRE_PREFIX + "maplibre-gl.mjs",
        "/_favicon.ico",
    ]
    keys = [key(p, "v=1") for p in paths]
    assert len(set(keys)) == len(paths) and all(p in k for p, k in zip(paths, keys, strict=True))
    assert key("/assets/map.js", "m=1") != key("/assets/map.js", "m=2")
    assert key("/api/offers.geojson") == "" and key("/assets/map.js", method="POST") == ""
