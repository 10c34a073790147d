"""LMDI-I decomposition (Ang 2005) of an aggregate that is a sum over groups of a product of factors.

V = Σ_g Π_k X_gk. Between years 0 and T the additive effect of factor k is

    ΔV_k = Σ_g L(V_g^T, V_g^0) · ln(X_gk^T / X_gk^0),   L(a, b) = (a − b) / (ln a − ln b),  L(a, a) = a,

and Σ_k ΔV_k = V^T − V^0 exactly (no residual). The multiplicative effect is
D_k = exp(ΔV_k / L(V^T, V^0)), and Π_k D_k = V^T / V^0 (Ang 2005, Energy Policy 33:867–871).

Zero values follow the analytical limits of Ang & Choi (1997) / Ang, Zhang & Choi (1998), as tabled in
Ang (2005) and Wood & Lenzen (2006): replacing a zero by δ and letting δ → 0,

* a group present in both years with no zero factor: the formula above;
* a group that appears (V_g^0 = 0, V_g^T > 0): its whole change V_g^T goes to the factor(s) that are
  zero in year 0 — split equally when several are (the limit of the small-value strategy with one δ
  for all of them) — and nothing to the other factors;
* a group that disappears (V_g^T = 0 < V_g^0): likewise −V_g^0 to the factor(s) zero in year T;
* a group zero in both years contributes nothing.

Negative factor values are not defined for LMDI and are rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from carbonpeak.scenarios.errors import Problem, ScenarioDataError

Array = NDArray[np.float64]


def logmean(a: Array, b: Array) -> Array:
    """The logarithmic mean L(a, b) elementwise; L(a, a) = a, L(a, 0) = L(0, b) = 0."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    out = np.zeros(np.broadcast(a, b).shape)
    pos = (a > 0) & (b > 0)
    aa, bb = np.broadcast_to(a, out.shape)[pos], np.broadcast_to(b, out.shape)[pos]
    rel = (aa - bb) / bb
    same = rel == 0.0
    # ln a − ln b: log1p((a − b)/b) when a and b are close (no cancellation), ln(a/b) otherwise
    close = np.abs(rel) < 0.5
    logdiff = np.where(close, np.log1p(np.where(close, rel, 0.0)), np.log(aa / bb))
    vals = np.where(same, aa, (aa - bb) / np.where(same, 1.0, logdiff))
    out[pos] = vals
    return out


@dataclass(frozen=True)
class Decomposition:
    """The result of one LMDI decomposition between two years."""

    factors: list[str]
    groups: list[str]
    year_from: int
    year_to: int
    v0: float
    v1: float
    additive: dict[str, float]
    multiplicative: dict[str, float | None]
    by_group: dict[str, dict[str, float]] = field(default_factory=dict)
    zero_groups: list[str] = field(default_factory=list)

    @property
    def total_change(self) -> float:
        return self.v1 - self.v0

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "LMDI-I (Ang 2005); zero values by the analytical limits of Ang & Choi (1997)",
            "from": self.year_from,
            "to": self.year_to,
            "factors": self.factors,
            "value_from": self.v0,
            "value_to": self.v1,
            "total_change": self.total_change,
            "ratio": (self.v1 / self.v0) if self.v0 > 0 else None,
            "additive": self.additive,
            "multiplicative": self.multiplicative,
            "groups": self.by_group,
            "groups_with_zero_values": self.zero_groups,
        }


