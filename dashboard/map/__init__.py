"""The map page ("/"): filters, map, list and detail of the offers.

* :mod:`dashboard.map.layout` builds the page (the thin ``dashboard/pages/map.py`` registers it);
* :mod:`dashboard.map.callbacks` holds its thin callbacks (filter -> view, selection -> detail,
  the clientside map redraw of ``assets/map.js``);
* :mod:`dashboard.map.view` is the pure view computation, :mod:`dashboard.map.figures` the
  Plotly map and its markers, :mod:`dashboard.map.points` the per-snapshot point payload;
* :mod:`dashboard.map.offer_list` and :mod:`dashboard.map.detail` are the list and the detail panel.

The offline map style (:mod:`dashboard.mapstyle`) stays at the top: the coverage page's map uses it too.
"""
