"""Unit conversion of model quantities, every factor derived from :mod:`carbonpeak.units`."""

from __future__ import annotations

from typing import Any

from carbonpeak.units import conversion_factor


def rescale(values: Any, from_unit: str, to_unit: str) -> Any:
    """``values`` in ``from_unit`` expressed in ``to_unit``. A factor below 1 is applied as a division
    by its inverse (x / 100, not x × 0.01), which is exact wherever the inverse is a whole number."""
    factor = conversion_factor(from_unit, to_unit)
    if factor >= 1.0:
        return values * factor
    return values / conversion_factor(to_unit, from_unit)
