"""Evaluate every quantified indicator in every year: required value, gap, trend, status.

Values come from the departments (approved observations) and, where the system computes the
indicator's metric from the inventory, from the computed value — which then is the one used; the
reported value is shown beside it and a difference beyond the tolerance is flagged for the office.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from carbonpeak.errors import InvalidInputError
from carbonpeak.plan import Indicator, Plan, covering_prohibitions, target_met
from carbonpeak.tracking.model import ANNUAL, ComputedValue, IndicatorStatus, Observation, indicator_owner
from carbonpeak.tracking.path import TargetPath, geometric_ok, project
from carbonpeak.tracking.rubric import Thresholds
from carbonpeak.units import UnitError, conversion_factor


@dataclass(frozen=True)
class Evaluation:
    """How one indicator stands in one year."""

    indicator_id: str
    name: str
    metric: str | None
    year: int
    target_year: int
    target: float | None
    comparator: str | None
    unit: str | None
    owner: str | None
    aspirational: bool
    method: str | None
    base_year: int | None
    base_value: float | None
    required: float | None
    actual: float | None
    value_source: str | None  # "reported" or "computed"
    reported: float | None
    computed: float | None
    computed_inputs: dict[str, object] | None
    factor_set: str | None
    mismatch: bool
    gap: float | None  # actual − required, signed so that positive is ahead of the path
    progress: float | None  # (actual − base) / (required − base)
    projection: float | None
    projection_meets: bool | None
    status: IndicatorStatus
    notes: list[str] = field(default_factory=list)
    strength: str | None = None  # the plan's modal word as a code (strive = 力争 …)
    holds: str = "in_year"  # in_year, every_year or from_year (plan schema 2)
    breaches: list[int] = field(default_factory=list)  # years of the period so far that missed it

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _direction(ind: Indicator) -> int:
    return -1 if ind.comparator in ("<=", "<") else 1


def _method(ind: Indicator, base: float | None) -> str | None:
    """The path to the target; none without a target value (e.g. 按上级下达, entered when known).
    A target that holds in every year of a period (or from a year on) requires its value each year."""
    if ind.value is None:
        return None
    if ind.holds != "in_year":
        return "every_year"
    if ind.comparator == "reduce_by":
        return "reduction"
    if ind.comparator == "increase" or base is None:
        return None
    if ind.kind == "intensity" and geometric_ok(base, ind.value):
        return "geometric"
    return "linear"


def _convert(value: float, unit: str | None, to: str | None) -> float:
    if not unit or not to or unit == to:
        return value
    try:
        return value * conversion_factor(unit, to)
    except UnitError as exc:
        raise InvalidInputError(f"computed value in {unit!r} cannot be compared with {to!r}: {exc}") from exc


def _annual(observations: Iterable[Observation], owner: str | None) -> dict[int, Observation]:
    """One approved annual observation per year, the owner's first."""
    out: dict[int, Observation] = {}
    for obs in observations:
        if obs.period != ANNUAL or obs.state != "approved" or obs.value is None:
            continue
        if obs.year not in out or obs.unit_id == owner:
            out[obs.year] = obs
    return out


def evaluate_indicator(
    plan: Plan,
    ind: Indicator,
    observations: list[Observation],
    computed: dict[int, ComputedValue],
    years: Iterable[int],
    thresholds: Thresholds,
) -> list[Evaluation]:
    """Evaluations of one indicator for each of ``years``."""
    owner = indicator_owner(plan, ind)
    reported = _annual(observations, owner)
    used: dict[int, tuple[float, str]] = {
        y: (o.value, "reported") for y, o in reported.items() if o.value is not None
    }
    for year, cv in computed.items():
        used[year] = (_convert(cv.value, cv.unit, ind.unit), "computed")
    assigned_base = ind.assigned.base_year if ind.assigned else None
    base_year = ind.base_year or assigned_base or plan.plan.base_year
    notes_base: list[str] = []
    if ind.comparator == "reduce_by":
        base_value: float | None = 0.0
    elif ind.base_value is not None:
        base_value = ind.base_value
    elif base_year in used:
        base_value = used[base_year][0]
    elif used:
        base_year = min(used)
        base_value = used[base_year][0]
        notes_base.append(f"基期值缺失，以{base_year}年实际值为起点")
    else:
        base_value = None
    method = _method(ind, base_value)
    path = None
    if method not in (None, "every_year") and base_value is not None and ind.value is not None:
        path = TargetPath(method, base_year, base_value, ind.year, ind.value, _direction(ind))  # type: ignore[arg-type]
    out = []
    for year in years:
        notes = list(notes_base)
        if ind.pending:
            notes.append(
                "目标值待市下达" if ind.assigned and ind.assigned.by == "city" else "目标值待国家规定"
            )
        elif ind.value is None and ind.comparator != "increase":
            notes.append("目标值未确定 (按上级下达)")
        actual, source = used.get(year, (None, None))
        rep = reported.get(year)
        cv_year = computed.get(year)
        cv_value = _convert(cv_year.value, cv_year.unit, ind.unit) if cv_year else None
        mismatch = False
        if cv_value is not None and rep is not None and rep.value is not None:
            tol = max(thresholds.abs_tolerance, thresholds.rel_tolerance * abs(cv_value))
            mismatch = abs(rep.value - cv_value) > tol
            if mismatch:
                notes.append(f"填报值 {rep.value:g} 与核算值 {cv_value:g} 相差超过容差 {tol:g}")
        required = path.required(year) if path else None
        gap = progress = projection = None
        projection_meets = None
        if path is not None and actual is not None and required is not None:
            gap = (actual - required) * path.direction
            denominator = required - path.base_value
            progress = (actual - path.base_value) / denominator if abs(denominator) > 1e-12 else None
            past = sorted((y, v) for y, (v, _) in used.items() if path.base_year < y <= year)
            projection = project(path, [y for y, _ in past], [v for _, v in past])
            if projection is not None:
                projection_meets = target_met(ind, projection)
        status = _status(ind, actual, base_value, gap, progress, projection_meets, thresholds)
        breaches: list[int] = []
        if method == "every_year" and ind.holds_in(year):
            required = ind.value
            breaches = [
                y
                for y, (v, _) in sorted(used.items())
                if y <= year and ind.holds_in(y) and not target_met(ind, v)
            ]
            status = _standing_status(actual, breaches)
            if breaches:
                notes.append(f"须每年达到目标，{'、'.join(str(y) for y in breaches)}年未达到")
        if ind.pending:
            status = "pending"
        out.append(
            Evaluation(
                indicator_id=ind.id,
                name=ind.name,
                metric=ind.metric,
                year=year,
                target_year=ind.year,
                target=ind.value,
                comparator=ind.comparator,
                unit=ind.unit,
                owner=owner,
                aspirational=ind.aspirational,
                method=method,
                base_year=base_year if base_value is not None else None,
                base_value=base_value,
                required=required,
                actual=actual,
                value_source=source,
                reported=rep.value if rep else None,
                computed=cv_value,
                computed_inputs=dict(cv_year.inputs) if cv_year else None,
                factor_set=cv_year.factor_set if cv_year else None,
                mismatch=mismatch,
                gap=gap,
                progress=progress,
                projection=projection,
                projection_meets=projection_meets,
                status=status,
                notes=notes,
                strength=ind.strength,
                holds=ind.holds,
                breaches=breaches,
            )
        )
    return out


