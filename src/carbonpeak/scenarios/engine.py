"""The vectorized LEAP-style engine: key assumptions → demand branches → transformation → CO2.

Every input carries a leading sample axis (length 1 or S) so the same code runs one deterministic
scenario, S Monte Carlo samples, or the 2^k lever combinations of a Shapley attribution. Arrays are
float64, shaped (samples, years, branches, fuels); ``run`` processes samples in chunks so that the
working set stays under ``memory_budget`` bytes.

Steps (per sample and year):
1. useful energy U = activity × useful intensity of the base year × intensity index;
2. final energy E[b, f] = U × useful share[b, f] / efficiency[b, f];
3. an economy-wide electricity-share target (the plan's 电能占终端用能比重) shifts a uniform fraction α
   of every branch's non-electric useful energy to electricity; α has a closed form (see docs);
4. a gas-consumption target is met by gas distributed energy (CHP) whose electricity and heat
   displace purchased electricity and heat;
5. local solar, wind and biomass generation = capacity × full-load hours × (1 − curtailment), where
   storage reduces curtailment; net purchased electricity = demand − local generation − CHP output
   (never below zero: the territorial boundary gives no credit for export);
6. CO2 = fuel combustion (amount × factor) + CHP gas + purchased electricity × grid factor +
   purchased heat × heat factor + process; sinks = forest area × rate, reported separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from carbonpeak.scenarios.base_year import (
    COAL,
    COMBUSTIBLE,
    ELEC,
    FUELS,
    GAS,
    HEAT,
    NONFOSSIL_DIRECT,
    BaseYear,
)
from carbonpeak.units import conversion_factor

Array = NDArray[np.float64]
CACHE_BYTES = 4_000_000
FOSSIL = np.array([f in ("coal", "gasoline", "diesel", "other_oil", "lpg", "natural_gas") for f in FUELS])
# the columns of the Monte Carlo's lean product (lean.py): Engine.lean_matrix's five, then the
# electricity if all useful energy were electric
LEAN_AGGREGATES: tuple[str, ...] = ("combustion_co2", "gas", "heat", "electricity", "total", "all_electric")
SOURCES: tuple[str, ...] = ("fuel_combustion", "gas_chp", "electricity", "heat", "process")
INDICATORS: dict[str, tuple[str, str]] = {
    # metric code: (unit, description)
    "co2_total": ("tCO2", "total CO2 (fuel, CHP, purchased electricity and heat, process), without sinks"),
    "co2_net": ("tCO2", "total CO2 minus forest sinks"),
    "energy_consumption_equivalent": ("tce", "total energy, coal-substitution basis (等价值)"),
    "energy_consumption_calorific": ("tce", "total energy, calorific basis (当量值)"),
    "final_energy": ("tce", "final energy use of the branches, calorific basis"),
    "energy_intensity": ("tce/万元", "energy (等价值) per GDP at constant prices"),
    "co2_intensity": ("tCO2/万元", "CO2 per GDP at constant prices"),
    "non_fossil_share": ("%", "non-fossil share of total energy (等价值)"),
    "electricity_share_final": ("%", "electricity share of final energy (当量值)"),
    "renewable_capacity": ("万千瓦", "solar, wind and biomass capacity"),
    "gas_consumption": ("亿立方米", "natural gas use incl. gas distributed energy"),
    "industrial_energy_intensity": ("tce/万元", "industrial energy (等价值) per industrial value added"),
    "transport_co2_intensity": ("tCO2/万换算吨公里", "direct CO2 of transport per converted turnover"),
    "storage_ratio": ("%", "storage capacity per renewable capacity"),
    "forest_cover": ("%", "forest cover of the district area"),
    "coal_consumption": ("tce", "coal use"),
    "co2_per_capita": ("tCO2/人", "CO2 per resident"),
    "local_generation": ("MWh", "local renewable generation after curtailment"),
    "purchased_electricity": ("MWh", "net purchased electricity"),
}


# the unit of each lever-owned engine input (the lever table converts a lever's unit to these)
INPUT_UNITS: dict[str, str] = {
    "intensity": "dimensionless",  # index of useful intensity, 1 in the base year
    "share": "dimensionless",
    "elec_target": "dimensionless",
    "capacity": "MW",
    "storage": "dimensionless",
    "gas_target": "tce",
    "process_index": "dimensionless",
    "freight_shift": "dimensionless",
    "forest": "dimensionless",
}


@dataclass
class Inputs:
    """Engine inputs; the leading axis of each array is samples (1 or S), then years."""

    years: NDArray[np.int64]
    activity: Array  # (S, Y, B)
    intensity: Array  # (S, Y, B) index of useful intensity, 1 in the base year
    share: Array  # (S, Y, B, F) useful-energy shares
    elec_target: Array  # (S, Y) fraction of final energy; NaN = no target
    capacity: Array  # (S, Y, T) MW
    hours: Array  # (S, Y, T) full-load hours
    storage: Array  # (S, Y) storage MW / renewable MW
    gas_target: Array  # (S, Y) tce of total gas use; NaN = no target
    grid: Array  # (S, Y) tCO2/MWh
    grid_nonfossil: Array  # (S, Y) fraction
    coal_rate: Array  # (S, Y) kgce/kWh (= tce/MWh)
    process_index: Array  # (S, Y) process CO2 per activity, relative to the base year
    freight_shift: Array  # (S, Y) share of road freight turnover moved to rail (公转铁)
    forest: Array  # (S, Y) forest cover fraction
    population: Array  # (S, Y) 万人
    gdp: Array  # (S, Y) 亿元, constant base-year prices
    # the last year of observed history (decision note 0212): the years up to it reproduce the
    # inventory in every scenario; uncertainty and pushes act on the later years only
    history_end: int | None = None

    @property
    def samples(self) -> int:
        return int(max(a.shape[0] for a in self.arrays().values()))

    def arrays(self) -> dict[str, Array]:
        return {k: v for k, v in vars(self).items() if k not in ("years", "history_end") and k[0] != "_"}

    def take(self, lo: int, hi: int) -> Inputs:
        """Samples lo:hi (arrays with one sample are shared)."""
        parts = {k: (v if v.shape[0] == 1 else v[lo:hi]) for k, v in self.arrays().items()}
        return Inputs(years=self.years, history_end=self.history_end, **parts)

    @property
    def last_observed(self) -> int:
        """Index of the last observed year (0: only the base year); kept for the ``history_end`` and
        years it was found for (the levers ask for it dozens of times per scenario)."""
        key = (self.history_end, len(self.years), int(self.years[0]))
        kept = self.__dict__.get("_last_observed")
        if kept is not None and kept[0] == key:
            return int(kept[1])
        if self.history_end is None:
            found = 0
        else:
            found = int(np.searchsorted(self.years, self.history_end, side="right")) - 1
            found = min(max(found, 0), len(self.years) - 1)
        self.__dict__["_last_observed"] = (key, found)
        return found

    def copy(self) -> Inputs:
        """The same inputs with arrays of their own (so that changing one leaves the other)."""
        return Inputs(
            years=self.years,
            history_end=self.history_end,
            **{k: v.copy() for k, v in self.arrays().items()},
        )


@dataclass
class Result:
    """Engine output. ``energy`` (S, Y, B, F) is kept only when asked (it is large for many samples)."""

    years: NDArray[np.int64]
    co2: Array  # (S, Y) total without sinks
    sources: Array  # (S, Y, len(SOURCES))
    sinks: Array  # (S, Y)
    co2_by_branch: Array  # (S, Y, B) direct fuel CO2
    fuel_energy: Array  # (S, Y, F) final energy by fuel, calorific
    indicators: dict[str, Array]  # metric → (S, Y)
    energy: Array | None = None
    generation: Array | None = None  # (S, Y, T) local generation after curtailment, MWh
    chp_electricity: Array | None = None  # (S, Y) electricity of gas distributed energy, MWh

    @property
    def samples(self) -> int:
        return int(self.co2.shape[0])


@dataclass(frozen=True)
class AffineWeights:
    """Final energy per useful energy of S samples that differ only by one scalar each:
    ``base + speed[s] × delta`` (how the Monte Carlo's adoption speed moves the fuel shares).

    The engine never forms the (S, Y, B, F) array: every quantity it takes from the weights is linear
    in them, so it is ``f(base) + speed × f(delta)`` on (1, Y, B, F) arrays and small products — the
    Monte Carlo's cost is then that of its (S, Y, B) arrays (decision note 0214)."""

    base: Array  # (1, Y, B, F)
    delta: Array  # (1, Y, B, F)
    speed: Array  # (S, 1, 1)
    # where a draw clips a share at zero, the (sample, year, branch) triples and what the clipped and
    # renormalised weights add to the affine ones there, (P, F): sparse, P ≪ S × Y × B
    at: tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]] | None = None
    correction: Array | None = None

    @property
    def base_and_delta(self) -> Array:
        """(Y, B, 2F): the base and delta weights side by side, for one matrix product."""
        return np.concatenate([self.base[0], self.delta[0]], axis=-1)

    def materialise(self) -> Array:
        full = self.base + self.speed[..., None] * self.delta
        if self.at is not None and self.correction is not None:
            full[self.at] += self.correction
        return full


