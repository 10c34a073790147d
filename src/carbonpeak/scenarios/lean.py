"""The Monte Carlo's lean path: total CO2 of S samples from one deterministic scenario and the draws.

The fan and the peak need the total CO2 alone, so this path computes it as the engine does
(engine.py: useful energy, final energy, electrification, CHP, local generation, purchases) but
keeps only what the total needs and costs only its (years × samples × branches) arrays — never the
(samples × years × branches × fuels) array (decision note 0214):

* useful energy = shifted activity × useful intensity × intensity index × GDP growth is
  multiplicative in the draws, so it is one exponential of a sum of logarithms,
  ``exp(log(A·u) + ref + m × (log I − ref) + t × log(1 + δ))``; the 公转铁 shift is linear in
  activity and moves with the growth factor, so it is applied once to the deterministic activity;
* the fuel shares ``s0 + speed × (s − s0)`` are affine in the one drawn adoption speed, and the total
  CO2 needs only five linear aggregates of the final-energy vector (combustion CO2, gas, heat,
  electricity, total) plus the electricity if all useful energy were electric, so one year-major
  product ``[U, speed × U] · [base; delta]`` per chunk gives six columns instead of the fuels;
  where a draw clips a share at zero, the clipped and renormalised shares are added as a sparse
  correction of the (sample, year, branch) triples outside each row's unclipped interval;
* local generation is linear in the drawn speed and capacity factor unless a draw takes a capacity
  below zero; only then is it formed per technology.

The perturbation is the one of ``montecarlo.perturb`` (the module doc there says what each draw
does); tests/scenarios/test_montecarlo_lean.py checks this path against the full engine run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from carbonpeak.scenarios.base_year import ELEC, GAS
from carbonpeak.scenarios.engine import LEAN_AGGREGATES, Engine, Inputs, electrification

Array = NDArray[np.float64]
Index = NDArray[np.intp]


@dataclass(frozen=True)
class ClipRows:
    """The (year, branch) rows whose shares ``s0 + speed × d`` reach zero for some speed: inside
    ``bottom ≤ speed ≤ top`` no share of the row is clipped."""

    y: Index  # (K,)
    b: Index  # (K,)
    s0: Array  # (K, F)
    d: Array  # (K, F)
    top: Array  # (K,) the speed above which a falling share is below zero (inf: none)
    bottom: Array  # (K,) the speed below which a rising share is below zero (-inf: none)

    @classmethod
    def of(cls, share0: Array, share: Array) -> ClipRows:
        """The rows of (1, Y, B, F) reference shares ``share0`` and target shares ``share``."""
        s0_all = np.broadcast_to(share0, share.shape)[0]
        d_all = share[0] - s0_all
        with np.errstate(divide="ignore", invalid="ignore"):
            top = np.where(d_all < 0.0, s0_all / -d_all, np.inf).min(axis=-1)  # (Y, B)
            bottom = np.where(d_all > 0.0, -s0_all / d_all, -np.inf).max(axis=-1)
        y, b = np.nonzero(np.isfinite(top) | np.isfinite(bottom))
        return cls(y, b, s0_all[y, b], d_all[y, b], top[y, b], bottom[y, b])

    def pairs(self, speed: Array) -> tuple[Index, Index, Index, Array]:
        """The (sample, year, branch) triples the speeds ``speed`` (S,) clip, and what the clipped and
        renormalised shares add to the affine ones there, (P, F)."""
        rows = np.nonzero((self.top < speed.max()) | (self.bottom > speed.min()))[0]
        k_p, s_p = np.nonzero(
            (speed[None, :] > self.top[rows, None]) | (speed[None, :] < self.bottom[rows, None])
        )
        k_p = rows[k_p]
        raw = self.s0[k_p] + speed[s_p, None] * self.d[k_p]  # (P, F)
        fixed = np.maximum(raw, 0.0)
        fixed /= (fixed @ np.ones(fixed.shape[-1]))[:, None]
        return s_p, self.y[k_p], self.b[k_p], fixed - raw


class LeanSamples:
    """Total CO2 (S, Y) of the samples of one deterministic scenario: every per-scenario quantity is
    computed once here, each call costs only its chunk's (Y, S, B) arrays (module doc)."""

    def __init__(self, engine: Engine, inp: Inputs, share0: Array, elec0: float) -> None:
        if inp.samples != 1:
            raise ValueError("the lean path perturbs one deterministic sample")
        self.engine, self.elec0 = engine, elec0
        last = inp.last_observed
        self.t = np.maximum(0, inp.years - inp.years[last]).astype(np.float64)  # (Y,)
        self.proj = self.t > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            log_int = np.log(inp.intensity[0])  # (Y, B)
            ref = np.zeros_like(log_int)
            if inp.history_end is not None:  # the draws act on the change from the latest observed year
                ref = log_int.copy()
                ref[last + 1 :] = log_int[last : last + 1]
            shifted = engine.shifted_activity(inp)[0]  # (Y, B)
            self.level = np.log(shifted * engine.useful_intensity) + ref
            self.slope = log_int - ref
        self.process = ((shifted @ engine.process_per_act) * inp.process_index[0])[:, None]  # (Y, 1)
        if inp.history_end is not None:  # reference shares: the observed ones, held after the latest year
            share0 = inp.share.copy()
            share0[:, last + 1 :] = inp.share[:, last : last + 1]
        share0 = np.broadcast_to(share0, inp.share.shape)
        self.rows = ClipRows.of(share0, inp.share)
        self.lean = lean = engine.lean_matrix  # (F, 5)
        n_b = inp.activity.shape[-1]
        weights = np.zeros((len(inp.years), 2 * n_b, len(LEAN_AGGREGATES)))  # (Y, 2B, 6)
        weights[:, :n_b, :-1] = (share0[0] * engine.inv_eff) @ lean
        weights[:, :n_b, -1] = engine.inv_eff[:, ELEC]
        weights[:, n_b:, :-1] = ((inp.share[0] - share0[0]) * engine.inv_eff) @ lean
        self.weights = weights
        self.grid, self.g0 = inp.grid[0][:, None], inp.grid[0, last]
        self.target = inp.elec_target[0][:, None]  # (Y, 1)
        self.gas_target = inp.gas_target[0][:, None]
        # local generation: capacity cap0 + speed × (cap − cap0) after the latest observed year, full-load
        # hours × the drawn capacity factor, the share kept after curtailment (storage is not drawn)
        kept = engine.kept_generation(inp.storage[0])  # (Y, T)
        cap, hours = inp.capacity[0], inp.hours[0]
        self.cap, self.cap0 = cap, cap[last]
        self.yield_ = hours * kept  # (Y, T) MWh per MW
        self.gen_fixed = (cap * self.yield_).sum(axis=-1)[:, None]  # (Y, 1) the observed years
        self.gen_base = (self.cap0 * self.yield_).sum(axis=-1)[:, None]
        self.gen_delta = ((cap - self.cap0) * self.yield_).sum(axis=-1)[:, None]
        self._buffer = np.empty((0, 0, 0))

    def co2(self, values: Mapping[str, Array]) -> Array:
        """Total CO2 (S, Y) of the samples ``values`` (one array (S,) per uncertain input)."""
        engine, proj = self.engine, self.proj
        speed = values["adoption_speed"]
        n, n_b = len(speed), self.level.shape[-1]
        log_growth = self.t[:, None] * np.log1p(values["gdp_growth"])[None, :]  # (Y, S)
        stacked = self._stacked(n)  # (Y, S, 2B): useful energy, then speed × useful energy
        useful = stacked[..., :n_b]
        np.multiply(self.slope[:, None, :], values["intensity_improvement"][None, :, None], out=useful)
        useful += self.level[:, None, :]
        useful += log_growth[:, :, None]
        np.exp(useful, out=useful)
        np.multiply(useful, speed[None, :, None], out=stacked[..., n_b:])
        agg = np.matmul(stacked, self.weights)  # (Y, S, 6)
        s_p, y_p, b_p, corr = self.rows.pairs(speed)
        if len(s_p):
            add = np.zeros((len(s_p), agg.shape[-1]))
            add[:, :-1] = ((corr * engine.inv_eff[b_p]) @ self.lean) * useful[y_p, s_p, b_p][:, None]
            np.add.at(agg.reshape(-1, agg.shape[-1]), y_p * n + s_p, add)
        comb, gas, heat, elec, total, all_elec = np.moveaxis(agg, -1, 0)
        target = self.target
        if np.isfinite(target).any():
            target = np.clip(self.elec0 + speed[None, :] * (target - self.elec0), 0.0, 1.0)
        alpha = electrification(elec, total, all_elec, target)
        if alpha is not None:  # the shift α of every branch's non-electric energy to electricity
            keep = 1.0 - alpha
            comb, gas, heat = comb * keep, gas * keep, heat * keep
            elec = elec * keep + alpha * all_elec
        chp_in, _, purchased, purchased_heat = engine.flows(
            gas, heat, elec, self.gas_target, self._generation(values)
        )
        grid = np.where(
            proj[:, None],
            np.maximum(0.0, self.g0 - values["grid_decline"][None, :] * (self.g0 - self.grid)),
            self.grid,
        )
        co2 = comb + chp_in * engine.ef[GAS]
        co2 += purchased * grid
        co2 += purchased_heat * engine.base.heat_factor
        co2 += self.process * np.exp(log_growth)
        return np.ascontiguousarray(co2.T)

    def _stacked(self, n: int) -> Array:
        """The chunk's (Y, n, 2B) buffer, reused from chunk to chunk (no fresh pages per chunk)."""
        y, two_b = self.weights.shape[:2]
        if self._buffer.shape != (y, n, two_b):
            self._buffer = np.empty((y, n, two_b))
        return self._buffer

    def _generation(self, values: Mapping[str, Array]) -> Array:
        """Local generation (Y, S) MWh after curtailment."""
        speed, proj = values["adoption_speed"], self.proj[:, None]
        factor = 1.0 + (values["capacity_factor"][None, :] - 1.0) * proj  # (Y, S)
        low, high = float(speed.min()), float(speed.max())
        step = self.cap[self.proj] - self.cap0
        if ((self.cap0 + low * step) >= 0.0).all() and ((self.cap0 + high * step) >= 0.0).all():
            drawn = factor * (self.gen_base + speed[None, :] * self.gen_delta)  # linear in the speed
        else:  # some draw takes a capacity below zero: clip it per technology
            cap = np.maximum(0.0, self.cap0 + speed[None, :, None] * (self.cap - self.cap0)[:, None, :])
            drawn = factor * (cap * self.yield_[:, None, :]).sum(axis=-1)
        return np.asarray(np.where(proj, drawn, self.gen_fixed), dtype=np.float64)
