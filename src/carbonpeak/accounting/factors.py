"""Factor sets: named, versioned data files with provenance, and the resolved factors of one run.

Bundled sets live in ``accounting/factors/*.yaml``. Each file has ``name, version, kind, title,
provenance {source, table, year, reading, note}`` and ``rows``; a row may carry a ``basis`` saying how
it was read or derived. ``kind`` is one of ``combustion`` (NCV × carbon content × oxidation × 44/12,
or an IPCC per-TJ factor), ``coal_equivalent`` (tce per unit, 当量值), ``grid`` (tCO2/MWh by series and
year), ``heat`` (tCO2/GJ) and ``coal_substitution`` (kgce/kWh by year, 等价值).
"""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.accounting.errors import AccountingError, FactorSetNotFoundError, ImportProblems, Problem
from carbonpeak.units import UnitError, conversion_factor

C_TO_CO2 = 44.0 / 12.0
KINDS = ("combustion", "coal_equivalent", "grid", "heat", "coal_substitution")


@dataclass(frozen=True)
class FactorSet:
    """One named, versioned set of factors with where it comes from."""

    name: str
    version: str
    kind: str
    title: str
    provenance: dict[str, Any]
    rows: list[dict[str, Any]]
    default_series: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "kind": self.kind,
            "title": self.title,
            "source": self.provenance.get("source"),
            "table": self.provenance.get("table"),
            "year": self.provenance.get("year"),
            "reading": self.provenance.get("reading"),
            "rows": len(self.rows),
        }


def combustion_co2(row: dict[str, Any]) -> float:
    """tCO2 per unit of a combustion row: a direct factor, NCV × tC/TJ × oxidation × 44/12 / 1000,
    or NCV × kgCO2/TJ × oxidation / 1e6."""
    if row.get("co2_t_per_unit") is not None:
        return float(row["co2_t_per_unit"])
    ncv = float(row["ncv_gj_per_unit"])
    ox = float(row.get("oxidation", 1.0))
    if row.get("co2_kg_per_tj") is not None:
        return ncv * float(row["co2_kg_per_tj"]) * ox / 1e6
    return ncv * float(row["carbon_content_tc_per_tj"]) * ox * C_TO_CO2 / 1000.0


def _parse_set(data: dict[str, Any], where: str) -> FactorSet:
    missing = [k for k in ("name", "version", "kind", "title", "provenance", "rows") if k not in data]
    if missing or data.get("kind") not in KINDS:
        raise AccountingError(f"{where}: not a factor set (missing {missing} or kind not in {KINDS})")
    return FactorSet(
        name=str(data["name"]),
        version=str(data["version"]),
        kind=str(data["kind"]),
        title=str(data["title"]),
        provenance=dict(data["provenance"]),
        rows=[dict(r) for r in data["rows"]],
        default_series=data.get("default_series"),
    )


@functools.cache
def bundled_sets() -> dict[str, FactorSet]:
    """Every bundled factor set by name."""
    sets: dict[str, FactorSet] = {}
    folder = resources.files("carbonpeak.accounting").joinpath("factors")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            fs = _parse_set(yaml.safe_load(entry.read_text(encoding="utf-8")), entry.name)
            sets[fs.name] = fs
    return sets


def get_set(name: str) -> FactorSet:
    sets = bundled_sets()
    key = name.split("@", 1)[0]
    if key not in sets:
        raise FactorSetNotFoundError(f"no factor set {name!r}; known: {', '.join(sorted(sets))}")
    return sets[key]


def coal_substitution_by_year(fs: FactorSet | None = None) -> dict[int, float]:
    fs = fs or get_set("coal-substitution")
    return {int(r["year"]): float(r["kgce_per_kwh"]) for r in fs.rows}


def nearest_year(table: dict[int, float], year: int) -> int:
    """The year of ``table`` used for ``year``: itself, else the nearest, earlier preferred on a tie."""
    if year in table:
        return year
    return min(table, key=lambda y: (abs(y - year), y > year))


@dataclass
class UserFactors:
    """Rows of a user-supplied factor file, by fuel: tCO2 and tce per unit of ``unit``."""

    path: str
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)


_USER_REQUIRED = ("fuel", "unit", "tce_per_unit")
_USER_CARBON = ("ncv_gj_per_unit", "carbon_content_tc_per_tj", "oxidation")


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text not in (None, "") else None
    except ValueError:
        return None
    return value if value is None or math.isfinite(value) else None


