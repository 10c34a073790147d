"""The base year of a projection model: energy balance (branch × fuel), factors, local generation.

The base year is built from an energy balance ``(branch, fuel, amount)`` in physical units plus the
fuel factors, the same inputs the accounting package turns into an inventory, so the model's base
year reproduces that inventory: fuel CO2 = amount × NCV × carbon content × oxidation × 44/12,
electricity CO2 = net purchased MWh × grid factor, heat CO2 = purchased GJ × heat factor. Reading a
base-year file (and building it from an accounting inventory) is :mod:`carbonpeak.scenarios.base_files`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from carbonpeak.scenarios.errors import Problem, ScenarioDataError
from carbonpeak.units import conversion_factor

Array = NDArray[np.float64]

FUELS: tuple[str, ...] = (
    "coal",
    "gasoline",
    "diesel",
    "other_oil",
    "lpg",
    "natural_gas",
    "electricity",
    "heat",
    "renewable_heat",
    "hydrogen",
)
FUEL_NAMES = {
    "coal": "煤炭",
    "gasoline": "汽油",
    "diesel": "柴油",
    "other_oil": "燃料油及其他油品",
    "lpg": "液化石油气",
    "natural_gas": "天然气",
    "electricity": "电力",
    "heat": "热力",
    "renewable_heat": "地热及太阳能热利用",
    "hydrogen": "氢能",
}
ELEC = FUELS.index("electricity")
HEAT = FUELS.index("heat")
GAS = FUELS.index("natural_gas")
COAL = FUELS.index("coal")
COMBUSTIBLE = np.array([f not in ("electricity", "heat", "renewable_heat") for f in FUELS])
# fuels counted in energy and as non-fossil energy without CO2 (direct use, no conversion)
NONFOSSIL_DIRECT = np.array([f in ("renewable_heat", "hydrogen") for f in FUELS])
# fuels added after the first base-year files: their defaults when a file does not list them
DEFAULT_FUELS: dict[str, dict[str, Any]] = {
    "other_oil": {
        "unit": "t",
        "tce_per_unit": 1.4286,
        "ncv_gj": 41.816,
        "carbon_tc_per_tj": 21.1,
        "oxidation": 0.98,
        "source": "fuel oil; accounting sets cn-provincial-2011 (NCV, carbon, oxidation) and gbt2589-2020",
    },
    "renewable_heat": {
        "unit": "GJ",
        "tce_per_unit": 0.03412,
        "co2_per_unit": 0.0,
        "source": "geothermal and solar heat, 34.12 kgce/GJ (GB/T 2589); no CO2",
    },
}
TECHS: tuple[str, ...] = ("solar", "wind", "biomass")
SECTORS: tuple[str, ...] = ("industry", "construction", "agriculture", "buildings", "transport")
# molar masses of CO2 and C (44 and 12 g/mol): tonnes of carbon → tonnes of CO2 (IPCC 2006 Vol. 2 §1.4)
CO2_PER_C = 44.0 / 12.0


@dataclass(frozen=True)
class Fuel:
    id: str
    unit: str
    tce_per_unit: float
    co2_per_unit: float  # t CO2 per physical unit (0 for electricity, heat)
    source: str


@dataclass(frozen=True)
class History:
    """The inventory's observed years from the base year to the latest (decision note 0212): row 0 is
    the base year. Every scenario takes these values for these years; levers ramp from the last row.
    ``activity`` is NaN where the inventory does not observe a branch's driver (floor area, turnover:
    the scenario's growth assumptions fill those years)."""

    years: NDArray[np.int64]  # (H,)
    energy_tce: Array  # (H, B, F) final energy, calorific
    activity: Array  # (H, B) observed drivers (industrial / primary value added), NaN elsewhere
    capacity_mw: Array  # (H, T) from the local generation at the base file's full-load hours
    process_t: Array  # (H,)
    grid_factor: Array  # (H,) as the inventory uses it
    grid_nonfossil_share: Array  # (H,) fraction
    coal_rate: Array  # (H,) kgce/kWh
    gdp_100m_cny: Array  # (H,)
    population_10k: Array  # (H,)
    forest_cover: Array  # (H,) from the inventory's sinks at the base year's sink rate
    co2_t: Array  # (H,) the inventory's total CO2 (without sinks)
    note: str = ""

    @property
    def latest(self) -> int:
        return int(self.years[-1])