def _standing_status(actual: float | None, breaches: list[int]) -> IndicatorStatus:
    """A target that must hold in every year: missed for good by any year of the period that missed
    it (so far), otherwise met in a year with a value."""
    if breaches:
        return "off_track"
    return "no_data" if actual is None else "met"


def _status(
    ind: Indicator,
    actual: float | None,
    base_value: float | None,
    gap: float | None,
    progress: float | None,
    projection_meets: bool | None,
    t: Thresholds,
) -> IndicatorStatus:
    if actual is None:
        return "no_data"
    if ind.comparator == "increase":
        return "met" if target_met(ind, actual, base_value) else "at_risk"
    if ind.value is None:
        return "no_data"
    if target_met(ind, actual):
        return "met"
    if progress is None:
        return "on_track" if gap is not None and gap >= 0 else "at_risk"
    if progress >= t.on_track:
        return "on_track"
    if progress < t.severe and not projection_meets:
        return "off_track"
    return "at_risk"


def evaluate_plan(
    plan: Plan,
    observations: list[Observation],
    computed: list[ComputedValue],
    years: Iterable[int],
    thresholds: Thresholds,
) -> list[Evaluation]:
    """Every quantified indicator of the plan in every year of ``years``."""
    years = list(years)
    by_indicator: dict[str, list[Observation]] = {}
    for obs in observations:
        by_indicator.setdefault(obs.indicator_id, []).append(obs)
    by_metric: dict[str, dict[int, ComputedValue]] = {}
    for cv in computed:
        by_metric.setdefault(cv.metric, {})[cv.year] = cv
    out: list[Evaluation] = []
    for ind in plan.indicators:
        if ind.kind == "qualitative":
            continue
        cvs = by_metric.get(ind.metric or "", {}) if ind.metric else {}
        out += evaluate_indicator(plan, ind, by_indicator.get(ind.id, []), cvs, years, thresholds)
    return out


def assessed_indicators(plan: Plan, year: int) -> list[Indicator]:
    """For year ``year``, one indicator per metric: the nearest target at or after the year, else the
    latest one (so 2025 and 2030 targets of the same quantity are not counted twice)."""
    groups: dict[str, list[Indicator]] = {}
    for ind in plan.indicators:
        if ind.kind != "qualitative":
            groups.setdefault(ind.metric or ind.id, []).append(ind)
    chosen = []
    for items in groups.values():
        later = [i for i in items if i.year >= year]
        chosen.append(min(later, key=lambda i: i.year) if later else max(items, key=lambda i: i.year))
    return chosen


class ProjectFacts(Protocol):
    """What a ledger row says of a project, as the prohibitions need it (the 两高 ledger's rows)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def industry(self) -> str | None: ...  # GB/T 4754-2017 code, as fine as known
    @property
    def equipment(self) -> Sequence[str]: ...
    @property
    def fuels(self) -> Sequence[str]: ...
    @property
    def two_high(self) -> bool: ...
    @property
    def approved(self) -> bool: ...  # approved, under construction or in operation


@dataclass(frozen=True)
class ProhibitionFinding:
    """A project that a prohibition or constraint of the plan covers."""

    project_id: str
    project_name: str
    rule_id: str
    clause: str
    text: str
    effect: str  # forbids | restricts
    breach: bool  # an approved project a forbidding rule covers

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def prohibition_findings(plan: Plan, projects: Iterable[ProjectFacts]) -> list[ProhibitionFinding]:
    """Every project a prohibition of the plan covers; ``breach`` when it went ahead although a rule
    forbids it (a proposal a rule forbids is for the energy review to refuse, not yet a breach)."""
    out = []
    for row in projects:
        rules = covering_prohibitions(plan, row.industry, list(row.equipment), list(row.fuels), row.two_high)
        for rule in rules:
            breach = row.approved and rule.effect == "forbids"
            out.append(
                ProhibitionFinding(row.id, row.name, rule.id, rule.clause, rule.text, rule.effect, breach)
            )
    return out
