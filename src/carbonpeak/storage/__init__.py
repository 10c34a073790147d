"""Storage adapter: SQLAlchemy 2 tables, Alembic migrations, repositories mapping to domain models.

``Engine`` is the database handle the engine factory returns; the adapters (CLI, web) name it in
their annotations from here and never import SQLAlchemy themselves."""

from sqlalchemy import Engine

from carbonpeak.storage import sessions
from carbonpeak.storage.engine import is_sqlite, make_engine, reader
from carbonpeak.storage.migrate import current, head, upgrade
from carbonpeak.storage.plans import StoredPlan, plan_revisions, store_plan

__all__ = [
    "Engine",
    "StoredPlan",
    "current",
    "head",
    "is_sqlite",
    "make_engine",
    "plan_revisions",
    "reader",
    "sessions",
    "store_plan",
    "upgrade",
]
