"""Peak year and value, and "peaked by Y" (ARCHITECTURE.md, Methods).

The peak is the year of the largest total CO2 over the horizon (the first such year on ties).
"Peaked by Y" means no later year is higher than the maximum reached up to Y, allowing an optional
plateau tolerance: later values up to ``max × (1 + tolerance)`` still count as peaked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Peaks:
    """Per sample: the peak year, the peak value and the fall from the peak to the last year."""

    year: NDArray[np.int64]
    value: Array
    fall_t: Array
    fall_pct: Array


def peaks(co2: Array, years: NDArray[np.int64]) -> Peaks:
    """Peaks of every row of ``co2`` (samples × years)."""
    co2 = np.atleast_2d(co2)
    idx = co2.argmax(axis=-1)
    value = np.take_along_axis(co2, idx[:, None], axis=-1)[:, 0]
    fall = value - co2[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(value > 0, 100.0 * fall / value, 0.0)
    return Peaks(year=years[idx], value=value, fall_t=fall, fall_pct=pct)


def peaked_by(co2: Array, years: NDArray[np.int64], year: int, tolerance: float = 0.0) -> NDArray[np.bool_]:
    """Per sample: True when no year after ``year`` exceeds the maximum up to ``year`` (× 1 + tolerance)."""
    co2 = np.atleast_2d(co2)
    upto = years <= year
    if not upto.any():
        return np.zeros(co2.shape[0], dtype=bool)
    if upto.all():
        return np.ones(co2.shape[0], dtype=bool)
    best = co2[:, upto].max(axis=-1)
    later = co2[:, ~upto].max(axis=-1)
    return np.asarray(later <= best * (1.0 + tolerance))
