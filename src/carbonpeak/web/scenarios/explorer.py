"""The scenario explorer's computations: a thin layer over the scenarios package.

A scenario's inputs are built once per process from the served plan (``ScenarioCache``); a request
adds the slider pushes with :func:`carbonpeak.scenarios.levers.apply_push` (the same "extra push" the
``scenario seek`` command searches over; the sliders are the levers of the lever table with a
``push.slider``) and runs the engine deterministically (< 1 ms), optionally a bounded Monte Carlo
with a fixed seed and the Shapley attribution against ``bau``. Pushes start the year after the latest
observed one; "peaked by" is the plan's co2_peak target year (``ScenarioCache.by_year``).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from carbonpeak.plan import Plan, target_text
from carbonpeak.scenarios.engine import Engine, Inputs
from carbonpeak.scenarios.lever_table import lever_table
from carbonpeak.scenarios.levers import apply_push
from carbonpeak.scenarios.montecarlo import monte_carlo
from carbonpeak.scenarios.plan_indicators import find_indicators, peak_target_year
from carbonpeak.scenarios.results import ILLUSTRATIVE_NOTE, ScenarioRun, scenario_inputs, summary
from carbonpeak.scenarios.scenario_files import Scenario, bundled_scenarios, load_scenario, read_file
from carbonpeak.scenarios.shapley import attribute

SCENARIOS: tuple[str, ...] = ("bau", "plan", "enhanced")
MAX_SAMPLES = 10_000  # bound of the Monte Carlo samples one request may ask for
# the fan and P(peak by …) drawn while a slider moves (decision note 0214); the same seed for every
# lever setting, so the draws are common random numbers and the band moves only because a lever did
LIVE_SAMPLES = 1000
SAMPLE_CHOICES = (0, 1000, 2000, 5000, 10_000)
DEFAULT_SAMPLES = 10_000  # when the slider stops
PEAK_CARD_SAMPLES = 500
PEAK_CARD_SEED = 0


class ExplorerError(ValueError):
    """A scenario cannot be run with the served plan (missing indicator, bad lever value)."""


@functools.cache
def _titles() -> dict[str, tuple[str, str]]:
    """(title, English title) of each bundled scenario, read once per process from the files (they
    ship with the package and do not change while it runs)."""
    files = bundled_scenarios()
    out = {}
    for s in SCENARIOS:
        f = read_file(files[s]) if s in files else None
        out[s] = (s, s) if f is None else (f.title, f.title_en or f.id)
    return out


def scenario_titles(lang: str = "zh-CN") -> dict[str, str]:
    """Each bundled scenario's title in ``lang`` (read from its file alone: a scenario that cannot
    run on the served plan still has its name)."""
    return {s: en if lang == "en" else zh for s, (zh, en) in _titles().items()}


def labels(plan: Plan, lang: str = "zh-CN") -> dict[str, Any]:
    """What the page writes instead of ids: scenario titles, each plan indicator's name and target as
    people read it, each lever's name (the Shapley groups), in ``lang``."""
    en = lang == "en"
    return {
        "scenarios": scenario_titles(lang),
        "indicators": {
            i.id: {
                "name": (i.name_en or i.name) if en else i.name,
                "target": target_text(i, "en" if en else "zh"),
            }
            for i in plan.indicators
        },
        "levers": {lever.id: lever.name.of(lang) for lever in lever_table().levers},
    }


