"""Per-survey figures (forest cover, growing stock 蓄积量, carbon stock), the annual sink between
surveys, project gains, and the rows that feed the inventory's sink line — from parcels by survey year.

``Surveys`` maps each survey year to its parcels. Indicators and the inventory's sink line come from a
survey only when it covers the whole district (``scope="district"``); a zone's survey (the 林海
demonstration zone) shows its own figures and its part of the district's line, never the district's.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from carbonpeak.forestry.compute import (
    SinkResult,
    forest_cover,
    gain_loss_sink,
    stock,
    stock_difference_sink,
    wetland_sink,
)
from carbonpeak.forestry.model import LandArea, Parameters, Parcel, WetlandFactor
from carbonpeak.units.registry import convert

Surveys = Mapping[int, Sequence[Parcel]]
Scope = Literal["district", "zone"]


@dataclass(frozen=True)
class YearFigures:
    year: int
    forest_area_ha: float
    cover_percent: float | None  # only for a district survey
    growing_stock_m3: float
    stock_co2_t: float
    wetland_area_ha: float


def year_figures(surveys: Surveys, params: Parameters, land: LandArea, scope: Scope) -> list[YearFigures]:
    out = []
    for year in sorted(surveys):
        parcels = surveys[year]
        s = stock(parcels, params)
        cover = forest_cover(parcels, land)
        out.append(
            YearFigures(
                year,
                cover.forest_area_ha,
                cover.percent if scope == "district" else None,
                s.total_volume_m3,
                s.total_co2_t,
                sum(p.area_ha for p in parcels if p.land_class == "wetland"),
            )
        )
    return out


def indicator_metrics(
    surveys: Surveys, params: Parameters, land: LandArea, scope: Scope
) -> dict[int, dict[str, tuple[float | None, str | None]]]:
    """``{year: {metric: (value, unit)}}`` for tracking: forest_cover (%) and forest_stock (万立方米),
    only from a survey of the whole district."""
    if scope != "district":
        return {}
    return {
        f.year: {
            "forest_cover": (f.cover_percent, "%"),
            "forest_stock": (float(convert(f.growing_stock_m3, "m³", "万立方米")), "万立方米"),
        }
        for f in year_figures(surveys, params, land, scope)
    }


def annual_sinks(
    surveys: Surveys, params: Parameters, wetland: WetlandFactor | None
) -> dict[int, tuple[SinkResult, SinkResult | None]]:
    """The forest sink (stock difference between consecutive surveys, assigned to each year of the
    interval after the first survey; gain–loss for the last survey when no later survey exists) and
    the wetland sink apart, by year."""
    years = sorted(surveys)
    out: dict[int, tuple[SinkResult, SinkResult | None]] = {}
    for a, b in itertools.pairwise(years):
        sink = stock_difference_sink(surveys[a], surveys[b], params)
        for y in range(a + 1, b + 1):
            out[y] = (sink, wetland_sink(surveys[b], wetland) if wetland else None)
    if len(years) == 1:
        y = years[0]
        out[y] = (gain_loss_sink(surveys[y], params), wetland_sink(surveys[y], wetland) if wetland else None)
    return out


def inventory_rows(
    surveys: Surveys, params: Parameters, wetland: WetlandFactor | None, scope: Scope, source: str
) -> list[dict[str, object]]:
    """Rows of the inventory's activity file (``year, sector, fuel, amount, unit, note``) for the sink
    line, the method named in the note; empty unless the surveys cover the district."""
    if scope != "district":
        return []
    rows: list[dict[str, object]] = []
    for year, (forest, wet) in sorted(annual_sinks(surveys, params, wetland).items()):
        note = f"{forest.method_label()}; {forest.parameters}; {source}"
        rows.append(_row(year, "land_use|forest", forest.co2_t_per_year, note))
        if wet is not None:
            rows.append(
                _row(year, "land_use|wetland", wet.co2_t_per_year, f"{wet.method_label()}; {wet.parameters}")
            )
    return rows


def _row(year: int, sector: str, amount: float, note: str) -> dict[str, object]:
    return {
        "year": year,
        "sector": sector,
        "fuel": "sink_co2",
        "amount": round(amount, 1),
        "unit": "tCO2",
        "note": note,
    }


@dataclass(frozen=True)
class ProjectGain:
    """A project's parcels: the gain expected from the first survey's growth rates (gain–loss) and
    the gain surveyed (stock difference first → last survey), tCO2 per year."""

    project: str
    parcels: int
    area_ha: float
    expected_t_per_year: float
    surveyed_t_per_year: float | None


def project_gains(surveys: Surveys, params: Parameters, wetland: WetlandFactor | None) -> list[ProjectGain]:
    years = sorted(surveys)
    first, last = years[0], years[-1]
    projects = sorted({p.project for y in years for p in surveys[y] if p.project})
    out = []
    for code in projects:
        of = {y: [p for p in surveys[y] if p.project == code] for y in years}
        expected = gain_loss_sink(of[first], params).co2_t_per_year
        surveyed = None
        if last > first and of[first] and of[last]:
            surveyed = stock_difference_sink(of[first], of[last], params).co2_t_per_year
        if wetland is not None:
            w = wetland_sink(of[last], wetland).co2_t_per_year
            expected += w
            surveyed = (surveyed or 0.0) + w if last > first else surveyed
        out.append(ProjectGain(code, len(of[last]), sum(p.area_ha for p in of[last]), expected, surveyed))
    return out
