"""The one rule that decides whether a value meets a plan target.

Tracking (the status of an indicator in a year), scenarios (is a projected target met), the public
page and the reports all call :func:`target_met`; the comparators and the tolerance are described in
``data/target_rule.yaml`` (version and source there).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from carbonpeak.errors import InvalidInputError
from carbonpeak.plan.schema import Indicator

TARGET_RULE_FILE = Path(__file__).parent / "data" / "target_rule.yaml"


class TargetRule(BaseModel):
    """The tolerance of the comparison, with its version and source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    source: str
    rel_tolerance: float = Field(ge=0, lt=1e-3)


@cache
def target_rule() -> TargetRule:
    """The bundled target rule (read once)."""
    return TargetRule.model_validate(yaml.safe_load(TARGET_RULE_FILE.read_text(encoding="utf-8")))


def compare(value: float, comparator: str, target: float, base_value: float | None = None) -> bool:
    """Does ``value`` satisfy ``comparator`` against ``target``?

    ``reduce_by``: ``value`` is the cumulative reduction in percent, met when at least ``target``;
    ``increase``: met when ``value`` is above ``base_value`` (``target`` is not used)."""
    if comparator == "increase":
        return base_value is not None and value > base_value
    eps = target_rule().rel_tolerance * max(1.0, abs(target))
    if comparator == ">":
        return value > target
    if comparator == "<":
        return value < target
    if comparator == "<=":
        return value <= target + eps
    if comparator == "=":
        return abs(value - target) <= eps
    if comparator in (">=", "reduce_by"):
        return value >= target - eps
    raise InvalidInputError(
        f"unknown comparator {comparator!r}: expected >=, >, <=, <, =, reduce_by or increase"
    )


def target_met(ind: Indicator, value: float, base_value: float | None = None) -> bool:
    """Does ``value`` (in the indicator's unit, in its target year) meet the indicator's target?

    A range target ("2—3个": value 2, upper 3) is met from its lower bound on; a target whose number is
    not set (``value: null``, 按上级下达) is never met, except ``increase``, which needs only the base."""
    if ind.comparator is None:
        return False
    if ind.comparator == "increase":
        return compare(value, "increase", 0.0, base_value)
    if ind.value is None:
        return False
    return compare(value, ind.comparator, ind.value, base_value)
