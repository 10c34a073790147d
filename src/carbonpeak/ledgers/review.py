"""The energy review (节能审查和碳排放评价) of proposed projects, vectorized over a batch.

Energy on both bases, CO2 and electricity come from ``compute.compute_lines`` (the accounting factor
sets, GB/T 2589-2020); coal is the sum of the coal fuels named in ``data/review_rules.yaml``. The
edition in force on each project's review date gives the exemption, the tier and the result rules;
the benchmark table and the plan's prohibitions are data too (``rules.rulebook``). The result is the
most severe result of the rules that fire (通过 when none does), with every reason and its source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.ledgers.compute import Method, compute_lines
from carbonpeak.ledgers.headroom import Headroom
from carbonpeak.ledgers.proposed import ProposedProject
from carbonpeak.ledgers.rules import Edition, Prohibition, Rule, RuleBook, fuel_words, rulebook
from carbonpeak.units import conversion_factor
from carbonpeak.units.display import number, percent, quantity


def _frame(projects: Sequence[ProposedProject]) -> pd.DataFrame:
    rows = [
        (i, p.start_year, line.fuel, line.catalogue_amount)
        for i, p in enumerate(projects)
        for line in p.energy
    ]
    frame = pd.DataFrame(rows, columns=["report", "year", "fuel", "amount"])
    return frame.astype({"report": "int64", "year": "int64", "amount": "float64"})


def figures(projects: Sequence[ProposedProject], method: Method | None = None) -> pd.DataFrame:
    """One row per project: tce on both bases, coal (t), CO2 (t), electricity (kWh), intensities,
    and the project's energy per unit of product in its benchmark's unit (NaN without one)."""
    book = rulebook()
    frame = _frame(projects)
    value_added = np.array([p.value_added or np.nan for p in projects], dtype="float64")
    out = compute_lines(frame, value_added, method)
    n = len(projects)
    coal = np.where(frame["fuel"].isin(book.coal_fuels).to_numpy(), frame["amount"].to_numpy(), 0.0)
    out["coal_t"] = np.bincount(frame["report"].to_numpy(), weights=coal, minlength=n)[:n]
    output = np.array([p.annual_output for p in projects], dtype="float64")
    out["tce_per_output"] = out["tce_calorific"].to_numpy() / output
    out["co2_per_output"] = out["co2_total"].to_numpy() / output
    with np.errstate(divide="ignore", invalid="ignore"):
        out["co2_per_10k_yuan"] = out["co2_total"].to_numpy() / value_added
    out["unit_energy"] = _unit_energy(projects, out, book)
    return out


def _unit_energy(projects: Sequence[ProposedProject], out: pd.DataFrame, book: RuleBook) -> np.ndarray:
    scale = np.full(len(projects), np.nan)
    numerator = np.zeros(len(projects))
    tce, kwh = out["tce_calorific"].to_numpy(), out["electricity_kwh"].to_numpy()
    for i, p in enumerate(projects):
        if p.product is None:
            continue
        bench = book.benchmarks[p.product]
        per = (
            1.0 if p.output_unit == bench.output_unit else conversion_factor(p.output_unit, bench.output_unit)
        )
        scale[i] = p.annual_output * per
        if bench.energy_unit == "kWh":
            numerator[i] = kwh[i]
        elif bench.energy_unit == "kgoe":
            numerator[i] = tce[i] * 1000.0 / book.kgce_per_kgoe
        else:
            numerator[i] = tce[i] * 1000.0
    result: np.ndarray = numerator / scale
    return result


def _masks(
    edition: Edition,
    table: pd.DataFrame,
    projects: Sequence[ProposedProject],
    headroom: Headroom | None,
    prohibitions: Sequence[Prohibition],
    book: RuleBook,
) -> list[tuple[Rule, np.ndarray, list[list[Prohibition]]]]:
    """For each rule of the edition, which projects it fires on (and the prohibition that matched)."""
    n = len(projects)
    energy = table["tce_calorific" if edition.basis == "calorific" else "tce_coal_substitution"].to_numpy()
    unit = table["unit_energy"].to_numpy()
    bench = np.array([np.nan] * n), np.array([np.nan] * n)
    for i, p in enumerate(projects):
        if p.product is not None:
            bench[0][i] = book.benchmarks[p.product].benchmark
            bench[1][i] = book.benchmarks[p.product].baseline
    out: list[tuple[Rule, np.ndarray, list[list[Prohibition]]]] = []
    hits = [
        [x for x in prohibitions if x.covers(p.industry, p.equipment, fuel_words(p.fuels))] for p in projects
    ]
    for rule in edition.rules:
        matched: list[list[Prohibition]] = [[] for _ in range(n)]
        if rule.kind in ("prohibited_industry", "restricted_industry"):
            # a forbidding clause supersedes a restricting one: a project is not both
            for i, found in enumerate(hits):
                forbids = [x for x in found if x.effect == "forbids"]
                matched[i] = forbids if rule.kind == "prohibited_industry" else ([] if forbids else found)
            mask = np.array([bool(m) for m in matched], dtype=bool)
        elif rule.kind == "worse_than_baseline":
            mask = np.nan_to_num(unit, nan=-np.inf) > np.nan_to_num(bench[1], nan=np.inf)
        elif rule.kind == "worse_than_benchmark":
            mask = (np.nan_to_num(unit, nan=-np.inf) > np.nan_to_num(bench[0], nan=np.inf)) & ~(
                np.nan_to_num(unit, nan=-np.inf) > np.nan_to_num(bench[1], nan=np.inf)
            )
        elif rule.kind == "headroom_share_above":
            mask = (
                np.zeros(n, dtype=bool)
                if headroom is None
                else _share(energy, headroom.remaining_energy_tce) > (rule.threshold or 0.0)
            )
        elif rule.kind == "co2_share_above":
            co2 = table["co2_total"].to_numpy()
            mask = (
                np.zeros(n, dtype=bool)
                if headroom is None
                else _share(co2, headroom.remaining_co2_t) > (rule.threshold or 0.0)
            )
        else:  # coal_above
            mask = table["coal_t"].to_numpy() > (rule.threshold or 0.0)
        out.append((rule, mask, matched))
    return out


def _share(amount: np.ndarray, remaining: float) -> np.ndarray:
    if remaining <= 0:
        return np.where(amount > 0, np.inf, 0.0)
    return amount / remaining


def review_many(
    projects: Sequence[ProposedProject],
    *,
    headroom: Headroom | None = None,
    prohibitions: Sequence[Prohibition] | None = None,
    today: dt.date | None = None,
    method: Method | None = None,
) -> list[dict[str, Any]]:
    """Review every project (each against the same headroom); one plain result per project."""
    book = rulebook()
    prohibitions = book.prohibitions if prohibitions is None else prohibitions
    today = today or dt.date.today()
    if not projects:
        return []
    table = figures(projects, method)
    days = [p.review_date or today for p in projects]
    editions = {e.id: e for e in (book.edition_on(d) for d in days)}
    fired: dict[str, list[tuple[Rule, np.ndarray, list[list[Prohibition]]]]] = {
        eid: _masks(e, table, projects, headroom, prohibitions, book) for eid, e in editions.items()
    }
    rows: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in table.to_dict("records")]
    results = []
    for i, (p, row, day) in enumerate(zip(projects, rows, days, strict=True)):
        edition = book.edition_on(day)
        results.append(_result(p, row, day, edition, fired[edition.id], i, headroom, book))
    return results


def review(project: ProposedProject, **kwargs: Any) -> dict[str, Any]:
    """``review_many`` of one project."""
    return review_many([project], **kwargs)[0]


def _num(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _result(
    p: ProposedProject,
    row: dict[str, Any],
    day: dt.date,
    edition: Edition,
    fired: list[tuple[Rule, np.ndarray, list[list[Prohibition]]]],
    i: int,
    headroom: Headroom | None,
    book: RuleBook,
) -> dict[str, Any]:
    energy = row["tce_calorific" if edition.basis == "calorific" else "tce_coal_substitution"]
    limits = {"energy_tce": energy, "electricity_kwh": row["electricity_kwh"], "coal_t": row["coal_t"]}
    exempt = all(limits[k] < v for k, v in edition.exempt.below.items())
    tier = "none" if exempt else edition.tier_of(energy)
    bench = book.benchmarks.get(p.product) if p.product else None
    share = co2_share = None
    if headroom is not None:
        share = _num(_share(np.array([energy]), headroom.remaining_energy_tce)[0])
        co2_share = _num(_share(np.array([row["co2_total"]]), headroom.remaining_co2_t)[0])
    words = {
        "value": number(row["unit_energy"]) if bench else "",
        "benchmark": number(bench.benchmark) if bench else "",
        "baseline": number(bench.baseline) if bench else "",
        "product": p.product or "",
        "energy": quantity(energy, "tce"),
        "co2": quantity(row["co2_total"], "tCO2"),
        "coal": quantity(row["coal_t"], "t"),
        "share": percent(None if share is None else share * 100.0),
        "remaining": "" if headroom is None else quantity(headroom.remaining_energy_tce, "tce"),
    }
    reasons: list[dict[str, Any]] = []
    for rule, mask, matched in fired:
        if not mask[i] or any(r["rule"] == rule.kind for r in reasons):
            continue  # of several thresholds of one kind the first that fires (strictest first in the data)
        # a prohibition rule gives one reason per clause that covers the project
        clauses: list[Prohibition | None] = list(matched[i]) or [None]
        for prohibition in clauses:
            extra = {"clause": prohibition.clause, "text": prohibition.text} if prohibition else {}
            if rule.kind == "co2_share_above" and headroom is not None:
                extra["remaining"] = quantity(headroom.remaining_co2_t, "tCO2")
            reasons.append(
                {
                    "rule": rule.kind,
                    "result": rule.result,
                    "zh": rule.zh.format(**{**words, **extra}),
                    "en": rule.en.format(**{**words, **extra}),
                    "source": rule.source,
                    "clause": prohibition.clause if prohibition else None,
                }
            )
    code: str = max(
        (str(r["result"]) for r in reasons), key=lambda c: book.results[c]["rank"], default="pass"
    )
    level = "none"
    if bench is not None:
        value = row["unit_energy"]
        level = (
            "baseline_not_met"
            if value > bench.baseline
            else "benchmark_met"
            if value <= bench.benchmark
            else "between"
        )
    return {
        "name": p.name,
        "industry": p.industry,
        "equipment": list(p.equipment),
        "industry_name": p.industry_name,
        "review_date": day.isoformat(),
        "edition": {
            "id": edition.id,
            "title": edition.title,
            "effective_from": edition.effective_from.isoformat(),
        },
        "result": code,
        "result_label": {"zh": book.results[code]["zh"], "en": book.results[code]["en"]},
        "reasons": reasons,
        "exempt": exempt,
        "exempt_rule": edition.exempt.source,
        "tier": tier,
        "tier_label": book.tier_labels[tier],
        "energy_tce": {
            "calorific": float(row["tce_calorific"]),
            "coal_substitution": float(row["tce_coal_substitution"]),
        },
        "coal_t": float(row["coal_t"]),
        "co2_t": float(row["co2_total"]),
        "co2_parts_t": {k: float(row[f"co2_{k}"]) for k in ("combustion", "electricity", "heat")},
        "electricity_kwh": float(row["electricity_kwh"]),
        "intensity": {
            "output_unit": p.output_unit,
            "tce_per_output": float(row["tce_per_output"]),
            "tco2_per_output": float(row["co2_per_output"]),
            "tce_per_10k_yuan": _num(row["tce_per_10k_yuan"]),
            "tco2_per_10k_yuan": _num(row["co2_per_10k_yuan"]),
        },
        "benchmark": None
        if bench is None
        else {
            "product": bench.product,
            "unit": f"{bench.energy_unit}/{bench.output_unit}",
            "value": float(row["unit_energy"]),
            "benchmark": bench.benchmark,
            "baseline": bench.baseline,
            "level": level,
            "source": book.benchmark_source,
            "edition": book.benchmark_edition,
        },
        "headroom": None
        if headroom is None
        else {
            "district": headroom.district,
            "target_year": headroom.target_year,
            "remaining_energy_tce": headroom.remaining_energy_tce,
            "remaining_co2_t": headroom.remaining_co2_t,
            "energy_share": share,
            "co2_share": co2_share,
            "effect": headroom.effect(energy, row["co2_total"]),
            "illustrative": headroom.illustrative,
            "source": headroom.source,
        },
        "method": {
            "fuels": {line.fuel: FUELS[line.fuel].name_zh for line in p.energy},
            "coal": book.coal_source,
        },
    }
