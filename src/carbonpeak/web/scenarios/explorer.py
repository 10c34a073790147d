"""The scenario explorer's computations: a thin layer over the scenarios package.

A scenario's inputs are built once per process from the served plan (``ScenarioCache``); a request
adds the slider pushes with ``carbonpeak.scenarios.seek.push`` (the same "extra push" the
``scenario seek`` command searches over) and runs the engine deterministically (< 1 ms), optionally
a bounded Monte Carlo with a fixed seed and the Shapley attribution against ``bau``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from carbonpeak.plan import Plan
from carbonpeak.scenarios.engine import Engine, Inputs
from carbonpeak.scenarios.levers import LEVER_BY_ID, find_indicators
from carbonpeak.scenarios.montecarlo import monte_carlo
from carbonpeak.scenarios.results import ILLUSTRATIVE_NOTE, ScenarioRun, scenario_inputs, summary
from carbonpeak.scenarios.scenario_files import Scenario, load_scenario
from carbonpeak.scenarios.seek import KNOBS, push
from carbonpeak.scenarios.shapley import attribute

SCENARIOS: tuple[str, ...] = ("bau", "plan", "enhanced")
MAX_SAMPLES = 2000  # bound of the Monte Carlo samples one request may ask for
PUSH_START = 2024  # the year after the latest statistics: pushes start here (as scenario seek)
BY_YEAR = 2030  # peak-by year and the year of the Shapley attribution
PEAK_CARD_SAMPLES = 500
PEAK_CARD_SEED = 0


@dataclass(frozen=True)
class Slider:
    """A lever slider: the extra push on top of the scenario, shown in ``display_unit``; the engine
    receives ``value × scale`` in the unit of ``carbonpeak.scenarios.seek.KNOBS``."""

    lever: str
    maximum: float
    step: float
    display_unit: str
    scale: float


SLIDERS: tuple[Slider, ...] = (
    Slider("industry_efficiency", 5.0, 0.1, "%/年", 0.01),
    Slider("buildings_efficiency", 5.0, 0.1, "%/年", 0.01),
    Slider("transport_efficiency", 5.0, 0.1, "%/年", 0.01),
    Slider("modal_shift", 30.0, 1.0, "百分点", 1.0),
    Slider("electrification", 20.0, 1.0, "百分点", 1.0),
    Slider("renewables", 500.0, 10.0, "万千瓦", 1.0),
    Slider("storage", 30.0, 1.0, "百分点", 1.0),
    Slider("process", 50.0, 1.0, "百分点", 1.0),
)
SLIDER_BY_ID = {s.lever: s for s in SLIDERS}


class ExplorerError(ValueError):
    """A scenario cannot be run with the served plan (missing indicator, bad lever value)."""


def slider_rows(plan: Plan) -> list[dict[str, Any]]:
    """What the page shows for each slider: name, range, unit, meaning and the plan indicator ids."""
    rows = []
    for s in SLIDERS:
        spec = LEVER_BY_ID[s.lever]
        ids = [i.id for i in find_indicators(plan, spec.metric)] if spec.metric else []
        rows.append(
            {
                "lever": s.lever,
                "name": spec.name,
                "max": s.maximum,
                "step": s.step,
                "unit": s.display_unit,
                "meaning": KNOBS[s.lever][2],
                "metric": spec.metric,
                "indicators": ids,
            }
        )
    return rows


@dataclass
class Prepared:
    scenario: Scenario
    engine: Engine
    inputs: Inputs


class ScenarioCache:
    """Scenarios and their engine inputs for the served plan, built once per process (thread-safe)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._lock = threading.Lock()
        self._peak_lock = threading.Lock()  # one Monte Carlo for the peak card, however many wait
        self._prepared: dict[str, Prepared] = {}
        self._peak_card: dict[str, Any] | None = None

    def prepared(self, scenario: str) -> Prepared:
        if scenario not in SCENARIOS:
            raise ExplorerError(f"unknown scenario {scenario!r}; expected one of {', '.join(SCENARIOS)}")
        with self._lock:
            found = self._prepared.get(scenario)
            if found is None:
                try:
                    scn = load_scenario(scenario)
                    found = Prepared(scn, Engine(scn.base), scenario_inputs(scn, self.plan))
                except (LookupError, ValueError) as exc:  # MissingIndicatorError, ScenarioDataError
                    raise ExplorerError(f"scenario {scenario!r} cannot run on this plan: {exc}") from exc
                self._prepared[scenario] = found
            return found

    def pushed(self, scenario: str, levers: dict[str, float]) -> tuple[Prepared, Inputs]:
        prep = self.prepared(scenario)
        inp = prep.inputs
        for lever, value in levers.items():
            slider = SLIDER_BY_ID.get(lever)
            if slider is None:
                raise ExplorerError(f"unknown lever {lever!r}; expected one of {', '.join(SLIDER_BY_ID)}")
            if not 0.0 <= value <= slider.maximum:
                raise ExplorerError(f"lever {lever!r}: {value} is outside 0–{slider.maximum:g}")
            if value:
                inp = push(inp, prep.engine, lever, value * slider.scale, PUSH_START, BY_YEAR)
        return prep, inp

    def run(
        self,
        scenario: str,
        levers: dict[str, float],
        samples: int = 0,
        seed: int = 0,
        attribution: bool = False,
    ) -> dict[str, Any]:
        """One deterministic run (trajectory, peak, targets); with ``samples`` the Monte Carlo fan and
        peak-year histogram; with ``attribution`` the Shapley values of bau → this run in BY_YEAR."""
        if not 0 <= samples <= MAX_SAMPLES:
            raise ExplorerError(f"samples must be between 0 and {MAX_SAMPLES}")
        prep, inp = self.pushed(scenario, levers)
        result = prep.engine.run(inp, keep_energy=False)
        run = ScenarioRun(prep.scenario, prep.engine, inp, result)
        out = summary(run, self.plan, detail=False, by_year=BY_YEAR)
        out["levers"] = {k: v for k, v in levers.items() if v}
        out["note"] = ILLUSTRATIVE_NOTE
        out["illustrative"] = True
        if samples:
            mc = monte_carlo(prep.scenario, self.plan, samples, seed, by_year=BY_YEAR, inputs=inp)
            out["monte_carlo"] = {
                "samples": samples,
                "seed": seed,
                f"p_peak_by_{BY_YEAR}": mc.p_peak_by,
                "peak_year_distribution": mc.peak_year_distribution(),
                "percentiles": mc.percentiles(),
            }
        if attribution:
            out["attribution"] = self.attribution(prep, inp)
        return out

    def attribution(self, prep: Prepared, inp: Inputs) -> dict[str, Any]:
        bau = self.prepared("bau")
        result = attribute(bau.scenario, prep.scenario, self.plan, inputs=(bau.inputs, inp))
        if not result.groups:
            y = int(np.searchsorted(result.years, BY_YEAR))
            co2 = float(result.values[0, y])
            return {
                "from": "bau",
                "year": BY_YEAR,
                "co2_from_t": co2,
                "co2_to_t": co2,
                "gap_t": 0.0,
                "groups": [],
            }
        return result.to_dict(BY_YEAR)

    def peak_card(self) -> dict[str, Any]:
        """The overview's peak projection: plan scenario, deterministic peak and P(peak by 2030) from
        a modest Monte Carlo (PEAK_CARD_SAMPLES, seed PEAK_CARD_SEED), computed once per process."""
        with self._lock:
            cached = self._peak_card
        if cached is not None:
            return cached
        with self._peak_lock:
            with self._lock:
                cached = self._peak_card
            if cached is not None:  # computed by the request that held the lock before us
                return cached
            return self._compute_peak_card()

    def _compute_peak_card(self) -> dict[str, Any]:
        try:
            out = self.run("plan", {}, samples=PEAK_CARD_SAMPLES, seed=PEAK_CARD_SEED)
            card: dict[str, Any] = {
                "ok": True,
                "peak_year": out["peak_year"],
                "peak_co2_t": out["peak_co2_t"],
                "peak_observed": out["peak_observed"],
                "observed_until": out["observed_until"],
                "p_peak_by": out["monte_carlo"][f"p_peak_by_{BY_YEAR}"],
                "by_year": BY_YEAR,
                "samples": PEAK_CARD_SAMPLES,
                "trajectory": out["trajectory"],
                "error": None,
            }
        except ExplorerError as exc:
            card = {"ok": False, "error": str(exc), "trajectory": {}, "by_year": BY_YEAR}
        with self._lock:
            self._peak_card = card
        return card