def electrification(a: Array, total: Array, elec_full: Array, target: Array) -> Array | None:
    """The fraction α of non-electric useful energy moved to electricity so that electricity is the
    share ``target`` (NaN: none) of final energy, from final electricity ``a``, the total and the
    electricity if all useful energy were electric (closed form, module doc); None when no target
    moves anything. Elementwise: any layout."""
    if not np.isfinite(target).any():
        return None
    bb = elec_full - a
    c = total - a
    t = np.nan_to_num(target, nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = (t * (a + c) - a) / ((1.0 - t) * bb + t * c)
    alpha = np.clip(np.nan_to_num(np.where(np.isfinite(target), alpha, 0.0)), 0.0, 1.0)
    alpha = np.broadcast_to(alpha, np.broadcast_shapes(a.shape, alpha.shape))
    return alpha if alpha.any() else None


def _as_float(x: Array) -> Array:
    return np.asarray(x, dtype=np.float64)


class Engine:
    """Constants derived once from the base year; ``run`` is the hot path."""

    @classmethod
    def of(cls, base: BaseYear) -> Engine:
        """The engine of ``base``, built once per base year and kept on it (a base year is frozen, so
        its engine never goes stale; it is dropped with the base year)."""
        found = base.__dict__.get("_engine")
        if found is None:
            found = cls(base)
            base.__dict__["_engine"] = found
        return found

    def __init__(self, base: BaseYear) -> None:
        self.base = base
        e0 = base.energy_tce
        useful = e0 * base.efficiency
        total_useful = useful.sum(axis=1)
        self.useful_intensity = np.divide(
            total_useful, base.activity, out=np.zeros_like(total_useful), where=base.activity > 0
        )
        self.share0 = np.divide(
            useful, total_useful[:, None], out=np.zeros_like(useful), where=total_useful[:, None] > 0
        )
        if base.reference_useful is not None and base.reference_share is not None:
            ref = np.isfinite(base.reference_useful) & (total_useful <= 0)
            self.useful_intensity[ref] = base.reference_useful[ref]
            self.share0[ref] = base.reference_share[ref]
        self.inv_eff = 1.0 / base.efficiency
        self.ef = base.ef_tce
        self.ef_comb = np.where(COMBUSTIBLE, self.ef, 0.0)
        self.total_and_co2 = np.stack([np.ones(len(self.ef)), self.ef_comb], axis=1)  # (F, 2)
        self.industry = base.branch_mask("industry")
        self.transport = base.branch_mask("transport")
        self.process_per_act = np.divide(
            base.process_t, base.activity, out=np.zeros_like(base.process_t), where=base.activity > 0
        )
        self.tce_elec = base.fuels[ELEC].tce_per_unit
        self.tce_heat = base.fuels[HEAT].tce_per_unit
        self.tce_gas = base.fuels[GAS].tce_per_unit
        self.curtail = base.curtailment
        self.area_ha = base.area_ha()
        # unit factors, from carbonpeak.units (pint) once per engine
        self.gj_per_tce = conversion_factor("tce", "GJ")
        self.gj_per_mwh = conversion_factor("MWh", "GJ")
        self.wan_yuan_per_yi_yuan = conversion_factor("亿元", "万元")
        self.person_per_wan_person = conversion_factor("万人", "人")
        self.mw_per_wan_kw = conversion_factor("万千瓦", "MW")
        self.gas_units_per_100m_m3 = conversion_factor("亿立方米", base.fuels[GAS].unit)
        self.percent = conversion_factor("dimensionless", "%")
        self.modal = base.modal_shift
        self.modal_vector = np.zeros(len(base.branches))
        if self.modal is not None:
            self.modal_vector[self.modal[0]] = -1.0
            self.modal_vector[self.modal[1]] = 1.0

    def run(self, inp: Inputs, keep_energy: bool = False, chunk: int | None = None) -> Result:
        """Run all samples, in chunks of ``chunk`` samples (default: arrays of about 4 MB, which keeps
        the working set in cache and memory bounded)."""
        n = inp.samples
        y, b, f = inp.share.shape[1:]
        if chunk is None:
            chunk = max(1, CACHE_BYTES // (y * b * f * 8))
        if n <= chunk:
            return self._run(inp, keep_energy)
        parts = [self._run(inp.take(lo, min(n, lo + chunk)), keep_energy) for lo in range(0, n, chunk)]
        return _concat(parts)

    def run_weights(self, inp: Inputs, weights: Array | AffineWeights | None) -> Result:
        """One chunk with precomputed weights (share / efficiency), as Monte Carlo builds them."""
        return self._run(inp, False, weights)

    def _run(self, inp: Inputs, keep_energy: bool, weights: Array | AffineWeights | None = None) -> Result:
        activity = self.shifted_activity(inp)
        useful = activity * (self.useful_intensity * inp.intensity)  # (S, Y, B)
        if weights is None:
            weights = inp.share * self.inv_eff  # (S|1, Y, B, F): final energy per useful energy
        demand = self._demand(useful, weights, keep_energy)
        self._electrify(demand, useful, inp.elec_target)
        supply = self._supply(demand.fuel, inp)
        process = (activity @ self.process_per_act) * inp.process_index
        sources = _stack_sources(
            demand.fuel @ self.ef_comb,
            supply.chp_in * self.ef[GAS],
            supply.purchased * inp.grid,
            supply.purchased_heat * self.base.heat_factor,
            process,
        )
        co2 = sources.sum(axis=-1)
        shape = co2.shape
        sinks = np.broadcast_to(self.area_ha * inp.forest * self.base.forest_sink_t_per_ha, shape)
        indicators = self._indicators(inp, activity, demand, supply, co2, sinks)
        return Result(
            years=inp.years,
            co2=co2,
            sources=sources,
            sinks=sinks,
            co2_by_branch=demand.branch_co2,
            fuel_energy=demand.fuel,
            indicators={
                k: v if v.shape == shape else np.broadcast_to(v, shape) for k, v in indicators.items()
            },
            energy=demand.energy,
            generation=supply.generation,
            chp_electricity=np.broadcast_to(supply.chp_elec, shape),
        )

    def _fuel(self, useful: Array, weights: Array | AffineWeights) -> Array:
        """Final energy by fuel (S, Y, F) of useful energy (S, Y, B) and weights."""
        if not isinstance(weights, AffineWeights):
            shape = (*np.broadcast_shapes(useful.shape, weights.shape[:-1]),)
            return (np.broadcast_to(useful, shape)[..., None, :] @ weights)[..., 0, :]
        w = weights
        n = w.speed.shape[0]
        # year-major (Y, S, ·) layout: one (S × B)·(B × F) product per year, written contiguously
        useful_t = np.ascontiguousarray(np.broadcast_to(useful, (n, *useful.shape[1:])).transpose(1, 0, 2))
        f = w.base.shape[-1]
        both = np.matmul(useful_t, w.base_and_delta)  # (Y, S, 2F): base and delta in one product
        fuel_t = both[..., :f]
        fuel_t += w.speed[:, 0] * both[..., f:]
        fuel = np.ascontiguousarray(fuel_t.transpose(1, 0, 2))
        if w.at is not None and w.correction is not None:
            s_p, y_p, b_p = w.at
            contrib = useful_t[y_p, s_p, b_p][:, None] * w.correction
            np.add.at(fuel.reshape(-1, f), s_p * fuel.shape[1] + y_p, contrib)
        return fuel

    def shifted_activity(self, inp: Inputs) -> Array:
        """Activity after 公转铁: the share ``freight_shift`` of road freight turnover moves to rail."""
        activity = inp.activity
        if self.modal is not None and inp.freight_shift.any():
            road = activity[..., self.modal[0]]
            activity = activity + (inp.freight_shift * road)[..., None] * self.modal_vector
        return activity

    def _demand(self, useful: Array, weights: Array | AffineWeights, keep_energy: bool) -> Demand:
        """Final energy of the branches. Everything is linear in the branch × fuel energy
        E = U ⊙ weights, so the aggregates are taken from U and the weights by small matrix products,
        and E itself is only formed when asked for (fewer memory passes)."""
        if isinstance(weights, AffineWeights):
            if keep_energy:
                return self._demand(useful, weights.materialise(), keep_energy)
            return self._affine_demand(useful, weights)
        useful_b = np.broadcast_to(useful, (*np.broadcast_shapes(useful.shape, weights.shape[:-1]),))
        per_useful = weights @ self.total_and_co2  # (S|1, Y, B, 2): final energy, direct CO2
        return Demand(
            fuel=(useful_b[..., None, :] @ weights)[..., 0, :],  # (S, Y, F)
            branch_total=useful * per_useful[..., 0],  # (S, Y, B)
            branch_co2=useful * per_useful[..., 1],  # electricity and heat have no direct CO2
            branch_elec=useful * weights[..., ELEC],
            energy=useful[..., None] * weights if keep_energy else None,
        )

    def _affine_demand(self, useful: Array, w: AffineWeights) -> Demand:
        """:meth:`_demand` for weights ``base + speed × delta``, on (S, Y, B) and (S, Y, F) arrays."""
        speed = w.speed
        pu_base = w.base[0] @ self.total_and_co2  # (Y, B, 2)
        pu_delta = w.delta[0] @ self.total_and_co2
        if useful.shape[0] == 1:
            useful = np.broadcast_to(useful, (speed.shape[0], *useful.shape[1:]))
        demand = Demand(
            fuel=self._fuel(useful, w),
            branch_total=useful * (pu_base[..., 0] + speed * pu_delta[..., 0]),
            branch_co2=useful * (pu_base[..., 1] + speed * pu_delta[..., 1]),
            branch_elec=useful * (w.base[0, ..., ELEC] + speed * w.delta[0, ..., ELEC]),
            energy=None,
        )
        if w.at is not None and w.correction is not None:
            s_p, y_p, b_p = w.at
            u = useful[s_p, y_p, b_p]  # (P,)
            per = w.correction @ self.total_and_co2  # (P, 2)
            demand.branch_total[s_p, y_p, b_p] += u * per[:, 0]
            demand.branch_co2[s_p, y_p, b_p] += u * per[:, 1]
            demand.branch_elec[s_p, y_p, b_p] += u * w.correction[:, ELEC]
        return demand

    def _electrify(self, demand: Demand, useful: Array, target: Array) -> None:
        """Meet the economy-wide electricity-share ``target`` (NaN: none) by moving the fraction α of
        every branch's non-electric useful energy to electricity; α has a closed form (module doc)."""
        if not np.isfinite(target).any():
            return
        fuel = demand.fuel
        elec_full = useful * self.inv_eff[:, ELEC]  # (S, Y, B): all useful energy as electricity
        alpha = electrification(fuel[..., ELEC], fuel.sum(axis=-1), elec_full.sum(axis=-1), target)
        if alpha is None:
            return
        keep = 1.0 - alpha
        shift = alpha[..., None] * elec_full
        demand.fuel = fuel * keep[..., None]
        demand.fuel[..., ELEC] += shift.sum(axis=-1)
        demand.branch_co2 = demand.branch_co2 * keep[..., None]
        demand.branch_total = demand.branch_total * keep[..., None] + shift
        demand.branch_elec = demand.branch_elec * keep[..., None] + shift
        if demand.energy is not None:
            demand.energy = demand.energy * keep[..., None, None]
            demand.energy[..., ELEC] += shift

    def _supply(self, fuel: Array, inp: Inputs) -> Supply:
        """Gas CHP above branch gas demand, local generation after curtailment (storage reduces it) and
        the net purchases of electricity (never below zero: no credit for export) and heat."""
        generation = inp.capacity * inp.hours * self.kept_generation(inp.storage)  # (S, Y, T) MWh
        gen = generation.sum(axis=-1)
        gas_demand = fuel[..., GAS]
        chp_in, chp_elec, purchased, purchased_heat = self.flows(
            gas_demand, fuel[..., HEAT], fuel[..., ELEC], inp.gas_target, gen
        )
        return Supply(
            gas_demand=gas_demand,
            chp_in=chp_in,
            chp_elec=chp_elec,
            generation=generation,
            gen=gen,
            purchased=purchased,
            purchased_heat=purchased_heat,
        )

    def kept_generation(self, storage: Array) -> Array:
        """The share of local generation kept after curtailment, (..., T): storage reduces the cut."""
        return 1.0 - self.curtail * np.maximum(0.0, 1.0 - storage / self.base.storage_full_ratio)[..., None]

    def flows(
        self, gas: Array, heat: Array, elec: Array, gas_target: Array, gen: Array
    ) -> tuple[Array, Array, Array, Array]:
        """Gas burnt in CHP (tce), its electricity (MWh), net purchased electricity (MWh, never below
        zero: no credit for export) and purchased heat (GJ), from the branches' final gas, heat and
        electricity (tce), the gas target and local generation (MWh). Elementwise: any layout."""
        base = self.base
        chp_in = np.maximum(0.0, np.nan_to_num(gas_target - gas, nan=0.0))  # tce
        chp_gj = chp_in * self.gj_per_tce
        chp_elec = chp_gj * base.chp_electric_efficiency / self.gj_per_mwh
        heat_demand = heat / self.tce_heat
        chp_heat = np.minimum(chp_gj * base.chp_heat_efficiency, heat_demand)
        purchased = np.maximum(0.0, elec / self.tce_elec - gen - chp_elec)
        return chp_in, chp_elec, purchased, heat_demand - chp_heat

    @property
    def lean_matrix(self) -> Array:
        """(F, 5): the linear aggregates of a final-energy vector the total CO2 needs — combustion CO2,
        gas, heat, electricity and the total (the Monte Carlo's lean path, decision note 0214)."""
        f = len(self.ef)
        m = np.zeros((f, len(LEAN_AGGREGATES) - 1))
        m[:, 0] = self.ef_comb
        m[GAS, 1] = m[HEAT, 2] = m[ELEC, 3] = 1.0
        m[:, 4] = 1.0
        return m

    def _indicators(
        self, inp: Inputs, activity: Array, demand: Demand, supply: Supply, co2: Array, sinks: Array
    ) -> dict[str, Array]:
        fuel = demand.fuel
        coal_rate = inp.coal_rate
        purchased, gen = supply.purchased, supply.gen
        fossil = fuel[..., FOSSIL].sum(axis=-1) + supply.chp_in
        primary_elec = (purchased + gen) * coal_rate
        heat_tce = supply.purchased_heat * self.tce_heat
        direct = fuel[..., NONFOSSIL_DIRECT].sum(axis=-1)  # renewable heat, hydrogen
        primary = fossil + direct + primary_elec + heat_tce
        nonfossil = (gen + purchased * inp.grid_nonfossil) * coal_rate + direct
        calorific = fossil + direct + (purchased + gen) * self.tce_elec + heat_tce
        final = fuel.sum(axis=-1)
        industry = self.industry
        ind_equiv = demand.branch_total[..., industry].sum(axis=-1) + demand.branch_elec[..., industry].sum(
            axis=-1
        ) * (coal_rate / self.tce_elec - 1.0)
        ind_va = activity[..., industry].sum(axis=-1) * self.wan_yuan_per_yi_yuan
        tr_co2 = demand.branch_co2[..., self.transport].sum(axis=-1)
        tr_act = activity[..., self.transport].sum(axis=-1)
        gdp = inp.gdp * self.wan_yuan_per_yi_yuan
        pct = self.percent
        with np.errstate(divide="ignore", invalid="ignore"):
            return {
                "co2_total": co2,
                "co2_net": co2 - sinks,
                "energy_consumption_equivalent": primary,
                "energy_consumption_calorific": calorific,
                "final_energy": final,
                "energy_intensity": primary / gdp,
                "co2_intensity": co2 / gdp,
                "non_fossil_share": pct * nonfossil / primary,
                "electricity_share_final": pct * fuel[..., ELEC] / final,
                "renewable_capacity": inp.capacity.sum(axis=-1) / self.mw_per_wan_kw,
                "gas_consumption": (supply.gas_demand + supply.chp_in)
                / self.tce_gas
                / self.gas_units_per_100m_m3,
                "industrial_energy_intensity": ind_equiv / ind_va,
                "transport_co2_intensity": tr_co2 / tr_act,
                "storage_ratio": pct * inp.storage,
                "forest_cover": pct * inp.forest,
                "coal_consumption": fuel[..., COAL],
                "co2_per_capita": co2 / (inp.population * self.person_per_wan_person),
                "local_generation": gen,
                "purchased_electricity": purchased,
            }


@dataclass
class Demand:
    """The branches' final energy (calorific tce), after the electricity-share shift once applied."""

    fuel: Array  # (S, Y, F)
    branch_total: Array  # (S, Y, B)
    branch_co2: Array  # (S, Y, B) direct CO2
    branch_elec: Array  # (S, Y, B)
    energy: Array | None  # (S, Y, B, F) when kept


@dataclass
class Supply:
    """Gas CHP, local generation and net purchases of one run (tce, MWh, GJ)."""

    gas_demand: Array  # (S, Y) tce of gas the branches burn
    chp_in: Array  # (S, Y) tce of gas burnt in CHP
    chp_elec: Array  # (S, Y) MWh
    generation: Array  # (S, Y, T) MWh
    gen: Array  # (S, Y) MWh
    purchased: Array  # (S, Y) MWh
    purchased_heat: Array  # (S, Y) GJ


def _stack_sources(*parts: Array) -> Array:
    """CO2 by source (S, Y, len(SOURCES)), in the order of ``SOURCES``."""
    shape = np.broadcast_shapes(*(p.shape for p in parts))
    return np.stack([np.broadcast_to(x, shape) for x in parts], axis=-1)


def _concat(parts: list[Result]) -> Result:
    first = parts[0]

    def cat(xs: list[Array]) -> Array:
        return np.concatenate(
            [np.broadcast_to(x, (p.samples, *x.shape[1:])) for x, p in zip(xs, parts, strict=True)]
        )

    return Result(
        years=first.years,
        co2=cat([p.co2 for p in parts]),
        sources=cat([p.sources for p in parts]),
        sinks=cat([p.sinks for p in parts]),
        co2_by_branch=cat([p.co2_by_branch for p in parts]),
        fuel_energy=cat([p.fuel_energy for p in parts]),
        indicators={k: cat([p.indicators[k] for p in parts]) for k in first.indicators},
        energy=cat([p.energy for p in parts]) if first.energy is not None else None,  # type: ignore[misc]
        generation=cat([p.generation for p in parts]) if first.generation is not None else None,  # type: ignore[misc]
        chp_electricity=(
            cat([p.chp_electricity for p in parts]) if first.chp_electricity is not None else None  # type: ignore[misc]
        ),
    )


def frozen_inputs(base: BaseYear, years: NDArray[np.int64]) -> Inputs:
    """Inputs with every quantity held at its base-year value (the skeleton scenarios start from)."""
    n_y = len(years)
    eng = Engine.of(base)
    ones = np.ones((1, n_y))
    return Inputs(
        years=years,
        activity=np.broadcast_to(base.activity, (1, n_y, len(base.branches))).copy(),
        intensity=np.ones((1, n_y, len(base.branches))),
        share=np.broadcast_to(eng.share0, (1, n_y, *eng.share0.shape)).copy(),
        elec_target=np.full((1, n_y), np.nan),
        capacity=np.broadcast_to(base.capacity_mw, (1, n_y, len(base.capacity_mw))).copy(),
        hours=np.broadcast_to(base.hours, (1, n_y, len(base.hours))).copy(),
        storage=ones * base.storage_ratio,
        gas_target=np.full((1, n_y), np.nan),
        grid=ones * base.grid_factor,
        grid_nonfossil=ones * base.grid_nonfossil_share,
        coal_rate=ones * base.coal_rate_kgce_per_kwh,
        process_index=ones.copy(),
        freight_shift=np.zeros((1, n_y)),
        forest=ones * base.forest_cover,
        population=ones * base.population_10k,
        gdp=ones * base.gdp_100m_cny,
    )
