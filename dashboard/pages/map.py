"""The main page ("/"): filters, map, list and detail of the offers (built in :mod:`dashboard.map`)."""

from __future__ import annotations

import dash

from dashboard.map.layout import page_layout

dash.register_page(__name__, path="/", title="Stadtkarte Integration", name="Karte")

layout = page_layout
