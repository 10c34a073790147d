"""The rules of the lever kinds: how a lever's values become engine inputs, which input elements it
owns (for the Shapley attribution), its observed values, and how an extra push acts.

One handler per ``kind`` of the lever table (``KINDS``); a lever of the table names its kind and its
engine ``input``, so adding a lever of an existing kind is a row of ``data/levers/levers.yaml``. Every unit
conversion is derived from :mod:`carbonpeak.units` (:func:`.quantities.rescale`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from carbonpeak.errors import InvalidInputError
from carbonpeak.plan import Indicator
from carbonpeak.scenarios.base_year import ELEC, FUELS, GAS, TECHS, BaseYear
from carbonpeak.scenarios.engine import INPUT_UNITS, Engine, Inputs
from carbonpeak.scenarios.errors import MissingIndicatorError, Problem
from carbonpeak.scenarios.lever_table import Lever, lever_table
from carbonpeak.scenarios.paths import catch_up, interp_rows, path_points, step_rates
from carbonpeak.scenarios.quantities import rescale
from carbonpeak.units import UnitError, conversion_factor

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]


@dataclass
class LeverContext:
    """One scenario's inputs while its levers are applied; problems are collected, not raised."""

    inp: Inputs
    base: BaseYear
    engine: Engine
    where: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def last(self) -> int:
        return self.inp.last_observed

    @property
    def years(self) -> NDArray[np.int64]:
        """The years from the latest observed one on: the years a lever moves."""
        return self.inp.years[self.last :]

    def caught_up(self, points: Mapping[int, float], b0: float, v0: float) -> Array:
        """The lever's path from the latest observed value ``v0`` at the path's own pace (``catch_up``),
        in the lever's unit, over ``years``."""
        sub = self.years
        return path_points(sub, v0, catch_up(points, self.base.year, b0, int(sub[0]), v0))


class LeverKind:
    """The default rules; each kind overrides what differs."""

    def owned(self, lever: Lever, base: BaseYear, n_years: int) -> dict[str, Mask]:
        """The engine input elements the lever owns (masks over the non-sample axes)."""
        shape = (n_years, len(TECHS)) if lever.input == "capacity" else (n_years,)
        return {lever.input: np.ones(shape, dtype=bool)}

    def observed(self, lever: Lever, base: BaseYear, inp: Inputs) -> tuple[float, float]:
        """(base-year value, latest observed value) in the lever's unit; 0 for levers measured from the
        latest observed year (a shift, a reduction)."""
        return 0.0, 0.0

    def point(self, lever: Lever, ind: Indicator, scenario: str) -> float:
        """A plan indicator's value as a point of the lever, in the lever's unit."""
        value = float(ind.value)  # type: ignore[arg-type]
        if not ind.unit:
            return value
        try:
            return value * conversion_factor(ind.unit, lever.unit)
        except UnitError as exc:
            raise MissingIndicatorError(
                f"scenario {scenario!r}, lever {lever.id!r}: indicator {ind.id!r} is in "
                f"{ind.unit!r}, not convertible to {lever.unit!r}"
            ) from exc

    def apply(
        self, lever: Lever, ctx: LeverContext, settings: Mapping[str, Any], points: dict[int, float]
    ) -> None:
        raise NotImplementedError

    def push_unit(self, lever: Lever) -> str:
        """The unit a push amount is converted to before :meth:`push` applies it."""
        return lever.value_unit

    def push(
        self, lever: Lever, inp: Inputs, engine: Engine, amount: float, ramp: Array, steps: Array
    ) -> Inputs:
        raise InvalidInputError(f"lever {lever.id!r} cannot be pushed")


