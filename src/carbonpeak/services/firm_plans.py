"""One plan per firm (一企一策): a unit keeps its own plan (document + measures); the office sees the
units without one and the measures overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from carbonpeak.ledgers.access import LedgerActor, check_may_read, reads_all
from carbonpeak.ledgers.errors import LedgerProblems, NotAllowedError, Problem
from carbonpeak.ledgers.firm_plans import STATUS_WORDS, FirmPlan, coverage, overdue
from carbonpeak.storage import firm_plans as repo
from carbonpeak.storage import ledgers as ledger_repo


def plan_dict(plan: FirmPlan, today: dt.date) -> dict[str, Any]:
    late = {m.name for m in overdue(plan, today)}
    return {
        **plan.model_dump(mode="json"),
        "expected_saving_tce": plan.expected_saving_tce,
        "measures": [
            {
                **m.model_dump(mode="json"),
                "status_label": STATUS_WORDS[m.status][0],
                "overdue": m.name in late,
            }
            for m in plan.measures
        ],
    }


class FirmPlanService:
    def __init__(self, engine: Engine, *, today: dt.date | None = None) -> None:
        self.engine = engine
        self.today = today or dt.date.today()

    def save(
        self, actor: LedgerActor, enterprise_id: str, data: Mapping[str, Any], *, source: str
    ) -> dict[str, Any]:
        """The enterprise saves its own plan (the office may enter one for it); every problem at once."""
        if not (
            actor.role == "office" or (actor.role == "enterprise" and actor.enterprise_id == enterprise_id)
        ):
            raise NotAllowedError(
                f"{actor.name} 不能保存企业 {enterprise_id} 的一企一策",
                message_en=f"{actor.role} {actor.name} may not save the plan of {enterprise_id}",
            )
        try:
            plan = FirmPlan.model_validate({**data, "enterprise_id": enterprise_id})
        except ValidationError as exc:
            raise LedgerProblems(
                [
                    Problem(
                        str(e["msg"]).removeprefix("Value error, "), field=".".join(str(x) for x in e["loc"])
                    )
                    for e in exc.errors()
                ]
            ) from exc
        version = repo.save_plan(self.engine, plan, who=actor.name, source=source)
        return {**plan_dict(plan, self.today), "version": version}

    def plan(self, actor: LedgerActor, enterprise_id: str) -> dict[str, Any] | None:
        check_may_read(actor, enterprise_id)
        found = repo.plans(self.engine, enterprise_id)
        return plan_dict(found[0], self.today) if found else None

    def overview(self, actor: LedgerActor) -> dict[str, Any]:
        """Units with and without a plan, the savings expected, the overdue measures (office, viewer)."""
        if not reads_all(actor):
            raise NotAllowedError(f"{actor.role} {actor.name} may not read every unit's plan")
        ids = [e.id for e in ledger_repo.list_enterprises(self.engine)]
        return coverage(ids, repo.plans(self.engine), self.today)
