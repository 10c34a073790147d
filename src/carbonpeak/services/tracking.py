"""The tracking service: the workflow (draft → submitted → approved | returned) with the rule that a
department edits only its own tasks and indicators, evidence files, and the evaluations, alerts and
assessment computed by the pure ``tracking`` package from what storage holds."""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from carbonpeak.errors import CarbonpeakError, NotFoundError, control_character_problems
from carbonpeak.plan import Plan
from carbonpeak.services.evidence import StoredFile, clean_name, store_file
from carbonpeak.services.townships import TownshipsService
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimits
from carbonpeak.storage import closed_years as closing
from carbonpeak.storage import reader
from carbonpeak.storage import tracking as repo
from carbonpeak.storage.tables import IndicatorValueRow, TaskReportRow
from carbonpeak.tracking.assess import UnitAssessment, assess
from carbonpeak.tracking.entry import FORM, Channel, EntryProblem, check_value, narrative_problem, ruled
from carbonpeak.tracking.errors import (
    EntryRefused,
    ImportProblems,
    NotAllowedError,
    Problem,
    TrackingError,
    WorkflowError,
)
from carbonpeak.tracking.evaluate import Evaluation, evaluate_indicator, evaluate_plan
from carbonpeak.tracking.model import (
    ANNUAL,
    PERIODS,
    QUARTERS,
    TASK_STATUS_LABELS,
    Actor,
    ClosedYear,
    ComputedValue,
    Observation,
    TrackingData,
    check_may_moderate,
    check_may_report_indicator,
    check_may_report_task,
    data_years,
    default_year,
    indicator_owner,
)
from carbonpeak.tracking.rubric import Rubric, load_rubric
from carbonpeak.tracking.sheets import ParsedImport, read_import
from carbonpeak.tracking.tasks import Alert, indicator_alerts, sort_alerts, task_alerts

log = logging.getLogger(__name__)
API = "<api>"

# Every change of these tables writes an audit row in its transaction: the latest one stamps the data.
TRACKED_TABLES = (
    "indicator_values",
    "task_reports",
    "computed_values",
    "evidence_files",
    "closed_years",
)


@dataclass(frozen=True)
class RecordRef:
    """What the caller needs to act on a record next: its kind, id, version (for locking) and state."""

    kind: str
    id: int
    version: int
    state: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "version": self.version, "state": self.state}


@dataclass(frozen=True)
class OverTime:
    """An indicator over the years: evaluations and the approved and computed values behind them."""

    evaluations: list[Evaluation]
    approved: list[Observation]
    computed: dict[int, ComputedValue]


@dataclass(frozen=True)
class ValueEntry:
    """An indicator value a unit reports for a year and period; ``evidence`` is a note of what proves
    it (a file is attached with ``Evidence``), ``data_source`` where the number comes from."""

    indicator_id: str
    year: int
    value: float | None
    period: str = ANNUAL
    unit_id: str | None = None
    evidence: str | None = None
    data_source: str | None = None
    expected_version: int | None = None
    # the user confirmed a value a rule of the checks at entry asks about (确认数值无误)
    confirm: bool = False


@dataclass(frozen=True)
class ReportEntry:
    """A unit's progress report on a task for a period."""

    task_id: str
    year: int
    period: str
    status: str
    narrative: str = ""
    milestones_met: tuple[str, ...] = ()
    unit_id: str | None = None
    expected_version: int | None = None


Entry = ValueEntry | ReportEntry
# (kind, key attributes, fields, source) of an entry the actor may record
Checked = tuple[str, dict[str, Any], dict[str, Any], str]


@dataclass(frozen=True)
class Evidence:
    """An evidence file to attach: its bytes and the name the user gave it (kept for display only)."""

    content: bytes
    filename: str


def _ref(kind: str, row: IndicatorValueRow | TaskReportRow) -> RecordRef:
    return RecordRef(kind, row.id, row.version, row.state)


def _require_comment(actor: Actor, comment: str, message: str) -> None:
    """A moderation that needs a comment: who may act is said before what is wrong with the input."""
    if not comment.strip():
        check_may_moderate(actor)
        raise TrackingError(message)


