"""Engine, sessions and migrations.

The database URL comes from (first wins) the explicit argument,
``STADTKARTE_DATABASE_URL``, or ``sqlite:///<data_dir>/register.sqlite``.
PostgreSQL runs through psycopg 3: ``postgresql+psycopg://user@host:port/db``.
Migrations are Alembic's, in ``registry/migrations``; they run programmatically
(no ``alembic.ini`` needed at run time).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

ENV_URL = "STADTKARTE_DATABASE_URL"
SQLITE_FILE = "register.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url(url: str | None, data_dir: Path) -> str:
    """The URL to use: ``url`` > env ``STADTKARTE_DATABASE_URL`` > the SQLite file in ``data_dir``."""
    chosen = url or os.environ.get(ENV_URL) or f"sqlite:///{Path(data_dir) / SQLITE_FILE}"
    try:
        parsed = make_url(chosen)
    except ArgumentError as exc:
        raise ValueError(
            f"database URL {chosen!r} is not valid: use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB"
        ) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(
            f"database {parsed.get_backend_name()!r} is not supported: use sqlite:///PATH or postgresql+psycopg://…"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        chosen = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return chosen


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the web process) do not block the writer
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout, its folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (results are copied into dataclasses anyway)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One session = one transaction: committed on success, rolled back on any error, always closed."""
    with factory() as session, session.begin():
        yield session


def alembic_config(engine: Engine) -> Any:
    """An Alembic ``Config`` for ``engine``, built in code (no alembic.ini)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: not initialised)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """The newest revision the code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
