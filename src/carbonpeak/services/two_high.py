"""The 两高 project ledger service: list with filters, import (all or nothing), export, disposal
changes and energy reviews, under ``carbonpeak.ledgers.two_high_access``; every change audited."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from carbonpeak.errors import InvalidInputError, NotFoundError
from carbonpeak.ledgers.errors import LedgerProblems, NotAllowedError, Problem
from carbonpeak.ledgers.findings import facts
from carbonpeak.ledgers.headroom import Headroom
from carbonpeak.ledgers.projects import TwoHighProject
from carbonpeak.ledgers.proposed import parse_project
from carbonpeak.ledgers.review import review
from carbonpeak.ledgers.review_files import read_headroom_file
from carbonpeak.ledgers.rules import prohibitions_of_plan
from carbonpeak.ledgers.two_high_access import (
    TwoHighActor,
    check_may_import,
    check_may_review,
    check_may_write,
    may_read,
)
from carbonpeak.ledgers.two_high_file import ledger_table, project_from_form, read_ledger, template
from carbonpeak.plan import Plan
from carbonpeak.services.headroom import plan_headroom
from carbonpeak.storage import two_high as repo
from carbonpeak.storage.two_high import StoredProject
from carbonpeak.tables import Table
from carbonpeak.tracking.evaluate import prohibition_findings

log = logging.getLogger(__name__)
FILTERS = ("stage", "industry", "location", "disposal", "two_high_category")


def _matches(project: TwoHighProject, filters: Mapping[str, str | None]) -> bool:
    for key, wanted in filters.items():
        if not wanted:
            continue
        if key == "industry":
            if not project.industry.startswith(wanted):
                return False
        elif key == "disposal":
            if project.disposal_category != wanted:
                return False
        elif getattr(project, key) != wanted:
            return False
    return True


def _plain(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    return str(exc)


class TwoHighService:
    def __init__(
        self,
        engine: Engine,
        headroom: Headroom | None = None,
        plan: Plan | None = None,
        *,
        from_inventory: bool = False,
    ) -> None:
        self.engine = engine
        self.headroom = headroom
        self.plan = plan
        # without a headroom given: from the stored inventory and the plan scenario (services.headroom)
        # when asked and possible, else the bundled headroom file
        self.from_inventory = from_inventory
        # the review checks the served plan's own prohibitions (plan schema 2), else the shipped ones
        self.prohibitions = prohibitions_of_plan(plan) if plan is not None else None

    def template(self) -> Table:
        """The import template (the adapters write it with ``carbonpeak.reports``)."""
        return template()

    def import_file(self, actor: TwoHighActor, path: str | Path, *, source: str = "import") -> list[int]:
        """Every project of the workbook stored in one transaction, or none (``LedgerProblems``)."""
        check_may_import(actor)
        projects = read_ledger(path, who=actor.name, at=dt.datetime.now(dt.UTC))
        ids = repo.save_projects(self.engine, [(None, p) for p in projects], who=actor.name, source=source)
        log.info("two-high ledger import: %d projects by %s", len(ids), actor.name)
        return ids

    def add(self, actor: TwoHighActor, project: TwoHighProject, *, source: str = "web") -> int:
        check_may_write(actor, project)
        return repo.save_projects(self.engine, [(None, project)], who=actor.name, source=source)[0]

    def projects(self, actor: TwoHighActor, **filters: str | None) -> list[StoredProject]:
        unknown = set(filters) - set(FILTERS)
        if unknown:
            raise NotFoundError(f"unknown filter {', '.join(sorted(unknown))}; expected {', '.join(FILTERS)}")
        return [
            s
            for s in repo.list_projects(self.engine)
            if may_read(actor, s.project) and _matches(s.project, filters)
        ]

    def project(self, actor: TwoHighActor, project_id: int) -> StoredProject:
        stored = repo.get_project(self.engine, project_id)
        if stored is None:
            raise NotFoundError(f"two-high project {project_id} does not exist")
        if not may_read(actor, stored.project):
            raise NotAllowedError(f"{actor.role} {actor.name} may not read two-high project {project_id}")
        return stored

    def export(self, actor: TwoHighActor, **filters: str | None) -> Table:
        """The projects the actor sees, in the template's columns (reads back in)."""
        return ledger_table([s.project for s in self.projects(actor, **filters)])

    def dispose(
        self,
        actor: TwoHighActor,
        project_id: int,
        category: str,
        note: str = "",
        *,
        source: str = "web",
        expected_version: int | None = None,
    ) -> StoredProject:
        """A new disposal category with its reason appended to the project's history (audited)."""
        stored = self.project(actor, project_id)
        check_may_write(actor, stored.project)
        try:
            changed = stored.project.dispose(category, actor.name, dt.datetime.now(dt.UTC), note)
        except ValueError as exc:
            raise LedgerProblems([Problem(_plain(exc), field="category")]) from exc
        expected = None if expected_version is None else {project_id: expected_version}
        repo.save_projects(
            self.engine, [(project_id, changed)], who=actor.name, source=source, expected=expected
        )
        return self.project(actor, project_id)

    def update(
        self,
        actor: TwoHighActor,
        project_id: int,
        values: Mapping[str, Any],
        *,
        expected_version: int,
        source: str = "web",
    ) -> StoredProject:
        """The project's fields edited (the template's columns; its disposal history is kept), as the
        version the editor read: another writer's change in between is a ``ConflictError``. A
        department edits only what it keeps, before and after (it cannot move a project out of its
        stages). Every change is audited with before and after."""
        stored = self.project(actor, project_id)
        check_may_write(actor, stored.project)
        edited = project_from_form(
            dict(values), keep=stored.project, who=actor.name, at=dt.datetime.now(dt.UTC)
        )
        check_may_write(actor, edited)
        repo.save_projects(
            self.engine,
            [(project_id, edited)],
            who=actor.name,
            source=source,
            expected={project_id: expected_version},
        )
        return self.project(actor, project_id)

    def findings(self, actor: TwoHighActor, **filters: str | None) -> list[dict[str, Any]]:
        """Which of the projects the actor sees a prohibition or constraint of the served plan covers
        (tracking's ``prohibition_findings`` on the ledger's facts, ``ledgers.findings``): ``breach``
        when an approved project went ahead although a forbidding rule covers it; ``predates_plan``
        when every approval of a covered project is older than the plan. Breaches first."""
        if self.plan is None:
            return []
        stored = {str(s.id): s for s in self.projects(actor, **filters)}
        issued = self.plan.plan.issue_date
        rows = {k: facts(s.id, s.project, issued) for k, s in stored.items()}
        out = []
        for f in prohibition_findings(self.plan, rows.values()):
            project = stored[f.project_id].project
            out.append(
                f.as_dict()
                | {
                    "stage": project.stage,
                    "approved": rows[f.project_id].approved,
                    "predates_plan": rows[f.project_id].predates_plan,
                    "illustrative": project.illustrative,
                }
            )
        return sorted(out, key=lambda r: (not r["breach"], r["effect"] != "forbids"))

    def review(
        self,
        actor: TwoHighActor,
        data: Mapping[str, Any],
        *,
        file: str = "<form>",
        store: bool = True,
        source: str = "web",
    ) -> dict[str, Any]:
        """Review a proposed project (plain data, as the YAML file or the form); stored when asked."""
        check_may_review(actor)
        proposed = parse_project(data, file=file)  # a bad project is refused before any computing
        room = self.room()
        result = review(proposed, headroom=room, prohibitions=self.prohibitions)
        if store:
            result["id"] = repo.save_review(
                self.engine, result, who=actor.name, source=source, illustrative=room.illustrative
            )
        return result

    def room(self) -> Headroom:
        """The headroom the reviews use: the one given, else (``from_inventory``) the one computed from
        the stored inventory and the plan scenario, else the bundled headroom file."""
        if self.headroom is not None:
            return self.headroom
        fallback = read_headroom_file()
        if self.from_inventory and self.plan is not None:
            try:
                return plan_headroom(self.engine, self.plan, fallback)
            except (NotFoundError, InvalidInputError) as exc:
                # no inventory, a year missing, a plan the plan scenario cannot read: the file
                log.info("headroom from the headroom file: %s", exc)
        return fallback

    def reviews(self, actor: TwoHighActor) -> list[dict[str, Any]]:
        check_may_review(actor)
        return repo.list_reviews(self.engine)
