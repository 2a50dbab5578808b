"""Scripts that read the residents' MapLibre map in a real browser (``window.stadtkarteMap``, assets/map.js)."""

from __future__ import annotations

#: Where a point ``[lon, lat]`` is on the page (viewport pixels), from MapLibre's projection.
MARKER_AT_JS = """
([lon, lat]) => {
  const map = window.stadtkarteMap.map();
  const p = map.project([lon, lat]);
  const box = map.getContainer().getBoundingClientRect();
  return {x: box.left + p.x, y: box.top + p.y};
}
"""
