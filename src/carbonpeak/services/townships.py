"""Townships, streets and parks as a service: the members of the collective units, decompositions of
district targets into member targets (协同分解), members' and the district's values, status against
each share, the district roll-up and carbon dual control.

Who may do what (enforced here for every adapter): the office decomposes, imports and records any
value (the district's own figure too); a department account of a member (a town, street or park)
records and sees only its own values and rows; the department that supervises members (the members
file's ``supervised_by``, e.g. a park's 管委会) sees and reviews only those members' values; a viewer
reads everything; other departments read the district rows only. Every change is audited
(``storage.townships``).

A member's value is reviewed as tracking's records are (decision 0312): draft → submitted → approved
or returned with a reason, evidence files attached, a version read for every change, nobody approving
what they entered or submitted. Only approved values count in the status, the roll-up, the dual
control and the 考核; the others are shown apart as 待审核.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from carbonpeak.errors import InvalidInputError, NotAllowedError, NotFoundError, Problem
from carbonpeak.plan import Plan
from carbonpeak.plan.members import (
    collectives_of,
    member_units,
    members_complete,
    supervised,
    supervisor_of,
    unresolved_collectives,
)
from carbonpeak.services.evidence import StoredFile, clean_name, store_file
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimits, read_csv_rows, read_xlsx
from carbonpeak.storage import townships as repo
from carbonpeak.storage import tracking as tracking_repo
from carbonpeak.storage.engine import reader
from carbonpeak.storage.townships import DISTRICT, StoredDecomposition, StoredTarget, StoredValue
from carbonpeak.tables import Column, Table
from carbonpeak.townships import (
    METHODS,
    MemberRow,
    decompose,
    dual_control,
    quantity,
    required,
    rollup,
    share_status,
)
from carbonpeak.tracking.codes import label
from carbonpeak.tracking.errors import EvidenceError
from carbonpeak.tracking.model import STATE_LABELS, Actor

log = logging.getLogger(__name__)
EVIDENCE_KIND = "township_value"  # evidence_files.owner_kind of a member's value
KIND_WORDS = {"township": ("乡镇", "township"), "street": ("街道", "subdistrict"), "park": ("园区", "park")}
SHEET = "分解表"
COLUMNS = (
    Column("member", "成员", header_en="member"),
    Column("base", "基准年数值", header_en="base-year value", kind="number"),
    Column("weight", "权重", header_en="weight", kind="number"),
    Column("target", "分解目标", header_en="member target", kind="number"),
)


METHODS_TITLE = "、".join(zh for zh, _ in METHODS.values())


def _invalid(problems: list[Problem], what: str) -> InvalidInputError:
    return InvalidInputError(
        problems, summary=f"{what}有 {len(problems)} 处问题：", summary_en=f"{len(problems)} problem(s):"
    )


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


class TownshipsService:
    def __init__(
        self,
        engine: Engine,
        plan: Plan,
        *,
        source: str = "carbonpeak",
        illustrative: bool = False,
        evidence_dir: Path | None = None,
        evidence_max_bytes: int = 20 * 1024 * 1024,
        evidence_types: Sequence[str] = ("pdf", "png", "jpeg", "xlsx", "docx", "csv", "txt"),
    ):
        self.engine = engine
        self.plan = plan
        self.plan_id = plan.plan.id
        self.source = source
        self.illustrative = illustrative
        self.evidence_dir = evidence_dir
        self.evidence_max_bytes = evidence_max_bytes
        self.evidence_types = list(evidence_types)
        self._members = {u.id: u for u in member_units(plan)}
        self._names = {u.id: u.name for u in plan.units}

    # -- members -----------------------------------------------------------------------------------

    def name(self, unit_id: str, lang: str = "zh") -> str:
        if unit_id == DISTRICT:
            return "全区" if lang != "en" else "district"
        unit = next((u for u in self.plan.units if u.id == unit_id), None)
        if unit is None:
            return unit_id
        return (unit.name_en or unit.name) if lang == "en" else unit.name

    def members(self, lang: str = "zh") -> dict[str, Any]:
        """Every member with its kind, division code and collectives; whether the list is complete and
        which collectives have no member yet."""
        rows = []
        for u in self._members.values():
            zh, en = KIND_WORDS.get(u.kind, (u.kind, u.kind))
            rows.append(
                {
                    "id": u.id,
                    "name": self.name(u.id, lang),
                    "kind": u.kind,
                    "kind_label": en if lang == "en" else zh,
                    "division_code": u.division_code,
                    "collectives": [self.name(c, lang) for c in collectives_of(self.plan, u.id)],
                }
            )
        return {
            "complete": members_complete(self.plan),
            "note": self.plan.members.note if self.plan.members else None,
            "members": rows,
            "unresolved": [self.name(u.id, lang) for u in unresolved_collectives(self.plan)],
        }

    def _member(self, ref: str) -> str:
        ref = ref.strip()
        for u in self._members.values():
            if ref in (u.id, u.name, *u.aliases):
                return u.id
        raise NotFoundError(
            f"{ref!r} 不是集体单位的成员（乡镇、街道或园区）",
            message_en=f"{ref!r} is no member of a collective unit",
        )

    # -- decomposition -----------------------------------------------------------------------------

    def decompose(
        self,
        actor: Actor,
        code: str,
        year: int,
        method: str,
        district_target: float,
        rows: Sequence[MemberRow],
        *,
        base_year: int | None = None,
        district_base: float | None = None,
        document: str | None = None,
        file: str = "<form>",
    ) -> dict[str, Any]:
        """Split the district target among ``rows`` by ``method``, check that it adds up, store it
        (replacing an earlier decomposition of the same quantity and year). Office only."""
        if actor.role != "office":
            raise NotAllowedError(
                f"只有区“双碳”办可以分解目标，{actor.who} 不可以",
                message_en=f"only the office decomposes targets, not {actor.who}",
            )
        problems: list[Problem] = []
        resolved = []
        for i, r in enumerate(rows):
            try:
                resolved.append(MemberRow(self._member(r.member), r.base, r.weight, r.target, r.row or i + 1))
            except NotFoundError as exc:
                problems += [
                    Problem(p.message, file=file, row=r.row or i + 1, field="member", message_en=p.message_en)
                    for p in exc.problems
                ]
        if problems:
            raise InvalidInputError(
                problems,
                summary=f"分解有 {len(problems)} 处问题：",
                summary_en=f"{len(problems)} problem(s):",
            )
        targets = decompose(code, method, district_target, resolved, file=file)
        with Session(self.engine) as s, s.begin():
            repo.save_decomposition(
                s,
                plan_id=self.plan_id,
                quantity=code,
                year=year,
                base_year=base_year or self.plan.plan.base_year,
                method=method,
                district_target=district_target,
                district_base=district_base,
                document=document,
                targets=[StoredTarget(t.member, t.base, t.weight, t.target) for t in targets],
                who=actor.who,
                source=self.source,
                illustrative=self.illustrative,
            )
        log.info("decomposition %s %s by %s: %d members", code, year, method, len(targets))
        return self.decomposition(actor, code, year)

    def _stored(self) -> list[StoredDecomposition]:
        with Session(reader(self.engine)) as s:
            return repo.decompositions(s, self.plan_id)

    def decomposition(self, actor: Actor, code: str, year: int, lang: str = "zh") -> dict[str, Any]:
        found = next((d for d in self._stored() if d.quantity == code and d.year == year), None)
        if found is None:
            raise NotFoundError(
                f"{year}年「{quantity(code).name}」尚未分解", message_en=f"{code} {year} is not decomposed"
            )
        return self._dec_dict(actor, found, lang)

    def _visible(self, actor: Actor, unit_id: str) -> bool:
        """The office and viewers see every member; a department its own unit and the members it
        supervises."""
        if actor.role in ("office", "viewer"):
            return True
        return (
            actor.role == "department"
            and actor.unit_id is not None
            and actor.unit_id
            in (
                unit_id,
                supervisor_of(self.plan, unit_id),
            )
        )

    @property
    def member_ids(self) -> list[str]:
        return list(self._members)

    def supervises(self, actor: Actor) -> list[str]:
        """The members the actor's unit supervises (a park administration's park …)."""
        return supervised(self.plan, actor.unit_id) if actor.role == "department" and actor.unit_id else []

    def _dec_dict(self, actor: Actor, d: StoredDecomposition, lang: str) -> dict[str, Any]:
        q = quantity(d.quantity)
        zh, en = METHODS[d.method]
        return {
            "quantity": d.quantity,
            "name": q.name_en if lang == "en" else q.name,
            "unit": q.unit,
            "year": d.year,
            "base_year": d.base_year,
            "method": d.method,
            "method_label": en if lang == "en" else zh,
            "district_target": d.district_target,
            "district_base": d.district_base,
            "document": d.document,
            "illustrative": d.illustrative,
            "updated_by": d.updated_by,
            "members": [
                {
                    "member": t.member,
                    "name": self.name(t.member, lang),
                    "base": t.base,
                    "weight": t.weight,
                    "target": t.target,
                }
                for t in d.targets
                if self._visible(actor, t.member)
            ],
        }

    def decompositions(self, actor: Actor, lang: str = "zh") -> list[dict[str, Any]]:
        return [self._dec_dict(actor, d, lang) for d in self._stored()]

    # -- values ------------------------------------------------------------------------------------

    def record_value(
        self,
        actor: Actor,
        unit: str | None,
        code: str,
        year: int,
        value: float,
        *,
        expected_version: int | None = None,
        submit: bool = False,
        evidence: tuple[bytes, str] | None = None,
    ) -> dict[str, Any]:
        """A member's (``unit``) or, with ``unit`` None, the district's own value of a quantity. A
        member's value is saved as a draft (or edits a draft or returned one, on ``expected_version``)
        and, with ``submit``, submitted for review; the district's own figure (office) counts as
        entered. ``evidence`` (content, file name) is attached in the same transaction, before the
        submission: all or nothing. Returns the value's id, version and state."""
        quantity(code)
        if actor.role == "viewer":
            raise NotAllowedError(f"{actor.who} 只能查看", message_en=f"{actor.who} may only read")
        unit_id = DISTRICT if unit is None else self._member(unit)
        if actor.role != "office" and (unit_id == DISTRICT or actor.unit_id != unit_id):
            raise NotAllowedError(
                f"{actor.who} 只能填报本单位的数值",
                message_en=f"{actor.who} may report only its own unit's values",
            )
        with Session(self.engine) as s, s.begin():
            row = repo.save_value(
                s,
                plan_id=self.plan_id,
                unit_id=unit_id,
                quantity=code,
                year=year,
                value=value,
                who=actor.who,
                source=self.source,
                illustrative=self.illustrative,
                reviewed=unit_id != DISTRICT,
                expected_version=expected_version,
            )
            if evidence is not None and unit_id != DISTRICT:
                self._attach(s, actor, row, *evidence)
            if submit and unit_id != DISTRICT:
                repo.transition(s, row, "submit", who=actor.who, source=self.source)
            ref = {"id": row.id, "version": row.version, "state": row.state}
        log.info("%s saved %s %s %s (%s)", actor.who, unit_id, code, year, ref["state"])
        return ref

    # -- review ------------------------------------------------------------------------------------

    def _owned(self, s: Session, actor: Actor, value_id: int) -> repo.TownshipValueRow:
        """The member value ``value_id`` if the actor may change it: the office, or the member itself."""
        row = repo.get_value(s, self.plan_id, value_id)
        if actor.role == "office" or (actor.role == "department" and actor.unit_id == row.unit_id):
            return row
        raise NotAllowedError(
            f"{actor.who} 只能提交本单位的数值",
            message_en=f"{actor.who} may submit only its own unit's values",
        )

    def _reviewable(self, s: Session, actor: Actor, value_id: int) -> repo.TownshipValueRow:
        """The member value ``value_id`` if the actor reviews it: the office, or the department that
        supervises the member."""
        row = repo.get_value(s, self.plan_id, value_id)
        sup = supervisor_of(self.plan, row.unit_id)
        if actor.role == "office" or (
            actor.role == "department" and sup is not None and actor.unit_id == sup
        ):
            return row
        raise NotAllowedError(
            f"只有区“双碳”办或该成员的主管单位可以审核，{actor.who} 不可以",
            message_en=f"only the office or the supervising unit reviews the values, not {actor.who}",
        )

    def submit_value(
        self, actor: Actor, value_id: int, *, expected_version: int | None = None
    ) -> dict[str, Any]:
        """The member (or the office for it) submits a draft or returned value for review."""
        with Session(self.engine) as s, s.begin():
            row = self._owned(s, actor, value_id)
            repo.transition(
                s, row, "submit", who=actor.who, source=self.source, expected_version=expected_version
            )
            return {"id": row.id, "version": row.version, "state": row.state}

    def review_value(
        self,
        actor: Actor,
        value_id: int,
        step: str,
        *,
        comment: str | None = None,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Approve, return (with the reason) or reopen (approved → returned, with the reason) a
        member's value: the office or the member's supervising unit, never who entered or submitted it."""
        if step not in ("approve", "return", "reopen"):
            raise InvalidInputError(
                f"审核操作应为 approve、return 或 reopen，而不是 {step!r}",
                message_en=f"review step: approve, return or reopen, not {step!r}",
            )
        comment = (comment or "").strip() or None
        if step != "approve" and comment is None:
            raise InvalidInputError(
                Problem(
                    "退回或重新打开须填写原因",
                    field="comment",
                    message_en="a return or reopening needs a reason",
                )
            )
        with Session(self.engine) as s, s.begin():
            row = self._reviewable(s, actor, value_id)
            if step == "approve" and actor.who in repo.authors(s, row):
                raise NotAllowedError(
                    Problem(
                        "不能审核通过自己填报或提交的数值，请由另一名人员审核",
                        message_en=f"{actor.who} entered or submitted this value and may not approve it "
                        "(separation of duties)",
                    )
                )
            repo.transition(
                s,
                row,
                step,
                who=actor.who,
                source=self.source,
                comment=comment,
                expected_version=expected_version,
            )
            log.info("%s: %s township value #%d", actor.who, step, value_id)
            return {"id": row.id, "version": row.version, "state": row.state}

    def attach_evidence(self, actor: Actor, value_id: int, content: bytes, filename: str) -> dict[str, Any]:
        """Store an evidence file (type from the content, size limited, by sha256) for a draft or
        returned value the actor may change; audited."""
        with Session(self.engine) as s, s.begin():
            row = self._owned(s, actor, value_id)
            return self._attach(s, actor, row, content, filename)

    def _attach(
        self, s: Session, actor: Actor, row: repo.TownshipValueRow, content: bytes, filename: str
    ) -> dict[str, Any]:
        if self.evidence_dir is None:
            raise EvidenceError(
                "未配置佐证材料目录（evidence_dir）", message_en="no evidence folder configured"
            )
        if row.state not in ("draft", "returned"):
            raise EvidenceError(
                f"数值处于「{STATE_LABELS.get(row.state, row.state)}」状态，不能再附佐证材料",
                message_en=f"the value is {row.state}: evidence is attached to a draft or returned value",
            )
        stored: StoredFile = store_file(
            content, self.evidence_dir, max_bytes=self.evidence_max_bytes, allowed=self.evidence_types
        )
        tracking_repo.add_evidence(
            s,
            kind=EVIDENCE_KIND,
            owner_id=row.id,
            sha256=stored.sha256,
            size=stored.size,
            media_type=stored.media_type,
            display_name=clean_name(filename),
            who=actor.who,
            source=self.source,
            illustrative=self.illustrative,
        )
        return {"sha256": stored.sha256, "size": stored.size, "media_type": stored.media_type}

    def evidence_file(self, actor: Actor, value_id: int, sha256: str) -> tuple[Path, str, str]:
        """(path, media type, display name) of an evidence file of a value the actor may see."""
        with Session(reader(self.engine)) as s:
            stored = repo.value(s, self.plan_id, value_id)
            files = tracking_repo.evidence_files(s, EVIDENCE_KIND, [value_id])[value_id]
        if not self._visible(actor, stored.unit_id):
            raise NotAllowedError(
                f"{actor.who} 无权查看该数值", message_en=f"{actor.who} may not see this value"
            )
        found = next((f for f in files if f["sha256"] == sha256), None)
        path = self.evidence_dir / sha256[:2] / sha256 if self.evidence_dir else None
        if found is None or path is None or not path.is_file():
            raise NotFoundError(
                "该数值没有此佐证材料", message_en=f"no evidence file {sha256} on value #{value_id}"
            )
        return path, found["media_type"], found["name"]

    def value_record(self, actor: Actor, value_id: int, lang: str = "zh") -> dict[str, Any]:
        """One member value with its state, reason, version and evidence, if the actor may see it."""
        with Session(reader(self.engine)) as s:
            stored = repo.value(s, self.plan_id, value_id)
        if not self._visible(actor, stored.unit_id):
            raise NotAllowedError(
                f"{actor.who} 无权查看该数值", message_en=f"{actor.who} may not see this value"
            )
        return self._records(actor, [stored], lang)[0]

    def value_records(
        self, actor: Actor, state: str | None = None, lang: str = "zh", *, year: int | None = None
    ) -> list[dict[str, Any]]:
        """The member values the actor may see (optionally of one state), newest change first, each
        with its state, reason of a return, version, evidence, and whether the actor may review it."""
        with Session(reader(self.engine)) as s:
            stored = [
                v
                for v in repo.values(s, self.plan_id)
                if v.unit_id != DISTRICT
                and (state is None or v.state == state)
                and (year is None or v.year == year)
                and self._visible(actor, v.unit_id)
            ]
        stored.sort(key=lambda v: v.id, reverse=True)
        return self._records(actor, stored, lang)

    def _records(self, actor: Actor, stored: list[StoredValue], lang: str) -> list[dict[str, Any]]:
        with Session(reader(self.engine)) as s:
            files = tracking_repo.evidence_files(s, EVIDENCE_KIND, [v.id for v in stored])
        out = []
        for v in stored:
            q = quantity(v.quantity)
            sup = supervisor_of(self.plan, v.unit_id)
            reviewer = actor.role == "office" or (
                actor.role == "department" and sup is not None and actor.unit_id == sup
            )
            out.append(
                {
                    "id": v.id,
                    "member": v.unit_id,
                    "name": self.name(v.unit_id, lang),
                    "quantity": v.quantity,
                    "quantity_name": q.name_en if lang == "en" else q.name,
                    "unit": q.unit,
                    "year": v.year,
                    "value": v.value,
                    "state": v.state,
                    "state_label": label("record_state", v.state, _lang(lang)),
                    "version": v.version,
                    "comment": v.comment,
                    "returns": v.returns,
                    "updated_by": v.updated_by,
                    "illustrative": v.illustrative,
                    "evidence": files.get(v.id, []),
                    "may_review": reviewer,
                    "may_edit": (actor.role == "office" or actor.unit_id == v.unit_id)
                    and v.state in ("draft", "returned"),
                }
            )
        return out

    def _all_values(self) -> list[StoredValue]:
        with Session(reader(self.engine)) as s:
            return repo.values(s, self.plan_id)

    def _values(self, stored: list[StoredValue] | None = None) -> dict[tuple[str, str, int], float]:
        """The values that count: the district's own figure and the members' approved values."""
        return {
            (v.unit_id, v.quantity, v.year): v.value
            for v in (self._all_values() if stored is None else stored)
            if v.state == "approved"
        }

    # -- status ------------------------------------------------------------------------------------

    def status(self, actor: Actor, year: int, lang: str = "zh") -> dict[str, Any]:
        """Every decomposition in ``year``: each member against its own share, the district's own
        figure, the roll-up of the members compared with it, and carbon dual control."""
        la = _lang(lang)
        stored = self._all_values()
        vals = self._values(stored)
        pending = {(v.unit_id, v.quantity, v.year): v for v in stored if v.state != "approved"}
        decs = self._stored()
        office_view = actor.role in ("office", "viewer")
        out = []
        for d in decs:
            q = quantity(d.quantity)
            rows = []
            for t in d.targets:
                v = vals.get((t.member, d.quantity, year))
                st = share_status(q, year, v, d.base_year, t.base, d.year, t.target)
                if self._visible(actor, t.member):
                    rows.append(
                        {
                            "member": t.member,
                            "name": self.name(t.member, lang),
                            "target": t.target,
                            "required": required(q, year, d.base_year, t.base, d.year, t.target),
                            "value": v,
                            "status": st,
                            "status_label": label("indicator_status", st, la),
                            **self._pending_of(pending.get((t.member, d.quantity, year)), lang),
                        }
                    )
            member_values = [vals.get((t.member, d.quantity, year)) for t in d.targets]
            missing = sum(v is None for v in member_values)
            rolled = (
                rollup(q, [v for v in member_values if v is not None], [t.weight for t in d.targets])
                if d.targets and not missing
                else None
            )
            own = vals.get((DISTRICT, d.quantity, year))
            dst = share_status(q, year, own, d.base_year, d.district_base, d.year, d.district_target)
            out.append(
                {
                    **self._dec_dict(actor, d, lang),
                    "status_year": year,
                    "rows": rows,
                    "district_value": own,
                    "district_status": dst,
                    "district_status_label": label("indicator_status", dst, la),
                    "rollup": rolled if office_view else None,
                    "rollup_missing": missing if office_view else None,
                    "rollup_difference": (rolled - own)
                    if office_view and rolled is not None and own is not None
                    else None,
                }
            )
        return {
            "year": year,
            "complete": members_complete(self.plan),
            "decompositions": out,
            "dual_control": self._dual(actor, year, decs, vals, lang),
            "illustrative": any(d.illustrative for d in decs),
        }

    def _pending_of(self, v: StoredValue | None, lang: str) -> dict[str, Any]:
        """A value not yet approved (待审核), shown apart from the value that counts."""
        if v is None:
            return {"pending": None, "pending_state": None, "pending_label": None}
        return {
            "pending": v.value,
            "pending_state": v.state,
            "pending_label": label("record_state", v.state, _lang(lang)),
        }

    def _dual(
        self,
        actor: Actor,
        year: int,
        decs: list[StoredDecomposition],
        vals: dict[tuple[str, str, int], float],
        lang: str,
    ) -> list[dict[str, Any]]:
        def pick(part: str) -> StoredDecomposition | None:
            found = [d for d in decs if quantity(d.quantity).dual == part and d.year >= year]
            return min(found, key=lambda d: d.year) if found else None

        total, intensity = pick("total"), pick("intensity")
        if intensity is None:
            return []
        qi = quantity(intensity.quantity)
        qt = quantity(total.quantity) if total else None
        shares_i = {t.member: t for t in intensity.targets}
        shares_t = {t.member: t for t in total.targets} if total else {}
        units = [DISTRICT, *shares_i]
        out = []
        for unit in units:
            if unit != DISTRICT and not self._visible(actor, unit):
                continue
            i_target = intensity.district_target if unit == DISTRICT else shares_i[unit].target
            need = required(qi, year, intensity.base_year, None, intensity.year, i_target)
            allowed = None
            if total is not None and qt is not None and (unit == DISTRICT or unit in shares_t):
                t_target = total.district_target if unit == DISTRICT else shares_t[unit].target
                t_base = total.district_base if unit == DISTRICT else shares_t[unit].base
                allowed = required(qt, year, total.base_year, t_base, total.year, t_target)
            dc = dual_control(
                unit,
                year,
                need,
                vals.get((unit, intensity.quantity, year)),
                allowed,
                vals.get((unit, total.quantity, year)) if total else None,
            )
            out.append(
                {
                    "unit": unit,
                    "name": self.name(unit, lang),
                    "intensity_required": dc.intensity_required,
                    "intensity_actual": dc.intensity_actual,
                    "intensity_margin": dc.intensity_margin,
                    "total_allowed": dc.total_allowed,
                    "total_used": dc.total_used,
                    "total_left": dc.total_left,
                    "status": dc.status,
                    "status_label": label("dual_control", dc.status, _lang(lang)),
                }
            )
        return out

    def member_status(self, year: int) -> dict[tuple[str, str], str]:
        """(member, indicator id) → the member's status on its share, for the 考核: every plan
        indicator whose metric is a decomposed quantity, of the decomposition's target year."""
        vals = self._values()
        out: dict[tuple[str, str], str] = {}
        for d in self._stored():
            q = quantity(d.quantity)
            inds = [i for i in self.plan.indicators if q.metric and i.metric == q.metric and i.year == d.year]
            for t in d.targets:
                v = vals.get((t.member, d.quantity, year))
                st = share_status(q, year, v, d.base_year, t.base, d.year, t.target)
                out.update({(t.member, ind.id): st for ind in inds})
        return out

    # -- files -------------------------------------------------------------------------------------

    def read_rows(
        self, path: Path, name: str | None = None, limits: SheetLimits = DEFAULT_LIMITS
    ) -> list[MemberRow]:
        """The member rows of a decomposition sheet (XLSX sheet 分解表, or CSV) through the one reader:
        columns 成员, 基准年数值, 权重, 分解目标; every bad cell located, nothing returned on a problem."""
        file = name or path.name
        if path.suffix.lower() == ".csv":
            raw: list[tuple[Any, ...]] = list(read_csv_rows(path, limits, file))
        else:
            sheets = read_xlsx(path, (SHEET,), limits, file, first_if_none=True)
            raw = next(iter(sheets.values()), [])
        if not raw:
            raise InvalidInputError([Problem("文件为空", file=file, message_en="the file is empty")])
        # the header is the first row naming 成员 (a written table has a title row above it)
        top = next(
            (i for i, r in enumerate(raw) if any(str(c or "").strip() in ("成员", "member") for c in r)), 0
        )
        header = [str(h or "").strip() for h in raw[top]]
        wanted = {c.key: (c.header, c.header_en) for c in COLUMNS}
        index: dict[str, int] = {}
        for key, names in wanted.items():
            for i, h in enumerate(header):
                if h.split("（")[0].split(" (")[0] in names:
                    index[key] = i
        if "member" not in index:
            raise InvalidInputError(
                [Problem("缺少列「成员」", file=file, row=1, message_en="column 成员 (member) missing")]
            )
        problems: list[Problem] = []
        rows: list[MemberRow] = []
        for n, cells in enumerate(raw[top + 1 :], start=top + 2):
            if not any(c not in (None, "") for c in cells):
                continue
            got: dict[str, Any] = {}
            for key, i in index.items():
                cell = cells[i] if i < len(cells) else None
                if key == "member":
                    got[key] = str(cell or "").strip()
                    continue
                if cell in (None, ""):
                    got[key] = None
                    continue
                try:
                    got[key] = float(cell)
                except (TypeError, ValueError):
                    problems.append(
                        Problem(
                            f"应为数字，而不是 {cell!r}",
                            file=file,
                            row=n,
                            column=wanted[key][0],
                            message_en=f"expected a number, not {cell!r}",
                        )
                    )
            rows.append(MemberRow(got["member"], got.get("base"), got.get("weight"), got.get("target"), n))
        if problems:
            raise InvalidInputError(
                problems,
                summary=f"文件有 {len(problems)} 处问题：",
                summary_en=f"{len(problems)} problem(s):",
            )
        return rows

    def table(self, actor: Actor, code: str, year: int, lang: str = "zh") -> Table:
        """A decomposition as a table (the one writer, ``carbonpeak.reports``, writes the file); with
        the members of the plan when it is not decomposed yet (a template to fill)."""
        try:
            d = self.decomposition(actor, code, year, lang)
            records = d["members"]
        except NotFoundError:
            records = [{"member": self.name(m, lang)} for m in self._members]
        for r in records:
            r["member"] = r.get("name", r["member"])
        q = quantity(code)
        cols = tuple(
            Column(
                c.key,
                c.header,
                header_en=c.header_en,
                kind=c.kind,
                unit=q.unit if c.key in ("base", "target") else None,
            )
            for c in COLUMNS
        )
        title = f"{year}年「{q.name}」分解（{METHODS_TITLE}）"
        return Table.of(
            SHEET, cols, records, title=title, name_en="decomposition", title_en=f"{q.name_en} {year}"
        )


# -- the members list as a sheet -------------------------------------------------------------------

MEMBER_SHEET = "成员"
MEMBER_SHEET_COLUMNS = (
    Column("name", "名称", header_en="name"),
    Column("kind_label", "类别", header_en="kind"),
    Column("id", "标识", header_en="id"),
    Column("division_code", "区划代码", header_en="division code"),
    Column("collectives", "所属集体单位", header_en="collectives"),
)
_KIND_OF_WORD = {w: k for k, pair in KIND_WORDS.items() for w in (*pair, k)}


def members_table(svc: TownshipsService, lang: str = "zh") -> Table:
    """The members as a table for the one writer (the sheet ``members_file`` reads back)."""
    data = svc.members(lang)
    rows = [{**m, "collectives": "、".join(m["collectives"])} for m in data["members"]]
    title = "集体单位成员" + ("（名单不完整）" if not data["complete"] else "")
    return Table.of(MEMBER_SHEET, MEMBER_SHEET_COLUMNS, rows, title=title, name_en="members")


def members_file(
    plan: Plan,
    base: Plan,
    path: Path,
    *,
    complete: bool,
    source: str,
    name: str | None = None,
    limits: SheetLimits = DEFAULT_LIMITS,
) -> str:
    """The companion members file (YAML) from a members sheet (columns 名称, 类别, 标识, 区划代码),
    read through the one reader: rows naming a unit of the plan file (``base``) are kept as they are,
    the others become member units; the collectives of ``plan`` are kept. Every problem located,
    nothing returned on a problem; the result is checked as the loader checks it."""
    import yaml

    from carbonpeak.plan.document import LineMap
    from carbonpeak.plan.members import MEMBERS_SCHEMA_VERSION, check_members
    from carbonpeak.plan.schema import Collective, Members, ResponsibleUnit

    file = name or path.name
    if path.suffix.lower() == ".csv":
        raw: list[tuple[Any, ...]] = list(read_csv_rows(path, limits, file))
    else:
        raw = next(iter(read_xlsx(path, (MEMBER_SHEET,), limits, file, first_if_none=True).values()), [])
    top = next(
        (i for i, r in enumerate(raw) if any(str(c or "").strip() in ("名称", "name") for c in r)), None
    )
    if top is None:
        raise InvalidInputError(
            [Problem("缺少列「名称」", file=file, row=1, message_en="column 名称 (name) missing")]
        )
    header = [str(h or "").strip() for h in raw[top]]
    col = {
        c.key: next((i for i, h in enumerate(header) if h in (c.header, c.header_en)), None)
        for c in MEMBER_SHEET_COLUMNS
    }
    known = {u.name: u for u in base.units}
    problems: list[Problem] = []
    units: list[dict[str, Any]] = []
    belongs: list[tuple[int, str, str]] = []  # (row, member id, collective name) of 所属集体单位
    for n, cells in enumerate(raw[top + 1 :], start=top + 2):

        def cell(key: str, cells: tuple[Any, ...] = cells) -> str:
            i = col.get(key)
            return str(cells[i]).strip() if i is not None and i < len(cells) and cells[i] is not None else ""

        unit_name = cell("name")
        if not unit_name:
            continue
        for coll_name in (c.strip() for c in cell("collectives").replace(",", "、").split("、")):
            if coll_name:
                belongs.append((n, known[unit_name].id if unit_name in known else cell("id"), coll_name))
        if unit_name in known:
            continue  # a unit of the plan file: its kind and id are the plan's
        kind = _KIND_OF_WORD.get(cell("kind_label"))
        if kind is None:
            problems.append(
                Problem(
                    "类别应为 乡镇、街道 或 园区",
                    file=file,
                    row=n,
                    column="类别",
                    message_en="kind: 乡镇, 街道 or 园区",
                )
            )
        if not cell("id"):
            problems.append(
                Problem(
                    "新成员应填英文标识",
                    file=file,
                    row=n,
                    column="标识",
                    message_en="a new member needs an id",
                )
            )
        unit = {"id": cell("id"), "name": unit_name, "kind": kind or "township"}
        if cell("division_code"):
            unit["division_code"] = cell("division_code")
        units.append({"row": n, **unit})
    validated: list[ResponsibleUnit] = []
    for u in units:
        row = u.pop("row")
        try:
            validated.append(ResponsibleUnit.model_validate(u))
        except ValueError as exc:
            problems.append(Problem(f"无效：{exc}", file=file, row=row, message_en=f"invalid: {exc}"))
    if problems:
        raise _invalid(problems, "文件")
    collectives = {c.unit: c for c in (plan.members.collectives if plan.members else [])}
    kinds = {u.id: u.kind for u in [*base.units, *validated]}
    for row, member, coll_name in belongs:
        coll = known.get(coll_name)
        if coll is None or coll.kind != "collective":
            problems.append(
                Problem(
                    f"「{coll_name}」不是方案的集体单位",
                    file=file,
                    row=row,
                    column="所属集体单位",
                    message_en=f"{coll_name!r} is no collective unit of the plan",
                )
            )
            continue
        have = collectives.get(coll.id) or Collective(unit=coll.id)
        if member not in have.members and kinds.get(member) not in have.kinds:
            have = have.model_copy(update={"members": [*have.members, member]})
        collectives[coll.id] = have
    if problems:
        raise _invalid(problems, "文件")
    members = Members(
        complete=complete, source=source, units=validated, collectives=list(collectives.values())
    )
    clash = check_members(base, members, file, LineMap({}))
    if clash:
        raise _invalid(clash, "文件")
    data = {
        "schema_version": MEMBERS_SCHEMA_VERSION,
        "plan": plan.plan.id,
        **members.model_dump(mode="json", exclude_none=True),
    }
    header_text = f"# Members of the collective units of {plan.plan.id}, from {file}\n"
    return header_text + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
