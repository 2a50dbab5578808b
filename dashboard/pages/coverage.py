"""Registers ``/coverage``; the page lives in :mod:`dashboard.coverage.page` (the coverage room)."""

from __future__ import annotations

import dash

from dashboard.coverage import page

dash.register_page(__name__, path=page.PATH, title=page.TITLE, name=page.NAME, layout=page.layout)