@dataclass(frozen=True)
class BaseYear:
    """Everything the engine needs about the base year; arrays are ordered by ``branches``/``FUELS``."""

    year: int
    branches: tuple[str, ...]
    branch_names: tuple[str, ...]
    sectors: tuple[str, ...]  # sector of each branch
    activity_units: tuple[str, ...]
    activity: Array  # (B,)
    energy_tce: Array  # (B, F) final energy, calorific basis
    fuels: tuple[Fuel, ...]
    efficiency: Array  # (B, F) useful-energy efficiency relative to the branch's reference fuel
    capacity_mw: Array  # (T,)
    hours: Array  # (T,)
    curtailment: Array  # (T,)
    storage_ratio: float
    storage_full_ratio: float
    chp_electric_efficiency: float
    chp_heat_efficiency: float
    process_t: Array  # (B,)
    modal_shift: tuple[int, int] | None  # (road branch, rail branch) of 公转铁, by index
    forest_cover: float
    forest_sink_t_per_ha: float
    area_km2: float
    population_10k: float
    gdp_100m_cny: float
    grid_factor: float
    grid_nonfossil_share: float
    coal_rate_kgce_per_kwh: float
    heat_factor: float
    illustrative: bool = False
    # each branch's sector path in the IAMC export (``iamc:`` of the branch; "" = from its sector)
    iamc_sectors: tuple[str, ...] = ()
    label: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # useful energy per activity and useful shares of branches with no base-year energy (their
    # activity starts at 0; e.g. rail freight that 公转铁 fills); NaN/unused where the branch has energy
    reference_useful: Array | None = None  # (B,)
    reference_share: Array | None = None  # (B, F)
    # the inventory's observed years after the base year (None: the base year alone is observed)
    history: History | None = None

    @property
    def ef_tce(self) -> Array:
        """tCO2 per tce (calorific) of each fuel: CO2 per unit / tce per unit."""
        return np.array([f.co2_per_unit / f.tce_per_unit for f in self.fuels])

    def branch_mask(self, sector: str) -> NDArray[np.bool_]:
        return np.array([s == sector for s in self.sectors])

    def area_ha(self) -> float:
        return self.area_km2 * conversion_factor("km**2", "hectare")

    def forest_ha(self) -> float:
        return self.area_ha() * self.forest_cover

    def generation_mwh(self) -> float:
        cut = self.curtailment * max(0.0, 1.0 - self.storage_ratio / self.storage_full_ratio)
        return float((self.capacity_mw * self.hours * (1.0 - cut)).sum())

    def inventory(self) -> dict[str, Any]:
        """The base year as an inventory in the accounting package's JSON shape (``co2_t`` part)."""
        e = self.energy_tce
        fuel_co2 = e[:, COMBUSTIBLE] * self.ef_tce[COMBUSTIBLE]
        elec_mwh = e[:, ELEC].sum() / self.fuels[ELEC].tce_per_unit
        purchased = max(0.0, elec_mwh - self.generation_mwh())
        heat_gj = e[:, HEAT].sum() / self.fuels[HEAT].tce_per_unit
        electricity = purchased * self.grid_factor
        heat = heat_gj * self.heat_factor
        process = float(self.process_t.sum())
        sinks = self.forest_ha() * self.forest_sink_t_per_ha
        by_fuel = {
            f: float(v) for f, v in zip(np.array(FUELS)[COMBUSTIBLE], fuel_co2.sum(axis=0), strict=True)
        }
        return {
            "total": float(fuel_co2.sum()) + electricity + heat + process,
            "by_fuel": by_fuel,
            "by_sector": {b: float(v) for b, v in zip(self.branches, fuel_co2.sum(axis=1), strict=True)},
            "electricity": electricity,
            "heat": heat,
            "process": process,
            "sinks": sinks,
        }


