"""Monte Carlo over the uncertain inputs declared in a scenario's ``uncertainty`` section.

Each sample draws one value per uncertain input (numpy ``Generator(PCG64(seed))``, inputs drawn in a
fixed order, so the same seed gives the same result) and holds it over the horizon:

* ``gdp_growth`` (added to every year's growth): activity and GDP × (1 + δ)^(t − t0);
* ``intensity_improvement`` (multiplier m): intensity index^m, i.e. m × the log-improvement;
* ``grid_decline`` (multiplier m): grid factor = g0 − m × (g0 − g(t)), not below zero;
* ``capacity_factor`` (multiplier m): full-load hours × m;
* ``adoption_speed`` (multiplier m): fuel shares s0 + m × (s(t) − s0) (clipped at 0, renormalised),
  the electricity-share target t0 + m × (t(t) − t0) and renewable capacity additions × m.

Distributions: ``normal`` (mean, sd), ``triangular`` (low, mode, high), ``uniform`` (low, high),
``lognormal`` (mean_log, sd_log).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from carbonpeak.plan import Plan
from carbonpeak.scenarios.base_year import ELEC
from carbonpeak.scenarios.engine import AffineWeights, Engine, Inputs
from carbonpeak.scenarios.errors import Problem, ScenarioDataError
from carbonpeak.scenarios.lean import ClipRows, LeanSamples
from carbonpeak.scenarios.peak import peaked_by, peaks
from carbonpeak.scenarios.results import scenario_inputs
from carbonpeak.scenarios.scenario_files import Scenario

Array = NDArray[np.float64]
UNCERTAIN: tuple[str, ...] = (
    "gdp_growth",
    "intensity_improvement",
    "grid_decline",
    "capacity_factor",
    "adoption_speed",
)
NEUTRAL = {"gdp_growth": 0.0}  # others are multipliers with neutral value 1
PERCENTILES = (5, 25, 50, 75, 95)
CHUNK_BYTES = 4_000_000  # samples per chunk: (S, Y, B) float64 arrays of ~4 MB stay in cache
DISTS: dict[str, tuple[str, ...]] = {
    "normal": ("mean", "sd"),
    "triangular": ("low", "mode", "high"),
    "uniform": ("low", "high"),
    "lognormal": ("mean_log", "sd_log"),
}


def draw(rng: np.random.Generator, spec: Mapping[str, Any], n: int) -> Array:
    dist = spec["dist"]
    if dist == "normal":
        return rng.normal(float(spec["mean"]), float(spec["sd"]), n)
    if dist == "triangular":
        if float(spec["low"]) == float(spec["high"]):  # degenerate: numpy refuses low == high
            rng.random(n)  # keep the stream aligned with the non-degenerate case
            return np.full(n, float(spec["mode"]))
        return rng.triangular(float(spec["low"]), float(spec["mode"]), float(spec["high"]), n)
    if dist == "uniform":
        return rng.uniform(float(spec["low"]), float(spec["high"]), n)
    return rng.lognormal(float(spec["mean_log"]), float(spec["sd_log"]), n)


def check_uncertainty(spec: Mapping[str, Any], where: str) -> None:
    problems = []
    for name, item in spec.items():
        field = f"uncertainty.{name}"
        if name not in UNCERTAIN:
            problems.append(
                Problem(f"unknown input; expected one of {', '.join(UNCERTAIN)}", file=where, field=field)
            )
            continue
        if not isinstance(item, Mapping) or item.get("dist") not in DISTS:
            problems.append(Problem(f"expected one of {', '.join(DISTS)}", file=where, field=f"{field}.dist"))
            continue
        for param in DISTS[item["dist"]]:
            if not isinstance(item.get(param), int | float):
                problems.append(Problem("expected a number", file=where, field=f"{field}.{param}"))
    if problems:
        raise ScenarioDataError(problems)


def sample_values(spec: Mapping[str, Any], n: int, seed: int, where: str = "<scenario>") -> dict[str, Array]:
    """The drawn value of each uncertain input per sample (neutral values for undeclared inputs)."""
    check_uncertainty(spec, where)
    rng = np.random.Generator(np.random.PCG64(seed))
    out = {}
    for name in UNCERTAIN:
        if name in spec:
            out[name] = draw(rng, spec[name], n)
        else:
            out[name] = np.full(n, NEUTRAL.get(name, 1.0))
    return out


def perturb(
    inp: Inputs,
    values: Mapping[str, Array],
    share0: Array,
    elec0: float,
    inv_eff: Array | None = None,
    log_int: Array | None = None,
) -> tuple[Inputs, AffineWeights | Array | None]:
    """Deterministic inputs (one sample) → S samples with the drawn values applied (vectorized).

    With ``inv_eff`` (1/efficiency of the base year) the perturbed fuel shares come back as the
    engine's weights (share / efficiency, one memory pass fewer) and ``share`` keeps one sample.
    ``share0``/``elec0``: the reference the adoption speed scales the change from — the base year's
    shares and electricity share; inputs with observed history use the latest observed year's
    (``elec0`` is then that year's share, ``share0`` is taken from the inputs)."""
    # the observed years (decision note 0212) carry no sampled spread: every draw acts from the year
    # after the latest observed one, on the change from that year's value
    last = inp.last_observed
    t = np.maximum(0, inp.years - inp.years[last]).astype(np.float64)
    proj = t > 0  # (Y,)
    growth = (1.0 + values["gdp_growth"])[:, None] ** t  # (S, Y)
    m_int = values["intensity_improvement"][:, None, None]
    g0 = inp.grid[:, last : last + 1]
    grid = np.where(proj, np.maximum(0.0, g0 - values["grid_decline"][:, None] * (g0 - inp.grid)), inp.grid)
    speed_s = values["adoption_speed"]
    speed = speed_s[:, None, None, None]
    if inp.history_end is not None:  # reference: the observed shares, held after the latest year
        share0 = inp.share.copy()
        share0[:, last + 1 :] = inp.share[:, last : last + 1]
    weights: AffineWeights | Array | None
    if inv_eff is not None:
        weights = affine_weights(np.broadcast_to(share0, inp.share.shape), inp.share, speed_s, inv_eff)
        mixed = inp.share
    else:  # a speed above 1 can overshoot: clip the shares and renormalise
        share = share0 + speed * (inp.share - share0)
        np.maximum(share, 0.0, out=share)
        share /= share.sum(axis=-1, keepdims=True)
        mixed = share
        weights = None
    target = inp.elec_target
    if np.isfinite(target).any():
        target = np.clip(elec0 + speed[:, :, 0, 0] * (target - elec0), 0.0, 1.0)
    with np.errstate(divide="ignore"):
        log_intensity = np.log(inp.intensity) if log_int is None else log_int
    if inp.history_end is None:
        intensity = np.exp(log_intensity * m_int)
    else:
        ref = log_intensity.copy()
        ref[:, last + 1 :] = log_intensity[:, last : last + 1]
        intensity = np.exp(ref + (log_intensity - ref) * m_int)
    cap0 = inp.capacity[:, last : last + 1]
    capacity = np.where(
        proj[:, None], np.maximum(0.0, cap0 + speed[:, :, :, 0] * (inp.capacity - cap0)), inp.capacity
    )
    out = replace(
        inp,
        activity=inp.activity * growth[:, :, None],
        gdp=inp.gdp * growth,
        intensity=intensity,
        grid=grid,
        capacity=capacity,
        hours=inp.hours * (1.0 + (values["capacity_factor"][:, None, None] - 1.0) * proj[None, :, None]),
        share=mixed,
        elec_target=target,
    )
    return out, weights


def affine_weights(share0: Array, share: Array, speed: Array, inv_eff: Array) -> AffineWeights:
    """The engine weights (share / efficiency) of fuel shares ``share0 + speed[s] × (share − share0)``
    as ``base + speed × delta`` on (1, Y, B, F) arrays, plus a sparse correction where a draw pushes
    a share below zero: there the shares are clipped and renormalised (module doc). The expression is
    linear in the speed, so each (year, branch) row has an interval of speeds inside which no share
    is clipped; only the (sample, row) pairs outside it are corrected (lean.ClipRows)."""
    delta = share - share0
    base_w = share0 * inv_eff
    delta_w = delta * inv_eff
    s_p, y_p, b_p, corr = ClipRows.of(share0, share).pairs(speed)
    if not len(s_p):
        return AffineWeights(base_w, delta_w, speed[:, None, None])
    return AffineWeights(
        base_w, delta_w, speed[:, None, None], at=(s_p, y_p, b_p), correction=corr * inv_eff[b_p]
    )


def electricity_share0(engine: Engine, inp: Inputs) -> float:
    """The electricity share the adoption speed scales the target's change from: the base year's,
    or the latest observed year's when the inputs carry history."""
    energy = engine.base.energy_tce
    hist = engine.base.history
    if inp.history_end is not None and hist is not None:
        energy = hist.energy_tce[min(inp.last_observed, len(hist.years) - 1)]
    return float(energy[:, ELEC].sum() / energy.sum())


def run_samples(
    engine: Engine,
    inp: Inputs,
    values: Mapping[str, Array],
    metrics: tuple[str, ...] = ("co2_total",),
    chunk: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Array]:
    """Run the perturbed inputs in cache-sized chunks of samples and keep only ``metrics`` (S, Y): the
    working set stays a few MB whatever the number of samples."""
    share0 = engine.share0
    elec0 = electricity_share0(engine, inp)
    n = len(next(iter(values.values())))
    out = {m: np.empty((n, len(inp.years))) for m in metrics}
    if chunk is None:
        chunk = max(1, CHUNK_BYTES // (inp.activity[0].size * 8))
    lean = LeanSamples(engine, inp, share0, elec0) if metrics == ("co2_total",) else None
    log_int = None
    if lean is None:  # the full path's log intensity, once, not per chunk (the lean path keeps its own)
        with np.errstate(divide="ignore"):
            log_int = np.log(inp.intensity)
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        sub = {k: v[lo:hi] for k, v in values.items()}
        if lean is not None:  # the fan and the peak need nothing else: the lean path (lean.py)
            out["co2_total"][lo:hi] = lean.co2(sub)
        else:
            perturbed, weights = perturb(inp, sub, share0, elec0, engine.inv_eff, log_int)
            res = engine.run_weights(perturbed, weights)
            for m in metrics:
                out[m][lo:hi] = res.indicators[m]
        if progress is not None:
            progress(hi - lo)
    return out


@dataclass
class MonteCarlo:
    scenario: str
    samples: int
    seed: int
    by_year: int
    years: NDArray[np.int64]
    values: dict[str, Array]
    co2: Array  # (S, Y)
    peak_year: NDArray[np.int64]
    peak_value: Array
    peaked: NDArray[np.bool_]

    @property
    def p_peak_by(self) -> float:
        return float(self.peaked.mean())

    def percentiles(self) -> dict[str, dict[str, float]]:
        pct = np.percentile(self.co2, PERCENTILES, axis=0)
        return {
            f"p{p}": {str(int(y)): float(v) for y, v in zip(self.years, row, strict=True)}
            for p, row in zip(PERCENTILES, pct, strict=True)
        }

    def peak_year_distribution(self) -> dict[str, float]:
        years, counts = np.unique(self.peak_year, return_counts=True)
        return {str(int(y)): float(c) / self.samples for y, c in zip(years, counts, strict=True)}

    def sensitivity(self) -> list[dict[str, Any]]:
        """Spearman rank correlation of each input with peak year and peak value, and the swing of the
        median peak value between the lowest and highest tenth of the input; largest first."""
        rows: list[dict[str, Any]] = []
        rank_py = _rank(self.peak_year.astype(np.float64))
        rank_pv = _rank(self.peak_value)
        for name, vals in self.values.items():
            if np.ptp(vals) == 0:
                continue
            r = _rank(vals)
            lo, hi = np.percentile(vals, [10, 90])
            swing = float(np.median(self.peak_value[vals >= hi]) - np.median(self.peak_value[vals <= lo]))
            p_lo = float(self.peaked[vals <= lo].mean())
            p_hi = float(self.peaked[vals >= hi].mean())
            rows.append(
                {
                    "input": name,
                    "spearman_peak_year": _corr(r, rank_py),
                    "spearman_peak_co2": _corr(r, rank_pv),
                    "peak_co2_swing_t": swing,
                    f"p_peak_by_{self.by_year}_low_decile": p_lo,
                    f"p_peak_by_{self.by_year}_high_decile": p_hi,
                }
            )
        rows.sort(key=lambda row: -abs(row["peak_co2_swing_t"]))
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "seed": self.seed,
            f"p_peak_by_{self.by_year}": self.p_peak_by,
            "peak_year_distribution": self.peak_year_distribution(),
            "peak_co2_percentiles_t": {
                f"p{p}": float(v)
                for p, v in zip(PERCENTILES, np.percentile(self.peak_value, PERCENTILES), strict=True)
            },
            "percentiles": self.percentiles(),
            "sensitivity": self.sensitivity(),
        }


def _rank(x: Array) -> Array:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x), dtype=np.float64)
    return ranks


def _corr(a: Array, b: Array) -> float:
    if np.std(a) == 0 or np.std(b) == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def monte_carlo(
    scn: Scenario,
    plan: Plan | None,
    samples: int,
    seed: int = 0,
    tolerance: float = 0.0,
    by_year: int = 2030,
    progress: Callable[[int], None] | None = None,
    spec: Mapping[str, Any] | None = None,
    inputs: Inputs | None = None,
) -> MonteCarlo:
    """Sample, run and summarise: percentile bands, peak-year distribution, P(peak by ``by_year``).
    ``progress`` is called with the number of samples of each chunk run."""
    engine = Engine.of(scn.base)
    inp = inputs if inputs is not None else scenario_inputs(scn, plan)
    values = sample_values(spec if spec is not None else scn.uncertainty, samples, seed, scn.source)
    co2 = run_samples(engine, inp, values, progress=progress)["co2_total"]
    pk = peaks(co2, inp.years)
    return MonteCarlo(
        scenario=scn.id,
        samples=samples,
        seed=seed,
        by_year=by_year,
        years=inp.years,
        values=dict(values),
        co2=co2,
        peak_year=pk.year,
        peak_value=pk.value,
        peaked=peaked_by(co2, inp.years, by_year, tolerance),
    )
