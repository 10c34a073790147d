"""A member (or the district) against its own target, and carbon dual control.

Status of a value against a decomposed target in ``year`` (the codes of ``indicator_status``):
in or after the target year ``met`` or ``off_track`` by the one target rule
(``carbonpeak.plan.targets.compare``); before it the value is compared with the required path from
the base year (``carbonpeak.tracking.path``) — ``on_track`` or ``at_risk``; no value: ``no_data``.

Carbon dual control (以碳强度控制为主、碳排放总量控制为辅, plan 五.(三)): for a unit and a year, the
allowed CO2 total and the required intensity reduction, what is used and what is left. The intensity
test decides; the total is the secondary test: ``met`` (both), ``total_exceeded`` (intensity met,
total over: passes, flagged), ``not_met`` (intensity missed), ``no_data`` (no intensity value).
"""

from __future__ import annotations

from dataclasses import dataclass

from carbonpeak.plan.targets import compare
from carbonpeak.townships.decompose import Quantity
from carbonpeak.tracking.path import TargetPath


def _path(q: Quantity, base_year: int, base: float, target_year: int, target: float) -> TargetPath:
    if q.comparator == "reduce_by":
        return TargetPath("reduction", base_year, 0.0, target_year, target, 1)
    return TargetPath("linear", base_year, base, target_year, target, 1 if q.comparator == ">=" else -1)


def required(
    q: Quantity, year: int, base_year: int, base: float | None, target_year: int, target: float
) -> float:
    """The value required in ``year`` on the path from the base to the target (the target itself
    from the target year on, or when there is no base value)."""
    if year >= target_year or (base is None and q.comparator != "reduce_by"):
        return target
    return _path(q, base_year, base or 0.0, target_year, target).required(year)


def share_status(
    q: Quantity,
    year: int,
    value: float | None,
    base_year: int,
    base: float | None,
    target_year: int,
    target: float,
) -> str:
    """The status code of ``value`` against a member's (or the district's) target in ``year``."""
    if value is None:
        return "no_data"
    need = required(q, year, base_year, base, target_year, target)
    ok = compare(value, q.comparator, need)
    if year >= target_year:
        return "met" if ok else "off_track"
    return "on_track" if ok else "at_risk"


@dataclass(frozen=True)
class DualControl:
    """Carbon dual control of one unit in one year (CO2 total in the quantity's unit, intensity
    reduction in percent since the base year)."""

    unit: str
    year: int
    intensity_required: float | None
    intensity_actual: float | None
    total_allowed: float | None
    total_used: float | None
    status: str

    @property
    def total_left(self) -> float | None:
        if self.total_allowed is None or self.total_used is None:
            return None
        return self.total_allowed - self.total_used

    @property
    def intensity_margin(self) -> float | None:
        """Percentage points of reduction beyond (positive) or short of (negative) the required."""
        if self.intensity_required is None or self.intensity_actual is None:
            return None
        return self.intensity_actual - self.intensity_required

    @property
    def intensity_met(self) -> bool | None:
        if self.intensity_required is None or self.intensity_actual is None:
            return None
        return compare(self.intensity_actual, "reduce_by", self.intensity_required)

    @property
    def total_met(self) -> bool | None:
        if self.total_allowed is None or self.total_used is None:
            return None
        return compare(self.total_used, "<=", self.total_allowed)


def dual_status(intensity_met: bool | None, total_met: bool | None) -> str:
    """强度为主、总量为辅: the intensity decides, the total only flags."""
    if intensity_met is None:
        return "no_data"
    if not intensity_met:
        return "not_met"
    return "total_exceeded" if total_met is False else "met"


def dual_control(
    unit: str,
    year: int,
    intensity_required: float | None,
    intensity_actual: float | None,
    total_allowed: float | None,
    total_used: float | None,
) -> DualControl:
    """Dual control of ``unit`` in ``year`` from the required/allowed values and the actual ones."""
    probe = DualControl(unit, year, intensity_required, intensity_actual, total_allowed, total_used, "")
    status = dual_status(probe.intensity_met, probe.total_met)
    return DualControl(unit, year, intensity_required, intensity_actual, total_allowed, total_used, status)
