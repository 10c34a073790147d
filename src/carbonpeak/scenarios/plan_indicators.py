"""Reading the plan: the indicators a lever or a target check refers to, and the peak target year."""

from __future__ import annotations

import threading

from carbonpeak.plan import Indicator, Plan
from carbonpeak.scenarios.lever_table import lever_table

METRIC_ALIASES = {"co2_peak_year": "co2_peak"}


def canonical_metric(code: str) -> str:
    """A plan's metric code as the model names it: ``x_reduction`` (a reduce_by target on x) is x."""
    code = METRIC_ALIASES.get(code, code)
    return code.removesuffix("_reduction")


_FOUND: dict[int, tuple[Plan, dict[str, list[Indicator]]]] = {}
_FOUND_PLANS = 8  # plans whose lookups are kept (a server has one; a batch a few at a time)
_FOUND_LOCK = threading.Lock()


def find_indicators(plan: Plan, ref: str) -> list[Indicator]:
    """Indicators matching ``ref`` by metric (``x`` also matches ``x_reduction``), else by id, else by
    id prefix ``ref_``. A plan is frozen, so each lookup is made once per plan object and kept (the
    plan is held with its lookups, so its id is not reused while they are; at most ``_FOUND_PLANS``)."""
    with _FOUND_LOCK:
        entry = _FOUND.get(id(plan))
        if entry is None or entry[0] is not plan:
            if len(_FOUND) >= _FOUND_PLANS:
                _FOUND.pop(next(iter(_FOUND)))
            entry = (plan, {})
            _FOUND[id(plan)] = entry
        found = entry[1].get(ref)
    if found is None:
        found = _find(plan, ref)
        with _FOUND_LOCK:
            entry[1][ref] = found
    return list(found)


def _find(plan: Plan, ref: str) -> list[Indicator]:
    by_metric = [
        i for i in plan.indicators if i.metric and canonical_metric(i.metric) == canonical_metric(ref)
    ]
    if by_metric:
        return by_metric
    by_id = [i for i in plan.indicators if i.id == ref]
    if by_id:
        return by_id
    return [i for i in plan.indicators if i.id.startswith(ref + "_")]


def peak_target_year(plan: Plan | None) -> int:
    """The year of "peaked by": the plan's ``co2_peak`` target (the earliest, if several), else the
    lever table's default (the national target year, with its source in data/levers/levers.yaml)."""
    years = [i.year for i in find_indicators(plan, "co2_peak")] if plan is not None else []
    return min(years) if years else lever_table().peak_by_year()
