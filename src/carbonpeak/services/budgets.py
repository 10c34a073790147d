"""Energy budgets of key energy-using units (用能预算管理): import or entry of the yearly budgets, the
year-to-date use against them with the year-end projection and the alerts, and the district's
roll-up against the headroom. A month counts once submitted or approved (a draft or a returned month
is not the unit's figure yet). The alert shares are the setting ``budget_alert_shares`` (default:
``carbonpeak/ledgers/data/budgets.yaml``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine

from carbonpeak.ledgers.access import LedgerActor, check_may_read, reads_all
from carbonpeak.ledgers.budgets import METRICS, EnergyBudget, alert_levels, progress, rollup, rules
from carbonpeak.ledgers.budgets_file import read_budgets, template
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.ledgers.headroom import Headroom
from carbonpeak.ledgers.review_files import read_headroom_file
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimits
from carbonpeak.storage import budgets as repo
from carbonpeak.storage import ledgers as ledger_repo
from carbonpeak.storage import month_review as review_repo
from carbonpeak.tables import Table

log = logging.getLogger(__name__)


def _check_office(actor: LedgerActor) -> None:
    if actor.role != "office":
        raise NotAllowedError(
            "只有区双碳办可以下达用能预算",
            message_en=f"only the office sets energy budgets, not {actor.role}",
        )


class BudgetService:
    def __init__(
        self, engine: Engine, *, shares: Sequence[float] | None = None, headroom: Headroom | None = None
    ) -> None:
        self.engine = engine
        self.levels = alert_levels(shares)
        self.headroom = headroom

    def template(self) -> Table:
        return template()

    def save(self, actor: LedgerActor, budgets: Sequence[EnergyBudget], *, source: str) -> tuple[int, int]:
        _check_office(actor)
        added, changed = repo.save_budgets(self.engine, budgets, who=actor.name, source=source)
        log.info("%s saved %d budget(s): %d added, %d changed", actor.name, len(budgets), added, changed)
        return added, changed

    def import_file(
        self,
        actor: LedgerActor,
        path: str | Path,
        *,
        limits: SheetLimits = DEFAULT_LIMITS,
        name: str | None = None,
    ) -> tuple[int, int]:
        _check_office(actor)
        file = name or Path(path).name
        return self.save(actor, read_budgets(path, limits=limits, name=file), source=f"import {file}")

    def budgets(self, actor: LedgerActor, year: int | None = None) -> list[EnergyBudget]:
        if reads_all(actor):
            return repo.list_budgets(self.engine, year)
        if actor.role == "enterprise" and actor.enterprise_id:
            return repo.list_budgets(self.engine, year, actor.enterprise_id)
        raise NotAllowedError(f"{actor.role} {actor.name} may not read the budgets")

    def _monthly(self, ids: list[str], years: list[int]) -> dict[str, np.ndarray]:
        """metric → enterprises × years × 12 of the counted months (NaN elsewhere)."""
        index = {e: i for i, e in enumerate(ids)}
        ypos = {y: i for i, y in enumerate(years)}
        out = {m: np.full((len(ids), len(years), 12), np.nan) for m in METRICS}
        stored = review_repo.counted_reports(self.engine, ids, ypos)
        rows = EnterpriseService(self.engine)._rows(stored)
        for s, r in zip(stored, rows, strict=True):
            i, y, mo = index[s.report.enterprise_id], ypos[s.report.year], int(s.report.period[5:]) - 1
            for m in METRICS:
                out[m][i, y, mo] = r[m]
        return out

    def progress(self, actor: LedgerActor, year: int) -> list[dict[str, Any]]:
        """Each budget of ``year`` the actor may read: year to date, projection, shares, alert."""
        budgets = self.budgets(actor, year)
        if not budgets:
            return []
        ids = [b.enterprise_id for b in budgets]
        history_years = int(rules()["projection"]["history_years"])
        years = [*range(year - history_years, year), year]
        data = self._monthly(ids, years)
        rows = progress(
            budgets,
            {m: data[m][:, -1, :] for m in METRICS},
            {m: data[m][:, :-1, :] for m in METRICS},
            self.levels,
        )
        names = {e.id: e.name for e in ledger_repo.list_enterprises(self.engine)}
        words = {lv["code"]: lv["zh"] for lv in self.levels} | {
            rules()["none"]["code"]: rules()["none"]["zh"]
        }
        for b, row in zip(budgets, rows, strict=True):
            row |= {
                "enterprise_name": names.get(b.enterprise_id, b.enterprise_id),
                "alert_label": words[row["alert"]],
                "issued_on": b.issued_on.isoformat() if b.issued_on else None,
                "illustrative": b.illustrative,
            }
        return rows

    def alerts(self, actor: LedgerActor, year: int) -> list[dict[str, Any]]:
        """The budgets of ``year`` on course to reach an alert share."""
        within = rules()["none"]["code"]
        return [r for r in self.progress(actor, year) if r["alert"] != within]

    def rollup(self, actor: LedgerActor, year: int) -> dict[str, Any]:
        """The district's budgets of ``year`` against last year's use and the headroom (office, viewer)."""
        if not reads_all(actor):
            raise NotAllowedError(f"{actor.role} {actor.name} may not read the district roll-up")
        budgets = self.budgets(actor, year)
        ids = [b.enterprise_id for b in budgets]
        last = self._monthly(ids, [year - 1]) if ids else {m: np.zeros((0, 1, 12)) for m in METRICS}
        last_year = {m: float(np.nansum(last[m])) for m in METRICS}
        room = self.headroom or read_headroom_file()
        out = rollup(budgets, last_year, room)
        out["year"] = year
        out["levels"] = self.levels
        return out

    def check_read(self, actor: LedgerActor, enterprise_id: str) -> None:
        check_may_read(actor, enterprise_id)
