"""Repositories of tracking: indicator values, task reports, computed values, evidence, audit.

Every change writes an audit row (before/after) in the same transaction. Records carry a version
(SQLAlchemy ``version_id_col``): an UPDATE only matches the version the editor read, so two people
editing the same record never silently overwrite each other — the second gets ConflictError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from carbonpeak.errors import NotFoundError
from carbonpeak.storage.tables import (
    AuditRow,
    ComputedValueRow,
    EvidenceFileRow,
    IndicatorValueRow,
    TaskReportRow,
    utcnow,
)
from carbonpeak.tracking.errors import ConflictError, VersionRequiredError
from carbonpeak.tracking.model import ANNUAL, ComputedValue, Observation, TaskReport, next_state

Record = IndicatorValueRow | TaskReportRow
KINDS: dict[str, type[IndicatorValueRow] | type[TaskReportRow]] = {
    "value": IndicatorValueRow,
    "report": TaskReportRow,
}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def row_dict(row: Any) -> dict[str, Any]:
    """The row's columns as JSON-ready values (for the audit log)."""
    return {c.key: _plain(getattr(row, c.key)) for c in inspect(row).mapper.column_attrs}


def audit(
    session: Session, *, who: str, source: str, action: str, row: Any, before: dict[str, Any] | None
) -> None:
    session.flush()
    session.add(
        AuditRow(
            who=who,
            source=source,
            action=action,
            table_name=row.__tablename__,
            row_id=row.id,
            before=before,
            after=row_dict(row) if action != "delete" else None,
        )
    )


# what a record's table is called on the page (users never see the table name)
_RECORD_WORDS = {
    "task_reports": ("任务进展记录", "progress report"),
    "indicator_values": ("指标数值记录", "indicator value"),
}


def _record_words(row: Record) -> tuple[str, str]:
    return _RECORD_WORDS.get(row.__tablename__, ("记录", "record"))


def check_version(row: Record, expected: int | None) -> None:
    if expected is not None and row.version != expected:
        zh, en = _record_words(row)
        raise ConflictError(
            f"该{zh}已由 {row.updated_by} 于 {_plain(row.updated_at)} 修改（当前版本 {row.version}，"
            f"您修改的是版本 {expected}），请刷新后重新填写",
            message_en=f"this {en} was changed by {row.updated_by} at {_plain(row.updated_at)} "
            f"(version {row.version}, you edited version {expected}); reload and apply your change again",
        )


def flush_or_conflict(session: Session, row: Record) -> None:
    name, row_id = row.__tablename__, row.id
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(
            f"{name} #{row_id} was changed by someone else meanwhile; reload and try again"
        ) from exc


def get_record(session: Session, kind: str, row_id: int, *, for_update: bool = False) -> Record:
    try:
        cls = KINDS[kind]
    except KeyError:
        raise NotFoundError(f"record kind {kind!r}: expected one of {', '.join(KINDS)}") from None
    row: Record | None = session.get(cls, row_id)  # type: ignore[assignment]
    if row is None:
        raise NotFoundError(f"no {kind} record #{row_id}")
    return row


def find_value(
    session: Session, plan_id: str, indicator_id: str, year: int, period: str, unit_id: str
) -> IndicatorValueRow | None:
    return session.scalars(
        select(IndicatorValueRow).where(
            IndicatorValueRow.plan_id == plan_id,
            IndicatorValueRow.indicator_id == indicator_id,
            IndicatorValueRow.year == year,
            IndicatorValueRow.period == period,
            IndicatorValueRow.unit_id == unit_id,
        )
    ).first()


def find_report(
    session: Session, plan_id: str, task_id: str, year: int, period: str, unit_id: str
) -> TaskReportRow | None:
    return session.scalars(
        select(TaskReportRow).where(
            TaskReportRow.plan_id == plan_id,
            TaskReportRow.task_id == task_id,
            TaskReportRow.year == year,
            TaskReportRow.period == period,
            TaskReportRow.unit_id == unit_id,
        )
    ).first()


