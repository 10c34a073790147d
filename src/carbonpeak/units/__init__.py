"""The one pint registry of carbonpeak.

Every quantity in the package is made here. ``registry()`` builds the registry once (lazily, never at
import time) from pint's defaults plus ``definitions.txt``, in which 万 and 亿 are never prefixes:
each 万/亿 unit the plan and the statistics use is a unit of its own with its Chinese name as alias.
"""

from __future__ import annotations

from carbonpeak.units.registry import (
    Quantity,
    UnitError,
    conversion_factor,
    convert,
    dimensionality,
    is_convertible,
    parse_unit,
    quantity,
    registry,
)

__all__ = [
    "Quantity",
    "UnitError",
    "conversion_factor",
    "convert",
    "dimensionality",
    "is_convertible",
    "parse_unit",
    "quantity",
    "registry",
]
