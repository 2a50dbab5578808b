"""First start: make sure the data folder is served from a register.

* An empty data folder (a fresh machine): a SQLite register is created, the embedded
  Ludwigsburg demo is imported and published, and a demo moderator with a random
  password is created (printed once on the console by ``stadtkarte serve``).
* A data folder that already serves a set (a ``stadtkarte build`` output or a published
  snapshot) and an empty register: the register adopts that set as published entries
  (nothing changes on the map; the next publish writes the same files). A demo set
  also gets the demo moderator.
* A register with data: only migrated.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

from geodata.datasets import get_path
from geodata.errors import DatasetError
from geodata.io import CITY_FILE, DISTRICTS_FILE, OFFERS_FILE, read_districts, read_offers
from geodata.snapshot import current_snapshot_dir
from registry.board import import_posts, list_posts
from registry.importer import adopt_features, import_offers
from registry.register import Register

logger = logging.getLogger(__name__)

DEMO_MODERATOR = "demo-moderator@example.org"
DEMO_OFFERS = "ludwigsburg/offers.csv"
#: The demo's fictitious board posts (German headers of ``stadtkarte board import``).
DEMO_POSTS = "ludwigsburg/netzwerk_demo.csv"


def _demo_login(register: Register) -> str:
    password = secrets.token_urlsafe(15)
    register.add_user(DEMO_MODERATOR, password, role="moderator", actor="demo-setup")
    return f"{DEMO_MODERATOR} / {password}"


def import_demo_posts(register: Register) -> int:
    """Publish the demo's board posts into a register whose board is empty; returns how many were stored.

    A board that already has posts is left alone (0). Rows the import rejects are logged with
    their reason (the demo file is expected to have none; the rejects report is written as for
    any import).
    """
    if list_posts(register):
        return 0
    result = import_posts(register, get_path(DEMO_POSTS), actor="demo-setup")
    for reject in result.rejects:
        logger.warning("demo board post in row %d not imported: %s", reject.row, reject.reason("en"))
    logger.warning("exchange board: %d fictitious demo posts published", len(result.stored))
    return len(result.stored)


def adopt_served_set(register: Register, folder: Path) -> bool:
    """Take the set served from ``folder`` into the empty register; returns whether it is demo data."""
    offers, districts = read_offers(folder / OFFERS_FILE), read_districts(folder / DISTRICTS_FILE)
    try:
        city = json.loads((folder / CITY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(
            f"{folder / CITY_FILE} is missing or unreadable ({exc}); rebuild with 'stadtkarte build'"
        ) from exc
    adopt_features(register, offers, districts, city)
    logger.warning("register created from the set served in %s", folder)
    return bool(city.get("demo"))


@contextlib.contextmanager
def _first_start_lock(data_dir: Path) -> Iterator[None]:
    """Serialise first starts of several server processes on one data folder (an OS file lock).

    Without it two processes starting at once would both migrate and import the demo into the
    same empty SQLite file. POSIX ``flock``; on Windows ``msvcrt.locking``.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".first-start.lock", "a+b") as handle:
        if sys.platform == "win32":  # pragma: no cover - Windows servers
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def ensure_register(data_dir: Path, url: str | None = None) -> str | None:
    """Make sure ``data_dir`` is served from an up-to-date register (see the module docstring).

    Returns the demo login ``"demo-moderator@example.org / <password>"`` once, when it was
    just created; None otherwise. Raises ``geodata`` errors when an existing set is unreadable.
    Several processes starting at once on one folder take turns (a file lock), so only the
    first creates the register.
    """
    data_dir = Path(data_dir)
    with _first_start_lock(data_dir):
        return _ensure_register(data_dir, url)


def _ensure_register(data_dir: Path, url: str | None) -> str | None:
    with Register.open(url, data_dir) as register:
        register.upgrade()
        if not register.is_empty():
            return None
        served = current_snapshot_dir(data_dir) if data_dir.is_dir() else None
        if served is not None and (served / OFFERS_FILE).is_file():
            if not adopt_served_set(register, served):
                return None
            import_demo_posts(register)
            return _demo_login(register)
        logger.warning("empty register: importing the Ludwigsburg demo offers and publishing them")
        import_offers(register, get_path(DEMO_OFFERS), actor="demo-setup", apply=True)
        register.publish(data_dir, actor="demo-setup")
        import_demo_posts(register)
        return _demo_login(register)
