"""Dash Pages of the dashboard; each module registers itself with ``dash.register_page``."""
