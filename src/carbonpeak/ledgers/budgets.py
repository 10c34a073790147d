"""Energy budgets of key energy-using units (用能预算管理, 方案 三.(四).1): a yearly budget per unit
(tce on both bases and CO2) with its source document, the year-to-date use against it, the
projection to the year's end from the unit's seasonal profile, the alert level, and the district's
roll-up of budgets against the headroom (剩余空间).

Vectorized: every unit at once, arrays of units × 12 months (NaN for a month not reported). The
alert shares and the method are data (``data/budgets.yaml``) with their source."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from carbonpeak.ledgers.enterprises import uscc_problem
from carbonpeak.ledgers.errors import LedgerError
from carbonpeak.ledgers.headroom import Headroom

METRICS = ("tce_calorific", "tce_coal_substitution", "co2_total")


@functools.cache
def rules() -> dict[str, Any]:
    text = resources.files("carbonpeak.ledgers").joinpath("data/budgets.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def alert_levels(shares: Sequence[float] | None = None) -> list[dict[str, Any]]:
    """The alert levels, highest share first; ``shares`` (the setting) replaces the data's shares in
    order of size (the highest share is 超出预算, the others 预警)."""
    levels = [dict(level) for level in rules()["levels"]]
    if shares is None:
        return sorted(levels, key=lambda x: -float(x["share"]))
    ordered = sorted({float(s) for s in shares}, reverse=True)
    if not ordered or any(not 0 < s <= 10 for s in ordered):
        raise LedgerError(
            f"预警比例 {list(shares)}：须为 0 到 10 之间的正数",
            message_en="alert shares: positive numbers up to 10",
        )
    top, rest = levels[0], levels[1]
    return [{**top, "share": ordered[0]}] + [{**rest, "share": s} for s in ordered[1:]]


class EnergyBudget(BaseModel):
    """A unit's yearly energy budget and the document that set it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enterprise_id: str
    year: int = Field(ge=2000, le=2100)
    tce_calorific: float = Field(gt=0, description="budget, tce on the calorific basis (当量值)")
    tce_coal_substitution: float = Field(
        gt=0, description="budget, tce on the coal-substitution basis (等价值)"
    )
    co2_t: float = Field(gt=0, description="budget, tCO2")
    document: str = Field(min_length=1, max_length=200, description="the budget's document (文号 or title)")
    issued_on: dt.date | None = None
    note: str = Field("", max_length=2000)
    illustrative: bool = False

    @field_validator("enterprise_id")
    @classmethod
    def _uscc(cls, value: str) -> str:
        value = value.strip().upper()
        problem = uscc_problem(value)
        if problem:
            raise ValueError(problem)
        return value


