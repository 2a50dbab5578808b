"""What ``/`` costs a phone on the production server (issue 12): compression and cache lifetimes.

The production server (waitress, two workers) runs in a subprocess on the tiny dataset; every file
the map page's HTML links (scripts, stylesheets, favicon) is fetched as a browser would, asking for
brotli or gzip.
"""

from __future__ import annotations

import gzip
import re
import urllib.request
from typing import Any

import pytest

from dashboard.security import cache_control_for

YEAR = "public, max-age=31536000, immutable"
#: Bodies shorter than this are sent as they are (flask-compress's COMPRESS_MIN_SIZE).
MIN_COMPRESSED = 500


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip", "Host": "127.0.0.1"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def brotli_decompress(body: bytes) -> bytes:
    import brotli  # installed with flask-compress on CPython; the server sends br only when it is

    return bytes(brotli.decompress(body))


def linked_urls(page: str) -> list[str]:
    """The scripts, stylesheets and icon the page's HTML links (its own origin only)."""
    return re.findall(r'<(?:script|link)[^>]*?(?:src|href)="(/[^"]+)"', page)


def test_the_map_page_and_everything_it_links_are_compressed_and_cached(running_server: Any) -> None:
    status, headers, body = fetch(running_server.url + "/?lang=ar")
    assert status == 200 and headers.get("content-encoding") in ("br", "gzip")
    assert headers["cache-control"] == "no-cache"  # the page itself is revalidated (it holds the data's first view)
    assert len(body) < 20_000  # the first view of the list (and the inlined stylesheets) travel compressed
    page = gzip.decompress(body) if headers["content-encoding"] == "gzip" else brotli_decompress(body)
    urls = linked_urls(page.decode("utf-8"))
    _status, _headers, coverage = fetch(running_server.url + "/coverage")
    coverage_page = gzip.decompress(coverage) if _headers["content-encoding"] == "gzip" else brotli_decompress(coverage)
    urls += linked_urls(coverage_page.decode("utf-8"))  # the stylesheets, which / brings inline
    assert any(".css" in u for u in urls)
    assert any(u.startswith("/_favicon.ico?v=") for u in urls) and any(u.endswith(".js") or ".js?" in u for u in urls)
    problems = []
    for url in urls:
        status, headers, body = fetch(running_server.url + url.replace("&amp;", "&"))
        size = int(headers.get("content-length") or len(body))
        if headers.get("content-encoding") not in ("br", "gzip") and size >= MIN_COMPRESSED:
            problems.append(f"{url}: {size} bytes sent uncompressed")
        if headers.get("cache-control") != YEAR:
            problems.append(f"{url}: Cache-Control {headers.get('cache-control')!r}, not a year")
    assert problems == []


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/_favicon.ico", {"v": "4.4.1"}, YEAR),
        ("/_favicon.ico", {}, "no-cache"),
        ("/_dash-component-suites/dash/dcc/async-graph.js", {}, "no-cache"),  # no fingerprint: revalidated
    ],
)
def test_versioned_favicon_is_cached_for_a_year(path: str, query: dict[str, str], expected: str) -> None:
    assert cache_control_for(path, query, "GET", 200) == expected
