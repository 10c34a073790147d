"""Helpers shared by the storage and tracking tests: a migrated database with the example plan."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from carbonpeak.plan import Plan, load_plan
from carbonpeak.services.tracking import TrackingService
from carbonpeak.storage import make_engine, store_plan, upgrade
from carbonpeak.tracking.model import Actor
from tests.conftest import EXAMPLE_PLAN

OFFICE = Actor("王主任", "office")
DEV_REFORM = Actor("李科长", "department", "dev_reform")
INDUSTRY = Actor("张科员", "department", "industry_it")
VIEWER = Actor("赵领导", "viewer")


def example_plan() -> Plan:
    return load_plan(str(EXAMPLE_PLAN))


@contextmanager
def service_for(
    url: str, evidence_dir: Path | None = None, plan: Plan | None = None
) -> Iterator[TrackingService]:
    """A tracking service on a migrated database holding the plan; the engine is disposed after."""
    upgrade(url)
    plan = plan or example_plan()
    engine = make_engine(url)
    try:
        store_plan(engine, plan, who="test", source=str(EXAMPLE_PLAN))
        yield TrackingService(engine, plan, source="test", evidence_dir=evidence_dir)
    finally:
        engine.dispose()
