"""The Stadtkarte Integration dashboard (Dash): see :func:`dashboard.app.create_app`."""