class IntensityKind(LeverKind):
    """Annual improvement rates of the useful intensity of one sector's branches."""

    def owned(self, lever: Lever, base: BaseYear, n_years: int) -> dict[str, Mask]:
        mask = base.branch_mask(str(lever.sector))
        return {"intensity": np.broadcast_to(mask, (n_years, len(base.branches)))}

    def point(self, lever: Lever, ind: Indicator, scenario: str) -> float:
        """A reduce_by target v (%) over n years is the annual rate 1 − (1 − v)^(1/n)."""
        if ind.comparator != "reduce_by" or ind.base_year is None:
            raise MissingIndicatorError(
                f"scenario {scenario!r}, lever {lever.id!r}: indicator {ind.id!r} must be a "
                f"reduce_by target with base_year (it is {ind.comparator!r})"
            )
        cut = rescale(float(ind.value), ind.unit or "%", "dimensionless")  # type: ignore[arg-type]
        return float(1.0 - (1.0 - cut) ** (1.0 / (ind.year - ind.base_year)))

    def apply(
        self, lever: Lever, ctx: LeverContext, settings: Mapping[str, Any], points: dict[int, float]
    ) -> None:
        # rates act from the year after the latest observed one, on the observed intensity
        rates = {y: rescale(v, lever.unit, lever.value_unit) for y, v in points.items()}
        index = np.cumprod(1.0 - step_rates(ctx.years, rates))
        mask = ctx.base.branch_mask(str(lever.sector))
        view = ctx.inp.intensity[0]
        view[ctx.last :, mask] = view[ctx.last, mask][None, :] * index[:, None]

    def push(
        self, lever: Lever, inp: Inputs, engine: Engine, amount: float, ramp: Array, steps: Array
    ) -> Inputs:
        mask = engine.base.branch_mask(str(lever.sector))
        intensity = inp.intensity.copy()
        intensity[0][:, mask] *= ((1.0 - amount) ** steps)[:, None]
        return replace(inp, intensity=intensity)


class SharesKind(LeverKind):
    """Useful-energy shares of fuels in one sector's branches (unnamed fuels keep their proportions)."""

    def owned(self, lever: Lever, base: BaseYear, n_years: int) -> dict[str, Mask]:
        mask = base.branch_mask(str(lever.sector))[:, None]
        return {"share": np.broadcast_to(mask, (n_years, len(base.branches), len(FUELS)))}

    def apply(
        self, lever: Lever, ctx: LeverContext, settings: Mapping[str, Any], points: dict[int, float]
    ) -> None:
        for branch, by_year in (settings.get("shares") or {}).items():
            field = f"shares.{branch}"
            if branch not in ctx.base.branches:
                ctx.problems.append(Problem("unknown branch", file=ctx.where, field=field))
                continue
            _branch_shares(ctx, ctx.base.branches.index(branch), by_year, field)


def _branch_shares(ctx: LeverContext, j: int, by_year: Mapping[Any, Any], field: str) -> None:
    """Interpolate branch ``j``'s shares from the latest observed year's to each year's target."""
    inp, base, years, last = ctx.inp, ctx.base, ctx.years, ctx.last
    s0 = ctx.engine.share0[j] if base.history is None else inp.share[0, last, j].copy()
    targets = {int(y): dict(v) for y, v in by_year.items() if int(y) > int(years[0])}
    rows = [s0]
    for y in sorted(targets):
        named = targets[y]
        if any(fu not in FUELS for fu in named) or sum(named.values()) > 1.0 + 1e-9:
            ctx.problems.append(
                Problem("unknown fuel or shares above 1", file=ctx.where, field=f"{field}.{y}")
            )
            continue
        row = s0.copy()
        rest = [k for k, fu in enumerate(FUELS) if fu not in named]
        free = 1.0 - sum(named.values())
        rest_sum = s0[rest].sum()
        row[rest] = s0[rest] / rest_sum * free if rest_sum > 0 else 0.0
        for fu, v in named.items():
            row[FUELS.index(fu)] = v
        if rest_sum == 0 and free > 1e-12:
            ctx.problems.append(Problem("shares must sum to 1", file=ctx.where, field=f"{field}.{y}"))
        rows.append(row)
    xs = [int(years[0]), *sorted(targets)]
    if len(rows) != len(xs):
        return
    inp.share[0, last:, j] = interp_rows(years, np.array(xs, dtype=np.float64), np.array(rows))


