"""The district's remaining room (剩余空间) for new projects in the target year.

Allowed energy = projected GDP × the energy intensity the target allows (base intensity ×
(1 − cumulative reduction)); allowed CO2 likewise. Remaining = allowed − the current inventory −
the projects already approved but not yet operating. Every figure comes from the caller's data
(a YAML file with its sources); nothing is assumed here."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ApprovedProject(BaseModel):
    """A project approved but not yet operating: its energy and CO2 are already spoken for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    energy_tce: float = Field(ge=0)
    co2_t: float = Field(ge=0)


class Headroom(BaseModel):
    """The district's energy and CO2 room in ``target_year``; tce on the ``basis`` named."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    district: str
    target_year: int
    basis: str = Field("calorific", pattern="^(calorific|coal_substitution)$")
    gdp_10k_yuan: float = Field(
        gt=0, description="projected GDP of the target year, 万元 at base-year prices"
    )
    base_energy_intensity: float = Field(gt=0, description="tce/万元 in the base year")
    energy_intensity_reduction: float = Field(ge=0, lt=1, description="cumulative reduction target, fraction")
    base_co2_intensity: float = Field(gt=0, description="tCO2/万元 in the base year")
    co2_intensity_reduction: float = Field(ge=0, lt=1, description="cumulative reduction target, fraction")
    current_energy_tce: float = Field(ge=0, description="the current inventory's energy, tce")
    current_co2_t: float = Field(ge=0, description="the current inventory's CO2, t")
    non_fossil_tce: float = Field(0.0, ge=0, description="non-fossil energy in the current total, tce")
    approved: tuple[ApprovedProject, ...] = ()
    source: str = ""
    illustrative: bool = False

    @property
    def energy_intensity_limit(self) -> float:
        return self.base_energy_intensity * (1.0 - self.energy_intensity_reduction)

    @property
    def co2_intensity_limit(self) -> float:
        return self.base_co2_intensity * (1.0 - self.co2_intensity_reduction)

    @property
    def allowed_energy_tce(self) -> float:
        return self.gdp_10k_yuan * self.energy_intensity_limit

    @property
    def allowed_co2_t(self) -> float:
        return self.gdp_10k_yuan * self.co2_intensity_limit

    @property
    def pending_energy_tce(self) -> float:
        return sum(p.energy_tce for p in self.approved)

    @property
    def pending_co2_t(self) -> float:
        return sum(p.co2_t for p in self.approved)

    @property
    def remaining_energy_tce(self) -> float:
        return self.allowed_energy_tce - self.current_energy_tce - self.pending_energy_tce

    @property
    def remaining_co2_t(self) -> float:
        return self.allowed_co2_t - self.current_co2_t - self.pending_co2_t

    def approve(self, name: str, energy_tce: float, co2_t: float) -> Headroom:
        """The headroom once this project is approved (a new value; this one is unchanged)."""
        project = ApprovedProject(name=name, energy_tce=energy_tce, co2_t=co2_t)
        return self.model_copy(update={"approved": (*self.approved, project)})

    def effect(self, energy_tce: float, co2_t: float) -> dict[str, float]:
        """The plan's intensity indicators in the target year with and without the project (its
        energy and CO2 added to the inventory and the approved projects; GDP unchanged)."""
        base_e, base_c = self.base_energy_intensity, self.base_co2_intensity
        e0 = self.current_energy_tce + self.pending_energy_tce
        c0 = self.current_co2_t + self.pending_co2_t
        gdp = self.gdp_10k_yuan
        return {
            "energy_intensity_reduction_without": 1.0 - e0 / gdp / base_e,
            "energy_intensity_reduction_with": 1.0 - (e0 + energy_tce) / gdp / base_e,
            "energy_intensity_reduction_target": self.energy_intensity_reduction,
            "co2_intensity_reduction_without": 1.0 - c0 / gdp / base_c,
            "co2_intensity_reduction_with": 1.0 - (c0 + co2_t) / gdp / base_c,
            "co2_intensity_reduction_target": self.co2_intensity_reduction,
            "non_fossil_share_without": self.non_fossil_tce / e0 if e0 > 0 else 0.0,
            "non_fossil_share_with": self.non_fossil_tce / (e0 + energy_tce) if e0 + energy_tce > 0 else 0.0,
        }


class Year(BaseModel):
    """The district in one year: GDP (万元, base-year prices), energy (tce), CO2 (t), non-fossil share."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int
    gdp_10k_yuan: float = Field(gt=0)
    energy_tce: float = Field(ge=0)
    co2_t: float = Field(ge=0)
    non_fossil_share: float = Field(0.0, ge=0, le=1)


def projected_headroom(
    *,
    district: str,
    base: Year,
    latest: Year,
    scenario_latest: Year,
    scenario_target: Year,
    energy_intensity_reduction: float,
    co2_intensity_reduction: float,
    approved: tuple[ApprovedProject, ...] = (),
    source: str = "",
    illustrative: bool = False,
) -> Headroom:
    """The headroom of ``scenario_target.year`` from the stored inventory and the plan scenario: the
    inventory's base year gives the base intensities, its latest year the levels, and the plan
    scenario the growth from that year to the target year (each quantity × scenario target /
    scenario latest), so the room is measured on the office's own statistics and moves as the plan
    scenario moves. The non-fossil share is the scenario's in the target year."""

    def grown(now: float, then: float, at: float) -> float:
        return now * (at / then) if then > 0 else now

    gdp = grown(latest.gdp_10k_yuan, scenario_latest.gdp_10k_yuan, scenario_target.gdp_10k_yuan)
    energy = grown(latest.energy_tce, scenario_latest.energy_tce, scenario_target.energy_tce)
    co2 = grown(latest.co2_t, scenario_latest.co2_t, scenario_target.co2_t)
    return Headroom(
        district=district,
        target_year=scenario_target.year,
        basis="calorific",
        gdp_10k_yuan=gdp,
        base_energy_intensity=base.energy_tce / base.gdp_10k_yuan,
        energy_intensity_reduction=energy_intensity_reduction,
        base_co2_intensity=base.co2_t / base.gdp_10k_yuan,
        co2_intensity_reduction=co2_intensity_reduction,
        current_energy_tce=energy,
        current_co2_t=co2,
        non_fossil_tce=energy * scenario_target.non_fossil_share,
        approved=approved,
        source=source,
        illustrative=illustrative,
    )
