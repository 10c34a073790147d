"""What a 两高 ledger project says to the plan's prohibitions (tracking's ``prohibition_findings``).

A project is *approved* (it went ahead under the plan) when it is under construction or operating
and its approvals are not all older than the plan, or when it is still planned but has passed an
energy review or an approval (核准) on or after the plan's issue date. A project whose every approval
predates the plan (a 存量 plant of 2019) is covered by a rule but does not breach it: the plan forbids
new projects from its issue on. Fuels are the plan's words for the fuels of its energy lines
(``rules.fuel_words``); 两高 is its MEE category (``two_high_category``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from carbonpeak.ledgers.projects import TwoHighProject
from carbonpeak.ledgers.rules import fuel_words

GO_AHEAD = ("energy_review", "approval")  # what lets a planned project start (节能审查, 核准)


@dataclass(frozen=True)
class LedgerFacts:
    """One ledger project as the prohibitions read it (tracking.evaluate.ProjectFacts)."""

    id: str
    name: str
    industry: str | None
    equipment: tuple[str, ...]
    fuels: tuple[str, ...]
    two_high: bool
    approved: bool
    predates_plan: bool


def approved_under(project: TwoHighProject, plan_issued: dt.date) -> tuple[bool, bool]:
    """(approved under the plan, every approval predates the plan)."""
    dates = [a.date for a in project.approvals]
    predates = bool(dates) and max(dates) < plan_issued
    if project.stage == "planned":
        started = any(a.kind in GO_AHEAD and a.date >= plan_issued for a in project.approvals)
        return started, predates
    return not predates, predates


def facts(project_id: int, project: TwoHighProject, plan_issued: dt.date) -> LedgerFacts:
    approved, predates = approved_under(project, plan_issued)
    used = [line.fuel for line in project.energy if line.amount > 0]
    return LedgerFacts(
        id=str(project_id),
        name=project.name,
        industry=project.industry,
        equipment=project.equipment,
        fuels=fuel_words(used),
        two_high=project.two_high_category is not None,
        approved=approved,
        predates_plan=predates,
    )
