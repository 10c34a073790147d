"""Year paths of assumptions and levers: step rates by period, linear paths through points, and the
catch-up of a path from the latest observed year at the path's own pace (decision note 0212)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def by_year(spec: Mapping[Any, Any] | None) -> dict[int, Any]:
    """A year-keyed mapping of a scenario file with int keys."""
    return {int(k): v for k, v in (spec or {}).items()}


def step_rates(years: NDArray[np.int64], rates: Mapping[int, float], default: float = 0.0) -> Array:
    """Per-year rate: the rate of key K applies to the years after the previous key up to K; after the
    last key the last rate continues. Element 0 (the base year) is 0."""
    if not rates:
        out = np.full(len(years), default, dtype=np.float64)
    else:  # the first key at or after each year; after the last key, the last
        keys = np.array(sorted(rates))
        values = np.array([float(rates[int(k)]) for k in keys])
        out = values[np.minimum(np.searchsorted(keys, years, side="left"), len(keys) - 1)]
    out[0] = 0.0
    return out


def path_points(
    years: NDArray[np.int64], base_value: float, points: Mapping[int, float] | Mapping[float, float]
) -> Array:
    """Linear path through (first year, ``base_value``) and the points, held after the last point.
    Points at or before the first year are history (observed, or a later ``--base-year``) and are
    left out. Point years may be fractional (a target reached during a year, see ``catch_up``)."""
    points = {float(k): float(v) for k, v in points.items() if float(k) > float(years[0])}
    if not points:
        return np.full(len(years), base_value, dtype=np.float64)
    xs = [float(years[0]), *sorted(points)]
    ys = [base_value, *(points[k] for k in sorted(points))]
    return np.interp(years, xs, ys)


def catch_up(
    points: Mapping[int, float], base_year: int, base_value: float, start_year: int, start_value: float
) -> dict[float, float]:
    """The points of a lever path as reached from the latest observed year (decision note 0212).

    The path leaves (``start_year``, ``start_value``) and never moves faster than the steepest pace
    the path itself sets between its points (from (``base_year``, ``base_value``)); a point the pace
    cannot reach by its year is reached later, at the year the pace allows, and the later points keep
    their years where that pace reaches them. A point the observed values have already passed (in
    the direction the path moves towards it) is left out: the path holds, it does not move back.
    With no observed years after the base year (``start_year == base_year``) no point moves."""
    keys = sorted(k for k in points if k > base_year)
    xs = [float(base_year), *(float(k) for k in keys)]
    vs = [base_value, *(float(points[k]) for k in keys)]
    pace = max((abs(vs[i + 1] - vs[i]) / (xs[i + 1] - xs[i]) for i in range(len(keys))), default=0.0)
    out: dict[float, float] = {}
    x, v = float(start_year), start_value
    for i, k in enumerate(keys):
        if k <= start_year:
            continue
        target = float(points[k])
        heading = target - vs[i]  # the direction the path moves towards this point
        if heading * (target - v) < 0:
            continue  # already passed in the observed years: hold, do not move back
        need = abs(target - v) / pace if pace > 0 else 0.0
        x = max(float(k), x + need)
        v = target
        out[x] = v
    return out


def interp_rows(years: NDArray[np.int64], xs: Array, rows: Array) -> Array:
    """``np.interp`` of every column of ``rows`` (len(xs), K) at ``years`` at once, (len(years), K):
    linear between the points ``xs`` (increasing), held before the first and after the last."""
    if len(xs) == 1:
        return np.broadcast_to(rows[0], (len(years), rows.shape[1])).copy()
    x = np.clip(years.astype(np.float64), xs[0], xs[-1])
    i = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, len(xs) - 2)
    w = ((x - xs[i]) / (xs[i + 1] - xs[i]))[:, None]
    return rows[i] * (1.0 - w) + rows[i + 1] * w
