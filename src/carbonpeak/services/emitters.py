"""Key emitters (重点排放单位): the office and the enterprise's supervising department record each
unit's year (listing, report, verification, compliance) by form, API or file (all or nothing); an
enterprise reads only its own years and submits its own emission report and document; every year is
assessed against its deadlines and reconciled with the ledger's own CO2 of the unit and year (the
months submitted or approved, as for the budgets), with the alerts in words.

Documents are stored as evidence files are (``services.evidence``: type from the content, size
limited, by sha256); the database keeps the digest and the cleaned display name."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import Engine

from carbonpeak.errors import InvalidInputError, NotFoundError
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.emitters import (
    EmitterYear,
    LedgerCO2,
    alert_label,
    assess,
    compliance_label,
    program_label,
    rules,
    state_label,
)
from carbonpeak.ledgers.emitters_file import emitters_table, read_emitters, template
from carbonpeak.ledgers.errors import LedgerProblems, NotAllowedError, Problem
from carbonpeak.ledgers.month_review import Reviewer, may_review
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.evidence import clean_name, store_file
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimits
from carbonpeak.storage import emitters as repo
from carbonpeak.storage import ledgers as ledger_repo
from carbonpeak.storage import month_review as review_repo
from carbonpeak.tables import Table

log = logging.getLogger(__name__)
Which = Literal["report", "verification"]


def parse_year(data: Mapping[str, Any], *, file: str = "<api>") -> EmitterYear:
    """A key-emitter year from form or API data; every problem named by its field (LedgerProblems)."""
    try:
        return EmitterYear(**data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = str(err["msg"]).removeprefix("Value error, ")
            field = str(err["loc"][0]) if err["loc"] else ""
            if not field and "：" in message:
                field, message = message.split("：", 1)
            problems.append(Problem(message, file=file, field=field or None))
        raise LedgerProblems(problems) from exc


class EmitterService:
    def __init__(
        self,
        engine: Engine,
        *,
        today: dt.date | None = None,
        tolerance: float | None = None,
        files_dir: Path | None = None,
        max_bytes: int = 20 * 1024 * 1024,
        file_types: Sequence[str] = ("pdf", "png", "jpeg", "docx", "xlsx"),
    ) -> None:
        self.engine = engine
        self.today = today
        self.tolerance = tolerance
        self.files_dir = files_dir
        self.max_bytes = max_bytes
        self.file_types = list(file_types)

    # -- who -------------------------------------------------------------------------------------
    def _check_edit(self, who: Reviewer, enterprise_ids: Sequence[str]) -> None:
        """The office edits every unit; a department the units it supervises; nobody else."""
        if who.actor.role not in ("office", "department"):
            raise NotAllowedError(
                "只有区双碳办和主管部门可以录入重点排放单位的核查与履约",
                message_en=f"only the office and the supervising department edit key emitters, "
                f"not {who.actor.role}",
            )
        supervisors = review_repo.supervisors(self.engine)
        refused = sorted({e for e in enterprise_ids if not may_review(who, e, supervisors)})
        if refused:
            raise NotAllowedError(
                f"{who.unit_id or who.actor.name} 不是 {', '.join(refused)} 的主管部门",
                message_en=f"{who.unit_id or who.actor.name} does not supervise {', '.join(refused)}",
            )

    def _readable(self, who: Reviewer, enterprise_id: str | None = None) -> str | None:
        """The enterprise the reader is narrowed to (None: all it may read); refused otherwise."""
        actor = who.actor
        if actor.role in ("office", "viewer", "department"):
            return enterprise_id
        if actor.role == "enterprise" and actor.enterprise_id:
            if enterprise_id not in (None, actor.enterprise_id):
                raise NotAllowedError(f"enterprise {actor.name} may not read {enterprise_id}")
            return actor.enterprise_id
        raise NotAllowedError(f"{actor.role} {actor.name} may not read the key emitters")

    # -- writes ----------------------------------------------------------------------------------
    def record(
        self, who: Reviewer, record: EmitterYear, *, source: str, expected_version: int | None = None
    ) -> dict[str, Any]:
        """List (or change) one unit's year; an edit sends the version it read."""
        self._check_edit(who, [record.enterprise_id])
        expected = {(record.enterprise_id, record.year): expected_version} if expected_version else None
        repo.save_years(self.engine, [record], who=who.actor.name, source=source, expected_versions=expected)
        log.info("%s recorded key emitter %s %d", who.actor.name, record.enterprise_id, record.year)
        return self.year(who, record.enterprise_id, record.year)

    def import_file(
        self,
        who: Reviewer,
        path: str | Path,
        *,
        limits: SheetLimits = DEFAULT_LIMITS,
        name: str | None = None,
    ) -> tuple[int, int]:
        """Read and store a file of key-emitter years, all or nothing; (added, changed)."""
        if who.actor.role not in ("office", "department"):
            self._check_edit(who, [])
        file = name or Path(path).name
        records = read_emitters(path, limits=limits, name=file)
        self._check_edit(who, [r.enterprise_id for r in records])
        added, changed = repo.save_years(self.engine, records, who=who.actor.name, source=f"import {file}")
        log.info(
            "%s imported %s: %d key-emitter years added, %d changed", who.actor.name, file, added, changed
        )
        return added, changed

    def _store(self, content: bytes, file_name: str) -> dict[str, str]:
        if self.files_dir is None:
            raise InvalidInputError(
                "没有配置文件存放目录", message_en="no folder for documents is configured"
            )
        stored = store_file(content, self.files_dir, max_bytes=self.max_bytes, allowed=self.file_types)
        return {"sha256": stored.sha256, "name": clean_name(file_name), "kind": stored.kind}

    def submit_report(
        self,
        actor: LedgerActor,
        year: int,
        *,
        submitted_on: dt.date,
        reported_t: float,
        document: str = "",
        content: bytes | None = None,
        file_name: str = "",
        source: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """An enterprise submits its own emission report of ``year`` (it must be listed for the year):
        the date, the tonnes, the document's name and, optionally, the document itself."""
        if actor.role != "enterprise" or not actor.enterprise_id:
            raise NotAllowedError(
                "排放报告由重点排放单位本单位报送", message_en="an enterprise submits its own emission report"
            )
        enterprise_id = actor.enterprise_id
        found = repo.list_years(self.engine, year, enterprise_id)
        if not found:
            raise NotFoundError(
                f"本单位未列为 {year} 年度重点排放单位",
                message_en=f"the enterprise is not listed as a key emitter for {year}",
            )
        current = found[0].record
        values: dict[str, Any] = {
            "report_submitted_on": submitted_on,
            "reported_t": reported_t,
            "report_document": document or (clean_name(file_name) if content else current.report_document),
        }
        # the model's checks (a date after the year, a figure ≥ 0) before anything is stored
        parse_year(current.model_dump() | values)
        if content is not None:
            stored = self._store(content, file_name or "report")
            values |= {
                "report_file": stored["sha256"],
                "report_file_name": stored["name"],
                "report_file_kind": stored["kind"],
            }
        repo.update_year(
            self.engine,
            enterprise_id,
            year,
            values,
            who=actor.name,
            source=source,
            expected_version=expected_version,
        )
        return self.year(Reviewer(actor), enterprise_id, year)

    def attach_document(
        self,
        who: Reviewer,
        enterprise_id: str,
        year: int,
        which: Which,
        content: bytes,
        file_name: str,
        *,
        source: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """The office or the supervising department uploads a year's report or verification document."""
        self._check_edit(who, [enterprise_id])
        if which not in ("report", "verification"):
            raise InvalidInputError(f"document {which!r}: expected report or verification")
        stored = self._store(content, file_name)
        values = {
            f"{which}_file": stored["sha256"],
            f"{which}_file_name": stored["name"],
            f"{which}_file_kind": stored["kind"],
        }
        repo.update_year(
            self.engine,
            enterprise_id,
            year,
            values,
            who=who.actor.name,
            source=source,
            expected_version=expected_version,
        )
        return self.year(who, enterprise_id, year)

    # -- reads -----------------------------------------------------------------------------------
    def _ledger(self, pairs: set[tuple[str, int]]) -> dict[tuple[str, int], LedgerCO2]:
        """The ledger's CO2 of each (enterprise, year): the months submitted or approved."""
        ids = sorted({e for e, _ in pairs})
        stored = [
            s
            for s in review_repo.counted_reports(self.engine, ids, {y for _, y in pairs})
            if (s.report.enterprise_id, s.report.year) in pairs
        ]
        sums: dict[tuple[str, int], list[float]] = {}
        for s, r in zip(stored, EnterpriseService(self.engine)._rows(stored), strict=True):
            acc = sums.setdefault((s.report.enterprise_id, s.report.year), [0.0, 0.0, 0.0, 0.0])
            acc[0] += 1
            acc[1] += float(r["co2_combustion"])
            acc[2] += float(r["co2_electricity"])
            acc[3] += float(r["co2_heat"])
        return {k: LedgerCO2(int(v[0]), v[1], v[2], v[3]) for k, v in sums.items()}

    def _rows(self, found: Sequence[repo.StoredEmitterYear], lang: str = "zh-CN") -> list[dict[str, Any]]:
        ledger = self._ledger({(s.record.enterprise_id, s.record.year) for s in found})
        names = {e.id: e.name for e in ledger_repo.list_enterprises(self.engine)}
        today = self.today or dt.date.today()
        out = []
        for s in found:
            rec = s.record
            judged = assess(rec, ledger.get((rec.enterprise_id, rec.year)), today, self.tolerance)
            out.append(
                {
                    **rec.model_dump(mode="json"),
                    "enterprise_name": names.get(rec.enterprise_id, rec.enterprise_id),
                    "program_label": program_label(rec.program, lang),
                    "compliance_label": compliance_label(rec.compliance, lang),
                    "version": s.version,
                    "updated_by": s.updated_by,
                    "updated_at": s.updated_at.isoformat(),
                    "files": s.files,
                    **judged,
                    "labels": {
                        k: state_label(judged[f"{k}_state"], lang)
                        for k in ("report", "verification", "compliance")
                    }
                    | {"reconciliation": state_label(judged["reconciliation"]["state"], lang)},
                }
            )
        return out

    def years(
        self, who: Reviewer, year: int | None = None, enterprise_id: str | None = None, lang: str = "zh-CN"
    ) -> list[dict[str, Any]]:
        """Every key-emitter year the reader may see (a department: the units it supervises)."""
        narrowed = self._readable(who, enterprise_id)
        found = repo.list_years(self.engine, year, narrowed)
        if who.actor.role == "department":
            supervisors = review_repo.supervisors(self.engine)
            found = [s for s in found if may_review(who, s.record.enterprise_id, supervisors)]
        return self._rows(found, lang)

    def year(self, who: Reviewer, enterprise_id: str, year: int, lang: str = "zh-CN") -> dict[str, Any]:
        rows = self.years(who, year, enterprise_id, lang)
        if not rows:
            if who.actor.role == "department":
                raise NotAllowedError(f"{who.unit_id} does not supervise {enterprise_id}")
            raise NotFoundError(
                f"{enterprise_id} 没有 {year} 年度重点排放单位记录",
                message_en=f"no key-emitter record of {enterprise_id} for {year}",
            )
        return rows[0]

    def alerts(self, who: Reviewer, year: int | None = None, lang: str = "zh-CN") -> list[dict[str, Any]]:
        """One row per alert of the years the reader may see, with its reason in words."""
        text = "en" if lang == "en" else "zh"
        return [
            {
                "enterprise_id": r["enterprise_id"],
                "enterprise_name": r["enterprise_name"],
                "year": r["year"],
                "code": a["code"],
                "label": alert_label(a["code"], lang),
                "reason": a[text],
                "illustrative": r["illustrative"],
            }
            for r in self.years(who, year, lang=lang)
            for a in r["alerts"]
        ]

    def document(self, who: Reviewer, enterprise_id: str, year: int, which: Which) -> tuple[Path, str, str]:
        """(path, kind, display name) of a stored document the reader may see."""
        from carbonpeak.services.evidence import MEDIA_TYPES

        row = self.year(who, enterprise_id, year)
        meta: Mapping[str, str] | None = row["files"].get(which)
        if meta is None or self.files_dir is None:
            raise NotFoundError(
                f"{enterprise_id} {year}: 没有上传该文件", message_en="no such document uploaded"
            )
        path = self.files_dir / meta["sha256"][:2] / meta["sha256"]
        if not path.is_file():
            raise NotFoundError(f"{enterprise_id} {year}: 文件缺失", message_en="the stored file is missing")
        return path, MEDIA_TYPES.get(meta["kind"], "application/octet-stream"), meta["name"]

    def template(self) -> Table:
        return template()

    def table(self, who: Reviewer, year: int | None = None) -> Table:
        """The years the reader may see in the template's columns (an export that imports again)."""
        narrowed = self._readable(who)
        found = repo.list_years(self.engine, year, narrowed)
        if who.actor.role == "department":
            supervisors = review_repo.supervisors(self.engine)
            found = [s for s in found if may_review(who, s.record.enterprise_id, supervisors)]
        return emitters_table([s.record for s in found])

    def tolerance_share(self) -> float:
        return float(rules()["gap_tolerance"]["share"] if self.tolerance is None else self.tolerance)
