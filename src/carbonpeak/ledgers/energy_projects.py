"""Energy and grid projects (专栏4 绿色能源工程, 专栏5 能源保障工程, and any added later): the
pipeline, installed renewable capacity by year (并网 only) for the 280万千瓦 indicator of 三.(三).1,
the pipeline's expected capacity against the target, and the ≥ 15% storage rule of 三.(三).3
(原则上: flagged, not refused). Kinds, statuses and the rule are data (``data/energy.yaml``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from carbonpeak.ledgers.errors import LedgerError
from carbonpeak.ledgers.geo import energy_reference
from carbonpeak.plan import Plan
from carbonpeak.units.registry import UnitError, convert, is_convertible

Status = Literal["planned", "approved", "construction", "connected", "retired"]
STATUS_ORDER: tuple[Status, ...] = ("planned", "approved", "construction", "connected", "retired")


def kinds() -> dict[str, dict[str, Any]]:
    return {str(k): dict(v) for k, v in energy_reference()["project_kinds"].items()}


def status_labels() -> dict[str, dict[str, str]]:
    return {str(k): dict(v) for k, v in energy_reference()["statuses"].items()}


def parse_status(text: str) -> Status:
    """A status from its code (``connected``) or its Chinese word (并网)."""
    t = text.strip()
    for code, labels in status_labels().items():
        if t in (code, labels["zh"], labels["en"]):
            return code  # type: ignore[return-value]
    words = "、".join(v["zh"] for v in status_labels().values())
    raise LedgerError(
        f"状态“{text}”无法识别，应为 {words} 之一", message_en=f"status {text!r}: expected one of {words}"
    )


def parse_kind(text: str) -> str:
    t = text.strip()
    for code, labels in kinds().items():
        if t in (code, labels["zh"], labels["en"]):
            return code
    words = "、".join(v["zh"] for v in kinds().values())
    raise LedgerError(
        f"类型“{text}”无法识别，应为 {words} 之一", message_en=f"kind {text!r}: expected one of {words}"
    )


class EnergyProject(BaseModel):
    """One project of the pipeline. ``capacity`` is in ``unit`` (MW, 万千瓦, kW, or a non-power unit
    such as 吨/日 for a waste line, which then counts towards no capacity)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: str
    capacity: float | None = Field(default=None, ge=0)
    unit: str | None = None
    location: str = ""
    owner: str = ""
    status: Status = "planned"
    status_dates: dict[Status, dt.date] = Field(default_factory=dict)
    expected_commissioning: dt.date | None = None
    actual_commissioning: dt.date | None = None
    retired_on: dt.date | None = None
    centralized: bool = False
    storage_mw: float | None = Field(default=None, ge=0)
    storage_mwh: float | None = Field(default=None, ge=0)
    plan_project_id: str | None = None
    task_id: str | None = None
    note: str = ""
    illustrative: bool = False

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        return parse_kind(v)

    @model_validator(mode="after")
    def _consistent(self) -> EnergyProject:
        if self.capacity is not None and not self.unit:
            raise ValueError("a capacity needs its unit (MW, 万千瓦, …)")
        if self.unit:
            try:
                convert(1.0, self.unit, self.unit)
            except UnitError as exc:
                raise ValueError(f"unit {self.unit!r} is not known") from exc
        if self.status in ("connected", "retired") and self.actual_commissioning is None:
            raise ValueError("a grid-connected (并网) or retired project needs its actual commissioning date")
        if self.status == "retired" and self.retired_on is None:
            raise ValueError("a retired (退役) project needs its retirement date (retired_on)")
        return self

    @property
    def capacity_mw(self) -> float | None:
        """The capacity in MW, or None when there is none or it is no power (吨/日)."""
        if self.capacity is None or not self.unit or not is_convertible(self.unit, "MW"):
            return None
        return float(convert(self.capacity, self.unit, "MW"))

    @property
    def renewable(self) -> bool:
        return bool(kinds()[self.kind]["renewable"])

    @property
    def commissioning_year(self) -> int | None:
        """Actual commissioning year, else the expected one."""
        day = self.actual_commissioning or self.expected_commissioning
        return None if day is None else day.year


def _in_service(p: EnergyProject, year: int) -> bool:
    if p.status not in ("connected", "retired") or p.actual_commissioning is None:
        return False
    if p.actual_commissioning.year > year:
        return False
    return p.retired_on is None or p.retired_on.year > year


@dataclass(frozen=True)
class CapacityYear:
    """Renewable capacity of one year with the projects it sums (their ids and MW)."""

    year: int
    mw: float
    projects: dict[str, float] = field(default_factory=dict)

    @property
    def wan_kw(self) -> float:
        return float(convert(self.mw, "MW", "万千瓦"))


def installed_by_year(projects: Iterable[EnergyProject], years: Iterable[int]) -> list[CapacityYear]:
    """Installed renewable capacity at the end of each year: 并网 projects commissioned by then and
    not yet retired."""
    ps = [p for p in projects if p.renewable and p.capacity_mw is not None]
    out = []
    for y in sorted(set(years)):
        parts = {p.id: float(p.capacity_mw or 0.0) for p in ps if _in_service(p, y)}
        out.append(CapacityYear(y, sum(parts.values()), parts))
    return out


def expected_by_year(projects: Iterable[EnergyProject], years: Iterable[int]) -> list[CapacityYear]:
    """The pipeline's capacity by year if every project not retired comes in when expected: installed
    ones plus those in 规划/核准/在建 with an expected commissioning date by then."""
    ps = [p for p in projects if p.renewable and p.capacity_mw is not None]
    out = []
    for y in sorted(set(years)):
        parts: dict[str, float] = {}
        for p in ps:
            if _in_service(p, y) or (
                p.status in ("planned", "approved", "construction")
                and p.expected_commissioning is not None
                and p.expected_commissioning.year <= y
            ):
                parts[p.id] = float(p.capacity_mw or 0.0)
        out.append(CapacityYear(y, sum(parts.values()), parts))
    return out


