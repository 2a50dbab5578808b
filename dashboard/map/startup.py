"""The map page's start-up order: the first view's map before Dash's own scripts.

On a phone over a mobile network (1.6 Mbit/s, 4x slower CPU) every byte and every busy moment of
the main thread delays what comes after it. Dash's bundles (~250 KB) are needed for filtering, but
not for reading the server-rendered first view or for drawing the map: ``assets/map.js`` draws
the first view's map from MapLibre and the points file on its own (:mod:`dashboard.map.prerender`).
So on the map page (``/``) Dash's script files are not in the HTML; :data:`LOADER_JS` (inline, its
hash in the Content-Security-Policy) adds them, in their order, once the first view's map is drawn
or could not be drawn, or after :data:`WAIT_MS` at the latest, and then starts Dash's renderer.
Our own script files (``assets/*.js``, 22 KB) stay in the HTML, in front, and run as soon as they
arrive; Dash's inline scripts (its clientside functions) stay where they are. The other pages are
unchanged. Measured with ``bench/mobile.py``; the decision is recorded in docs/DESIGN.md.
"""

from __future__ import annotations

import re

#: Dash starts at the latest this long after the page's scripts have run, even when the map is still loading.
WAIT_MS = 5000
#: The ``<template>`` holding Dash's script elements, in order (inert there: neither fetched nor run).
SCRIPTS_ID = "dash-scripts"

_SCRIPT_TAG = re.compile(r'<script src="(?P<src>[^"]+)"></script>\s*')
_OWN_ASSETS = "/assets/"

#: Loads Dash's script files after the first view's map (``window.stadtkarteMap.early``, a promise
#: of ``assets/map.js``), then runs Dash's renderer (what Dash's own inline ``{%renderer%}`` does).
LOADER_JS = (
    "(function () {"
    " var started = false;"
    " function startDash() {"
    "  if (started) { return; }"
    "  started = true;"
    "  var listed = document.getElementById('" + SCRIPTS_ID + "').content.querySelectorAll('script[src]');"
    "  var last = null;"
    "  Array.prototype.forEach.call(listed, function (tag) {"
    "   var script = document.createElement('script'); script.src = tag.getAttribute('src'); script.async = false;"
    "   document.body.appendChild(script); last = script; });"
    "  var run = function () { window.renderer = new window.DashRenderer(); };"
    "  if (last) { last.addEventListener('load', run); } else { run(); }"
    " }"
    " var early = window.stadtkarteMap && window.stadtkarteMap.early;"
    " if (!early) { startDash(); return; }"
    " window.setTimeout(startDash, " + str(WAIT_MS) + ");"
    " early.then(startDash, startDash);"
    "})();"
)


def split_scripts(scripts: str) -> tuple[list[str], list[str], str]:
    """Dash's ``{%scripts%}`` split into our asset tags, Dash's script file tags and the rest (inline scripts)."""
    own: list[str] = []
    dash_tags: list[str] = []

    def take(match: re.Match[str]) -> str:
        (own if match.group("src").startswith(_OWN_ASSETS) else dash_tags).append(match.group(0).strip())
        return ""

    rest = _SCRIPT_TAG.sub(take, scripts)
    return own, dash_tags, rest


def map_first_scripts(scripts: str, renderer: str) -> tuple[str, str]:
    """``(scripts, renderer)`` for the map page: ours first (map.js in front), Dash's files loaded by :data:`LOADER_JS`.

    ``scripts`` and ``renderer`` are Dash's ``{%scripts%}`` and ``{%renderer%}``; in the result Dash's
    script elements move into a ``<template>`` (inert), the loader takes the renderer's place (and
    its id: Dash checks the page for both). Without any Dash script file nothing is changed.
    """
    own, dash_tags, rest = split_scripts(scripts)
    if not dash_tags:
        return scripts, renderer
    own.sort(key=lambda tag: "/assets/map.js" not in tag)  # map.js first: it starts the map
    return (
        "".join(own) + f'<template id="{SCRIPTS_ID}">{"".join(dash_tags)}</template>' + rest,
        f'<script id="_dash-renderer" type="application/javascript">{LOADER_JS}</script>',
    )
