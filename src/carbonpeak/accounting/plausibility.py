"""Plausibility ranges of incoming figures, as data (``plausibility.yaml``: each field's range, unit,
reason and source). The readers ask ``plausible(field)`` for a range and refuse what lies outside,
naming the field, the range and why (issue 13)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import yaml


@dataclass(frozen=True)
class Range:
    field: str
    what: str
    low: float
    high: float
    unit: str
    reason: str
    source: str

    def outside(self, values: Any) -> Any:
        """A boolean array: which of ``values`` (NumPy-able) lie outside the range (NaN is not)."""
        arr = np.asarray(values, dtype="float64")
        return (arr < self.low) | (arr > self.high)

    def message(self, value: object) -> tuple[str, str]:
        """(zh-CN, en) of a value outside the range."""
        span = f"{self.low:g}–{self.high:g} {self.unit}"
        return (
            f"{value} 超出合理范围 {span}（{self.what}）：{self.reason} 若数值无误，请联系双碳办核实",
            f"{value} is outside the plausible range {span} ({self.what}): {self.reason} If the figure is "
            "right, ask the office to check it",
        )


@functools.cache
def _ranges() -> dict[str, dict[str, Any]]:
    text = resources.files("carbonpeak.accounting").joinpath("plausibility.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return dict(data["fields"])


def plausible(field: str, unit: str | None = None, today: dt.date | None = None) -> Range:
    """The range of ``field``; a field ranged per unit (``max_by_unit``: an amount in its fuel's
    catalogue unit) needs ``unit``. ``current_year`` as a bound is the year of ``today``."""
    spec = _ranges()[field]
    year = (today or dt.date.today()).year

    def bound(value: Any) -> float:
        return float(year if value == "current_year" else value)

    high = spec["max_by_unit"][unit] if "max_by_unit" in spec else spec["max"]
    return Range(
        field,
        str(spec["what"]),
        bound(spec["min"]),
        bound(high),
        str(unit or spec["unit"]),
        " ".join(str(spec["reason"]).split()),
        str(spec["source"]),
    )
