"""The map drawn before Dash starts (issue 12, "map drawn <= 4 s"): the page's start-up order and the points file."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from dashboard.app import create_app
from dashboard.filters import FilterState, decode_mask, filter_mask
from dashboard.map.points import DETAIL_KEYS, SETUP_KEYS, details_href, points_href, snapshot_payload
from dashboard.map.startup import LOADER_JS, SCRIPTS_ID, map_first_scripts
from dashboard.snapshot import current_snapshot

DASH_SCRIPTS = (
    '<script src="/_dash-component-suites/dash/deps/react@18.v4_4_1m1.min.js"></script>\n'
    '<script src="/assets/filters.js?m=1"></script>\n'
    '<script src="/assets/map.js?m=2"></script>\n'
    '<script src="/assets/workshop.js?m=3"></script>\n'
    '<script src="/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4_4_1m1.min.js"></script>\n'
    "<script>\n(function() { window.dash_clientside = {}; })();\n</script>"
)
RENDERER = '<script id="_dash-renderer" type="application/javascript">var renderer = new DashRenderer();</script>'


class Elements(HTMLParser):
    """Attributes of every element, by id."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.by_id[str(values["id"])] = values


def elements(page: str) -> dict[str, dict[str, str | None]]:
    parser = Elements()
    parser.feed(page)
    return parser.by_id


def test_our_scripts_come_first_and_dashs_files_wait_in_a_template() -> None:
    scripts, renderer = map_first_scripts(DASH_SCRIPTS, RENDERER)
    ours = re.findall(r'<script src="(/assets/[^"]+)"></script>', scripts.split("<template", 1)[0])
    assert ours == ["/assets/map.js?m=2", "/assets/filters.js?m=1"]  # what the first view needs, map.js first
    template = scripts.split(f'<template id="{SCRIPTS_ID}">', 1)[1].split("</template>", 1)[0]
    assert re.findall(r'src="([^"]+)"', template) == [  # the others, in Dash's order
        "/_dash-component-suites/dash/deps/react@18.v4_4_1m1.min.js",
        "/assets/workshop.js?m=3",
        "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4_4_1m1.min.js",
    ]
    assert "window.dash_clientside = {}" in scripts.split("</template>", 1)[1]  # inline scripts stay, after
    assert renderer == f'<script id="_dash-renderer" type="application/javascript">{LOADER_JS}</script>'
    # a page without Dash's files is left alone
    assert map_first_scripts('<script src="/assets/map.js?m=2"></script>', RENDERER) == (
        '<script src="/assets/map.js?m=2"></script>',
        RENDERER,
    )


def test_only_the_map_page_defers_dashs_scripts(tiny_data_dir: Path) -> None:
    client = create_app(tiny_data_dir).server.test_client()
    page = client.get("/").get_data(as_text=True)
    body = page.split("</head>", 1)[1]
    before_template = body.split(f'<template id="{SCRIPTS_ID}">', 1)[0]
    assert "_dash-component-suites" not in before_template  # nothing of Dash is fetched before the loader says so
    assert before_template.index("/assets/map.js") < before_template.index("/assets/filters.js")
    assert LOADER_JS in page and "new DashRenderer();" not in page
    coverage = client.get("/coverage").get_data(as_text=True)
    assert SCRIPTS_ID not in coverage and LOADER_JS not in coverage
    assert '<script src="/_dash-component-suites/dash/dash-renderer' in coverage


def test_the_first_views_map_box_carries_setup_view_and_the_points_url(tiny_data_dir: Path) -> None:
    app = create_app(tiny_data_dir)
    client = app.server.test_client()
    page = client.get("/?category=counselling&lang=uk").get_data(as_text=True)
    box = elements(page)["fv-offer-map"]
    with app.server.test_request_context("/"):
        snapshot = current_snapshot()
    assert box["data-points"] == points_href(snapshot, "uk")
    setup = json.loads(str(box["data-setup"]))
    assert sorted(setup) == sorted(SETUP_KEYS) and setup["version"] == snapshot.version and setup["lang"] == "uk"
    assert "glon" not in str(box["data-setup"]) and "names" not in setup  # no offer's point in the page
    view = json.loads(str(box["data-view"]))
    expected = filter_mask(snapshot.dataset, FilterState(categories=("counselling",)))
    assert view["version"] == snapshot.version and view["count"] == int(expected.sum()) == 2
    assert decode_mask(view["mask"], view["n"]).tolist() == expected.tolist()


def test_the_points_file_is_served_for_the_current_version_only(tiny_data_dir: Path) -> None:
    app = create_app(tiny_data_dir)
    client = app.server.test_client()
    with app.server.test_request_context("/"):
        snapshot = current_snapshot()
        expected: dict[str, Any] = json.loads(json.dumps(snapshot_payload(snapshot, "ar")))
    response = client.get(points_href(snapshot, "ar"), headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"  # the version is in the URL
    assert response.headers["Content-Encoding"] == "br"
    response.direct_passthrough = False
    import brotli

    served = json.loads(brotli.decompress(response.get_data()))
    # what drawing needs; the names, ids and districts (tooltips, clicks) are a second file of the version
    assert not set(DETAIL_KEYS) & set(served) and served["details"] == details_href(snapshot)
    details = client.get(served["details"])
    assert details.status_code == 200 and details.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert {**served, **details.json} == {**expected, "details": served["details"]}
    assert len(response.get_data()) < len(brotli.compress(json.dumps(expected).encode()))
    assert client.get(f"/_map/points/{'0' * 16}/ar.json").status_code == 404  # a replaced version
    assert client.get(f"/_map/points/{'0' * 16}/details.json").status_code == 404
    assert client.get(f"/_map/points/{snapshot.version}/xx.json").status_code == 404
    assert client.get(f"/_map/points/{'0' * 16}/ar.json").headers["Cache-Control"] == "no-store"


def test_maplibre_is_compressed_once_harder_than_other_responses(tiny_data_dir: Path) -> None:
    import brotli

    from dashboard.app import MAPLIBRE_MODULE
    from dashboard.security import warm_precompressed

    app = create_app(tiny_data_dir)
    assert warm_precompressed(app.server) == 3  # module, worker, stylesheet
    client = app.server.test_client()
    plain = client.get(MAPLIBRE_MODULE, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.headers["Vary"] == "Accept-Encoding"
    body = plain.get_data()
    br = client.get(MAPLIBRE_MODULE, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.get_data()) == body
    # smaller than the per-response level that flask-compress uses for everything else
    assert len(br.get_data()) < len(brotli.compress(body, quality=app.server.config["COMPRESS_BR_LEVEL"])) * 0.95
    gz = client.get(MAPLIBRE_MODULE, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gz.headers["Cache-Control"] == "public, max-age=31536000, immutable"