def _problem(file: str, where: str, message: str) -> Problem:
    return Problem(message, file=file, field=where)


def fuel_from_spec(fid: str, spec: Mapping[str, Any]) -> Fuel:
    co2 = 0.0
    if "co2_per_unit" in spec:
        co2 = float(spec["co2_per_unit"])
    elif "ncv_gj" in spec:
        # NCV in GJ per unit; carbon content tC/TJ → tCO2 per unit
        ncv_tj = float(spec["ncv_gj"]) * conversion_factor("GJ", "TJ")
        co2 = ncv_tj * float(spec["carbon_tc_per_tj"]) * float(spec["oxidation"]) * CO2_PER_C
    return Fuel(fid, str(spec["unit"]), float(spec["tce_per_unit"]), co2, str(spec.get("source", "")))


def base_from_balance(
    data: Mapping[str, Any], balance: Iterable[tuple[str, str, float]], file: str = "<base>"
) -> BaseYear:
    """Build a base year from the model description ``data`` and a balance of (branch, fuel, amount)
    rows in each fuel's physical unit. All problems are reported at once."""
    problems: list[Problem] = []
    fuels_spec = {**DEFAULT_FUELS, **(data.get("fuels") or {})}
    fuels = []
    for fid in FUELS:
        if fid not in fuels_spec:
            problems.append(_problem(file, f"fuels.{fid}", "missing fuel"))
            continue
        try:
            fuels.append(fuel_from_spec(fid, fuels_spec[fid]))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(_problem(file, f"fuels.{fid}", f"needs unit, tce_per_unit and factors ({exc})"))
    for fid in fuels_spec:
        if fid not in FUELS:
            problems.append(
                _problem(file, f"fuels.{fid}", f"unknown fuel; expected one of {', '.join(FUELS)}")
            )
    branches_spec: Mapping[str, Any] = data.get("branches", {})
    branches = tuple(branches_spec)
    for b, spec in branches_spec.items():
        if spec.get("sector") not in SECTORS:
            problems.append(_problem(file, f"branches.{b}.sector", f"expected one of {', '.join(SECTORS)}"))
    if problems:
        raise ScenarioDataError(problems)
    amounts = np.zeros((len(branches), len(FUELS)))
    for i, (b, f, amount) in enumerate(balance, start=1):
        if b not in branches:
            problems.append(Problem(f"unknown branch {b!r}", file=file, row=i, field="branch"))
        elif f not in FUELS:
            problems.append(Problem(f"unknown fuel {f!r}", file=file, row=i, field="fuel"))
        elif not np.isfinite(amount) or amount < 0:
            problems.append(
                Problem(f"expected a number ≥ 0, got {amount!r}", file=file, row=i, field="amount")
            )
        else:
            amounts[branches.index(b), FUELS.index(f)] += amount
    if problems:
        raise ScenarioDataError(problems)
    tce = np.array([f.tce_per_unit for f in fuels])
    sectors = tuple(str(branches_spec[b]["sector"]) for b in branches)
    eff = np.ones((len(branches), len(FUELS)))
    for sector, per_fuel in (data.get("efficiency") or {}).items():
        for f, value in per_fuel.items():
            eff[[s == sector for s in sectors], FUELS.index(f)] = float(value)
    gen = data.get("generation", {})
    chp = data.get("gas_chp", {})
    process = np.array([float((data.get("process_t") or {}).get(b, 0.0)) for b in branches])
    return BaseYear(
        year=int(data["base_year"]),
        branches=branches,
        branch_names=tuple(str(branches_spec[b].get("name", b)) for b in branches),
        sectors=sectors,
        activity_units=tuple(str(branches_spec[b].get("unit", "")) for b in branches),
        activity=np.array([float(branches_spec[b]["activity"]) for b in branches]),
        energy_tce=amounts * tce,
        fuels=tuple(fuels),
        efficiency=eff,
        capacity_mw=np.array([float(gen.get(t, {}).get("capacity_mw", 0.0)) for t in TECHS]),
        hours=np.array([float(gen.get(t, {}).get("hours", 0.0)) for t in TECHS]),
        curtailment=np.array([float(gen.get(t, {}).get("curtailment", 0.0)) for t in TECHS]),
        storage_ratio=float(data.get("storage_ratio", 0.0)),
        storage_full_ratio=float(data.get("storage_full_ratio", 0.25)),
        chp_electric_efficiency=float(chp.get("electric_efficiency", 0.4)),
        chp_heat_efficiency=float(chp.get("heat_efficiency", 0.4)),
        process_t=process,
        modal_shift=_modal(data, branches, file),
        forest_cover=float(data.get("forest_cover", 0.0)),
        forest_sink_t_per_ha=float(data.get("forest_sink_t_per_ha", 0.0)),
        area_km2=float(data.get("area_km2", 0.0)),
        population_10k=float(data["population_10k"]),
        gdp_100m_cny=float(data["gdp_100m_cny"]),
        grid_factor=float(data["grid_factor_t_per_mwh"]),
        grid_nonfossil_share=float(data.get("grid_nonfossil_share", 0.0)),
        coal_rate_kgce_per_kwh=float(data.get("coal_rate_kgce_per_kwh", 0.3)),
        heat_factor=float(data.get("heat_factor_t_per_gj", 0.11)),
        illustrative=bool(data.get("illustrative", False)),
        iamc_sectors=tuple(str(branches_spec[b].get("iamc", "")) for b in branches),
        label=str(data.get("label", "")),
        source=str(data.get("source", "")),
        extra={"district": str(data.get("district", ""))},
    )


