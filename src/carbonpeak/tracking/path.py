"""The required path from base to target, and the trend projection (formulas in docs/tracking.md).

* linear (shares, counts, totals, rates):  v(t) = v0 + (T − v0)·(t − t0)/(T_year − t0)
* geometric (intensities with an absolute target):  I(t) = I0·(I_T/I0)^((t − t0)/(T_year − t0))
* reductions ("比 t0 下降 x%", comparator reduce_by): the reported value is the cumulative reduction
  r(t) in percent; the intensity index follows the geometric path with I_T/I0 = 1 − x/100, so
  r(t) = 100·(1 − (1 − x/100)^((t − t0)/(T_year − t0))).

Before t0 the path is v0; after T_year it is T. The projection is a least-squares line through the
anchor and the observations (on the intensity index's logarithm for geometric paths), read at T_year.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Method = Literal["linear", "geometric", "reduction"]


@dataclass(frozen=True)
class TargetPath:
    """A path from (base_year, base_value) to (target_year, target_value); direction +1 = higher is better."""

    method: Method
    base_year: int
    base_value: float
    target_year: int
    target_value: float
    direction: int

    def required(self, year: int | float) -> float:
        return float(required_values(self, np.asarray([year], dtype=float))[0])


def _fraction(path: TargetPath, years: np.ndarray) -> np.ndarray:
    span = path.target_year - path.base_year
    if span <= 0:
        return np.ones_like(years)
    return np.clip((years - path.base_year) / span, 0.0, 1.0)


def required_values(path: TargetPath, years: np.ndarray) -> np.ndarray:
    """The required value in each of ``years`` (vectorized)."""
    f = _fraction(path, years)
    if path.method == "linear":
        return path.base_value + (path.target_value - path.base_value) * f
    if path.method == "geometric":
        return path.base_value * (path.target_value / path.base_value) ** f
    keep = 1.0 - path.target_value / 100.0  # reduction: I_T / I0
    return 100.0 * (1.0 - keep**f)


def geometric_ok(base: float, target: float) -> bool:
    return base > 0 and target > 0


def project(path: TargetPath, years: Sequence[int], values: Sequence[float]) -> float | None:
    """The trend value at the target year from the anchor and the observed (year, value) points."""
    xs = np.asarray([path.base_year, *years], dtype=float)
    ys = np.asarray([path.base_value, *values], dtype=float)
    if len(np.unique(xs)) < 2:
        return None
    if path.method == "linear":
        slope, intercept = np.polyfit(xs, ys, 1)
        return float(slope * path.target_year + intercept)
    if path.method == "geometric":
        if np.any(ys <= 0):
            return None
        slope, intercept = np.polyfit(xs, np.log(ys), 1)
        return float(math.exp(slope * path.target_year + intercept))
    index = 1.0 - ys / 100.0
    if np.any(index <= 0):
        return None
    slope, intercept = np.polyfit(xs, np.log(index), 1)
    return float(100.0 * (1.0 - math.exp(slope * path.target_year + intercept)))
