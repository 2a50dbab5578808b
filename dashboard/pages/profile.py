"""Registers ``/profile``; the page lives in :mod:`dashboard.coverage.profile` (the coverage room)."""

from __future__ import annotations

import dash

from dashboard.coverage import profile

dash.register_page(__name__, path=profile.PATH, title=profile.TITLE, name=profile.NAME, layout=profile.layout)
