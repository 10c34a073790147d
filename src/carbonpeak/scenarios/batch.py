"""The same scenario set for many plans at once (a city's districts): one row per plan × scenario
with the peak, P(peak by the plan's year) and the plan targets met.

Each plan is read by the scenarios that read a plan (targets, plan-indicator levers); the base year
of a scenario is its own (the bundled demo base unless the scenario names another). The engine of
each base year is built once (``Engine.of``) and reused for every plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from carbonpeak.plan import Plan
from carbonpeak.scenarios.montecarlo import monte_carlo
from carbonpeak.scenarios.plan_indicators import peak_target_year
from carbonpeak.scenarios.results import run_scenario, summary
from carbonpeak.scenarios.scenario_files import Scenario


@dataclass(frozen=True)
class BatchRow:
    plan: str
    district: str
    scenario: str
    by_year: int
    peak_year: int
    peak_co2_t: float
    peaked_by: bool
    p_peak_by: float | None
    targets_met: int
    targets: int
    illustrative: bool


def run_batch(
    plans: Sequence[Plan],
    scenarios: Sequence[Scenario],
    samples: int = 0,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> list[BatchRow]:
    """Every scenario on every plan; ``progress`` is called with 1 after each plan × scenario."""
    rows = []
    for plan in plans:
        by_year = peak_target_year(plan)
        for scn in scenarios:
            run = run_scenario(scn, plan, keep_energy=False)
            data = summary(run, plan, detail=False, by_year=by_year)
            p = None
            if samples:
                p = monte_carlo(scn, plan, samples, seed, by_year=by_year, inputs=run.inputs).p_peak_by
            targets = data["targets"]
            rows.append(
                BatchRow(
                    plan=plan.plan.id,
                    district=plan.plan.district,
                    scenario=scn.id,
                    by_year=by_year,
                    peak_year=int(data["peak_year"]),
                    peak_co2_t=float(data["peak_co2_t"]),
                    peaked_by=bool(data[f"peaked_by_{by_year}"]),
                    p_peak_by=p,
                    targets_met=sum(bool(t["met"]) for t in targets),
                    targets=len(targets),
                    illustrative=scn.illustrative,
                )
            )
            if progress is not None:
                progress(1)
    return rows
