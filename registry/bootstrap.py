"""First start of the demo: a SQLite register filled from the embedded Ludwigsburg demo."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from geodata.datasets import get_path
from registry.importer import import_offers
from registry.register import Register

logger = logging.getLogger(__name__)

DEMO_MODERATOR = "demo-moderator@example.org"
DEMO_OFFERS = "ludwigsburg/offers.csv"


def ensure_register(data_dir: Path, url: str | None = None) -> str | None:
    """Make sure ``data_dir`` is served from an up-to-date register.

    An empty register (a new SQLite file by default) is filled from the demo offers,
    published, and given a demo moderator with a random password. Returns the login
    ``"demo-moderator@example.org / <password>"`` once, for the console; None when the
    register already existed (it is only migrated then).
    """
    with Register.open(url, Path(data_dir)) as register:
        register.upgrade()
        if not register.is_empty():
            return None
        logger.warning("empty register: importing the Ludwigsburg demo offers and publishing them")
        import_offers(register, get_path(DEMO_OFFERS), actor="demo-setup", apply=True)
        register.publish(Path(data_dir), actor="demo-setup")
        password = secrets.token_urlsafe(15)
        register.add_user(DEMO_MODERATOR, password, role="moderator", actor="demo-setup")
        return f"{DEMO_MODERATOR} / {password}"
