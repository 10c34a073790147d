"""Numbers as the office writes them: district figures in 万吨CO2 / 万吨标准煤, shares as % with one
decimal, no floating-point noise, times in China Standard Time.

The conventions are data (``display.yaml``, with its source); every page, CLI table and report that
shows a figure to a person formats it here, so that one figure reads the same everywhere.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources

import yaml

from carbonpeak.units.registry import UnitError, convert, is_convertible

#: China Standard Time. China keeps no daylight saving time, so a fixed offset is exact and needs no
#: time-zone database on an isolated machine.
CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")

MISSING = "—"


@dataclass(frozen=True)
class DistrictUnit:
    sources: tuple[str, ...]
    unit: str
    label: str
    label_en: str
    decimals: int


@dataclass(frozen=True)
class Conventions:
    percent_decimals: int
    default_decimals: int
    district: tuple[DistrictUnit, ...]
    unit_decimals: dict[str, int]


@functools.cache
def conventions() -> Conventions:
    """The display conventions of ``display.yaml`` (read once)."""
    text = resources.files("carbonpeak.units").joinpath("display.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    district = tuple(
        DistrictUnit(
            sources=tuple(item["from"]),
            unit=item["unit"],
            label=item["label"],
            label_en=item["label_en"],
            decimals=int(item["decimals"]),
        )
        for item in raw["district"]
    )
    return Conventions(
        percent_decimals=int(raw["percent_decimals"]),
        default_decimals=int(raw["default_decimals"]),
        district=district,
        unit_decimals={item["unit"]: int(item["decimals"]) for item in raw["units"]},
    )


def rounded(value: float, decimals: int) -> float:
    """``value`` rounded half away from zero on its decimal digits (28.75 → 28.8, not 28.7 as binary
    rounding of 28.749999… gives)."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def number(value: float | None, decimals: int | None = None, *, grouping: bool = True) -> str:
    """``value`` with ``decimals`` digits (the default of the conventions) and thousands separators;
    ``—`` for a missing value. ``-0.0`` reads ``0.0``."""
    if value is None:
        return MISSING
    places = conventions().default_decimals if decimals is None else decimals
    figure = rounded(value, places) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{figure:,.{places}f}" if grouping else f"{figure:.{places}f}"


def percent(value: float | None, decimals: int | None = None) -> str:
    """A share already in percent (12.34 → ``12.3%``)."""
    if value is None:
        return MISSING
    places = conventions().percent_decimals if decimals is None else decimals
    return f"{number(value, places)}%"


def district_unit(unit: str) -> DistrictUnit | None:
    """The office's unit for a district figure in ``unit``, or None where it keeps its own unit."""
    for rule in conventions().district:
        if unit in rule.sources:
            return rule
    return None


def decimals_for(unit: str) -> int:
    """Decimals for a figure kept in ``unit`` (percent, listed units, else the default)."""
    c = conventions()
    if unit.strip() in ("%", "％", "percent"):
        return c.percent_decimals
    return c.unit_decimals.get(unit, c.default_decimals)


def quantity(value: float | None, unit: str, *, lang: str = "zh-CN") -> str:
    """A district figure as the office writes it: ``325.4 万吨CO2`` from ``3254000`` 吨二氧化碳;
    a unit outside the district rules keeps its unit (``12.3%``, ``0.452 tce/万元``)."""
    rule = district_unit(unit)
    if rule is not None:
        if value is None:
            return f"{MISSING} {rule.label if lang == 'zh-CN' else rule.label_en}"
        shown = float(convert(value, unit, rule.unit))
        return f"{number(shown, rule.decimals)} {rule.label if lang == 'zh-CN' else rule.label_en}"
    if unit.strip() in ("%", "％", "percent"):
        return percent(value)
    return f"{number(value, decimals_for(unit))} {unit}".rstrip()


def in_district_unit(value: float, unit: str) -> tuple[float, str]:
    """``value`` converted to the office's district unit and that unit's label (unchanged where no
    rule applies)."""
    rule = district_unit(unit)
    if rule is None:
        return value, unit
    if not is_convertible(unit, rule.unit):  # pragma: no cover - display.yaml is checked by a test
        raise UnitError(f"display rule {rule.unit} does not convert {unit}")
    return float(convert(value, unit, rule.unit)), rule.label


def local_time(moment: datetime | None, *, seconds: bool = False) -> str:
    """A stored moment (UTC; naive means UTC) in China Standard Time: ``2026-12-07 16:05``."""
    if moment is None:
        return MISSING
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    shown = aware.astimezone(CHINA_TIME)
    return shown.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
