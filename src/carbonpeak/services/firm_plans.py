"""One plan per firm (一企一策): a unit keeps its own plan (document + measures); the office sees the
units without one and the measures overdue."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.access import LedgerActor, check_may_read, reads_all
from carbonpeak.ledgers.errors import LedgerError, LedgerProblems, NotAllowedError, Problem
from carbonpeak.ledgers.firm_plans import STATUS_WORDS, FirmPlan, coverage, overdue
from carbonpeak.services.evidence import MEDIA_TYPES, clean_name, sniff, store_file
from carbonpeak.storage import firm_plans as repo
from carbonpeak.storage import ledgers as ledger_repo
from carbonpeak.storage.firm_plans import PlanDocument

log = logging.getLogger(__name__)
# the plan document's file types (detected from the content, never from the name)
DOCUMENT_TYPES = ("pdf", "docx", "png", "jpeg")


def document_dict(doc: PlanDocument | None) -> dict[str, Any] | None:
    if doc is None:
        return None
    return {"sha256": doc.sha256, "name": doc.name, "size": doc.size, "type": doc.kind}


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
    def __init__(
        self,
        engine: Engine,
        *,
        today: dt.date | None = None,
        files_dir: Path | None = None,
        max_bytes: int = 20 * 1024 * 1024,
        types: Sequence[str] = DOCUMENT_TYPES,
    ) -> None:
        self.engine = engine
        self.today = today or dt.date.today()
        self.files_dir = files_dir
        self.max_bytes = max_bytes
        self.types = [t for t in DOCUMENT_TYPES if t in types]

    def _document(self, content: bytes, name: str) -> PlanDocument:
        """Check and store the plan's file (type from its bytes, size), as evidence files are."""
        shown = clean_name(name)
        if self.files_dir is None:
            raise LedgerError(
                "未配置文件存放目录（evidence_dir）", message_en="no folder for files (evidence_dir)"
            )
        if not content:
            raise LedgerError(f"方案文件 {shown} 为空", message_en=f"the plan file {shown} is empty")
        if len(content) > self.max_bytes:
            raise LedgerError(
                f"方案文件 {shown} 有 {len(content)} 字节，最多接受 {self.max_bytes} 字节",
                message_en=f"the plan file {shown} has {len(content)} bytes; at most {self.max_bytes}",
            )
        kind = sniff(content)
        if kind not in self.types:
            raise LedgerError(
                f"方案文件 {shown} 的类型为 {kind or '未知'}；可接受：{'、'.join(self.types)}",
                message_en=f"the plan file {shown} is of type {kind or 'unknown'}; "
                f"accepted: {', '.join(self.types)}",
            )
        stored = store_file(content, self.files_dir, max_bytes=self.max_bytes, allowed=self.types)
        return PlanDocument(stored.sha256, shown, stored.size, stored.kind)

    def save(
        self,
        actor: LedgerActor,
        enterprise_id: str,
        data: Mapping[str, Any],
        *,
        source: str,
        document: tuple[bytes, str] | None = None,
    ) -> dict[str, Any]:
        """The enterprise saves its own plan (the office may enter one for it); every problem at once.
        ``document``: the plan's file (bytes, the user's file name), checked and stored with it."""
        if not (
            actor.role == "office" or (actor.role == "enterprise" and actor.enterprise_id == enterprise_id)
        ):
            raise NotAllowedError(
                f"{actor.name} 不能保存企业 {enterprise_id} 的一企一策",
                message_en=f"{actor.role} {actor.name} may not save the plan of {enterprise_id}",
            )
        values = dict(data)
        if not str(values.get("document") or "").strip():  # the file names the document
            kept = repo.documents(self.engine, enterprise_id).get(enterprise_id)
            if document is not None:
                values["document"] = clean_name(document[1])
            elif kept is not None:
                values["document"] = kept.name
        try:
            plan = FirmPlan.model_validate({**values, "enterprise_id": enterprise_id})
        except ValidationError as exc:
            raise LedgerProblems(
                [
                    Problem(
                        str(e["msg"]).removeprefix("Value error, "), field=".".join(str(x) for x in e["loc"])
                    )
                    for e in exc.errors()
                ]
            ) from exc
        stored = self._document(*document) if document is not None else None
        version = repo.save_plan(self.engine, plan, who=actor.name, source=source, document=stored)
        log.info("%s saved the plan of %s (version %d)", actor.name, enterprise_id, version)
        doc = stored or repo.documents(self.engine, enterprise_id).get(enterprise_id)
        return {**plan_dict(plan, self.today), "version": version, "file": document_dict(doc)}

    def plan(self, actor: LedgerActor, enterprise_id: str) -> dict[str, Any] | None:
        check_may_read(actor, enterprise_id)
        found = repo.plans(self.engine, enterprise_id)
        if not found:
            return None
        doc = repo.documents(self.engine, enterprise_id).get(enterprise_id)
        return {**plan_dict(found[0], self.today), "file": document_dict(doc)}

    def document_file(self, actor: LedgerActor, enterprise_id: str) -> tuple[Path, str, str]:
        """The stored plan file of a unit the actor may read: path, display name, media type."""
        check_may_read(actor, enterprise_id)
        doc = repo.documents(self.engine, enterprise_id).get(enterprise_id)
        path = self.files_dir / doc.sha256[:2] / doc.sha256 if doc and self.files_dir else None
        if doc is None or path is None or not path.is_file():
            raise NotFoundError(f"enterprise {enterprise_id} has no plan file")
        return path, doc.name, MEDIA_TYPES[doc.kind]

    def overview_rows(self, actor: LedgerActor) -> list[dict[str, Any]]:
        """One row per unit for the office's page: its plan (or none), savings, measures overdue, file."""
        if not reads_all(actor):
            raise NotAllowedError(f"{actor.role} {actor.name} may not read every unit's plan")
        plans = {p.enterprise_id: p for p in repo.plans(self.engine)}
        docs = repo.documents(self.engine)
        rows = []
        for ent in ledger_repo.list_enterprises(self.engine):
            plan = plans.get(ent.id)
            rows.append(
                {
                    "enterprise_id": ent.id,
                    "enterprise_name": ent.name,
                    "illustrative": ent.illustrative,
                    "plan": None if plan is None else plan_dict(plan, self.today),
                    "file": document_dict(docs.get(ent.id)),
                    "overdue": [] if plan is None else [m.name for m in overdue(plan, self.today)],
                }
            )
        return rows

    def overview(self, actor: LedgerActor) -> dict[str, Any]:
        """Units with and without a plan, the savings expected, the overdue measures (office, viewer)."""
        if not reads_all(actor):
            raise NotAllowedError(f"{actor.role} {actor.name} may not read every unit's plan")
        ids = [e.id for e in ledger_repo.list_enterprises(self.engine)]
        return coverage(ids, repo.plans(self.engine), self.today)