def _modal(data: Mapping[str, Any], branches: tuple[str, ...], file: str) -> tuple[int, int] | None:
    spec = data.get("modal_shift")
    if not spec:
        return None
    ends = (spec.get("from"), spec.get("to"))
    if not all(e in branches for e in ends):
        raise ScenarioDataError([_problem(file, "modal_shift", "from and to must be branches of the model")])
    return branches.index(str(ends[0])), branches.index(str(ends[1]))


def base_with_energy_table(base: BaseYear, rows: Iterable[tuple[str, str, float]]) -> BaseYear:
    """The lead's adapter point: replace the balance by a (branch, fuel, energy in tce) table, e.g. the
    accounting package's energy balance of the base year, keeping the model's other data."""
    energy = np.zeros_like(base.energy_tce)
    problems = []
    for i, (b, f, value) in enumerate(rows, start=1):
        if b not in base.branches or f not in FUELS:
            problems.append(
                Problem(f"unknown pair {b!r}/{f!r}", file="<energy table>", row=i, field="branch/fuel")
            )
            continue
        energy[base.branches.index(b), FUELS.index(f)] += float(value)
    if problems:
        raise ScenarioDataError(problems)
    # a replaced balance is no longer the inventory's: its observed later years no longer follow it
    return replace(base, energy_tce=energy, history=None)


def compare_inventory(base: BaseYear, co2_t: Mapping[str, Any], rel: float = 1e-9) -> list[str]:
    """Differences between the model's base year and an inventory's ``co2_t`` part (the accounting
    package's JSON shape: total, by_fuel, electricity, heat, process, sinks); empty when they agree.
    ``by_fuel`` keys are the model's fuel groups; to compare with a real accounting inventory use
    :func:`carbonpeak.scenarios.from_inventory.reproduction`."""
    mine = base.inventory()
    out = []
    for key in ("total", "electricity", "heat", "process", "sinks"):
        if key in co2_t and not np.isclose(mine[key], float(co2_t[key]), rtol=rel, atol=1e-9):
            out.append(f"co2_t.{key}: model {mine[key]:.6g} t, inventory {float(co2_t[key]):.6g} t")
    for fuel, value in (co2_t.get("by_fuel") or {}).items():
        got = mine["by_fuel"].get(fuel, 0.0)
        if not np.isclose(got, float(value), rtol=rel, atol=1e-9):
            out.append(f"co2_t.by_fuel.{fuel}: model {got:.6g} t, inventory {float(value):.6g} t")
    return out
