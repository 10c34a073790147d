"""Goal seeking: the smallest extra push on one lever that makes P(peak by Y) reach a chosen level.

The extra push ``d`` (:func:`carbonpeak.scenarios.levers.apply_push`, in the lever's push unit from
the lever table) is added on top of the scenario from ``start`` (default: the year after the latest
observed one) and ramps in linearly until the target year for capacity-like levers. For each trial
``d`` the Monte Carlo runs with the same seed (common random numbers), so P(d) is a non-decreasing
step function in practice and bisection finds the threshold to within ``tol``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from carbonpeak.errors import InvalidInputError
from carbonpeak.plan import Plan
from carbonpeak.scenarios.engine import Engine
from carbonpeak.scenarios.lever_table import Lever, lever_table
from carbonpeak.scenarios.levers import apply_push
from carbonpeak.scenarios.montecarlo import monte_carlo
from carbonpeak.scenarios.plan_indicators import peak_target_year
from carbonpeak.scenarios.results import scenario_inputs
from carbonpeak.scenarios.scenario_files import Scenario


def seekable(lever_id: str) -> Lever:
    """The lever ``lever_id`` if it can be pushed, else an error naming those that can."""
    found = lever_table().get(lever_id)
    if found is None or found.push is None:
        names = ", ".join(lv.id for lv in lever_table().pushable)
        raise InvalidInputError(f"lever {lever_id!r} cannot be sought; choose one of {names}")
    return found


@dataclass
class SeekResult:
    scenario: str
    lever: str
    unit: str
    target_p: float
    by_year: int
    samples: int
    seed: int
    reachable: bool
    extra: float | None
    p_at_extra: float | None
    p_without: float
    trials: list[tuple[float, float]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "lever": self.lever,
            "meaning": seekable(self.lever).push.meaning.en,  # type: ignore[union-attr]
            "unit": self.unit,
            "target_probability": self.target_p,
            "by_year": self.by_year,
            "samples": self.samples,
            "seed": self.seed,
            "reachable": self.reachable,
            "extra": self.extra,
            f"p_peak_by_{self.by_year}_with_extra": self.p_at_extra,
            f"p_peak_by_{self.by_year}_without": self.p_without,
            "trials": [{"extra": d, "p": p} for d, p in self.trials],
        }


def seek(
    scn: Scenario,
    plan: Plan | None,
    lever: str,
    target_p: float = 0.9,
    by_year: int | None = None,
    samples: int = 1000,
    seed: int = 0,
    start: int | None = None,
    upper: float | None = None,
    tol: float | None = None,
    tolerance: float = 0.0,
    progress: Callable[[int], None] | None = None,
) -> SeekResult:
    """Bisection on the extra push of ``lever`` for P(peak by ``by_year``) ≥ ``target_p``; ``by_year``
    defaults to the plan's peak target year, ``upper`` to the lever table's bound."""
    spec = seekable(lever)
    push = spec.push
    assert push is not None  # seekable() checked it
    if not 0.0 < target_p <= 1.0:
        raise InvalidInputError("the target probability must be in (0, 1]")
    by_year = peak_target_year(plan) if by_year is None else by_year
    unit = push.unit
    hi = push.upper if upper is None else upper
    tol = hi / 1000.0 if tol is None else tol
    engine = Engine.of(scn.base)
    inp = scenario_inputs(scn, plan)
    trials: list[tuple[float, float]] = []

    def p_of(d: float) -> float:
        mc = monte_carlo(
            scn,
            plan,
            samples,
            seed,
            tolerance=tolerance,
            by_year=by_year,
            inputs=apply_push(inp, spec, d, engine=engine, start=start, until=by_year),
        )
        trials.append((d, mc.p_peak_by))
        if progress is not None:
            progress(1)
        return mc.p_peak_by

    p0 = p_of(0.0)
    result = SeekResult(scn.id, lever, unit, target_p, by_year, samples, seed, True, 0.0, p0, p0, trials)
    if p0 >= target_p:
        return result
    p_hi = p_of(hi)
    if p_hi < target_p:
        result.reachable, result.extra, result.p_at_extra = False, None, None
        return result
    lo = 0.0
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        p_mid = p_of(mid)
        if p_mid >= target_p:
            hi, p_hi = mid, p_mid
        else:
            lo = mid
    result.extra, result.p_at_extra = hi, p_hi
    return result