def save_record(
    session: Session,
    row: Record | None,
    new: Record,
    fields: dict[str, Any],
    *,
    who: str,
    source: str,
    expected_version: int | None,
    require_version: bool = False,
) -> Record:
    """Insert ``new`` (a draft) or update ``row`` with ``fields`` if it is editable and unchanged.

    With ``require_version`` (the web form and the API) an update needs the version it was made on:
    ``expected_version`` None means "create", and a record that already exists (another user saved
    first) is refused like a stale version, so nobody's first save silently overwrites another's."""
    if row is None:
        for key, value in fields.items():
            setattr(new, key, value)
        new.state, new.returns = "draft", 0
        new.created_by = new.updated_by = who
        new.source = source
        session.add(new)
        try:
            session.flush()
        except IntegrityError as exc:
            raise ConflictError(
                f"a {new.__tablename__} record with the same key was created by someone else meanwhile; "
                "reload and edit it"
            ) from exc
        audit(session, who=who, source=source, action="insert", row=new, before=None)
        return new
    if expected_version is None and require_version:
        zh, en = _record_words(row)
        raise VersionRequiredError(
            f"该{zh}已由 {row.updated_by} 于 {_plain(row.updated_at)} 保存（版本 {row.version}），"
            "您填写的是新记录；请刷新后在该版本上修改",
            message_en=f"this {en} already exists: saved by {row.updated_by} at "
            f"{_plain(row.updated_at)} (version {row.version}) while you entered a new one; reload "
            "it and apply your change to that version",
            record=f"{row.__tablename__} #{row.id}",
            version=row.version,
        )
    check_version(row, expected_version)
    next_state("edit", row.state)
    before = row_dict(row)
    for key, value in fields.items():
        setattr(row, key, value)
    row.updated_by, row.updated_at, row.source = who, utcnow(), source
    flush_or_conflict(session, row)
    audit(session, who=who, source=source, action="update", row=row, before=before)
    return row