def first_year_reaching(series: Sequence[CapacityYear], target_mw: float) -> int | None:
    """The first year whose capacity reaches ``target_mw``, or None."""
    return next((c.year for c in series if c.mw >= target_mw), None)


@dataclass(frozen=True)
class StorageCheck:
    """The storage ratio of one new centralized wind/PV project against the rule."""

    project_id: str
    capacity_mw: float
    storage_mw: float
    storage_mwh: float | None
    ratio: float
    required: float
    ok: bool

    @property
    def hours(self) -> float | None:
        return None if not self.storage_mwh or not self.storage_mw else self.storage_mwh / self.storage_mw


def storage_rule() -> dict[str, Any]:
    return dict(energy_reference()["storage_rule"])


def rule_applies(p: EnergyProject, rule: dict[str, Any] | None = None) -> bool:
    r = rule or storage_rule()
    year = p.commissioning_year
    return (
        p.kind in r["kinds"]
        and (p.centralized or not r["centralized_only"])
        and p.status != "retired"
        and p.capacity_mw is not None
        and p.capacity_mw > 0
        and (year is None or year >= int(r["new_from_year"]))
    )


def storage_checks(projects: Iterable[EnergyProject]) -> list[StorageCheck]:
    """Each project the ≥ 15% rule covers, with its ratio (storage MW / capacity MW) and whether it
    meets the rule. A project without storage recorded has ratio 0 and is flagged."""
    r = storage_rule()
    need = float(r["min_ratio"])
    out = []
    for p in projects:
        if not rule_applies(p, r):
            continue
        cap = float(p.capacity_mw or 0.0)
        smw = float(p.storage_mw or 0.0)
        ratio = smw / cap
        out.append(StorageCheck(p.id, cap, smw, p.storage_mwh, ratio, need, ratio >= need - 1e-12))
    return out


def pooled_storage_ratio(checks: Sequence[StorageCheck]) -> float | None:
    """Storage MW over capacity MW of all the projects the rule covers (the indicator's value)."""
    cap = sum(c.capacity_mw for c in checks)
    return None if cap == 0 else sum(c.storage_mw for c in checks) / cap


@dataclass(frozen=True)
class Indicator:
    """A computed indicator value in the plan's metric and unit, with its inputs (tracking stores it)."""

    metric: str
    year: int
    value: float
    unit: str
    inputs: dict[str, object]
    source: str


def indicators(projects: Sequence[EnergyProject], years: Iterable[int]) -> list[Indicator]:
    """``renewable_capacity`` (万千瓦, 并网 only) per year and ``storage_ratio`` (%, pooled over the
    new centralized wind/PV projects) for the years they have projects in service or expected."""
    out = []
    for c in installed_by_year(projects, years):
        out.append(
            Indicator(
                "renewable_capacity",
                c.year,
                c.wan_kw,
                "万千瓦",
                {"projects_mw": c.projects, "basis": "并网 only"},
                "energy project ledger",
            )
        )
    checks = storage_checks(projects)
    pooled = pooled_storage_ratio(checks)
    if pooled is not None:
        last = max((p.commissioning_year or 0) for p in projects if rule_applies(p))
        flagged = sorted(c.project_id for c in checks if not c.ok)
        out.append(
            Indicator(
                "storage_ratio",
                last,
                pooled * 100.0,
                "%",
                {"projects": len(checks), "below_rule": flagged, "rule": storage_rule()["quote"]},
                "energy project ledger",
            )
        )
    return out


def renewable_lever_mw(
    projects: Sequence[EnergyProject], years: Iterable[int], *, expected: bool
) -> dict[int, float]:
    """Renewable capacity by year (MW) to feed the scenario engine's renewable lever as an option:
    the installed series, or the pipeline's expected one."""
    series = expected_by_year(projects, years) if expected else installed_by_year(projects, years)
    return {c.year: c.mw for c in series}


def timeline(projects: Sequence[EnergyProject]) -> list[dict[str, object]]:
    """Gantt rows: each project's span from its first dated status to its (expected) commissioning."""
    rows: list[dict[str, object]] = []
    for p in projects:
        dates = sorted(p.status_dates.values())
        end = p.actual_commissioning or p.expected_commissioning
        start = dates[0] if dates else end
        if start is None or end is None:
            continue
        rows.append(
            {
                "id": p.id,
                "name": p.name,
                "kind": p.kind,
                "status": p.status,
                "start": start,
                "end": max(start, end),
            }
        )
    return rows


def projects_from_plan(plan: Plan) -> list[EnergyProject]:
    """A ledger row for each 专栏4/5 project of the plan whose category the ledger knows (status 规划,
    no dates): the start of the ledger, linked by ``plan_project_id`` and ``task_id``."""
    categories = {str(k): str(v) for k, v in energy_reference()["plan_categories"].items()}
    out = []
    for p in plan.projects:
        kind = categories.get(p.category)
        if kind is None or p.column not in ("专栏4", "专栏5"):
            continue
        out.append(
            EnergyProject(
                id=p.id,
                name=p.name,
                kind=kind,
                capacity=p.capacity,
                unit=p.unit,
                location=p.location or "",
                centralized=False,  # the plan does not say; the office records it
                plan_project_id=p.id,
                task_id=p.task,
            )
        )
    return out