def read_user_factors(path: str | Path) -> UserFactors:
    """Read a factor file: ``fuel, unit, co2_t_per_unit, tce_per_unit`` or, instead of ``co2_t_per_unit``,
    ``ncv_gj_per_unit, carbon_content_tc_per_tj, oxidation``. All problems at once, or nothing."""
    name = str(path)
    problems: list[Problem] = []
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportProblems(
            [Problem(f"cannot read the file: {exc}", file=name, row=None, column=None)]
        ) from exc
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    skipped = len(text.splitlines()) - len(lines)
    reader = csv.DictReader(lines)
    header = [h.strip() for h in (reader.fieldnames or [])]
    direct = "co2_t_per_unit" in header
    carbon = all(c in header for c in _USER_CARBON)
    for col in _USER_REQUIRED:
        if col not in header:
            problems.append(Problem("missing column", file=name, row=1 + skipped, column=col))
    if not direct and not carbon:
        problems.append(
            Problem(
                "missing column (or give ncv_gj_per_unit, carbon_content_tc_per_tj and oxidation)",
                file=name,
                row=1 + skipped,
                column="co2_t_per_unit",
            )
        )
    if problems:
        raise ImportProblems(problems)
    out = UserFactors(name)
    for i, raw in enumerate(reader):
        row_no = i + 2 + skipped
        rec = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        fuel = rec.get("fuel", "")
        if fuel not in FUELS or FUELS[fuel].kind not in ("fossil", "heat"):
            problems.append(
                Problem(f"unknown or non-combustion fuel {fuel!r}", file=name, row=row_no, column="fuel")
            )
            continue
        unit = rec.get("unit", "")
        try:
            conversion_factor(unit, FUELS[fuel].unit)
        except UnitError as exc:
            problems.append(
                Problem(f"{exc}; expected a unit of {FUELS[fuel].unit}", file=name, row=row_no, column="unit")
            )
            continue
        parsed: dict[str, Any] = {
            "fuel": fuel,
            "unit": unit,
            "basis": f"user factor file {name} row {row_no}",
        }
        cols = ["tce_per_unit"] + (
            ["co2_t_per_unit"] if direct and rec.get("co2_t_per_unit") else list(_USER_CARBON)
        )
        for col in cols:
            value = _number(rec.get(col))
            if value is None or value < 0:
                problems.append(
                    Problem(f"expected a number ≥ 0, got {rec.get(col)!r}", file=name, row=row_no, column=col)
                )
            else:
                parsed[col] = value
        if fuel in out.rows:
            problems.append(Problem(f"duplicate row for {fuel}", file=name, row=row_no, column="fuel"))
        out.rows[fuel] = parsed
    if problems:
        raise ImportProblems(problems)
    return out


@dataclass
class FuelFactors:
    """Per fuel: tCO2 and tce (calorific) per unit of the fuel's catalogue unit, and where each came from."""

    co2: dict[str, float]
    tce: dict[str, float]
    sources: dict[str, str]


def fuel_factors(combustion: FactorSet, user: UserFactors | None = None) -> FuelFactors:
    """Resolve per-fuel factors in catalogue units: bundled sets, overridden row by row by the user file."""
    coal_eq = get_set("gbt2589")
    heat = get_set("heat-ndrc")
    co2: dict[str, float] = {}
    tce: dict[str, float] = {}
    sources: dict[str, str] = {}
    for row in combustion.rows:
        scale = 1.0 / conversion_factor(row["unit"], FUELS[row["fuel"]].unit)
        co2[row["fuel"]] = combustion_co2(row) * scale
        sources[row["fuel"]] = combustion.label
    for row in heat.rows:
        co2[row["fuel"]] = float(row["co2_t_per_unit"]) / conversion_factor(row["unit"], "GJ")
        sources[row["fuel"]] = heat.label
    for row in coal_eq.rows:
        tce[row["fuel"]] = float(row["tce_per_unit"]) / conversion_factor(
            row["unit"], FUELS[row["fuel"]].unit
        )
    if user is not None:
        for fuel, row in user.rows.items():
            scale = 1.0 / conversion_factor(row["unit"], FUELS[fuel].unit)
            co2[fuel] = combustion_co2(row) * scale
            tce[fuel] = float(row["tce_per_unit"]) * scale
            sources[fuel] = row["basis"]
    return FuelFactors(co2, tce, sources)


def grid_series(name: str) -> dict[int, float]:
    grid = get_set("grid-mee-nbs")
    table = {int(r["year"]): float(r["tco2_per_mwh"]) for r in grid.rows if r["series"] == name}
    if not table:
        series = sorted({str(r["series"]) for r in grid.rows})
        raise AccountingError(f"unknown grid factor series {name!r}; known: {', '.join(series)} or a number")
    return table
