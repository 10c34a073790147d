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

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from carbonpeak.scenarios.assumptions import (
    COAL,
    COMBUSTIBLE,
    ELEC,
    FUELS,
    GAS,
    GJ_PER_MWH,
    GJ_PER_TCE,
    HEAT,
    NONFOSSIL_DIRECT,
    BaseYear,
)

Array = NDArray[np.float64]
CACHE_BYTES = 4_000_000
FOSSIL = np.array([f in ("coal", "gasoline", "diesel", "other_oil", "lpg", "natural_gas") for f in FUELS])
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
        return {k: v for k, v in vars(self).items() if k not in ("years", "history_end")}

    def take(self, lo: int, hi: int) -> Inputs:
        """Samples lo:hi (arrays with one sample are shared)."""
        parts = {k: (v if v.shape[0] == 1 else v[lo:hi]) for k, v in self.arrays().items()}
        return Inputs(years=self.years, history_end=self.history_end, **parts)

    @property
    def last_observed(self) -> int:
        """Index of the last observed year (0: only the base year)."""
        if self.history_end is None:
            return 0
        return int(
            np.clip(np.searchsorted(self.years, self.history_end, side="right") - 1, 0, len(self.years) - 1)
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
    extra: dict[str, Array] = field(default_factory=dict)

    @property
    def samples(self) -> int:
        return int(self.co2.shape[0])


def _as_float(x: Array) -> Array:
    return np.asarray(x, dtype=np.float64)


class Engine:
    """Constants derived once from the base year; ``run`` is the hot path."""

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
        self.area_ha = base.area_km2 * 100.0
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

    def run_weights(self, inp: Inputs, weights: Array | None) -> Result:
        """One chunk with precomputed weights (share / efficiency), as Monte Carlo builds them."""
        return self._run(inp, False, weights)

    def _run(self, inp: Inputs, keep_energy: bool, weights: Array | None = None) -> Result:
        base = self.base
        inv_eff = self.inv_eff
        activity = inp.activity
        if self.modal is not None and inp.freight_shift.any():
            road = activity[..., self.modal[0]]
            activity = activity + (inp.freight_shift * road)[..., None] * self.modal_vector
        useful = activity * (self.useful_intensity * inp.intensity)  # (S, Y, B)
        if weights is None:
            weights = inp.share * inv_eff  # (S|1, Y, B, F): final energy per useful energy
        # everything below is linear in the branch × fuel energy E = U ⊙ weights, so the aggregates
        # are taken from U and the weights by small matrix products, and E itself is only formed when
        # asked for; the electrification shift α is applied to the aggregates too (fewer memory passes)
        useful_b = np.broadcast_to(useful, (*np.broadcast_shapes(useful.shape, weights.shape[:-1]),))
        fuel = (useful_b[..., None, :] @ weights)[..., 0, :]  # (S, Y, F)
        per_useful = weights @ self.total_and_co2  # (S|1, Y, B, 2): final energy, direct CO2
        branch_total = useful * per_useful[..., 0]  # (S, Y, B)
        branch_co2 = useful * per_useful[..., 1]  # electricity and heat have no direct CO2
        branch_elec = useful * weights[..., ELEC]
        energy = useful[..., None] * weights if keep_energy else None
        target = inp.elec_target
        if np.isfinite(target).any():
            a = fuel[..., ELEC]
            total = fuel.sum(axis=-1)
            elec_full = useful * inv_eff[:, ELEC]  # (S, Y, B): all useful energy as electricity
            bb = elec_full.sum(axis=-1) - a
            c = total - a
            t = np.nan_to_num(target, nan=0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                alpha = (t * (a + c) - a) / ((1.0 - t) * bb + t * c)
            alpha = np.clip(np.nan_to_num(np.where(np.isfinite(target), alpha, 0.0)), 0.0, 1.0)
            alpha = np.broadcast_to(alpha, a.shape)
            if alpha.any():
                keep = 1.0 - alpha
                shift = alpha[..., None] * elec_full
                fuel = fuel * keep[..., None]
                fuel[..., ELEC] += shift.sum(axis=-1)
                branch_co2 = branch_co2 * keep[..., None]
                branch_total = branch_total * keep[..., None] + shift
                branch_elec = branch_elec * keep[..., None] + shift
                if energy is not None:
                    energy = energy * keep[..., None, None]
                    energy[..., ELEC] += shift
        gas_demand = fuel[..., GAS]
        chp_in = np.maximum(0.0, np.nan_to_num(inp.gas_target - gas_demand, nan=0.0))  # tce
        chp_gj = chp_in * GJ_PER_TCE
        chp_elec = chp_gj * base.chp_electric_efficiency / GJ_PER_MWH
        heat_demand = fuel[..., HEAT] / self.tce_heat
        chp_heat = np.minimum(chp_gj * base.chp_heat_efficiency, heat_demand)
        cut = self.curtail * np.maximum(0.0, 1.0 - inp.storage / base.storage_full_ratio)[..., None]
        gen = (inp.capacity * inp.hours * (1.0 - cut)).sum(axis=-1)  # MWh
        elec_demand = fuel[..., ELEC] / self.tce_elec
        purchased = np.maximum(0.0, elec_demand - gen - chp_elec)
        purchased_heat = heat_demand - chp_heat
        comb = fuel @ self.ef_comb
        chp_co2 = chp_in * self.ef[GAS]
        elec_co2 = purchased * inp.grid
        heat_co2 = purchased_heat * base.heat_factor
        process = (activity @ self.process_per_act) * inp.process_index
        shape = np.broadcast_shapes(comb.shape, elec_co2.shape, process.shape)
        sources = np.stack(
            [np.broadcast_to(x, shape) for x in (comb, chp_co2, elec_co2, heat_co2, process)], axis=-1
        )
        co2 = sources.sum(axis=-1)
        sinks = np.broadcast_to(self.area_ha * inp.forest * base.forest_sink_t_per_ha, shape)
        # indicators
        coal_rate = inp.coal_rate
        fossil = fuel[..., FOSSIL].sum(axis=-1) + chp_in
        primary_elec = (purchased + gen) * coal_rate
        heat_tce = purchased_heat * self.tce_heat
        direct = fuel[..., NONFOSSIL_DIRECT].sum(axis=-1)  # renewable heat, hydrogen
        primary = fossil + direct + primary_elec + heat_tce
        nonfossil = (gen + purchased * inp.grid_nonfossil) * coal_rate + direct
        calorific = fossil + direct + (purchased + gen) * self.tce_elec + heat_tce
        final = fuel.sum(axis=-1)
        ind_equiv = branch_total[..., self.industry].sum(axis=-1) + branch_elec[..., self.industry].sum(
            axis=-1
        ) * (coal_rate / self.tce_elec - 1.0)
        ind_va = activity[..., self.industry].sum(axis=-1) * 1e4  # 万元
        tr_co2 = branch_co2[..., self.transport].sum(axis=-1)
        tr_act = activity[..., self.transport].sum(axis=-1)
        gdp = inp.gdp * 1e4  # 万元
        with np.errstate(divide="ignore", invalid="ignore"):
            indicators = {
                "co2_total": co2,
                "co2_net": co2 - sinks,
                "energy_consumption_equivalent": primary,
                "energy_consumption_calorific": calorific,
                "final_energy": final,
                "energy_intensity": primary / gdp,
                "co2_intensity": co2 / gdp,
                "non_fossil_share": 100.0 * nonfossil / primary,
                "electricity_share_final": 100.0 * fuel[..., ELEC] / final,
                "renewable_capacity": inp.capacity.sum(axis=-1) / 10.0,
                "gas_consumption": (gas_demand + chp_in) / self.tce_gas / 1e4,
                "industrial_energy_intensity": ind_equiv / ind_va,
                "transport_co2_intensity": tr_co2 / tr_act,
                "storage_ratio": 100.0 * inp.storage,
                "forest_cover": 100.0 * inp.forest,
                "coal_consumption": fuel[..., COAL],
                "co2_per_capita": co2 / (inp.population * 1e4),
                "local_generation": gen,
                "purchased_electricity": purchased,
            }
        indicators = {k: np.broadcast_to(v, shape) for k, v in indicators.items()}
        return Result(
            years=inp.years,
            co2=co2,
            sources=sources,
            sinks=sinks,
            co2_by_branch=branch_co2,
            fuel_energy=fuel,
            indicators=indicators,
            energy=energy,
        )


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
    )


def frozen_inputs(base: BaseYear, years: NDArray[np.int64]) -> Inputs:
    """Inputs with every quantity held at its base-year value (the skeleton scenarios start from)."""
    n_y = len(years)
    eng = Engine(base)
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
