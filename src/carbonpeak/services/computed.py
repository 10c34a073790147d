"""Wiring the accounting inventory to tracking: computed indicator values with their provenance.

``computed_values(data)`` takes an inventory JSON. The accounting package's result
(``Inventory.to_json()``: years with ``activity``, indicators as fractions) goes through
``carbonpeak.accounting.metrics.plan_metrics``, which expresses it in the plan's metric codes and
units; a plain ``{"factor_set", "years": {year: {"indicators": {metric: value}}}}`` file (values
already in the indicators' terms) is read directly.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from carbonpeak.tracking.computed import (
    computed_from_inventory,
    computed_from_metrics,
    factor_set_label,
    inventory_inputs,
)
from carbonpeak.tracking.model import ComputedValue


def _plan_metrics() -> Any:
    try:
        return importlib.import_module("carbonpeak.accounting.metrics").plan_metrics
    except ModuleNotFoundError:
        return None


def computed_values(data: Mapping[str, Any], *, factor_set: str | None = None) -> list[ComputedValue]:
    years = data.get("years") or {}
    plan_metrics = _plan_metrics()
    is_accounting = isinstance(years, Mapping) and any(
        isinstance(y, Mapping) and "activity" in y for y in years.values()
    )
    if plan_metrics is None or not is_accounting:
        return computed_from_inventory(data, factor_set=factor_set)
    per_year = {int(y): plan_metrics(dict(data), int(y)) for y in years}
    inputs = {int(y): {**inventory_inputs(v), **(v.get("inputs") or {})} for y, v in years.items()}
    label = factor_set or factor_set_label(data.get("factor_set"))
    return computed_from_metrics(per_year, factor_set=label, inputs=inputs)
