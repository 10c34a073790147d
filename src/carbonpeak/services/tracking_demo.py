"""Illustrative demo data (示例数据) for tracking: values and reports for 2021–2024.

Invented numbers, never real statistics: every row is marked ``illustrative`` and its source says
"illustrative (示例数据)". Each
indicator and task gets a profile from a stable hash of its id so that the demo shows a realistic mix
of items on track, at risk and late, with some reports late, returned or missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from carbonpeak.plan import Indicator, Plan
from carbonpeak.services.evidence import store_file
from carbonpeak.services.tracking import TrackingService
from carbonpeak.settings import get_settings
from carbonpeak.tracking.codes import codes, label
from carbonpeak.tracking.computed import INVENTORY_METRICS
from carbonpeak.tracking.model import (
    INDICATOR_STATUSES,
    QUARTERS,
    Actor,
    ComputedValue,
    indicator_owner,
    period_end,
)
from carbonpeak.tracking.path import TargetPath, geometric_ok

SOURCE = "illustrative (示例数据) carbonpeak demo"
DEMO_ACTOR = Actor("示例数据 demo", "office")
# approvals by another office member: nobody approves what they entered (separation of duties)
DEMO_REVIEWER = Actor("示例审核 demo reviewer", "office")
YEARS = (2021, 2022, 2023, 2024)
# share of the required progress each profile makes
INDICATOR_PROFILES = {"achieved": 1.6, "on_track": 1.05, "at_risk": 0.82, "late": 0.35}
TASK_PROFILES = ("good", "good", "good", "late", "silent", "good", "good")
MISMATCH_2023 = 1.08  # the 2023 report of an inventory metric differs beyond the tolerance: flagged


def _pick(key: str, options: tuple[str, ...]) -> str:
    return options[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(options)]


def _base(ind: Indicator) -> float | None:
    """The base-year value: the plan's, else an invented one consistent with the target."""
    if ind.comparator == "reduce_by":
        return 0.0
    if ind.base_value is not None:
        return ind.base_value
    if ind.value is None:
        return None
    if ind.comparator in ("<=", "<"):
        return 100.0 if ind.value == 0 else ind.value * 1.5
    return ind.value * (0.3 if ind.kind in ("count", "total") else 0.6)


def _series(ind: Indicator, base_year: int, base: float, profile: str) -> dict[int, float]:
    assert ind.value is not None
    method = "reduction" if ind.comparator == "reduce_by" else "linear"
    if ind.kind == "intensity" and method == "linear" and geometric_ok(base, ind.value):
        method = "geometric"
    path = TargetPath(method, base_year, base, ind.year, ind.value, 1)  # type: ignore[arg-type]
    out = {}
    for year in YEARS:
        required = path.required(year)
        out[year] = round(base + (required - base) * INDICATOR_PROFILES[profile], 3)
    return out


def _stamp(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC)


def load(engine: Engine, plan: Plan) -> list[str]:
    """Load the demo values and reports (once); returns lines saying what was loaded."""
    svc = TrackingService(engine, plan, source=SOURCE, illustrative=True)
    evidence_dir = get_settings().resolved_evidence_dir()
    if svc.is_illustrative():
        return ["tracking demo data (示例数据): already loaded"]
    inventory = _inventory_values(plan)
    with Session(engine, expire_on_commit=False) as s, s.begin():
        values = _values(svc, s, plan, inventory)
        computed = _computed(s, plan, inventory)
        reports = _reports(svc, s, plan, evidence_dir)
    return [
        f"tracking demo data (示例数据): {values} indicator values, {reports} task reports, "
        f"{computed} computed values from the illustrative inventory (data/demo, 示例数据)",
        *summary(svc, 2024),
    ]


def _values(
    svc: TrackingService, s: Session, plan: Plan, inventory: dict[tuple[str, int], ComputedValue]
) -> int:
    """The demo's indicator values, each submitted, most approved, some returned, late or waiting."""
    values = 0
    for i, ind in enumerate(plan.indicators):
        owner = indicator_owner(plan, ind)
        base = _base(ind)
        if ind.kind == "qualitative" or ind.value is None or owner is None or base is None:
            continue
        profile = _pick(ind.id, tuple(INDICATOR_PROFILES))
        base_year = ind.base_year or plan.plan.base_year
        from_inventory = _reported_from_inventory(ind, inventory, (base_year, *YEARS))
        if from_inventory:
            series = from_inventory
        else:
            series = _series(ind, base_year, base, profile)
            if ind.base_value is None and ind.comparator != "reduce_by":
                series = {base_year: base, **series}
        for year, number in series.items():
            if profile == "late" and year == 2024 and i % 2 == 0:
                continue  # not reported
            ref = svc.record_value(
                DEMO_ACTOR,
                ind.id,
                year,
                number,
                unit_id=owner,
                evidence="示例佐证 (illustrative)",
                data_source="示例数据 (illustrative)",
                session=s,
            )
            late = profile == "late" and year >= 2023
            day = dt.date(year + 1, 2, 25) if late else dt.date(year + 1, 1, 10)
            svc.submit(DEMO_ACTOR, "value", ref.id, at=_stamp(day), session=s)
            if year == 2024 and i % 7 == 3:
                values += 1
                continue  # still waiting for the office
            if year == 2023 and profile == "at_risk":
                svc.return_(DEMO_ACTOR, "value", ref.id, "请补充数据来源 (示例)", session=s)
                svc.submit(DEMO_ACTOR, "value", ref.id, at=_stamp(day + dt.timedelta(days=7)), session=s)
            svc.approve(DEMO_REVIEWER, "value", ref.id, session=s)
            values += 1
    return values


