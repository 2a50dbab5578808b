"""Smoke tests of the browser harness and of the dashboard loading offline."""

from __future__ import annotations

from typing import Any

import dash
from dash import html


def _minimal_app(children: list[Any]) -> dash.Dash:
    app = dash.Dash(__name__, serve_locally=True, title="harness")
    app.layout = html.Main(children, lang="de")
    return app


def test_guard_records_and_blocks_remote_requests(context: Any, tools: Any) -> None:
    app = _minimal_app([html.H1("Harness"), html.Img(src="http://198.51.100.7/remote.png", alt="remote")])
    with tools.serve_app(app) as url:
        pg = context.new_page()
        log = tools.attach_log(pg)
        pg.goto(url)
        tools.wait_for_dash(pg)
        pg.wait_for_selector("img", state="attached")
    assert log.remote_requests == ["http://198.51.100.7/remote.png"]
    assert any(p.startswith("remote request:") for p in log.problems())


def test_guard_records_console_errors(context: Any, tools: Any) -> None:
    with tools.serve_app(_minimal_app([html.H1("Harness")])) as url:
        pg = context.new_page()
        log = tools.attach_log(pg)
        pg.goto(url)
        tools.wait_for_dash(pg)
        pg.evaluate("() => console.error('boom')")
    assert log.console_errors == ["boom"]


def test_minimal_dash_app_loads_offline_with_webgl(page: Any, page_log: Any, tools: Any) -> None:
    with tools.serve_app(_minimal_app([html.H1("Harness")])) as url:
        page.goto(url)
        tools.wait_for_dash(page)
        assert page.inner_text("h1") == "Harness"
        has_webgl2 = page.evaluate("() => !!document.createElement('canvas').getContext('webgl2')")
    assert has_webgl2, "MapLibre needs WebGL2: launch Chromium with --enable-unsafe-swiftshader"
    assert page_log.requests, "the page made no request at all: the recorder is not attached"
    assert all(u.startswith(url) for u in page_log.requests)


def test_axe_reports_serious_violations(page: Any, tools: Any) -> None:
    app = _minimal_app([html.Img(src="/nothing.png")])  # an image without alt text is 'critical'
    app.server.add_url_rule("/nothing.png", "nothing", lambda: ("", 204))
    with tools.serve_app(app) as url:
        page.goto(url)
        tools.wait_for_dash(page)
        violations = tools.axe(page)
    assert "image-alt" in {v["id"] for v in violations}, tools.describe_violations(violations)


def test_dashboard_loads_offline(page: Any, app_url: str, tools: Any) -> None:
    page.goto(app_url + "/")
    tools.wait_for_dash(page)
    assert page.get_attribute("html", "lang") == "de"
    assert page.locator("#result-count").count() == 1