def transition(
    session: Session,
    row: Record,
    step: str,
    *,
    who: str,
    source: str,
    comment: str | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Record:
    """Move a record through the workflow (submit, approve, return, reopen) with an audit row; only a
    return counts against the unit (``returns``)."""
    check_version(row, expected_version)
    state = next_state(step, row.state)
    # a revision of an approved record keeps its first submission time (asked before any change:
    # the query would otherwise flush the row early)
    keep_submitted = step == "submit" and row.submitted_at is not None and _reopened(session, row)
    before = row_dict(row)
    row.state = state
    now = at or utcnow()
    if step == "submit" and not keep_submitted:
        row.submitted_at = now
    if step == "return":
        row.returns = (row.returns or 0) + 1
    if comment is not None:
        row.comment = comment
    row.updated_by, row.updated_at = who, now
    flush_or_conflict(session, row)
    audit(session, who=who, source=source, action=step, row=row, before=before)
    return row


# audit actions that make a record's content or put it forward: their authors may not approve it
AUTHOR_ACTIONS = ("insert", "update", "submit", "on_behalf")
MODERATIONS = ("approve", "return", "reopen")


def authors(session: Session, row: Record) -> set[str]:
    """Who entered, edited or submitted the record since its last moderation (approve, return,
    reopen), from its audit rows: the people who may not approve it (separation of duties)."""
    return authors_since_moderation(session, row.__tablename__, row.id, AUTHOR_ACTIONS)


def authors_since_moderation(
    session: Session, table_name: str, row_id: int, author_actions: Sequence[str]
) -> set[str]:
    """Who wrote one of ``author_actions`` on the row since its last moderation (approve, return,
    reopen), from the audit log: the rule of separation of duties for every reviewed row."""
    where = (AuditRow.table_name == table_name, AuditRow.row_id == row_id)
    since = session.scalars(
        select(func.max(AuditRow.id)).where(*where, AuditRow.action.in_(MODERATIONS))
    ).first()
    query = select(AuditRow.who).where(*where, AuditRow.action.in_(author_actions))
    if since is not None:
        query = query.where(AuditRow.id > since)
    return set(session.scalars(query))


def audit_on_behalf(session: Session, row: Record, *, who: str, source: str, step: str) -> None:
    """An audit row naming both the office member who acted and the unit the record is of, when the
    office enters or submits a unit's record for it ("on behalf of")."""
    session.flush()
    session.add(
        AuditRow(
            who=who,
            source=source,
            action="on_behalf",
            table_name=row.__tablename__,
            row_id=row.id,
            before=None,
            after={"on_behalf_of": row.unit_id, "by": who, "step": step},
        )
    )


def _reopened(session: Session, row: Record) -> bool:
    """Whether the record's latest moderation was a reopening (修订) rather than a return."""
    last = session.scalars(
        select(AuditRow.action)
        .where(
            AuditRow.table_name == row.__tablename__,
            AuditRow.row_id == row.id,
            AuditRow.action.in_(("return", "reopen")),
        )
        .order_by(AuditRow.id.desc())
        .limit(1)
    ).first()
    return last == "reopen"


def store_computed(
    session: Session,
    plan_id: str,
    values: list[ComputedValue],
    *,
    who: str,
    source: str,
    illustrative: bool = False,
) -> int:
    """Insert or replace computed values (one per metric and year); ``illustrative``: demo data."""
    for cv in values:
        row = session.scalars(
            select(ComputedValueRow).where(
                ComputedValueRow.plan_id == plan_id,
                ComputedValueRow.metric == cv.metric,
                ComputedValueRow.year == cv.year,
            )
        ).first()
        before = row_dict(row) if row else None
        if row is None:
            row = ComputedValueRow(plan_id=plan_id, metric=cv.metric, year=cv.year)
            session.add(row)
        row.value, row.unit, row.inputs, row.factor_set = cv.value, cv.unit, dict(cv.inputs), cv.factor_set
        row.created_by, row.source, row.created_at = who, source, utcnow()
        row.illustrative = illustrative
        audit(
            session, who=who, source=source, action="update" if before else "insert", row=row, before=before
        )
    return len(values)


def add_evidence(
    session: Session,
    *,
    kind: str,
    owner_id: int,
    sha256: str,
    size: int,
    media_type: str,
    display_name: str,
    who: str,
    source: str,
    illustrative: bool = False,
) -> EvidenceFileRow:
    row = EvidenceFileRow(
        illustrative=illustrative,
        owner_kind=kind,
        owner_id=owner_id,
        sha256=sha256,
        size=size,
        media_type=media_type,
        display_name=display_name,
        created_by=who,
        source=source,
        created_at=utcnow(),
    )
    session.add(row)
    audit(session, who=who, source=source, action="insert", row=row, before=None)
    return row


def _evidence_counts(session: Session, kind: str) -> dict[int, int]:
    rows = session.execute(
        select(EvidenceFileRow.owner_id, func.count())
        .where(EvidenceFileRow.owner_kind == kind)
        .group_by(EvidenceFileRow.owner_id)
    ).all()
    return {int(r[0]): int(r[1]) for r in rows}


def observations(session: Session, plan_id: str) -> list[Observation]:
    files = _evidence_counts(session, "value")
    rows = session.scalars(select(IndicatorValueRow).where(IndicatorValueRow.plan_id == plan_id)).all()
    return [
        Observation(
            indicator_id=r.indicator_id,
            year=r.year,
            value=r.value,
            unit_id=r.unit_id,
            state=r.state,
            period=r.period,
            source=r.source,
            submitted_at=aware(r.submitted_at),
            returns=r.returns,
            has_evidence=bool(r.evidence) or files.get(r.id, 0) > 0,
        )
        for r in rows
    ]


def task_reports(session: Session, plan_id: str) -> list[TaskReport]:
    files = _evidence_counts(session, "report")
    rows = session.scalars(select(TaskReportRow).where(TaskReportRow.plan_id == plan_id)).all()
    return [
        TaskReport(
            task_id=r.task_id,
            unit_id=r.unit_id,
            year=r.year,
            period=r.period,
            status=r.status,
            narrative=r.narrative,
            milestones_met=tuple(r.milestones_met or ()),
            state=r.state,
            submitted_at=aware(r.submitted_at),
            updated_at=aware(r.updated_at),
            returns=r.returns,
            evidence_count=files.get(r.id, 0),
        )
        for r in rows
    ]


def computed_values(session: Session, plan_id: str) -> list[ComputedValue]:
    rows = session.scalars(select(ComputedValueRow).where(ComputedValueRow.plan_id == plan_id)).all()
    return [ComputedValue(r.metric, r.year, r.value, r.unit, dict(r.inputs), r.factor_set) for r in rows]


def aware(stamp: dt.datetime | None) -> dt.datetime | None:
    if stamp is None or stamp.tzinfo is not None:
        return stamp
    return stamp.replace(tzinfo=dt.UTC)


def evidence_files(session: Session, kind: str, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The evidence files of records of one kind, by record id, oldest first: display name, sha256,
    size and media type."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = session.scalars(
        select(EvidenceFileRow)
        .where(EvidenceFileRow.owner_kind == kind, EvidenceFileRow.owner_id.in_(ids))
        .order_by(EvidenceFileRow.id)
    ).all()
    for e in rows:
        out[e.owner_id].append(
            {"name": e.display_name, "sha256": e.sha256, "size": e.size, "media_type": e.media_type}
        )
    return out


def data_stamp(session: Session, tables: tuple[str, ...]) -> int:
    """The id of the latest audit row about ``tables``: every change of a row writes one in its
    transaction, so an unchanged stamp means unchanged tables."""
    latest = session.scalar(select(func.max(AuditRow.id)).where(AuditRow.table_name.in_(tables)))
    return int(latest or 0)


def audit_rows(session: Session, table: str | None = None, row_id: int | None = None) -> list[AuditRow]:
    query = select(AuditRow).order_by(AuditRow.id)
    if table is not None:
        query = query.where(AuditRow.table_name == table)
    if row_id is not None:
        query = query.where(AuditRow.row_id == row_id)
    return list(session.scalars(query).all())


VALUE_KEY = ("indicator_id", "year", "period", "unit_id")
REPORT_KEY = ("task_id", "year", "period", "unit_id")


def bulk_save(
    session: Session,
    cls: type[IndicatorValueRow] | type[TaskReportRow],
    plan_id: str,
    unit_id: str,
    items: list[tuple[dict[str, Any], dict[str, Any], str]],
    *,
    who: str,
    submit: bool = False,
) -> list[tuple[int, str]]:
    """Insert or update many records of one unit in a few statements, with an audit row each.

    ``items`` are (key attributes, fields, source). Returns [(item index, problem)] and writes nothing
    for the caller to keep when a record is not editable; the caller rolls back then."""
    key_fields = VALUE_KEY if cls is IndicatorValueRow else REPORT_KEY
    query = select(cls).where(cls.plan_id == plan_id, cls.unit_id == unit_id)
    existing: dict[tuple[Any, ...], Any] = {
        tuple(getattr(r, k) for k in key_fields): r for r in session.scalars(query).all()
    }
    problems: list[tuple[int, str]] = []
    touched: list[tuple[Record, dict[str, Any] | None, str]] = []
    now = utcnow()
    for index, (attrs, fields, source) in enumerate(items):
        key = tuple(attrs[k] for k in key_fields)
        row = existing.get(key)
        if row is None:
            row = cls(plan_id=plan_id, **attrs, **fields)
            row.state, row.returns, row.created_by, row.updated_by, row.source = "draft", 0, who, who, source
            row.created_at = row.updated_at = now
            session.add(row)
            existing[key] = row
            touched.append((row, None, source))
            continue
        try:
            next_state("edit", row.state)
        except ValueError as exc:
            problems.append((index, str(exc)))
            continue
        previous = row_dict(row)
        for name, value in fields.items():
            setattr(row, name, value)
        row.updated_by, row.updated_at, row.source = who, now, source
        touched.append((row, previous, source))
    if problems:
        return problems
    _flush_many(session)
    audits = []
    afters = []
    for row, before, source in touched:
        after = row_dict(row)
        afters.append(after)
        audits.append(
            AuditRow(
                who=who,
                source=source,
                action="update" if before else "insert",
                table_name=row.__tablename__,
                row_id=row.id,
                before=before,
                after=after,
                at=now,
            )
        )
    if submit:
        for (row, _, _), _after in zip(touched, afters, strict=True):
            row.state = next_state("submit", row.state)
            row.submitted_at = row.updated_at = now
        _flush_many(session)
        for (row, _, source), after in zip(touched, afters, strict=True):
            audits.append(
                AuditRow(
                    who=who,
                    source=source,
                    action="submit",
                    table_name=row.__tablename__,
                    row_id=row.id,
                    before=after,
                    after=row_dict(row),
                    at=now,
                )
            )
    session.add_all(audits)
    session.flush()
    return []


def _flush_many(session: Session) -> None:
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError(
            "records of this import were changed by someone else meanwhile; try again"
        ) from exc


def previous_values(
    session: Session, plan_id: str, unit_id: str, indicator_ids: Sequence[str] | None = None
) -> dict[tuple[str, int], float]:
    """The unit's value of each (indicator, year) as the checks at entry compare with: the approved
    one first, the annual one first, else the latest record's."""
    query = select(IndicatorValueRow).where(
        IndicatorValueRow.plan_id == plan_id,
        IndicatorValueRow.unit_id == unit_id,
        IndicatorValueRow.value.is_not(None),
    )
    if indicator_ids is not None:
        query = query.where(IndicatorValueRow.indicator_id.in_(list(indicator_ids)))
    rows = sorted(
        session.scalars(query).all(),
        key=lambda r: (r.state != "approved", r.period != ANNUAL, -(r.updated_at or utcnow()).timestamp()),
    )
    out: dict[tuple[str, int], float] = {}
    for r in rows:
        if r.value is not None:
            out.setdefault((r.indicator_id, r.year), float(r.value))
    return out
