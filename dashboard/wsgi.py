"""WSGI entry point for operators: ``dashboard.wsgi:app``.

Settings come from the environment (see :mod:`dashboard.config`): ``STADTKARTE_DATA_DIR``
(the build output folder, default ``data/``), ``STADTKARTE_ALLOWED_HOSTS``,
``STADTKARTE_TRUSTED_PROXY``, ``STADTKARTE_FRAME_ANCESTORS``. For example::

    STADTKARTE_DATA_DIR=/srv/stadtkarte/data STADTKARTE_ALLOWED_HOSTS=karte.example.de \\
        waitress-serve --listen=127.0.0.1:8050 dashboard.wsgi:app

``stadtkarte serve`` does the same with several processes and the limits set for you.
The data folder must have been built (``stadtkarte build``); nothing is built here.
"""

from __future__ import annotations

from dashboard.app import create_app
from dashboard.config import Settings

settings = Settings.from_env()
app = create_app(settings.data_dir, settings).server
