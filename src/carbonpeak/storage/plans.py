"""Plan revisions in the database: store a plan (a new revision only when its content changed)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from carbonpeak.plan import Plan, plan_dict
from carbonpeak.storage.tables import AuditRow, PlanRevision


@dataclass(frozen=True)
class StoredPlan:
    plan_id: str
    revision: int
    created: bool


def content_digest(content: dict[str, object]) -> str:
    """The sha256 of a stored plan's content (its JSON with sorted keys)."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def store_plan(engine: Engine, plan: Plan, *, who: str, source: str) -> StoredPlan:
    """Store ``plan`` as the next revision of its id, unless the latest revision is identical."""
    content = plan_dict(plan)
    digest = content_digest(content)
    with Session(engine) as session, session.begin():
        latest = session.scalars(
            select(PlanRevision)
            .where(PlanRevision.plan_id == plan.plan.id)
            .order_by(PlanRevision.revision.desc())
            .limit(1)
        ).first()
        if latest is not None and latest.content_sha256 == digest:
            return StoredPlan(plan.plan.id, latest.revision, created=False)
        revision = (latest.revision if latest else 0) + 1
        row = PlanRevision(
            plan_id=plan.plan.id,
            revision=revision,
            content_sha256=digest,
            schema_version=plan.plan.schema_version,
            title=plan.plan.title,
            content=content,
            created_by=who,
            source=source,
        )
        session.add(row)
        session.flush()
        # The revisions are the plan's history; the audit row says who amended it, when and from where.
        summary = ("plan_id", "revision", "content_sha256", "title")
        session.add(
            AuditRow(
                who=who,
                source=source,
                action="insert",
                table_name=PlanRevision.__tablename__,
                row_id=row.id,
                before={k: getattr(latest, k) for k in summary} if latest else None,
                after={k: getattr(row, k) for k in summary},
            )
        )
        return StoredPlan(plan.plan.id, revision, created=True)


def plan_revisions(engine: Engine, plan_id: str) -> list[tuple[int, str, str]]:
    """(revision, sha256, created_by) of every stored revision, oldest first."""
    with Session(engine) as session:
        rows = session.execute(
            select(PlanRevision.revision, PlanRevision.content_sha256, PlanRevision.created_by)
            .where(PlanRevision.plan_id == plan_id)
            .order_by(PlanRevision.revision)
        ).all()
        return [(r[0], r[1], r[2]) for r in rows]


def count_plans(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(PlanRevision)) or 0)
