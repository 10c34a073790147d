"""Goal seeking: the smallest extra push on one lever that makes P(peak by Y) reach a chosen level.

The extra push ``d`` is added on top of the scenario from ``start`` (default: the year after the
latest statistics, 2024) and ramps in linearly until the target year for capacity-like levers. For
each trial ``d`` the Monte Carlo runs with the same seed (common random numbers), so P(d) is a
non-decreasing step function in practice and bisection finds the threshold to within ``tol``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from carbonpeak.errors import InvalidInputError
from carbonpeak.plan import Plan
from carbonpeak.scenarios.assumptions import TECHS
from carbonpeak.scenarios.engine import Engine, Inputs
from carbonpeak.scenarios.levers import LEVER_BY_ID
from carbonpeak.scenarios.montecarlo import monte_carlo
from carbonpeak.scenarios.results import scenario_inputs
from carbonpeak.scenarios.scenario_files import Scenario

KNOBS: dict[str, tuple[str, float, str]] = {
    # lever: (unit of the extra push, default upper bound of the search, meaning)
    "industry_efficiency": ("1/yr", 0.10, "extra annual improvement of industrial useful intensity"),
    "buildings_efficiency": ("1/yr", 0.10, "extra annual improvement of building useful intensity"),
    "transport_efficiency": ("1/yr", 0.10, "extra annual improvement of transport useful intensity"),
    "renewables": ("万千瓦", 2000.0, "extra solar capacity, ramped in linearly to the target year"),
    "electrification": ("pp", 40.0, "extra percentage points of the electricity share of final energy"),
    "storage": ("pp", 30.0, "extra storage ratio in percentage points"),
    "process": ("pp", 90.0, "extra cut of process CO2 per activity, percentage points"),
    "modal_shift": ("pp", 60.0, "extra share of road freight turnover moved to rail, percentage points"),
}


def push(inp: Inputs, engine: Engine, lever: str, d: float, start: int, until: int) -> Inputs:
    """The inputs with the extra push ``d`` on ``lever`` (one deterministic sample). A push never
    acts on observed years: it starts no earlier than the year after the latest observed one."""
    if inp.history_end is not None:
        start = max(start, inp.history_end + 1)
    years = inp.years.astype(np.float64)
    n = np.maximum(0.0, years - (start - 1))
    ramp = np.clip(n / max(1, until - start + 1), 0.0, 1.0)
    base = engine.base
    if LEVER_BY_ID[lever].kind == "intensity":
        mask = base.branch_mask(str(LEVER_BY_ID[lever].sector))
        intensity = inp.intensity.copy()
        intensity[0][:, mask] *= ((1.0 - d) ** n)[:, None]
        return replace(inp, intensity=intensity)
    if lever == "renewables":
        capacity = inp.capacity.copy()
        capacity[0, :, TECHS.index("solar")] += d * 10.0 * ramp
        return replace(inp, capacity=capacity)
    if lever == "electrification":
        share = engine.run(inp).indicators["electricity_share_final"][0] / 100.0
        current = np.where(np.isfinite(inp.elec_target[0]), np.maximum(inp.elec_target[0], share), share)
        return replace(inp, elec_target=np.clip(current + d / 100.0 * ramp, 0.0, 1.0)[None, :])
    if lever == "storage":
        return replace(inp, storage=inp.storage + d / 100.0 * ramp)
    if lever == "modal_shift":
        return replace(inp, freight_shift=np.minimum(1.0, inp.freight_shift + d / 100.0 * ramp))
    if lever == "process":
        return replace(inp, process_index=inp.process_index * np.maximum(0.0, 1.0 - d / 100.0 * ramp))
    raise InvalidInputError(f"lever {lever!r} cannot be sought; choose one of {', '.join(KNOBS)}")


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
            "meaning": KNOBS[self.lever][2],
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
    by_year: int = 2030,
    samples: int = 1000,
    seed: int = 0,
    start: int = 2024,
    upper: float | None = None,
    tol: float | None = None,
    tolerance: float = 0.0,
    progress: Callable[[int], None] | None = None,
) -> SeekResult:
    """Bisection on the extra push of ``lever`` for P(peak by ``by_year``) ≥ ``target_p``."""
    if lever not in KNOBS:
        raise InvalidInputError(f"lever {lever!r} cannot be sought; choose one of {', '.join(KNOBS)}")
    if not 0.0 < target_p <= 1.0:
        raise InvalidInputError("the target probability must be in (0, 1]")
    unit, default_hi, _ = KNOBS[lever]
    hi = default_hi if upper is None else upper
    tol = hi / 1000.0 if tol is None else tol
    engine = Engine(scn.base)
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
            inputs=push(inp, engine, lever, d, start, by_year),
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
