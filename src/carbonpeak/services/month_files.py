"""Monthly energy reports from a file (the office's template): the template, the import by the CLI
and the web — all or nothing, every problem located (file, sheet, row, column). An enterprise
imports its own months only; the office may import for any enterprise of the registry (代报, e.g. a
paper report keyed in), and then someone else reviews them (nobody reviews their own)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import LedgerProblems, NotAllowedError, Problem
from carbonpeak.ledgers.months_file import ImportedMonth, read_months, template
from carbonpeak.ledgers.report import EnergyReport, parse_report
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimits
from carbonpeak.storage import ledgers as ledger_repo
from carbonpeak.storage.month_files import save_reports
from carbonpeak.tables import Table

log = logging.getLogger(__name__)
ID_COLUMN = "统一社会信用代码"


def _check_importer(actor: LedgerActor) -> None:
    if actor.role not in ("office", "enterprise"):
        raise NotAllowedError(
            f"{actor.name} 不能导入月度能源报表（仅企业本身或区双碳办）",
            message_en=f"{actor.role} {actor.name} may not import monthly reports",
        )


class MonthFileService:
    def __init__(self, engine: Engine, *, today: dt.date | None = None) -> None:
        self.engine = engine
        self.today = today

    def template(self, actor: LedgerActor) -> Table:
        """The import template; an enterprise's copy carries its own code."""
        _check_importer(actor)
        return template((actor.enterprise_id or "") if actor.role == "enterprise" else "")

    def _check_scope(
        self, actor: LedgerActor, months: Sequence[ImportedMonth], file: str, sheet: str | None
    ) -> None:
        known = {e.id for e in ledger_repo.list_enterprises(self.engine)}
        problems = []
        for m in months:
            ent = m.report.enterprise_id
            if actor.role == "enterprise" and ent != actor.enterprise_id:
                message, message_en = (
                    "只能导入本企业的报表",
                    "you may import your own enterprise's reports only",
                )
            elif ent not in known:
                message, message_en = f"{ent} 不在重点用能单位台账中", f"{ent} is not in the registry"
            else:
                continue
            problems += [
                Problem(message, message_en=message_en, file=file, sheet=sheet, row=r, column=ID_COLUMN)
                for r in m.rows
            ]
        if problems:
            raise LedgerProblems(sorted(problems, key=lambda p: p.row or 0))

    def import_file(
        self,
        actor: LedgerActor,
        path: str | Path,
        *,
        limits: SheetLimits = DEFAULT_LIMITS,
        name: str | None = None,
        status: str = "submitted",
        source: str = "import",
    ) -> list[dict[str, Any]]:
        """Read, check and store every report of the file in one transaction; a summary per report."""
        _check_importer(actor)
        path = Path(path)
        file = name or path.name
        months = read_months(path, today=self.today, limits=limits, name=file)
        sheet = "月度能源报表" if path.suffix.lower() in (".xlsx", ".xlsm") else None
        self._check_scope(actor, months, file, sheet)
        self._store(actor, [m.report for m in months], status=status, source=f"{source} {file}")
        log.info("%s imported %d monthly report(s) from %s", actor.name, len(months), file)
        return [
            {
                "enterprise_id": m.report.enterprise_id,
                "period": m.report.period,
                "lines": len(m.report.lines),
                "rows": list(m.rows),
            }
            for m in months
        ]

    def save(
        self,
        actor: LedgerActor,
        items: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        source: str,
        status: str = "submitted",
    ) -> int:
        """Store several reports given as plain data (enterprise id, data) in one transaction."""
        _check_importer(actor)
        reports = [parse_report(data, ent, today=self.today) for ent, data in items]
        months = [ImportedMonth(r, (i + 1,)) for i, r in enumerate(reports)]
        self._check_scope(actor, months, "<data>", None)
        return self._store(actor, reports, status=status, source=source)

    def _store(self, actor: LedgerActor, reports: list[EnergyReport], *, status: str, source: str) -> int:
        return save_reports(
            self.engine, reports, status=status, who=actor.name, source=source, role=actor.role
        )