def read_sheet(
    path: Path, plan: Plan, unit_id: str | None = None, limits: SheetLimits = DEFAULT_LIMITS
) -> ParsedImport:
    """Read and check a filled reporting template (XLSX, or CSV for ``unit_id``): every problem at
    once (``ImportProblems``); a file that is no readable workbook or CSV is one problem naming it."""
    try:
        return read_import(path, plan, unit_id, limits)
    except CarbonpeakError:
        raise
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:  # e.g. a broken XLSX
        raise ImportProblems([Problem(f"cannot read: {exc}", file=path.name)]) from exc


def data_stamp(engine: Engine, tables: tuple[str, ...]) -> int:
    """The id of the latest audit row about ``tables``: unchanged while none of them changed."""
    with Session(reader(engine)) as s:
        return repo.data_stamp(s, tables)


class TrackingService:
    """Tracking on one plan in one database. ``source`` says where changes come from (cli, web,
    import); ``illustrative`` marks every row the service writes as demo data (the demo loader)."""

    def __init__(
        self,
        engine: Engine,
        plan: Plan,
        *,
        source: str = "carbonpeak",
        rubric: Rubric | None = None,
        evidence_dir: Path | None = None,
        evidence_max_bytes: int = 20 * 1024 * 1024,
        evidence_types: list[str] | None = None,
        illustrative: bool = False,
    ) -> None:
        self.engine = engine
        self.plan = plan
        self.plan_id = plan.plan.id
        self.source = source
        self.rubric = rubric or load_rubric()
        self.evidence_dir = evidence_dir
        self.evidence_max_bytes = evidence_max_bytes
        self.evidence_types = evidence_types or ["pdf", "png", "jpeg", "xlsx", "docx", "csv", "txt"]
        # the rows this service writes are demo data (示例数据): the demo loader's service says so
        self.illustrative = illustrative
        self._indicators = {i.id: i for i in plan.indicators}
        self._tasks = {t.id: t for t in plan.tasks}
        self._units = {u.id for u in plan.units}
        self._milestones = {m.id for m in plan.milestones}

    # -- reporting ---------------------------------------------------------------------------------

    def indicator(self, indicator_id: str) -> Any:
        try:
            return self._indicators[indicator_id]
        except KeyError:
            raise NotFoundError(f"no indicator {indicator_id!r} in plan {self.plan_id}") from None

    def task(self, task_id: str) -> Any:
        try:
            return self._tasks[task_id]
        except KeyError:
            raise NotFoundError(f"no task {task_id!r} in plan {self.plan_id}") from None

    def _unit_for(self, actor: Actor, unit_id: str | None, default: str | None) -> str:
        unit = unit_id or (actor.unit_id if actor.role == "department" else None) or default
        if unit is None or unit not in self._units:
            raise NotFoundError(f"no responsible unit {unit!r} in plan {self.plan_id}")
        return unit

    def _check_value(self, actor: Actor, entry: ValueEntry) -> Checked:
        ind = self.indicator(entry.indicator_id)
        if entry.period not in PERIODS:
            raise TrackingError(f"period {entry.period!r}: expected one of {', '.join(PERIODS)}")
        unit = self._unit_for(actor, entry.unit_id, indicator_owner(self.plan, ind))
        check_may_report_indicator(actor, self.plan, ind, unit)
        attrs = {"indicator_id": ind.id, "year": entry.year, "period": entry.period, "unit_id": unit}
        source = f"{self.source}; 数据来源: {entry.data_source}" if entry.data_source else self.source
        fields = {"value": entry.value, "unit": ind.unit, "evidence": entry.evidence, "entry_flags": None}
        return "value", attrs, {**fields, "illustrative": self.illustrative}, source

    def _entry_checked(
        self, entry: ValueEntry, fields: dict[str, Any], previous: float | None, channel: Channel
    ) -> tuple[EntryProblem, ...]:
        """The checks at entry of a value (``tracking.entry.check_value``, the one decision of the
        form, the API and the template): the problems that keep it out, or none, and then its flags
        set on ``fields`` for the reviewer."""
        if entry.value is None:
            return ()
        verdict = check_value(
            entry.value,
            self.indicator(entry.indicator_id),
            previous,
            confirmed=entry.confirm,
            channel=channel,
        )
        fields["entry_flags"] = [f.as_dict() for f in verdict.flags] or None
        return verdict.problems

    def _check_report(self, actor: Actor, entry: ReportEntry) -> Checked:
        task = self.task(entry.task_id)
        if entry.period not in QUARTERS and entry.period != ANNUAL:
            raise TrackingError(f"period {entry.period!r}: expected one of {', '.join(PERIODS)}")
        if entry.status not in TASK_STATUS_LABELS:
            raise TrackingError(f"status {entry.status!r}: expected one of {', '.join(TASK_STATUS_LABELS)}")
        milestones = sorted(set(entry.milestones_met))
        unknown = [m for m in milestones if m not in self._milestones]
        if unknown:
            raise NotFoundError(f"no milestone {', '.join(unknown)} in plan {self.plan_id}")
        unit = self._unit_for(actor, entry.unit_id, task.lead)
        check_may_report_task(actor, task, unit)
        attrs = {"task_id": task.id, "year": entry.year, "period": entry.period, "unit_id": unit}
        fields = {"status": entry.status, "narrative": entry.narrative, "milestones_met": milestones}
        return "report", attrs, {**fields, "illustrative": self.illustrative}, self.source

    def _checked(self, actor: Actor, entry: Entry) -> Checked:
        """Checked (kind, key attributes, fields, source) of an entry the actor may record."""
        if isinstance(entry, ValueEntry):
            return self._check_value(actor, entry)
        return self._check_report(actor, entry)

    def _write(
        self,
        s: Session,
        actor: Actor,
        entry: Entry,
        *,
        require_version: bool = False,
        channel: Channel | None = None,
    ) -> RecordRef:
        """Create or edit (while draft or returned) the record of ``entry`` in session ``s``; with
        ``require_version`` an entry without ``expected_version`` only creates (see ``save``); with
        ``channel`` a value passes the checks at entry first (``EntryRefused``)."""
        kind, attrs, fields, source = self._checked(actor, entry)
        if channel is not None and isinstance(entry, ValueEntry):
            before = repo.previous_values(s, self.plan_id, attrs["unit_id"], [entry.indicator_id])
            refused = self._entry_checked(
                entry, fields, before.get((entry.indicator_id, entry.year - 1)), channel
            )
            if refused:
                where = FORM if channel == "form" else API
                raise EntryRefused([replace(p, file=where) for p in refused])
        row: IndicatorValueRow | TaskReportRow | None
        if kind == "value":
            row = repo.find_value(s, self.plan_id, **attrs)
            new: IndicatorValueRow | TaskReportRow = IndicatorValueRow(plan_id=self.plan_id, **attrs)
        else:
            row = repo.find_report(s, self.plan_id, **attrs)
            new = TaskReportRow(plan_id=self.plan_id, **attrs)
        saved = repo.save_record(
            s,
            row,
            new,
            fields,
            who=actor.who,
            source=source,
            expected_version=entry.expected_version,
            require_version=require_version,
        )
        s.flush()
        if actor.role == "office":  # the office entering a unit's record: audited as on its behalf
            repo.audit_on_behalf(s, saved, who=actor.who, source=source, step="save")
        return _ref(kind, saved)

    def record_value(
        self,
        actor: Actor,
        indicator_id: str,
        year: int,
        value: float | None,
        *,
        period: str = ANNUAL,
        unit_id: str | None = None,
        evidence: str | None = None,
        data_source: str | None = None,
        expected_version: int | None = None,
        session: Session | None = None,
        require_version: bool = False,
    ) -> RecordRef:
        """Create or edit (while draft or returned) a unit's value of an indicator for a year/period.
        ``data_source`` says where the number comes from (e.g. 统计公报); it is kept with the row.
        With ``require_version`` an edit needs ``expected_version`` (``VersionRequiredError``)."""
        entry = ValueEntry(
            indicator_id, year, value, period, unit_id, evidence, data_source, expected_version
        )
        with self._session(session) as s:
            return self._write(s, actor, entry, require_version=require_version)

    def record_report(
        self,
        actor: Actor,
        task_id: str,
        year: int,
        period: str,
        status: str,
        *,
        narrative: str = "",
        milestones_met: list[str] | None = None,
        unit_id: str | None = None,
        expected_version: int | None = None,
        session: Session | None = None,
        require_version: bool = False,
    ) -> RecordRef:
        """Create or edit (while draft or returned) a unit's progress report on a task for a period
        (``require_version`` as for ``record_value``)."""
        entry = ReportEntry(
            task_id, year, period, status, narrative, tuple(milestones_met or ()), unit_id, expected_version
        )
        with self._session(session) as s:
            return self._write(s, actor, entry, require_version=require_version)

    def save(
        self,
        actor: Actor,
        entry: Entry,
        *,
        evidence: Evidence | None = None,
        submit: bool = False,
        channel: Channel = "form",
    ) -> RecordRef:
        """Save a value or report, attach its evidence file and (with ``submit``) submit it, in one
        transaction: all of it or nothing. A value passes the checks at entry (``EntryRefused``:
        refused, or asked to be confirmed with ``entry.confirm``; ``channel`` says how the user
        confirms); what they flag is stored with it for the reviewer. The file is checked (type,
        size) and stored by its hash before any row is written, so a refused file leaves nothing
        saved.

        This is the path of the web form and the API: an entry without ``expected_version`` creates
        a record, and if that record exists already (someone else saved first) the save is refused
        as a conflict instead of overwriting it; an update names the version it was made on."""
        texts: dict[str, str | None] = (
            {"narrative": entry.narrative}
            if isinstance(entry, ReportEntry)
            else {"evidence": entry.evidence, "data_source": entry.data_source}
        )
        if evidence is not None:
            texts["evidence_file"] = evidence.filename
        if problems := control_character_problems(texts):
            raise TrackingError(problems)
        if submit and isinstance(entry, ReportEntry) and (missing := narrative_problem(entry.narrative)):
            self._checked(actor, entry)  # who may act is said before what is wrong with the input
            raise TrackingError(replace(missing, file=FORM if channel == "form" else API))
        stored = self._store(evidence.content) if evidence is not None else None
        with self._session(None) as s:
            ref = self._write(s, actor, entry, require_version=True, channel=channel)
            if stored is not None and evidence is not None:
                self._attach(s, actor, ref.kind, ref.id, stored, evidence.filename)
            if submit:
                ref = self.submit(actor, ref.kind, ref.id, expected_version=ref.version, session=s)
        log.info("%s saved %s #%d (%s, version %d)", actor.who, ref.kind, ref.id, ref.state, ref.version)
        return ref

    # -- workflow ----------------------------------------------------------------------------------

    def _check_owner(self, actor: Actor, row: IndicatorValueRow | TaskReportRow) -> None:
        if actor.role == "viewer":
            raise NotAllowedError(f"{actor.who} may only read")
        if actor.role == "department" and row.unit_id != actor.unit_id:
            raise NotAllowedError(f"{actor.who} may not act on a record of unit {row.unit_id!r}")

    def submit(
        self,
        actor: Actor,
        kind: str,
        record_id: int,
        *,
        expected_version: int | None = None,
        at: dt.datetime | None = None,
        session: Session | None = None,
    ) -> RecordRef:
        """The responsible unit (or the office for it) submits a draft or returned record."""
        with self._session(session) as s:
            row = repo.get_record(s, kind, record_id)
            self._check_owner(actor, row)
            repo.transition(
                s, row, "submit", who=actor.who, source=self.source, expected_version=expected_version, at=at
            )
            if actor.role == "office":
                repo.audit_on_behalf(s, row, who=actor.who, source=self.source, step="submit")
            log.info("%s submitted %s #%d", actor.who, kind, record_id)
            return _ref(kind, row)

    def approve(
        self,
        actor: Actor,
        kind: str,
        record_id: int,
        *,
        comment: str | None = None,
        expected_version: int | None = None,
        session: Session | None = None,
    ) -> RecordRef:
        """The office approves a submitted record."""
        return self._moderate(actor, kind, record_id, "approve", comment, expected_version, session)

    def return_(
        self,
        actor: Actor,
        kind: str,
        record_id: int,
        comment: str,
        *,
        expected_version: int | None = None,
        session: Session | None = None,
    ) -> RecordRef:
        """The office returns a submitted record with a comment; the unit edits and submits again."""
        _require_comment(actor, comment, "returning a record needs a comment saying what to fix")
        return self._moderate(actor, kind, record_id, "return", comment, expected_version, session)

    def reopen(
        self,
        actor: Actor,
        kind: str,
        record_id: int,
        comment: str,
        *,
        expected_version: int | None = None,
        session: Session | None = None,
    ) -> RecordRef:
        """The office reopens an approved record for revision (修订), saying why; the unit edits and
        submits again. Not counted as a return of the unit's report in the assessment."""
        _require_comment(
            actor, comment, "reopening an approved record needs a comment saying why it is revised"
        )
        return self._moderate(actor, kind, record_id, "reopen", comment, expected_version, session)

    def _moderate(
        self,
        actor: Actor,
        kind: str,
        record_id: int,
        action: str,
        comment: str | None,
        expected_version: int | None,
        session: Session | None,
    ) -> RecordRef:
        """The office's decision on a record (approve, return, reopen): the transition, audited."""
        check_may_moderate(actor)
        with self._session(session) as s:
            row = repo.get_record(s, kind, record_id)
            if action == "approve" and actor.who in repo.authors(s, row):
                raise NotAllowedError(
                    Problem(
                        "不能审核通过自己填报或提交的记录，请由双碳办的另一名人员审核",
                        message_en=f"{actor.who} entered or submitted this record and may not approve "
                        "it: another member of the office approves it (separation of duties)",
                        field=f"{kind} #{record_id}",
                    )
                )
            repo.transition(
                s,
                row,
                action,
                who=actor.who,
                source=self.source,
                comment=comment,
                expected_version=expected_version,
            )
            log.info("%s: %s %s #%d", actor.who, action, kind, record_id)
            return _ref(kind, row)

    def _store(self, content: bytes) -> StoredFile:
        if self.evidence_dir is None:
            raise TrackingError("no evidence folder configured (setting evidence_dir)")
        return store_file(
            content, self.evidence_dir, max_bytes=self.evidence_max_bytes, allowed=self.evidence_types
        )

    def _attach(
        self, s: Session, actor: Actor, kind: str, record_id: int, stored: StoredFile, filename: str
    ) -> None:
        row = repo.get_record(s, kind, record_id)
        self._check_owner(actor, row)
        repo.add_evidence(
            s,
            kind=kind,
            owner_id=row.id,
            sha256=stored.sha256,
            size=stored.size,
            media_type=stored.media_type,
            display_name=clean_name(filename),
            who=actor.who,
            source=self.source,
            illustrative=self.illustrative,
        )

    def attach_evidence(
        self, actor: Actor, kind: str, record_id: int, content: bytes, filename: str
    ) -> dict[str, Any]:
        """Store an evidence file for a record the actor may edit; returns hash, size and type."""
        if self.evidence_dir is None:
            raise TrackingError("no evidence folder configured (setting evidence_dir)")
        with self._session(None) as s:
            row = repo.get_record(s, kind, record_id)
            self._check_owner(actor, row)
            stored = self._store(content)
            self._attach(s, actor, kind, record_id, stored, filename)
        log.info("%s attached evidence %s to %s #%d", actor.who, stored.sha256[:12], kind, record_id)
        return {"sha256": stored.sha256, "size": stored.size, "media_type": stored.media_type}

    def store_computed(
        self, actor: Actor, values: list[ComputedValue], *, source: str, illustrative: bool = False
    ) -> int:
        """Store values computed from the inventory (only the office, or the system acting as it);
        ``illustrative`` when the inventory is (demo data)."""
        check_may_moderate(actor)
        with self._session(None) as s:
            count = repo.store_computed(
                s, self.plan_id, values, who=actor.who, source=source, illustrative=illustrative
            )
        log.info("%s stored %d computed values (%s)", actor.who, count, source)
        return count

    def import_rows(
        self, actor: Actor, parsed: ParsedImport, *, file: str, submit: bool = False
    ) -> dict[str, int]:
        """Write every row of a checked import (a unit's filled template) in one transaction, or
        nothing: a row the workflow or the permissions refuse is reported with its sheet and row,
        and the whole import is undone. With ``submit`` every record is also submitted."""
        unit = parsed.unit_id
        located: list[tuple[Entry, tuple[str, int], str]] = [
            (
                ValueEntry(
                    v.indicator_id,
                    v.year,
                    v.value,
                    v.period,
                    unit,
                    v.evidence or None,
                    v.source or None,
                    confirm=v.confirmed,
                ),
                v.location,
                "指标代码",
            )
            for v in parsed.values
        ]
        located += [
            (
                ReportEntry(r.task_id, r.year, r.period, r.status, r.narrative, tuple(r.milestones), unit),
                r.location,
                "任务代码",
            )
            for r in parsed.reports
        ]
        self.save_all(actor, unit, located, file=file, submit=submit)
        log.info(
            "%s imported %s for %s: %d values, %d reports",
            actor.who,
            file,
            unit,
            len(parsed.values),
            len(parsed.reports),
        )
        return {"values": len(parsed.values), "reports": len(parsed.reports)}

    def save_all(
        self,
        actor: Actor,
        unit_id: str,
        located: Sequence[tuple[Entry, tuple[str, int], str]],
        *,
        file: str,
        submit: bool = False,
    ) -> None:
        """Save many entries of one unit (each with its sheet and row, and the column that names its
        item) and optionally submit them, in one transaction: the checks of ``save`` for each, a few
        statements for all. Every problem is raised at once (``ImportProblems``), nothing written."""
        problems: list[Problem] = []
        checked: dict[str, list[tuple[Checked, tuple[str, int], str]]] = {"value": [], "report": []}
        before = self._values_before(unit_id, located)
        for entry, (sheet, row), column in located:
            try:
                item = self._checked(actor, entry)
            except CarbonpeakError as exc:
                problems.append(Problem(str(exc), file=file, sheet=sheet, row=row, column=column))
                continue
            if submit and isinstance(entry, ReportEntry) and (missing := narrative_problem(entry.narrative)):
                problems.append(
                    replace(missing, file=file, sheet=sheet, row=row, column="进展情况", field=None)
                )
            if isinstance(entry, ValueEntry):
                previous = before.get((entry.indicator_id, entry.year - 1))
                for p in self._entry_checked(entry, item[2], previous, "sheet"):
                    problems.append(
                        replace(ruled(p), file=file, sheet=sheet, row=row, column="数值", field=None)
                    )
            checked[item[0]].append((item, (sheet, row), column))
        if problems:
            raise ImportProblems(problems)
        with self._session(None) as s:
            for kind, items in checked.items():
                rows = [(attrs, fields, source) for (_, attrs, fields, source), _, _ in items]
                for index, message in repo.bulk_save(
                    s, repo.KINDS[kind], self.plan_id, unit_id, rows, who=actor.who, submit=submit
                ):
                    (sheet, row), column = items[index][1], items[index][2]
                    problems.append(Problem(message, file=file, sheet=sheet, row=row, column=column))
            if problems:
                raise ImportProblems(problems)

    def _values_before(
        self, unit_id: str, located: Sequence[tuple[Entry, tuple[str, int], str]]
    ) -> dict[tuple[str, int], float]:
        """What the values of an import are compared with: the unit's stored values, and the annual
        values of the import itself (a file with 2024 and 2025 compares 2025 with its own 2024)."""
        with Session(reader(self.engine)) as s:
            out = repo.previous_values(s, self.plan_id, unit_id)
        for entry, _, _ in located:
            if isinstance(entry, ValueEntry) and entry.value is not None and entry.period == ANNUAL:
                out[(entry.indicator_id, entry.year)] = entry.value
        return out

    def records(self, state: str | None = None, unit_id: str | None = None) -> list[dict[str, Any]]:
        """Indicator values and task reports (optionally of one state or unit), for moderation."""
        out: list[dict[str, Any]] = []
        with Session(reader(self.engine)) as s:
            for kind, cls in repo.KINDS.items():
                query = select(cls).where(cls.plan_id == self.plan_id)
                if state:
                    query = query.where(cls.state == state)
                if unit_id:
                    query = query.where(cls.unit_id == unit_id)
                for row in s.scalars(query.order_by(cls.id)).all():
                    d = repo.row_dict(row)
                    d["kind"] = kind
                    d["item"] = d.get("indicator_id") or d.get("task_id")
                    d["content"] = d.get("value") if kind == "value" else TASK_STATUS_LABELS.get(d["status"])
                    out.append(d)
        return out

    def is_illustrative(self) -> bool:
        """Whether the stored tracking data include the illustrative demo data (示例数据)."""
        with Session(reader(self.engine)) as s:
            for cls in (IndicatorValueRow, TaskReportRow):
                if s.scalar(
                    select(cls.id).where(cls.plan_id == self.plan_id, cls.illustrative.is_(True)).limit(1)
                ):
                    return True
        return False

    def evidence_files(
        self, records: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], list[dict[str, Any]]]:
        """The evidence files of records (kind, id): display name, sha256, size, media type."""
        out: dict[tuple[str, int], list[dict[str, Any]]] = {}
        with Session(reader(self.engine)) as s:
            for kind in repo.KINDS:
                ids = [i for k, i in records if k == kind]
                out.update({(kind, i): files for i, files in repo.evidence_files(s, kind, ids).items()})
        return out

    def histories(self, records: Sequence[tuple[str, int]]) -> dict[tuple[str, int], list[dict[str, Any]]]:
        """The audit trail of each record (kind, id), oldest first: at (UTC), who, action, the row
        after the change."""
        out: dict[tuple[str, int], list[dict[str, Any]]] = {}
        with Session(reader(self.engine)) as s:
            for kind, record_id in records:
                table = repo.KINDS[kind].__tablename__
                out[(kind, record_id)] = [
                    {"at": repo.aware(a.at), "who": a.who, "action": a.action, "after": a.after or {}}
                    for a in repo.audit_rows(s, table, record_id)
                ]
        return out

    def change_stamp(self) -> int:
        """Changes whenever the tracking data change (see ``data_stamp``)."""
        return data_stamp(self.engine, TRACKED_TABLES)

    def get(self, kind: str, record_id: int) -> dict[str, Any]:
        with Session(self.engine) as s:
            return repo.row_dict(repo.get_record(s, kind, record_id))

    # -- closing a year ----------------------------------------------------------------------------

    def closed_years(self) -> list[ClosedYear]:
        """The years whose tracking data the office has closed, oldest first."""
        with Session(reader(self.engine)) as s:
            return closing.closed_years(s, self.plan_id)

    def close_year(
        self, actor: Actor, year: int, *, comment: str | None = None, today: dt.date | None = None
    ) -> ClosedYear:
        """The office closes ``year`` (年度数据关账): from then on it is the default year of every page
        and command (``default_year``). Only a complete year (before ``today``'s) can be closed, and
        only once; audited."""
        if actor.role != "office":
            raise NotAllowedError(
                f"只有双碳办可以关闭年度数据，{actor.who} 不能",
                message_en=f"only the office closes a year, not {actor.who}",
            )
        today = today or dt.date.today()
        if year >= today.year:
            raise TrackingError(
                f"{year} 年尚未结束，不能关闭（只能关闭 {today.year - 1} 年及以前的年度）",
                message_en=f"{year} is not over yet: only {today.year - 1} or earlier can be closed",
            )
        note = (comment or "").strip() or None
        with self._session(None) as s:
            if closing.find(s, self.plan_id, year) is not None:
                raise WorkflowError(f"{year} 年已关闭", message_en=f"{year} is already closed")
            closing.close(s, self.plan_id, year, who=actor.who, source=self.source, comment=note)
        log.info("%s: closed year %d", actor.who, year)
        return next(c for c in self.closed_years() if c.year == year)

    def reopen_year(self, actor: Actor, year: int, *, comment: str | None = None) -> None:
        """The office reopens a closed year (e.g. the yearbook revises a figure); audited. The default
        year falls back to the previous closed year, or the rule without closed years."""
        if actor.role != "office":
            raise NotAllowedError(
                f"只有双碳办可以重新打开年度数据，{actor.who} 不能",
                message_en=f"only the office reopens a year, not {actor.who}",
            )
        with self._session(None) as s:
            row = closing.find(s, self.plan_id, year)
            if row is None:
                raise WorkflowError(f"{year} 年没有关闭，无需重新打开", message_en=f"{year} is not closed")
            closing.reopen(s, row, who=actor.who, source=self.source, comment=(comment or "").strip() or None)
        log.info("%s: reopened year %d", actor.who, year)

    def default_year(self, data: TrackingData | None = None, today: dt.date | None = None) -> int:
        """The year every page and command shows when none is asked for (``tracking.model.default_year``):
        the latest closed year, or the last complete year (the latest complete one with data while it
        has none)."""
        data = data if data is not None else self.data()
        closed = [c.year for c in self.closed_years()]
        return default_year(today or dt.date.today(), data_years(data), closed)

    # -- reading and evaluating --------------------------------------------------------------------

    def data(self) -> TrackingData:
        with Session(reader(self.engine)) as s:
            return TrackingData(
                observations=repo.observations(s, self.plan_id),
                computed=repo.computed_values(s, self.plan_id),
                reports=repo.task_reports(s, self.plan_id),
            )

    def indicator_data(self) -> TrackingData:
        """The indicator values and computed values without the task reports: all that evaluating an
        indicator reads (the reports are most of the rows)."""
        with Session(reader(self.engine)) as s:
            return TrackingData(
                observations=repo.observations(s, self.plan_id),
                computed=repo.computed_values(s, self.plan_id),
            )

    def evaluate(self, years: list[int], data: TrackingData | None = None) -> list[Evaluation]:
        data = data or self.data()
        return evaluate_plan(self.plan, data.observations, data.computed, years, self.rubric.thresholds)

    def over_time(self, ind: Any, data: TrackingData | None = None) -> OverTime:
        """One indicator evaluated for every year from its base year to its target year (and any
        later year with a value): the evaluations, with the approved annual observations and the
        computed values (decision 0304) they used. Only approved values count as reported actuals."""
        data = data or self.indicator_data()
        observations = [o for o in data.observations if o.indicator_id == ind.id]
        computed = {c.year: c for c in data.computed if ind.metric and c.metric == ind.metric}
        approved = [
            o for o in observations if o.period == ANNUAL and o.state == "approved" and o.value is not None
        ]
        base_year = ind.base_year or self.plan.plan.base_year
        actual_years = {o.year for o in approved} | set(computed)
        years = list(range(min([base_year, *actual_years]), max([ind.year, *actual_years]) + 1))
        evaluations = evaluate_indicator(
            self.plan, ind, observations, computed, years, self.rubric.thresholds
        )
        return OverTime(evaluations, approved, computed)

    def alerts(self, year: int, as_of: dt.date, data: TrackingData | None = None) -> list[Alert]:
        data = data or self.data()
        evaluations = self.evaluate([year - 1, year], data)
        return sort_alerts(
            task_alerts(self.plan, data.reports, year, as_of, self.rubric)
            + indicator_alerts(evaluations, year)
        )

    def assess(self, year: int, as_of: dt.date, data: TrackingData | None = None) -> list[UnitAssessment]:
        data = data or self.data()
        evaluations = self.evaluate([year], data)
        metrics = {c.metric for c in data.computed if c.year == year}
        # a member of a collective is scored on its own share of a decomposed target (协同分解)
        shares = TownshipsService(self.engine, self.plan).member_status(year)
        return assess(
            self.plan, year, as_of, evaluations, data.observations, data.reports, metrics, self.rubric, shares
        )

    # -- sessions ----------------------------------------------------------------------------------

    def _session(self, session: Session | None) -> _Tx:
        return _Tx(self.engine, session)


class _Tx:
    """A session in a transaction: the caller's (no commit here) or a new one committed on success."""

    def __init__(self, engine: Engine, session: Session | None) -> None:
        self.engine, self.outer, self.session = engine, session, session

    def __enter__(self) -> Session:
        if self.outer is None:
            self.session = Session(self.engine, expire_on_commit=False)
            self.session.begin()
        assert self.session is not None
        return self.session

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.outer is not None or self.session is None:
            return
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()
