"""The enterprise ledger service: the registry and monthly energy reports with their computed
comprehensive energy consumption and CO2, under the access rules of ``carbonpeak.ledgers.access``
(an enterprise sees and writes only its own data; office and viewer read all; departments nothing)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers import Enterprise, Method, parse_report, summary
from carbonpeak.ledgers.access import (
    LedgerActor,
    check_may_import,
    check_may_read,
    check_may_write,
    reads_all,
)
from carbonpeak.ledgers.enterprises_file import read_registry
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimits
from carbonpeak.storage import ledgers as repo
from carbonpeak.storage.ledgers import StoredReport
from carbonpeak.tracking.model import default_year

log = logging.getLogger(__name__)

ILLUSTRATIVE_NOTE = "示例数据（illustrative）"


def enterprise_dict(ent: Enterprise) -> dict[str, Any]:
    return {
        **ent.model_dump(),
        "industry_label": f"{ent.industry} {ent.industry_name}",
        "benchmark": ent.benchmark_product or "无标杆（no benchmark）",
    }


def report_dict(stored: StoredReport, figures: Mapping[str, Any]) -> dict[str, Any]:
    """A stored report as JSON-ready data: lines, workflow facts and the computed figures."""
    r = stored.report
    return {
        "enterprise_id": r.enterprise_id,
        "period": r.period,
        "status": stored.status,
        "version": stored.version,
        "source": stored.source,
        "updated_at": stored.updated_at.isoformat(),
        "updated_by": stored.updated_by,
        "illustrative": stored.illustrative,
        "output_value": r.output_value,
        "note": r.note,
        "products": [p.model_dump() for p in r.products],
        "lines": [line.model_dump() for line in r.lines],
        **{k: v for k, v in figures.items() if k not in ("enterprise_id", "period")},
    }


class EnterpriseService:
    """The ledger on one database; ``method`` names the accounting factor sets used."""

    def __init__(self, engine: Engine, *, method: Method | None = None, today: dt.date | None = None) -> None:
        self.engine = engine
        self.method = method or Method()
        self.today = today

    # -- registry ---------------------------------------------------------------------------------
    def enterprises(self, actor: LedgerActor) -> list[Enterprise]:
        if reads_all(actor):
            return repo.list_enterprises(self.engine)
        if actor.role == "enterprise" and actor.enterprise_id:
            found = repo.get_enterprise(self.engine, actor.enterprise_id)
            return [found] if found else []
        raise NotAllowedError(f"{actor.role} {actor.name} may not read the enterprise ledger")

    def enterprise(self, actor: LedgerActor, enterprise_id: str) -> Enterprise:
        check_may_read(actor, enterprise_id)
        found = repo.get_enterprise(self.engine, enterprise_id)
        if found is None:
            raise NotFoundError(f"no enterprise {enterprise_id} in the registry")
        return found

    def import_registry(
        self, actor: LedgerActor, path: str | Path, limits: SheetLimits = DEFAULT_LIMITS
    ) -> tuple[int, int]:
        """Read and store a registry file (within the caps of ``limits``), all or nothing; (added,
        changed)."""
        check_may_import(actor)
        enterprises = read_registry(path, limits)
        added, changed = repo.save_enterprises(
            self.engine, enterprises, who=actor.name, source=f"import {Path(path).name}"
        )
        log.info(
            "%s imported the registry %s: %d added, %d changed", actor.name, Path(path).name, added, changed
        )
        return added, changed

    # -- reports ----------------------------------------------------------------------------------
    def _rows(self, stored: Sequence[StoredReport]) -> list[dict[str, Any]]:
        figures = summary([s.report for s in stored], self.method)
        return [report_dict(s, f) for s, f in zip(stored, figures, strict=True)]

    def reports(self, actor: LedgerActor, enterprise_id: str) -> list[dict[str, Any]]:
        self.enterprise(actor, enterprise_id)
        return self._rows(repo.list_reports(self.engine, enterprise_id))

    def report(self, actor: LedgerActor, enterprise_id: str, period: str) -> dict[str, Any]:
        self.enterprise(actor, enterprise_id)
        found = repo.get_report(self.engine, enterprise_id, period)
        if found is None:
            raise NotFoundError(f"no report of {enterprise_id} for {period}")
        return self._rows([found])[0]

    def submit(
        self,
        actor: LedgerActor,
        enterprise_id: str,
        data: Mapping[str, Any],
        *,
        source: str,
        status: str = "submitted",
    ) -> dict[str, Any]:
        """Validate (every problem at once: ``LedgerProblems``) and store a month's report; a month
        already reported is replaced and its version bumped."""
        check_may_write(actor, enterprise_id)
        self.enterprise(actor, enterprise_id)
        report = parse_report(data, enterprise_id, today=self.today)
        stored = repo.save_report(self.engine, report, status=status, who=actor.name, source=source)
        log.info(
            "%s stored the %s report of %s (%s, version %d)",
            actor.name,
            report.period,
            enterprise_id,
            status,
            stored.version,
        )
        return self._rows([stored])[0]

    def report_years(self, actor: LedgerActor) -> list[int]:
        """The years in which the enterprises the actor may read have reported, oldest first."""
        stored = repo.list_reports(self.engine, None if reads_all(actor) else actor.enterprise_id)
        return sorted({int(r["period"][:4]) for r in self._rows(stored)})

    def ledger(
        self, actor: LedgerActor, year: int | None = None, closed: Sequence[int] = ()
    ) -> tuple[int | None, list[dict[str, Any]]]:
        """Every enterprise the actor may read with its latest period and the year-to-date tce (both
        bases) and CO2 of ``year`` (default: ``tracking.model.default_year`` over the years with a
        report and the ``closed`` years — never a year opened by one early month)."""
        enterprises = self.enterprises(actor)
        stored = repo.list_reports(self.engine, None if reads_all(actor) else actor.enterprise_id)
        rows = self._rows(stored)
        if year is None and rows:
            year = default_year(dt.date.today(), {int(r["period"][:4]) for r in rows}, closed)
        out = []
        for ent in enterprises:
            mine = [r for r in rows if r["enterprise_id"] == ent.id]
            in_year = [r for r in mine if year is not None and int(r["period"][:4]) == year]
            out.append(
                {
                    **enterprise_dict(ent),
                    "latest_period": max((r["period"] for r in mine), default=None),
                    "reports": len(mine),
                    "ytd_months": len(in_year),
                    "ytd_tce_calorific": sum(r["tce_calorific"] for r in in_year),
                    "ytd_tce_coal_substitution": sum(r["tce_coal_substitution"] for r in in_year),
                    "ytd_co2_total": sum(r["co2_total"] for r in in_year),
                }
            )
        return year, out

    def method_sources(self, years: Sequence[int] = ()) -> dict[str, Any]:
        return self.method.sources(years)