def slider_rows(plan: Plan, lang: str = "zh-CN") -> list[dict[str, Any]]:
    """What the page shows for each slider: name, range, unit, meaning and the plan indicators it
    reads (ids for the page's script, names for people)."""
    rows = []
    for lever in lever_table().sliders:
        push = lever.push
        assert push is not None
        assert push.slider is not None
        found = find_indicators(plan, lever.metric) if lever.metric else []
        ids = [i.id for i in found]
        names = [
            f"{i.name_en or i.name} ({i.year})" if lang == "en" else f"{i.name}（{i.year}年）" for i in found
        ]
        rows.append(
            {
                "lever": lever.id,
                "name": lever.name.of(lang),
                "max": push.slider.max,
                "step": push.slider.step,
                "unit": push.slider.unit_en if lang == "en" else push.slider.unit,
                "meaning": push.meaning.of(lang),
                "metric": lever.metric,
                "indicators": ids,
                "indicator_names": list(dict.fromkeys(names)),
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
        self.by_year = peak_target_year(plan)  # "peaked by" and the year of the Shapley attribution

    def push_start(self, scenario: str = "plan") -> int:
        """The first year a lever push acts on: the year after the latest observed (inventory) year
        of ``scenario``, else its first year."""
        inp = self.prepared(scenario).inputs
        return (inp.history_end if inp.history_end is not None else int(inp.years[0])) + 1

    def prepared(self, scenario: str) -> Prepared:
        if scenario not in SCENARIOS:
            raise ExplorerError(f"unknown scenario {scenario!r}; expected one of {', '.join(SCENARIOS)}")
        with self._lock:
            found = self._prepared.get(scenario)
            if found is None:
                try:
                    scn = load_scenario(scenario)
                    found = Prepared(scn, Engine.of(scn.base), scenario_inputs(scn, self.plan))
                except (LookupError, ValueError) as exc:  # MissingIndicatorError, ScenarioDataError
                    raise ExplorerError(f"scenario {scenario!r} cannot run on this plan: {exc}") from exc
                self._prepared[scenario] = found
            return found

    def pushed(self, scenario: str, levers: dict[str, float]) -> tuple[Prepared, Inputs]:
        """The scenario's inputs with the slider pushes (slider units) of ``levers``."""
        prep = self.prepared(scenario)
        inp = prep.inputs
        table = lever_table()
        sliders = {lever.id: lever for lever in table.sliders}
        for lever_id, value in levers.items():
            spec = sliders.get(lever_id)
            if spec is None or spec.push is None or spec.push.slider is None:
                raise ExplorerError(f"unknown lever {lever_id!r}; expected one of {', '.join(sliders)}")
            if not 0.0 <= value <= spec.push.slider.max:
                raise ExplorerError(f"lever {lever_id!r}: {value} is outside 0–{spec.push.slider.max:g}")
            if value:
                amount = value * spec.push.slider_factor()
                inp = apply_push(inp, spec, amount, engine=prep.engine, until=self.by_year)
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
        peak-year histogram; with ``attribution`` the Shapley values of bau → this run in ``by_year``."""
        if not 0 <= samples <= MAX_SAMPLES:
            raise ExplorerError(f"samples must be between 0 and {MAX_SAMPLES}")
        prep, inp = self.pushed(scenario, levers)
        result = prep.engine.run(inp, keep_energy=False)
        run = ScenarioRun(prep.scenario, prep.engine, inp, result)
        out = summary(run, self.plan, detail=False, by_year=self.by_year)
        out["levers"] = {k: v for k, v in levers.items() if v}
        out["by_year"] = self.by_year
        out["note"] = ILLUSTRATIVE_NOTE
        out["illustrative"] = True
        if samples:
            mc = monte_carlo(prep.scenario, self.plan, samples, seed, by_year=self.by_year, inputs=inp)
            out["monte_carlo"] = {
                "samples": samples,
                "seed": seed,
                f"p_peak_by_{self.by_year}": mc.p_peak_by,
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
            y = int(np.searchsorted(result.years, self.by_year))
            co2 = float(result.values[0, y])
            return {
                "from": "bau",
                "year": self.by_year,
                "co2_from_t": co2,
                "co2_to_t": co2,
                "gap_t": 0.0,
                "groups": [],
            }
        return result.to_dict(self.by_year)

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
                "p_peak_by": out["monte_carlo"][f"p_peak_by_{self.by_year}"],
                "by_year": self.by_year,
                "samples": PEAK_CARD_SAMPLES,
                "trajectory": out["trajectory"],
                "error": None,
            }
        except ExplorerError as exc:
            card = {"ok": False, "error": str(exc), "trajectory": {}, "by_year": self.by_year}
        with self._lock:
            self._peak_card = card
        return card
