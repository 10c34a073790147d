"""Publishing: the office chooses which indicators the public sees (此件主动公开), and what it sees.

A published indicator shows the plan's own words (name, target as read, clause, unit, the quote) and,
per year, its actual value as the tracking evaluation has it: an APPROVED reported value or a value
computed from the inventory (decision 0304). Drafts, submitted-but-unapproved and returned values
never reach the public: only reviewed figures are published (the statisticians' rule). Nothing is
recomputed here: ``TrackingService.over_time`` is the same evaluation the indicator page shows.
No internal field leaves this module: no reporting unit, no comments, no evidence, no record states.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from carbonpeak.errors import NotFoundError
from carbonpeak.plan import Indicator, Plan, target_text
from carbonpeak.services.tracking import TrackingService, data_stamp
from carbonpeak.storage import publishing as repo
from carbonpeak.tracking.errors import NotAllowedError, TrackingError
from carbonpeak.tracking.model import Actor

log = logging.getLogger(__name__)

ACTIONS = ("publish", "unpublish")
DEMO_SOURCE = "illustrative (示例数据) carbonpeak demo: the headline targets (二、主要目标) published"
DEMO_ACTOR = Actor("示例数据 demo", "office")
# Every change of these tables writes an audit row: the latest such row stamps the public figures.
STAMP_TABLES = ("indicator_values", "computed_values", "task_reports", repo.TABLE)
# The tracking status (Chinese, as the evaluation gives it) → a stable code for the JSON API.
STATUS_CODES = {
    "已达标": "achieved",
    "进展顺利": "on_track",
    "存在风险": "at_risk",
    "严重滞后": "off_track",
    "待下达": "pending",
}


def check_may_publish(actor: Actor) -> None:
    if actor.role != "office":
        raise NotAllowedError(
            f"only the office (双碳办) publishes indicators, not {actor.who} ({actor.role})"
        )


def headline_indicators(plan: Plan) -> list[Indicator]:
    """The plan's main targets: those of section 二 (主要目标)."""
    return [i for i in plan.indicators if i.clause.split(".")[0] == "二"]


@dataclass(frozen=True)
class PublicationState:
    indicator: Indicator
    published: bool
    published_at: dt.datetime | None
    published_by: str | None
    note: str | None


class PublishingService:
    """Publishing on one plan in one database; ``tracking`` gives the evaluated values."""

    def __init__(self, engine: Engine, plan: Plan, tracking: TrackingService, *, source: str = "carbonpeak"):
        self.engine = engine
        self.plan = plan
        self.tracking = tracking
        self.source = source
        self._indicators = {i.id: i for i in plan.indicators}
        self._public_cache: tuple[int, list[dict[str, Any]]] | None = None

    def _ids(self, indicator_ids: list[str]) -> list[str]:
        unknown = [i for i in indicator_ids if i not in self._indicators]
        if unknown:
            raise NotFoundError(f"no indicator {', '.join(unknown)} in plan {self.plan.plan.id}")
        return list(dict.fromkeys(indicator_ids))

    def set_published(
        self,
        actor: Actor,
        indicator_ids: list[str],
        action: str,
        *,
        note: str | None = None,
        illustrative: bool = False,
    ) -> list[str]:
        """Publish or unpublish (``action``) indicators; only the office may. Returns the ids whose
        state changed; each change is written to the audit log. ``illustrative``: the demo's choice."""
        check_may_publish(actor)
        if action not in ACTIONS:
            raise TrackingError(f"action {action!r}: expected publish or unpublish")
        ids = self._ids(indicator_ids)
        changed = repo.set_published(
            self.engine,
            self.plan.plan.id,
            ids,
            action == "publish",
            who=actor.who,
            source=self.source,
            note=(note.strip() or None) if note is not None else None,
            illustrative=illustrative,
        )
        log.info("%s: %s %d of %d indicators", actor.who, action, len(changed), len(ids))
        return changed

    def states(self) -> list[PublicationState]:
        """Every indicator of the plan with its publication state, in plan order."""
        rows = repo.publications(self.engine, self.plan.plan.id)
        out = []
        for ind in self.plan.indicators:
            row = rows.get(ind.id)
            out.append(
                PublicationState(
                    ind,
                    bool(row and row.published),
                    row.published_at if row else None,
                    row.published_by if row else None,
                    row.note if row else None,
                )
            )
        return out

    def is_published(self, indicator_id: str) -> bool:
        row = repo.publications(self.engine, self.plan.plan.id).get(indicator_id)
        return bool(row and row.published)

    def public_indicators(self) -> list[dict[str, Any]]:
        """What the public sees of each published indicator (JSON-ready), in plan order.

        Kept until the next change of the tracking data or of the publications (the latest audit row
        about them: every change writes one), so that the public page, the most open one, costs a
        query when nothing changed. The stamp is read from the database on every call, so several
        server processes never show stale figures."""
        stamp = data_stamp(self.engine, STAMP_TABLES)
        if self._public_cache is not None and self._public_cache[0] == stamp:
            return [dict(row) for row in self._public_cache[1]]
        published = [s for s in self.states() if s.published]
        rows: list[dict[str, Any]] = []
        if published:
            data = self.tracking.indicator_data()
            illustrative = self.tracking.is_illustrative()
            rows = [self._public(s, data, illustrative) for s in published]
        self._public_cache = (stamp, rows)
        return [dict(row) for row in rows]

    def _public(self, state: PublicationState, data: Any, illustrative: bool) -> dict[str, Any]:
        ind = state.indicator
        values: list[dict[str, Any]] = []
        status = None
        if ind.kind != "qualitative":
            evaluations = self.tracking.over_time(ind, data).evaluations
            with_actual = [e for e in evaluations if e.actual is not None]
            values = [
                {"year": e.year, "value": round(e.actual, 4), "kind": e.value_source}
                for e in with_actual
                if e.actual is not None
            ]
            status = with_actual[-1].status if with_actual else None
        return {
            "id": ind.id,
            "name": ind.name,
            "name_en": ind.name_en,
            "target": target_text(ind),
            "target_year": ind.year,
            "clause": ind.clause,
            "unit": ind.unit,
            "quote": ind.quote,
            "qualitative": ind.kind == "qualitative",
            "values": values,
            "latest_year": values[-1]["year"] if values else None,
            "latest_value": values[-1]["value"] if values else None,
            "status": status,
            "status_code": STATUS_CODES.get(status or "", "no_data"),
            "illustrative": illustrative,
            "published_at": state.published_at.isoformat() if state.published_at else None,
        }


def load_demo(engine: Engine, plan: Plan) -> list[str]:
    """Demo loader: publish the plan's headline targets (section 二) once, as illustrative data."""
    tracking = TrackingService(engine, plan, source=DEMO_SOURCE)
    svc = PublishingService(engine, plan, tracking, source=DEMO_SOURCE)
    if repo.publications(engine, plan.plan.id):
        return ["published indicators (示例数据): already chosen"]
    ids = [i.id for i in headline_indicators(plan)]
    changed = svc.set_published(
        DEMO_ACTOR, ids, "publish", note="示例数据 (illustrative) demo", illustrative=True
    )
    return [f"published indicators (示例数据): {len(changed)} headline targets of section 二 published"]
