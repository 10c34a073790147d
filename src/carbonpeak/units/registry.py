"""Construction of the registry and small helpers that raise domain errors, not pint's."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import numpy as np
import pint
from numpy.typing import ArrayLike, NDArray

from carbonpeak.errors import InvalidInputError

Quantity = pint.Quantity

# Plain-text spellings users type that pint's parser would not read as we mean them.
_SPELLINGS = {
    "%": "percent",
    "％": "percent",
    "m³": "m**3",
    "m²": "m**2",
    "km²": "km**2",
    "m3": "m**3",
    "m2": "m**2",
    "km2": "km**2",
}


class UnitError(InvalidInputError):
    """A unit string that does not parse, or two units that do not convert."""


@functools.cache
def registry() -> pint.UnitRegistry:  # type: ignore[type-arg]
    """The package's single registry (built on first use)."""
    ureg: pint.UnitRegistry = pint.UnitRegistry(  # type: ignore[type-arg]
        autoconvert_offset_to_baseunit=True, non_int_type=float
    )
    text = resources.files("carbonpeak.units").joinpath("definitions.txt").read_text(encoding="utf-8")
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            ureg.define(line)
    ureg.formatter.default_format = "~P"
    return ureg


def _normalise(unit: str) -> str:
    text = unit.strip()
    if text in _SPELLINGS:
        return _SPELLINGS[text]
    for raw, fixed in (("m³", "m**3"), ("m²", "m**2"), ("％", "percent"), ("%", "percent")):
        text = text.replace(raw, fixed)
    return text


def parse_unit(unit: str) -> pint.Unit:
    """Parse a unit string ("万千瓦", "tce/万元", "%", "亿立方米") or raise :class:`UnitError`."""
    if not unit or not unit.strip():
        raise UnitError("empty unit")
    ureg = registry()
    try:
        return ureg.parse_units(_normalise(unit))
    except (pint.UndefinedUnitError, pint.DefinitionSyntaxError, AttributeError, TypeError) as exc:
        raise UnitError(f"unknown unit {unit!r}") from exc
    except Exception as exc:  # pint's tokenizer raises assorted errors on garbage
        raise UnitError(f"cannot parse unit {unit!r}: {exc}") from exc


def quantity(value: Any, unit: str) -> Any:
    """A quantity of ``value`` (scalar or array) in ``unit``."""
    return registry().Quantity(value, parse_unit(unit))


def dimensionality(unit: str) -> str:
    return str(parse_unit(unit).dimensionality)


def is_convertible(from_unit: str, to_unit: str) -> bool:
    try:
        conversion_factor(from_unit, to_unit)
    except UnitError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """The number to multiply a value in ``from_unit`` by to express it in ``to_unit``."""
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    try:
        return float(registry().Quantity(1.0, src).to(dst).magnitude)
    except pint.DimensionalityError as exc:
        raise UnitError(
            f"cannot convert {from_unit!r} ({src.dimensionality}) to {to_unit!r} ({dst.dimensionality})"
        ) from exc


def convert(value: ArrayLike, from_unit: str, to_unit: str) -> NDArray[np.float64] | float:
    """Convert a scalar or an array; arrays are scaled by one multiplication (vectorized)."""
    factor = conversion_factor(from_unit, to_unit)
    if np.isscalar(value):
        return float(value) * factor  # type: ignore[arg-type]
    return np.asarray(value, dtype=np.float64) * factor
