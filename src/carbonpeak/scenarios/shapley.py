"""Attribution of the gap between two scenarios to lever groups: exact Shapley values and wedges.

Every lever owns a disjoint part of the engine inputs (``levers.lever_masks``); a coalition S of
groups takes the "to" scenario's values on the parts its groups own and the "from" scenario's
elsewhere. With k groups all 2^k coalitions run as one batch of the vectorized engine, and

    φ_i = Σ_{S ⊆ N∖{i}} |S|! (k − |S| − 1)! / k! · (v(S ∪ {i}) − v(S)),

which sums exactly to v(N) − v(∅) = CO2(to) − CO2(from) (efficiency of the Shapley value). Inputs
that no lever owns (the key assumptions) form one more group when the two scenarios differ there.
Wedges add the groups one at a time in a stated order — what peers report — and depend on that order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import factorial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from carbonpeak.errors import InvalidInputError
from carbonpeak.plan import Plan
from carbonpeak.scenarios.engine import Engine, Inputs
from carbonpeak.scenarios.errors import Problem, ScenarioDataError
from carbonpeak.scenarios.lever_table import lever_table
from carbonpeak.scenarios.levers import lever_masks
from carbonpeak.scenarios.results import scenario_inputs
from carbonpeak.scenarios.scenario_files import Scenario

Array = NDArray[np.float64]
ASSUMPTIONS = "key_assumptions"


@dataclass
class Attribution:
    from_id: str
    to_id: str
    groups: list[str]
    years: NDArray[np.int64]
    values: Array  # (2^k, Y) CO2 of every coalition
    shapley: Array  # (k, Y)
    order: list[str]
    wedges: Array  # (k, Y) in ``order``
    runs: int
    metric: str = "co2_total"

    def _index(self, year: int) -> int:
        hit = np.nonzero(self.years == year)[0]
        if not len(hit):
            raise InvalidInputError(
                f"year {year} is outside the scenarios' years {self.years[0]}–{self.years[-1]}"
            )
        return int(hit[0])

    def gap(self, year: int) -> float:
        y = self._index(year)
        return float(self.values[-1, y] - self.values[0, y])

    def cumulative(self, arr: Array, year: int) -> Array:
        return np.asarray(arr[..., : self._index(year) + 1].sum(axis=-1), dtype=np.float64)

    def to_dict(self, year: int) -> dict[str, Any]:
        y = self._index(year)
        cum_values = self.cumulative(self.values, year)
        cum_shapley = self.cumulative(self.shapley, year)
        cum_wedges = self.cumulative(self.wedges, year)
        gap = self.gap(year)
        return {
            "from": self.from_id,
            "to": self.to_id,
            "year": year,
            "method": "exact Shapley values over lever groups (2^k engine runs); wedges in the stated order",
            "runs": self.runs,
            "metric": self.metric,
            "co2_from_t": float(self.values[0, y]),
            "co2_to_t": float(self.values[-1, y]),
            "gap_t": gap,
            "cumulative_gap_t": float(cum_values[-1] - cum_values[0]),
            "cumulative_from_year": int(self.years[0]),
            "groups": [
                {
                    "group": g,
                    "name": _group_name(g),
                    "shapley_t": float(self.shapley[i, y]),
                    "share_of_gap_pct": float(100.0 * self.shapley[i, y] / gap) if gap else None,
                    "cumulative_shapley_t": float(cum_shapley[i]),
                }
                for i, g in enumerate(self.groups)
            ],
            "wedge_order": self.order,
            "wedges": [
                {"group": g, "wedge_t": float(self.wedges[i, y]), "cumulative_wedge_t": float(cum_wedges[i])}
                for i, g in enumerate(self.order)
            ],
        }


def _group_name(group: str) -> str:
    """A lever group's name: the name of the lever whose id it is; the key assumptions' own."""
    found = lever_table().get(group)
    return found.name.zh if found is not None else "关键假设"


def coalition_inputs(
    a: Inputs, b: Inputs, owners: dict[str, NDArray[np.int64]], coalitions: NDArray[np.bool_]
) -> Inputs:
    """Inputs of every coalition (rows of ``coalitions``, one column per group): the "to" values on the
    elements the coalition's groups own, the "from" values elsewhere."""
    n = coalitions.shape[0]
    padded = np.concatenate([coalitions, np.zeros((n, 1), dtype=bool)], axis=1)  # column −1: nobody
    parts: dict[str, Array] = {}
    for name, va in a.arrays().items():
        vb = b.arrays()[name]
        owner = owners[name]
        if (owner < 0).all():
            parts[name] = va
            continue
        take_b = padded[:, owner]  # (n, *shape)
        parts[name] = np.where(take_b, vb[0], va[0])
    return Inputs(years=a.years, history_end=a.history_end, **parts)