def _reports(svc: TrackingService, s: Session, plan: Plan, evidence_dir: Path) -> int:
    """The demo's quarterly task reports: good, late or silent by task, with evidence files."""
    reports = 0
    milestones_by_task: dict[str, list[tuple[dt.date, str]]] = {}
    for m in plan.milestones:
        if m.task:
            due = m.due or dt.date(m.end_year, 12, 31)
            milestones_by_task.setdefault(m.task, []).append((due, m.id))
    for task in plan.tasks:
        profile = _pick(task.id, TASK_PROFILES)
        for year in YEARS:
            for q, quarter in enumerate(QUARTERS):
                end = period_end(year, quarter)
                if profile == "silent" and (year, q) > (2023, 1):
                    continue
                step = (year - YEARS[0]) * 4 + q
                if profile == "good":
                    status = "done" if step >= 14 else ("in_progress" if step >= 1 else "not_started")
                elif profile == "late":
                    status = "delayed" if step >= 8 else "in_progress"
                else:
                    status = "in_progress"
                met = [
                    mid
                    for due, mid in milestones_by_task.get(task.id, [])
                    if due <= end and profile == "good"
                ]
                ref = svc.record_report(
                    DEMO_ACTOR,
                    task.id,
                    year,
                    quarter,
                    status,
                    unit_id=task.lead,
                    milestones_met=met,
                    narrative=f"示例数据 (illustrative)：{task.title} {year}年{quarter}进展。",
                    session=s,
                )
                if profile == "good" or (profile == "late" and q == 3):
                    _evidence(s, ref.id, f"{task.id} {year} {quarter}", evidence_dir)
                late_days = 40 if profile == "late" and step % 3 == 0 else 8
                svc.submit(
                    DEMO_ACTOR, "report", ref.id, at=_stamp(end + dt.timedelta(days=late_days)), session=s
                )
                if (year, quarter) == (2024, "Q4"):
                    reports += 1
                    continue  # awaiting review
                svc.approve(DEMO_REVIEWER, "report", ref.id, session=s)
                reports += 1
    return reports


def summary(svc: TrackingService, year: int) -> list[str]:
    """One line each on indicator status, alerts and grades in ``year`` (what ``make run`` shows)."""
    data = svc.data()
    statuses = Counter(e.status for e in svc.evaluate([year], data))
    alerts = Counter(a.kind for a in svc.alerts(year, dt.date(year + 1, 1, 31), data))
    grades = Counter(a.grade for a in svc.assess(year, dt.date(year + 1, 1, 31), data))
    show = "，".join
    return [
        f"  {year}年指标状态 (示例数据): "
        + show(f"{label('indicator_status', k)} {statuses[k]}" for k in INDICATOR_STATUSES if statuses[k]),
        f"  {year}年预警 (示例数据): " + show(f"{k} {v}" for k, v in sorted(alerts.items())),
        f"  {year}年度考核等次 (示例数据): " + show(f"{g.zh} {grades[c]}" for c, g in codes("grade").items()),
        f"  详见: carbonpeak track status --year {year}; carbonpeak track alerts --year {year}; "
        f"carbonpeak assess --year {year}",
    ]


def _evidence(session: Session, report_id: int, what: str, folder: Path) -> None:
    from carbonpeak.storage import tracking as repo

    content = f"示例数据 (illustrative) 佐证材料：{what}\n".encode()
    stored = store_file(content, folder, max_bytes=1024, allowed=["txt"])
    repo.add_evidence(
        session,
        kind="report",
        owner_id=report_id,
        sha256=stored.sha256,
        size=stored.size,
        media_type=stored.media_type,
        display_name="示例佐证.txt",
        who=DEMO_ACTOR.who,
        source=SOURCE,
        illustrative=True,
    )


def _inventory_values(plan: Plan) -> dict[tuple[str, int], ComputedValue]:
    """The illustrative inventory's indicator values (data/demo, 示例数据) for the plan's metrics:
    what the accounting package computes, so that the indicator pages agree with the 清单 page."""
    from carbonpeak.accounting.demo import demo_inventory
    from carbonpeak.services.computed import computed_values

    metrics = {i.metric for i in plan.indicators if i.metric in INVENTORY_METRICS}
    values = computed_values(demo_inventory().to_json())
    return {(v.metric, v.year): v for v in values if v.metric in metrics}


def _reported_from_inventory(
    ind: Indicator, inventory: dict[tuple[str, int], ComputedValue], years: tuple[int, ...]
) -> dict[int, float]:
    """What the responsible unit reports for an indicator the inventory also computes: the same
    statistic, except 2023, which is reported 8 % off to show the mismatch check (核算 vs 填报)."""
    out = {}
    for year in years:
        value = inventory.get((ind.metric or "", year))
        if value is not None:
            out[year] = round(value.value * (MISMATCH_2023 if year == 2023 else 1.0), 3)
    return out


def _computed(session: Session, plan: Plan, inventory: dict[tuple[str, int], ComputedValue]) -> int:
    """Store the inventory's computed values (every year it covers) for the plan's metrics."""
    from carbonpeak.storage import tracking as repo

    values = [
        ComputedValue(
            v.metric, v.year, v.value, v.unit, {**v.inputs, "note": "示例数据 (illustrative)"}, v.factor_set
        )
        for v in inventory.values()
    ]
    return repo.store_computed(
        session, plan.plan.id, values, who=DEMO_ACTOR.who, source=SOURCE, illustrative=True
    )