def _energy_years(base: BaseYear, inp: Inputs) -> list[Array]:
    """The base year's and the latest observed year's energy (branch × fuel, tce)."""
    hist = base.history
    if hist is None:
        return [base.energy_tce]
    return [hist.energy_tce[0], hist.energy_tce[inp.last_observed]]


class TargetShareKind(LeverKind):
    """An economy-wide electricity share of final energy, met by the engine's uniform shift α."""

    def observed(self, lever: Lever, base: BaseYear, inp: Inputs) -> tuple[float, float]:
        factor = conversion_factor(INPUT_UNITS[lever.input], lever.unit)
        vals = [float(e[:, ELEC].sum() / e.sum() * factor) for e in _energy_years(base, inp)]
        return vals[0], vals[-1]

    def apply(
        self, lever: Lever, ctx: LeverContext, settings: Mapping[str, Any], points: dict[int, float]
    ) -> None:
        if not points:
            return
        b0, v0 = self.observed(lever, ctx.base, ctx.inp)
        target = ctx.inp.elec_target
        target[0, ctx.last :] = rescale(ctx.caught_up(points, b0, v0), lever.unit, lever.value_unit)
        if ctx.last:  # the latest observed year is data, not a target
            target[0, ctx.last] = np.nan

    def push(
        self, lever: Lever, inp: Inputs, engine: Engine, amount: float, ramp: Array, steps: Array
    ) -> Inputs:
        share = rescale(engine.run(inp).indicators["electricity_share_final"][0], "%", lever.value_unit)
        current = np.where(np.isfinite(inp.elec_target[0]), np.maximum(inp.elec_target[0], share), share)
        return replace(inp, elec_target=np.clip(current + amount * ramp, 0.0, 1.0)[None, :])


class CapacityKind(LeverKind):
    """Total solar, wind and biomass capacity; additions split by the scenario's ``mix``."""

    def observed(self, lever: Lever, base: BaseYear, inp: Inputs) -> tuple[float, float]:
        cap = inp.capacity[0]
        return (
            float(rescale(cap[0].sum(), INPUT_UNITS["capacity"], lever.unit)),
            float(rescale(cap[inp.last_observed].sum(), INPUT_UNITS["capacity"], lever.unit)),
        )

    def apply(
        self, lever: Lever, ctx: LeverContext, settings: Mapping[str, Any], points: dict[int, float]
    ) -> None:
        b0, v0 = self.observed(lever, ctx.base, ctx.inp)
        total0 = rescale(v0, lever.unit, lever.value_unit)
        total = rescale(ctx.caught_up(points, b0, v0), lever.unit, lever.value_unit)
        mix = settings.get("mix") or lever_table().renewable_mix()
        weights = np.array([float(mix.get(t, 0.0)) for t in TECHS])
        weights = weights / weights.sum()
        added = np.maximum(0.0, total - total0)
        ctx.inp.capacity[0, ctx.last :] = ctx.inp.capacity[0, ctx.last] + added[:, None] * weights

    def push(
        self, lever: Lever, inp: Inputs, engine: Engine, amount: float, ramp: Array, steps: Array
    ) -> Inputs:
        capacity = inp.capacity.copy()
        capacity[0, :, TECHS.index(str(lever.push.technology if lever.push else ""))] += amount * ramp
        return replace(inp, capacity=capacity)


