"""Alembic environment: batch mode so the same migrations run on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import context

from carbonpeak.storage.engine import make_engine
from carbonpeak.storage.tables import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