def decompose_arrays(
    x0: Array,
    x1: Array,
    factors: Sequence[str],
    groups: Sequence[str],
    year_from: int = 0,
    year_to: int = 1,
) -> Decomposition:
    """Decompose with factor matrices ``x0``, ``x1`` shaped (groups, factors), all ≥ 0."""
    x0 = np.asarray(x0, dtype=np.float64)
    x1 = np.asarray(x1, dtype=np.float64)
    if x0.shape != x1.shape or x0.ndim != 2 or x0.shape != (len(groups), len(factors)):
        raise ValueError("x0 and x1 must both be shaped (groups, factors)")
    if (x0 < 0).any() or (x1 < 0).any() or not (np.isfinite(x0).all() and np.isfinite(x1).all()):
        raise ValueError("LMDI needs finite, non-negative factor values")
    v0g = x0.prod(axis=1)
    v1g = x1.prod(axis=1)
    w = logmean(v1g, v0g)  # 0 where a group is zero in either year
    both = (v0g > 0) & (v1g > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(both[:, None], np.log(np.where(both[:, None], x1 / x0, 1.0)), 0.0)
    eff = w[:, None] * logs
    # appearing / disappearing groups: the change goes to the factor(s) that are zero
    appear = (v0g == 0) & (v1g > 0)
    vanish = (v0g > 0) & (v1g == 0)
    for mask, zeros, change in ((appear, x0 == 0, v1g), (vanish, x1 == 0, -v0g)):
        if mask.any():
            z = zeros[mask].astype(np.float64)
            eff[mask] = z / z.sum(axis=1, keepdims=True) * change[mask, None]
    v0, v1 = float(v0g.sum()), float(v1g.sum())
    additive = eff.sum(axis=0)
    lm = float(logmean(np.array(v1), np.array(v0)))
    mult = np.exp(additive / lm) if lm > 0 else np.full(len(factors), np.nan)
    return Decomposition(
        factors=list(factors),
        groups=list(groups),
        year_from=year_from,
        year_to=year_to,
        v0=v0,
        v1=v1,
        additive={f: float(a) for f, a in zip(factors, additive, strict=True)},
        multiplicative={
            f: (float(m) if np.isfinite(m) else None) for f, m in zip(factors, mult, strict=True)
        },
        by_group={
            g: {
                "value_from": float(v0g[i]),
                "value_to": float(v1g[i]),
                **{f: float(eff[i, j]) for j, f in enumerate(factors)},
            }
            for i, g in enumerate(groups)
        },
        zero_groups=[g for i, g in enumerate(groups) if appear[i] or vanish[i]],
    )


def decompose_frame(
    frame: pd.DataFrame, year_from: int, year_to: int, source: str = "<data>"
) -> Decomposition:
    """Decompose a table with columns ``year, group`` and one column per factor."""
    problems: list[Problem] = []
    cols = [str(c).strip() for c in frame.columns]
    frame = frame.copy()
    frame.columns = pd.Index(cols)
    for needed in ("year", "group"):
        if needed not in cols:
            problems.append(
                Problem("missing column (expected: year, group, factors…)", file=source, field=needed)
            )
    factors = [c for c in cols if c not in ("year", "group")]
    if not factors:
        problems.append(Problem("no factor columns besides year and group", file=source))
    if problems:
        raise ScenarioDataError(problems)
    values: dict[str, Any] = {}
    for col in factors:
        num = pd.to_numeric(frame[col], errors="coerce")
        for idx in frame.index[num.isna() | (num < 0)]:
            problems.append(
                Problem(
                    f"expected a number ≥ 0, got {frame.at[idx, col]!r}",
                    file=source,
                    row=int(idx) + 2,
                    field=col,
                )
            )
        values[col] = num
    years = pd.to_numeric(frame["year"], errors="coerce")
    for idx in frame.index[years.isna()]:
        problems.append(
            Problem(
                f"expected a year, got {frame.at[idx, 'year']!r}", file=source, row=int(idx) + 2, field="year"
            )
        )
    for y in (year_from, year_to):
        if not (years == y).any():
            problems.append(Problem(f"no rows for year {y}", file=source, field="year"))
    dup = frame.assign(year=years).duplicated(["year", "group"], keep="first")
    for idx in frame.index[dup]:
        problems.append(
            Problem(
                f"duplicate group {frame.at[idx, 'group']!r}", file=source, row=int(idx) + 2, field="group"
            )
        )
    if problems:
        raise ScenarioDataError(problems)
    table = pd.DataFrame(values).assign(year=years.astype(int), group=frame["group"].astype(str))
    a = table[table.year == year_from].set_index("group")[factors]
    b = table[table.year == year_to].set_index("group")[factors]
    groups = sorted(set(a.index) | set(b.index), key=str)
    # a group missing in one year is a group with zero activity there: zero in every factor
    a = a.reindex(groups).fillna(0.0)
    b = b.reindex(groups).fillna(0.0)
    return decompose_arrays(
        a.to_numpy(np.float64), b.to_numpy(np.float64), factors, [str(g) for g in groups], year_from, year_to
    )


def decompose_csv(path: str | Path, year_from: int, year_to: int) -> Decomposition:
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype={"group": str})
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ScenarioDataError([Problem(f"cannot read CSV: {exc}", file=str(path))]) from exc
    return decompose_frame(frame, year_from, year_to, str(path))