class PathKind(LeverKind):
    """A level (storage ratio, forest cover) moved along a path from its latest observed value."""

    def observed(self, lever: Lever, base: BaseYear, inp: Inputs) -> tuple[float, float]:
        arr = getattr(inp, lever.input)[0]
        factor = conversion_factor(INPUT_UNITS[lever.input], lever.unit)
        return float(arr[0] * factor), float(arr[inp.last_observed] * factor)

    def apply(
        self, lever: Lever, ctx: LeverContext, settings: Mapping[str, Any], points: dict[int, float]
    ) -> None:
        b0, v0 = self.observed(lever, ctx.base, ctx.inp)
        getattr(ctx.inp, lever.input)[0, ctx.last :] = rescale(
            ctx.caught_up(points, b0, v0), lever.unit, lever.value_unit
        )

    def push(
        self, lever: Lever, inp: Inputs, engine: Engine, amount: float, ramp: Array, steps: Array
    ) -> Inputs:
        return replace(inp, **{lever.input: getattr(inp, lever.input) + amount * ramp})


class ShiftKind(LeverKind):
    """The share of road freight turnover moved to rail (公转铁), from zero in the latest observed year."""

    def apply(
        self, lever: Lever, ctx: LeverContext, settings: Mapping[str, Any], points: dict[int, float]
    ) -> None:
        if ctx.base.modal_shift is None:
            ctx.problems.append(
                Problem(
                    "the base data names no modal_shift branches", file=ctx.where, field=f"levers.{lever.id}"
                )
            )
            return
        shift = getattr(ctx.inp, lever.input)
        shift[0, ctx.last :] = rescale(ctx.caught_up(points, 0.0, 0.0), lever.unit, lever.value_unit)

    def push(
        self, lever: Lever, inp: Inputs, engine: Engine, amount: float, ramp: Array, steps: Array
    ) -> Inputs:
        return replace(inp, **{lever.input: np.minimum(1.0, getattr(inp, lever.input) + amount * ramp)})


class TargetGasKind(LeverKind):
    """Total gas use; the part above the branches' demand runs gas CHP (the engine)."""

    def observed(self, lever: Lever, base: BaseYear, inp: Inputs) -> tuple[float, float]:
        gas = base.fuels[GAS]
        vals = [
            float(rescale(e[:, GAS].sum() / gas.tce_per_unit, gas.unit, lever.unit))
            for e in _energy_years(base, inp)
        ]
        return vals[0], vals[-1]

    def apply(
        self, lever: Lever, ctx: LeverContext, settings: Mapping[str, Any], points: dict[int, float]
    ) -> None:
        if not points:
            return
        b0, v0 = self.observed(lever, ctx.base, ctx.inp)
        gas = ctx.base.fuels[GAS]
        target = ctx.inp.gas_target
        target[0, ctx.last :] = (
            rescale(ctx.caught_up(points, b0, v0), lever.unit, gas.unit) * gas.tce_per_unit
        )
        if ctx.last:
            target[0, ctx.last] = np.nan


class ReductionKind(LeverKind):
    """A cut of process CO2 per unit of activity, relative to the latest observed year's level."""

    def apply(
        self, lever: Lever, ctx: LeverContext, settings: Mapping[str, Any], points: dict[int, float]
    ) -> None:
        index = getattr(ctx.inp, lever.input)
        cut = rescale(ctx.caught_up(points, 0.0, 0.0), lever.unit, lever.value_unit)
        index[0, ctx.last :] = index[0, ctx.last] * (1.0 - cut)

    def push(
        self, lever: Lever, inp: Inputs, engine: Engine, amount: float, ramp: Array, steps: Array
    ) -> Inputs:
        index = getattr(inp, lever.input)
        return replace(inp, **{lever.input: index * np.maximum(0.0, 1.0 - amount * ramp)})


KINDS: dict[str, LeverKind] = {
    "intensity": IntensityKind(),
    "shares": SharesKind(),
    "target_share": TargetShareKind(),
    "capacity": CapacityKind(),
    "path": PathKind(),
    "shift": ShiftKind(),
    "target_gas": TargetGasKind(),
    "reduction": ReductionKind(),
}
