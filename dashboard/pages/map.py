"""The main page ("/"): filters, map, list and detail of the offers (built in :mod:`dashboard.map`)."""

from __future__ import annotations

import dash

from dashboard.layout import title_for
from dashboard.map.layout import page_layout

dash.register_page(__name__, path="/", title=title_for("/"), name="Karte")

layout = page_layout
