"""The Content-Security-Policy in a real browser: the map draws with it, and it blocks injected scripts."""

from __future__ import annotations

from typing import Any

import pytest


def test_map_draws_under_the_csp_with_maplibre_and_charts_with_the_strict_plotly_bundle(
    page: Any, app_url: str, page_log: Any, tools: Any
) -> None:
    response = page.goto(app_url + "/")
    csp = response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in csp and "script-src 'self' 'sha256-" in csp
    tools.wait_for_dash(page)
    # the residents' map: MapLibre (module + module worker from this server), no plotly.js
    page.wait_for_function("() => { const r = window.stadtkarteMap.rendered(); return !!r && r.groups > 0; }")
    assert not [u for u in page_log.requests if "plotly" in u.lower()]
    # the planners' charts: plotly.js's strict bundle
    page.goto(app_url + "/coverage")
    tools.wait_for_dash(page)
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    page.wait_for_function("() => window.Plotly && typeof window.Plotly.newPlot === 'function'", timeout=30_000)
    assert any(u.endswith("/plotly/package_data/plotly.min.js") for u in page_log.requests)
    assert not page_log.console_errors, page_log.console_errors  # no CSP violation reported


def test_csp_blocks_an_injected_inline_script(page: Any, app_url: str, page_log: Any, tools: Any) -> None:
    page.goto(app_url + "/")
    tools.wait_for_dash(page)
    with pytest.raises(Exception, match="Content Security Policy"):
        page.add_script_tag(content="window.__injected = true")
    assert page.evaluate("() => window.__injected === undefined")
    page_log.console_errors.clear()  # the blocked script's report is the expected outcome here
