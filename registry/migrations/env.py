"""Alembic environment: the engine comes from :func:`registry.db.alembic_config`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from registry.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("run migrations through registry.db.upgrade() or 'stadtkarte db upgrade'")
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
