"""The map page's start-up order: the first view's map before Dash's own scripts.

On a phone over a mobile network (1.6 Mbit/s, 4x slower CPU) every byte and every busy moment of
the main thread delays what comes after it. Dash's bundles (~250 KB) are needed for filtering, but
not for reading the server-rendered first view or for drawing the map: ``assets/map.js`` draws
the first view's map from MapLibre and the points file on its own (:mod:`dashboard.map.prerender`).
So on the map page (``/``) Dash's script files are not in the HTML; :data:`LOADER_JS` (inline, its
hash in the Content-Security-Policy) adds them, in their order, once the first view's map is drawn
or could not be drawn, or after :data:`WAIT_MS` at the latest, and then starts Dash's renderer.
Our two scripts the first view needs (:data:`EARLY_ASSETS`: the map; the list|map switch and the
filters, 16 KB) stay in the HTML, in front, and run as soon as they arrive; our other scripts wait
with Dash's, in their order; Dash's inline scripts (its clientside functions) stay where they are. The other pages are
unchanged. Measured with ``bench/mobile.py``; the decision is recorded in docs/DESIGN.md.
"""

from __future__ import annotations

import re

#: Dash starts at the latest this long after the page's scripts have run, even when the map is still loading.
WAIT_MS = 5000
#: The ``<template>`` holding Dash's script elements, in order (inert there: neither fetched nor run).
SCRIPTS_ID = "dash-scripts"

_SCRIPT_TAG = re.compile(r'<script src="(?P<src>[^"]+)"></script>\s*')
#: Our scripts the first view needs (the map; the list|map switch and filters): in front, map.js first.
EARLY_ASSETS = ("/assets/map.js", "/assets/filters.js")

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
    """Dash's ``{%scripts%}`` split into the early tags (:data:`EARLY_ASSETS`, in that order), the other
    script file tags (Dash's and our other assets, in their order) and the rest (inline scripts)."""
    early: dict[str, str] = {}
    later: list[str] = []

    def take(match: re.Match[str]) -> str:
        path = match.group("src").split("?", 1)[0]
        if path in EARLY_ASSETS:
            early[path] = match.group(0).strip()
        else:
            later.append(match.group(0).strip())
        return ""

    rest = _SCRIPT_TAG.sub(take, scripts)
    return [early[path] for path in EARLY_ASSETS if path in early], later, rest


def map_first_scripts(scripts: str, renderer: str) -> tuple[str, str]:
    """``(scripts, renderer)`` for the map page: map.js and filters.js first, the other files loaded by :data:`LOADER_JS`.

    ``scripts`` and ``renderer`` are Dash's ``{%scripts%}`` and ``{%renderer%}``; in the result the
    other script elements wait in a ``<template>`` (inert), and the loader takes the renderer's place
    (and its id: Dash checks the page for both). Without any other script file nothing is changed.
    """
    early, later, rest = split_scripts(scripts)
    if not any("_dash-component-suites" in tag for tag in later):
        return scripts, renderer
    return (
        "".join(early) + f'<template id="{SCRIPTS_ID}">{"".join(later)}</template>' + rest,
        f'<script id="_dash-renderer" type="application/javascript">{LOADER_JS}</script>',
    )