def seasonal_profile(history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's share of the year's energy by month, from its past years.

    ``history``: units × years × 12 (NaN: not reported). A past year counts when all 12 months are
    reported and its total is positive; the profile is the mean of those years' monthly shares.
    Returns (profile units × 12, whether the profile is flat because the unit has no such year)."""
    if history.ndim != 3 or history.shape[-1] != 12:
        raise LedgerError(f"history shape {history.shape}: expected units × years × 12")
    totals = history.sum(axis=2)  # NaN where a month is missing
    complete = np.isfinite(totals) & (totals > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(complete[..., None], history / totals[..., None], 0.0)
    count = complete.sum(axis=1)
    flat = count == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        profile = shares.sum(axis=1) / np.where(flat, 1, count)[:, None]
    profile[flat] = 1.0 / 12.0
    return profile, flat


def project(current: np.ndarray, profile: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year to date, covered share of the year, year-end projection) of each unit: the months
    reported of ``current`` (units × 12, NaN not reported) divided by their share in the profile."""
    reported = np.isfinite(current)
    ytd = np.where(reported, current, 0.0).sum(axis=1)
    covered = np.where(reported, profile, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        projection = np.where(covered > 0, ytd / covered, np.nan)
    return ytd, covered, projection


def alert_codes(
    ytd: np.ndarray, projection: np.ndarray, budget: np.ndarray, levels: list[dict[str, Any]]
) -> np.ndarray:
    """The alert code of each unit: the highest level whose share of the budget the projection (or
    the year to date, if higher) reaches; ``within`` below every level."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.fmax(ytd, projection) / budget
    codes = np.full(len(budget), rules()["none"]["code"], dtype=object)
    for level in sorted(levels, key=lambda x: float(x["share"])):
        codes = np.where(share >= float(level["share"]), level["code"], codes)
    return codes


def progress(
    budgets: Sequence[EnergyBudget],
    current: dict[str, np.ndarray],
    history: dict[str, np.ndarray],
    levels: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """For each budget (same order): for every metric the year to date, the projection, the shares
    of the budget and the alert; the worst alert over the metrics. ``current[m]``: units × 12 of the
    budget year; ``history[m]``: units × years × 12 of the past years (both in budget order)."""
    levels = levels or alert_levels()
    rank = {level["code"]: i for i, level in enumerate(sorted(levels, key=lambda x: -float(x["share"])))}
    rank[rules()["none"]["code"]] = len(rank)
    budget_of = {
        "tce_calorific": np.array([b.tce_calorific for b in budgets], dtype="float64"),
        "tce_coal_substitution": np.array([b.tce_coal_substitution for b in budgets], dtype="float64"),
        "co2_total": np.array([b.co2_t for b in budgets], dtype="float64"),
    }
    out: list[dict[str, Any]] = [
        {"enterprise_id": b.enterprise_id, "year": b.year, "document": b.document} for b in budgets
    ]
    for metric in METRICS:
        profile, flat = seasonal_profile(history[metric])
        ytd, covered, projection = project(current[metric], profile)
        budget = budget_of[metric]
        codes = alert_codes(ytd, projection, budget, levels)
        months = np.isfinite(current[metric]).sum(axis=1)
        for i, row in enumerate(out):
            row[metric] = {
                "budget": float(budget[i]),
                "ytd": float(ytd[i]),
                "ytd_share": float(ytd[i] / budget[i]),
                "months": int(months[i]),
                "covered_share": float(covered[i]),
                "projection": None if np.isnan(projection[i]) else float(projection[i]),
                "projected_share": None if np.isnan(projection[i]) else float(projection[i] / budget[i]),
                "flat_profile": bool(flat[i]),
                "alert": str(codes[i]),
            }
    for row in out:
        row["alert"] = min((row[m]["alert"] for m in METRICS), key=lambda c: rank[c])
    return out


def rollup(
    budgets: Sequence[EnergyBudget], last_year: dict[str, float], headroom: Headroom | None
) -> dict[str, Any]:
    """The district's roll-up: the budgets' totals, the same units' use in the year before
    (``last_year``: metric → total of the units with a budget), the increase the budgets allow, and
    that increase against the remaining headroom (on the headroom's basis)."""
    totals = {
        "tce_calorific": sum(b.tce_calorific for b in budgets),
        "tce_coal_substitution": sum(b.tce_coal_substitution for b in budgets),
        "co2_total": sum(b.co2_t for b in budgets),
    }
    out: dict[str, Any] = {
        "units": len(budgets),
        "budget": totals,
        "last_year": dict(last_year),
        "increase": {m: totals[m] - last_year.get(m, 0.0) for m in METRICS},
        "headroom": None,
    }
    if headroom is not None:
        energy_key = "tce_calorific" if headroom.basis == "calorific" else "tce_coal_substitution"
        inc_e, inc_c = out["increase"][energy_key], out["increase"]["co2_total"]
        out["headroom"] = {
            "district": headroom.district,
            "target_year": headroom.target_year,
            "basis": headroom.basis,
            "allowed_energy_tce": headroom.allowed_energy_tce,
            "remaining_energy_tce": headroom.remaining_energy_tce,
            "remaining_co2_t": headroom.remaining_co2_t,
            "budget_share_of_allowed": totals[energy_key] / headroom.allowed_energy_tce,
            "increase_share_of_remaining_energy": (
                inc_e / headroom.remaining_energy_tce if headroom.remaining_energy_tce > 0 else None
            ),
            "increase_share_of_remaining_co2": (
                inc_c / headroom.remaining_co2_t if headroom.remaining_co2_t > 0 else None
            ),
            "within_energy": inc_e <= headroom.remaining_energy_tce,
            "within_co2": inc_c <= headroom.remaining_co2_t,
            "source": headroom.source,
            "illustrative": headroom.illustrative,
        }
    return out
