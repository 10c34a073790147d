"""Splitting a district target into member targets (协同分解) and checking that they add up.

Methods (docs/townships.md):

* ``base_share`` — a total split by each member's share of the base year: T_m = T · B_m / ΣB.
* ``equal_rate`` — every member moves from its base by the district's rate: for a total
  T_m = B_m · T / ΣB (for a total this equals ``base_share``); for a weighted level (forest cover)
  T_m = B_m · T / B̄ with B̄ = Σw·B / Σw; for a reduction (下降 x%) every member reduces by x.
* ``manual`` — the office enters each member's target.

Whatever the method, the roll-up of the member targets (sum, or mean weighted by ``weight``) must
equal the district's target within the rules' tolerance; every problem names the member row and
the field. Pure domain (NumPy), no SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field

from carbonpeak.errors import InvalidInputError, Problem

RULES_FILE = Path(__file__).parent / "data" / "quantities.yaml"
Method = Literal["base_share", "equal_rate", "manual"]
METHODS: dict[str, tuple[str, str]] = {
    "base_share": ("按基准年占比", "share of the base year"),
    "equal_rate": ("等比例", "equal rate"),
    "manual": ("逐项填报", "entered by hand"),
}


class Quantity(BaseModel):
    """A quantity a district target can be decomposed into (its unit, comparator and roll-up)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    name_en: str
    unit: str
    comparator: Literal[">=", "<=", "reduce_by"]
    aggregate: Literal["sum", "weighted"]
    weight: str | None = Field(None, description="what a weighted quantity is weighted by")
    metric: str | None = Field(None, description="the plan indicators' metric code of the quantity")
    dual: Literal["total", "intensity"] | None = Field(None, description="its part in carbon dual control")


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    source: str
    tolerance: float = Field(ge=0, lt=1e-3)
    quantities: dict[str, Quantity]


@cache
def rules() -> Rules:
    """The bundled decomposition rules (read once)."""
    return Rules.model_validate(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))


def quantity(code: str) -> Quantity:
    found = rules().quantities.get(code)
    if found is None:
        known = "、".join(rules().quantities)
        raise InvalidInputError(
            f"没有可分解的指标 {code!r}（可选：{known}）",
            message_en=f"no decomposable quantity {code!r}: expected one of {known}",
        )
    return found


@dataclass(frozen=True)
class MemberRow:
    """One member's line of a decomposition: base-year value, weight (weighted quantities) and, for
    ``manual``, the target entered. ``row`` is where the line came from (a sheet row, a form line)."""

    member: str
    base: float | None = None
    weight: float | None = None
    target: float | None = None
    row: int | None = None


@dataclass(frozen=True)
class MemberTarget:
    member: str
    base: float | None
    weight: float | None
    target: float


def rollup(q: Quantity, values: Sequence[float], weights: Sequence[float | None]) -> float:
    """The district figure the member values make: their sum, or their mean weighted by ``weights``."""
    v = np.asarray(values, dtype=float)
    if q.aggregate == "sum":
        return float(v.sum())
    w = np.asarray([np.nan if x is None else x for x in weights], dtype=float)
    return float((v * w).sum() / w.sum())


def adds_up(district: float, rolled: float) -> bool:
    return abs(rolled - district) <= rules().tolerance * max(1.0, abs(district))


def _p(message: str, message_en: str, row: int | None, field: str, file: str) -> Problem:
    return Problem(message, file=file, row=row, field=field, message_en=message_en)


def _row_problems(q: Quantity, method: str, rows: Sequence[MemberRow], file: str) -> list[Problem]:
    out: list[Problem] = []
    seen: set[str] = set()
    for i, r in enumerate(rows):
        at = r.row if r.row is not None else i + 1
        if r.member in seen:
            out.append(_p(f"成员 {r.member} 重复", f"member {r.member} twice", at, "member", file))
        seen.add(r.member)
        if method in ("base_share", "equal_rate") and (r.base is None or r.base < 0):
            out.append(
                _p("应填基准年数值（不小于0）", "expected the base-year value (>= 0)", at, "base", file)
            )
        if q.aggregate == "weighted" and (r.weight is None or r.weight <= 0):
            out.append(
                _p(
                    f"应填权重「{q.weight}」（大于0）",
                    f"expected the weight ({q.weight}, > 0)",
                    at,
                    "weight",
                    file,
                )
            )
        if method == "manual" and r.target is None:
            out.append(
                _p(
                    "逐项填报时应填分解目标",
                    "expected the member's target (method manual)",
                    at,
                    "target",
                    file,
                )
            )
        if method != "manual" and r.target is not None:
            out.append(
                _p(
                    "此方法由系统计算目标，不应填写",
                    "the method computes the target: leave it empty",
                    at,
                    "target",
                    file,
                )
            )
    return out


def decompose(
    code: str,
    method: str,
    district_target: float,
    rows: Sequence[MemberRow],
    file: str = "<decomposition>",
) -> list[MemberTarget]:
    """The member targets of ``district_target`` by ``method``; InvalidInputError with every problem
    located (member row, field) when an input is missing or the targets do not add up."""
    q = quantity(code)
    if method not in METHODS:
        raise InvalidInputError(
            [
                _p(
                    f"分解方法 {method!r} 无效（可选：{'、'.join(METHODS)}）",
                    f"method {method!r}: expected one of {', '.join(METHODS)}",
                    None,
                    "method",
                    file,
                )
            ]
        )
    if not rows:
        raise InvalidInputError([_p("没有成员", "no member", None, "members", file)])
    problems = _row_problems(q, method, rows, file)
    if method == "base_share" and q.aggregate != "sum":
        problems.append(
            _p(
                "按基准年占比只能分解总量；强度或比例请用等比例或逐项填报",
                "base_share splits a total; for an intensity or a share use equal_rate or manual",
                None,
                "method",
                file,
            )
        )
    if problems:
        raise InvalidInputError(
            problems, summary=f"分解有 {len(problems)} 处问题：", summary_en=f"{len(problems)} problem(s):"
        )
    weights = [r.weight for r in rows]
    if method == "manual":
        targets = np.asarray([r.target for r in rows], dtype=float)
    else:
        base = np.asarray([r.base for r in rows], dtype=float)
        if q.comparator == "reduce_by":
            targets = np.full(len(rows), district_target)
        elif q.aggregate == "sum":
            total = base.sum()
            if total <= 0:
                raise InvalidInputError(
                    [_p("基准年合计为0，无法按比例分解", "the base year adds up to 0", None, "base", file)]
                )
            targets = district_target * base / total
        else:
            mean = rollup(q, base.tolist(), weights)
            if mean <= 0:
                raise InvalidInputError(
                    [_p("基准年加权值为0，无法等比例分解", "the weighted base is 0", None, "base", file)]
                )
            targets = base * district_target / mean
    rolled = rollup(q, targets.tolist(), weights)
    if not adds_up(district_target, rolled):
        how = "合计" if q.aggregate == "sum" else f"按{q.weight}加权"
        got, want, diff = f"{rolled:g}", f"{district_target:g}", f"{rolled - district_target:+g}"
        zh = f"各成员目标{how}为 {got}{q.unit}，与全区目标 {want}{q.unit} 不符（差 {diff}）"
        en = f"the member targets roll up to {got} {q.unit}, not the district's {want} (difference {diff})"
        raise InvalidInputError([_p(zh, en, None, "target", file)])
    return [MemberTarget(r.member, r.base, r.weight, float(t)) for r, t in zip(rows, targets, strict=True)]