def owners_for(
    a: Inputs, b: Inputs, masks: dict[str, dict[str, NDArray[np.bool_]]], groups: list[str]
) -> dict[str, NDArray[np.int64]]:
    owners: dict[str, NDArray[np.int64]] = {}
    for name, arr in a.arrays().items():
        owner = np.full(arr.shape[1:], -1, dtype=np.int64)
        for gi, g in enumerate(groups):
            if g in masks and name in masks[g]:
                owner[np.broadcast_to(masks[g][name], owner.shape)] = gi
        if ASSUMPTIONS in groups:
            owner[owner < 0] = groups.index(ASSUMPTIONS)
        owners[name] = owner
    return owners


def differing_groups(a: Inputs, b: Inputs, masks: dict[str, dict[str, NDArray[np.bool_]]]) -> list[str]:
    groups = []
    covered: dict[str, NDArray[np.bool_]] = {}
    for g in lever_table().group_ids:
        differs = False
        for name, mask in masks[g].items():
            va, vb = a.arrays()[name][0], b.arrays()[name][0]
            m = np.broadcast_to(mask, va.shape)
            covered[name] = covered.get(name, np.zeros(va.shape, dtype=bool)) | m
            differs |= not np.array_equal(va[m], vb[m], equal_nan=True)
        if differs:
            groups.append(g)
    for name, va in a.arrays().items():
        vb = b.arrays()[name][0]
        free = ~covered.get(name, np.zeros(va.shape[1:], dtype=bool))
        if not np.array_equal(va[0][free], vb[free], equal_nan=True):
            groups.append(ASSUMPTIONS)
            break
    return groups


def shapley_from_values(values: Array, k: int) -> Array:
    """Exact Shapley values (k, …) from the value of every coalition (2^k, …), coalition index = bit set."""
    idx = np.arange(2**k)
    size = np.array([bin(i).count("1") for i in idx])
    weight = np.array([factorial(s) * factorial(k - s - 1) / factorial(k) if s < k else 0.0 for s in size])
    out = np.empty((k, *values.shape[1:]))
    for i in range(k):
        without = idx[(idx >> i) & 1 == 0]
        diff = values[without | (1 << i)] - values[without]
        out[i] = np.tensordot(weight[without], diff, axes=1)
    return out


def attribute(
    scn_from: Scenario,
    scn_to: Scenario,
    plan: Plan | None,
    groups: Sequence[str] | None = None,
    order: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    inputs: tuple[Inputs, Inputs] | None = None,
    metric: str = "co2_total",
) -> Attribution:
    """Shapley attribution of CO2(to) − CO2(from), every year, to the lever groups that differ."""
    same = np.array_equal(scn_from.years, scn_to.years) and np.array_equal(
        scn_from.base.energy_tce, scn_to.base.energy_tce
    )
    if not same:
        problem = Problem(f"{scn_from.id} and {scn_to.id} differ", file=scn_to.source, field="base/years")
        raise ScenarioDataError([problem])
    a, b = inputs if inputs is not None else (scenario_inputs(scn_from, plan), scenario_inputs(scn_to, plan))
    masks = lever_masks(scn_from.base, len(a.years))
    found = differing_groups(a, b, masks)
    if groups is not None:
        known_ids = (*lever_table().group_ids, ASSUMPTIONS)
        unknown = [g for g in groups if g not in known_ids]
        if unknown:
            known = ", ".join(known_ids)
            raise InvalidInputError(f"unknown lever group(s) {', '.join(unknown)}; expected {known}")
        missing = [g for g in found if g not in groups]
        if missing:  # the values would not add up to the gap
            raise InvalidInputError(
                f"the scenarios also differ in {', '.join(missing)}; include them in --groups"
            )
        found = list(groups)
    k = len(found)
    engine = Engine.of(scn_from.base)
    idx = np.arange(2**k)
    coalitions = ((idx[:, None] >> np.arange(k)) & 1).astype(bool)
    owners = owners_for(a, b, masks, found)
    values = np.empty((2**k, len(a.years)))
    step = 256
    for lo in range(0, 2**k, step):
        hi = min(2**k, lo + step)
        values[lo:hi] = engine.run(coalition_inputs(a, b, owners, coalitions[lo:hi])).indicators[metric]
        if progress is not None:
            progress(hi, 2**k)
    phi = shapley_from_values(values, k)
    seq = list(order) if order else list(found)
    if sorted(seq) != sorted(found):
        raise InvalidInputError(f"--order must list exactly the groups {', '.join(found)}")
    wedges = np.empty((k, len(a.years)))
    bits = 0
    prev = values[0]
    for i, g in enumerate(seq):
        bits |= 1 << found.index(g)
        wedges[i] = values[bits] - prev
        prev = values[bits]
    return Attribution(scn_from.id, scn_to.id, found, a.years, values, phi, seq, wedges, 2**k, metric)
