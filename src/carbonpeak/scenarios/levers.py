"""A scenario's levers as engine inputs, the input elements each lever group owns, and the extra push
of one lever (``apply_push``, the push ``scenario seek`` searches over and the explorer's sliders set).

The levers are the rows of the lever table (``data/levers/levers.yaml``, :mod:`.lever_table`); what a lever
does is the rule of its kind (:mod:`.lever_kinds`). A lever's values come from the scenario file and,
with ``from_plan``, from plan indicators looked up by metric (or by id, or by id prefix), so editing
the plan changes the scenario.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from carbonpeak.errors import InvalidInputError
from carbonpeak.plan import Indicator, Plan
from carbonpeak.scenarios.assumptions import apply_assumptions
from carbonpeak.scenarios.base_year import BaseYear
from carbonpeak.scenarios.engine import Engine, Inputs, frozen_inputs
from carbonpeak.scenarios.errors import MissingIndicatorError, Problem, ScenarioDataError
from carbonpeak.scenarios.lever_kinds import KINDS, LeverContext
from carbonpeak.scenarios.lever_table import Lever, lever, lever_table
from carbonpeak.scenarios.paths import by_year
from carbonpeak.scenarios.plan_indicators import find_indicators
from carbonpeak.scenarios.quantities import rescale


def target_years(ind: Indicator, horizon: Sequence[int] = ()) -> list[int]:
    """The years a plan target gives the lever a point (plan schema 2 ``holds``): its year; every year
    ``start_year..year`` of an every_year target; for a standing rule (from_year) its year and every
    later year of the ``horizon``."""
    if ind.holds == "every_year" and ind.start_year is not None:
        return list(range(ind.start_year, ind.year + 1))
    if ind.holds == "from_year":
        return [ind.year, *(int(y) for y in horizon if int(y) > ind.year)]
    return [ind.year]


def plan_points(
    plan: Plan, refs: list[str], spec: Lever, scenario: str, horizon: Sequence[int] = ()
) -> dict[int, float]:
    """Year → value of the lever from the plan indicators ``refs``, in the lever's unit; a target
    that holds over a period or from a year on gives a point in each of its years
    (``target_years``), so the lever meets it from its first year, not only at its year."""
    points: dict[int, float] = {}
    for ref in refs:
        found = [i for i in find_indicators(plan, ref) if i.value is not None]
        if not found:
            raise MissingIndicatorError(
                f"scenario {scenario!r}, lever {spec.id!r}: plan {plan.plan.id!r} has no quantified "
                f"indicator with metric or id {ref!r} (needed for {spec.name.zh}); add it to the plan, map "
                f"the lever to another indicator id in the scenario file, or give the lever's values there"
            )
        for ind in found:
            value = KINDS[spec.kind].point(spec, ind, scenario)
            for year in target_years(ind, horizon):
                points[year] = value
    return points


def lever_points(
    spec: Lever, settings: Mapping[str, Any], plan: Plan | None, scenario: str, horizon: Sequence[int] = ()
) -> dict[int, float]:
    """The lever's year → value points: the plan's (``from_plan``), overridden by the file's own."""
    refs = settings.get("from_plan") or []
    refs = [refs] if isinstance(refs, str) else list(refs)
    points = by_year(settings.get("points") or settings.get("rates") or {})
    if not refs:
        return points
    if plan is None:
        raise MissingIndicatorError(
            f"scenario {scenario!r}, lever {spec.id!r} reads the plan, but no plan was given"
        )
    return {**plan_points(plan, refs, spec, scenario, horizon), **points}


def lever_masks(base: BaseYear, n_years: int) -> dict[str, dict[str, NDArray[np.bool_]]]:
    """For each lever group, the elements of each engine input it owns (masks over the non-sample
    axes). Levers of one group may share an input only on disjoint elements."""
    masks: dict[str, dict[str, NDArray[np.bool_]]] = {}
    for spec in lever_table().levers:
        group = masks.setdefault(spec.group_id, {})
        for name, mask in KINDS[spec.kind].owned(spec, base, n_years).items():
            group[name] = group[name] | mask if name in group else mask
    return masks


def apply_levers(
    inp: Inputs, base: BaseYear, levers: Mapping[str, Any], plan: Plan | None, scenario: str, where: str
) -> None:
    """Every enabled lever of a scenario applied to ``inp`` (in place); all problems at once."""
    table = lever_table()
    ctx = LeverContext(inp, base, Engine.of(base), where)
    for lid, settings in (levers or {}).items():
        spec = table.get(lid)
        if spec is None:
            message = f"unknown lever; expected one of {', '.join(table.ids)}"
            ctx.problems.append(Problem(message, file=where, field=f"levers.{lid}"))
            continue
        settings = dict(settings or {})
        if settings.get("enabled", True) is False:
            continue
        horizon = [int(y) for y in ctx.inp.years]
        KINDS[spec.kind].apply(spec, ctx, settings, lever_points(spec, settings, plan, scenario, horizon))
    if ctx.problems:
        raise ScenarioDataError(ctx.problems)


def build_inputs(
    base: BaseYear,
    years: NDArray[np.int64],
    assumptions: Mapping[str, Any],
    levers: Mapping[str, Any],
    plan: Plan | None,
    scenario: str,
    where: str,
) -> Inputs:
    """A scenario's engine inputs: the base year frozen, the key assumptions and history, the levers."""
    inp = frozen_inputs(base, years)
    if base.history is not None:
        inp.history_end = min(base.history.latest, int(years[-1]))
    apply_assumptions(inp, base, assumptions)
    apply_levers(inp, base, levers, plan, scenario, where)
    return inp


def first_push_year(inputs: Inputs) -> int:
    """The first year a push may act on: the year after the latest observed one (after the base year
    when nothing later is observed)."""
    latest = inputs.history_end if inputs.history_end is not None else int(inputs.years[0])
    return latest + 1


def apply_push(
    inputs: Inputs,
    lever_id: str | Lever,
    amount: float,
    *,
    engine: Engine,
    start: int | None = None,
    until: int,
) -> Inputs:
    """The inputs with the extra push ``amount`` (in the lever's push unit) on one lever, from ``start``
    (default and earliest: :func:`first_push_year`; a push never acts on observed years). Intensity
    pushes compound from ``start``; the others ramp in linearly until ``until``."""
    spec = lever(lever_id) if isinstance(lever_id, str) else lever_id
    if spec.push is None:
        pushable = ", ".join(lv.id for lv in lever_table().pushable)
        raise InvalidInputError(f"lever {spec.id!r} cannot be pushed; choose one of {pushable}")
    earliest = first_push_year(inputs)
    begin = earliest if start is None else max(start, earliest) if inputs.history_end is not None else start
    years = inputs.years.astype(np.float64)
    steps = np.maximum(0.0, years - (begin - 1))
    ramp = np.clip(steps / max(1, until - begin + 1), 0.0, 1.0)
    kind = KINDS[spec.kind]
    value = rescale(amount, spec.push.unit, kind.push_unit(spec))
    return kind.push(spec, inputs, engine, value, ramp, steps)
