"""The data the energy review reads: rule editions with their effective dates, the benchmark table,
the plan's prohibitions. All shipped under ``data/`` with their sources; nothing here is a number."""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from carbonpeak.ledgers.enterprises import six_high_divisions
from carbonpeak.ledgers.errors import LedgerError
from carbonpeak.plan import Plan

RuleKind = Literal[
    "prohibited_industry",
    "restricted_industry",
    "worse_than_baseline",
    "worse_than_benchmark",
    "headroom_share_above",
    "co2_share_above",
    "coal_above",
]
ResultCode = Literal["pass", "conditional", "reject"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Prohibition(_Model):
    """One prohibition or restriction of the plan (clause, verbatim text, GB/T 4754 code prefixes)."""

    clause: str
    text: str
    industries: tuple[str, ...] = Field(min_length=1)
    effect: Literal["forbids", "restricts"]

    def covers(self, industry: str) -> bool:
        return any(industry.startswith(prefix) for prefix in self.industries)


class Rule(_Model):
    kind: RuleKind
    result: ResultCode
    zh: str
    en: str
    source: str
    threshold: float | None = None


class Tier(_Model):
    tier: str
    min_energy_tce: float
    source: str


class Exemption(_Model):
    below: dict[Literal["energy_tce", "electricity_kwh", "coal_t"], float]
    source: str


class Edition(_Model):
    id: str
    title: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    basis: Literal["calorific", "coal_substitution"]
    exempt: Exemption
    tiers: tuple[Tier, ...]
    rules: tuple[Rule, ...]

    def tier_of(self, energy_tce: float) -> str:
        for tier in sorted(self.tiers, key=lambda t: -t.min_energy_tce):
            if energy_tce >= tier.min_energy_tce:
                return tier.tier
        return self.tiers[-1].tier


class Benchmark(_Model):
    product: str
    energy_unit: Literal["kgce", "kgoe", "kWh"]
    output_unit: str
    benchmark: float
    baseline: float
    note: str = ""


class RuleBook(_Model):
    """Everything the review reads, loaded once from ``data/``."""

    editions: tuple[Edition, ...]
    results: dict[str, dict[str, Any]]
    tier_labels: dict[str, dict[str, str]]
    coal_fuels: tuple[str, ...]
    coal_source: str
    benchmarks: dict[str, Benchmark]
    benchmark_source: str
    benchmark_edition: str
    kgce_per_kgoe: float
    prohibitions: tuple[Prohibition, ...]
    prohibitions_source: str

    def edition_on(self, day: dt.date) -> Edition:
        """The edition in force on ``day``."""
        for edition in self.editions:
            if edition.effective_from <= day and (
                edition.effective_to is None or day <= edition.effective_to
            ):
                return edition
        first = min(e.effective_from for e in self.editions)
        raise LedgerError(f"no energy-review rules in force on {day.isoformat()}; the rules start {first}")


def _data(name: str) -> Any:
    text = resources.files("carbonpeak.ledgers").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_prohibitions(data: Any) -> tuple[tuple[Prohibition, ...], str]:
    """Prohibitions from plain data (``{source, prohibitions: [...]}``)."""
    return tuple(Prohibition(**p) for p in data["prohibitions"]), str(data.get("source", ""))


@functools.cache
def rulebook() -> RuleBook:
    rules = _data("review_rules.yaml")
    bench = _data("benchmarks.yaml")
    prohibitions, p_source = load_prohibitions(_data("prohibitions.yaml"))
    return RuleBook(
        editions=tuple(Edition(**e) for e in rules["editions"]),
        results=rules["results"],
        tier_labels=rules["tier_labels"],
        coal_fuels=tuple(rules["coal_fuels"]["fuels"]),
        coal_source=rules["coal_fuels"]["source"],
        benchmarks={str(b["product"]): Benchmark(**b) for b in bench["products"]},
        benchmark_source=bench["source"],
        benchmark_edition=str(bench["edition"]),
        kgce_per_kgoe=float(bench["kgce_per_kgoe"]["value"]),
        prohibitions=prohibitions,
        prohibitions_source=p_source,
    )


def prohibitions_of_plan(plan: Plan) -> tuple[Prohibition, ...]:
    """The plan's own prohibitions (plan schema 2) in the form the review reads: those that name
    GB/T 4754 industries as they are; one that covers every project classed 两高 as a restriction on
    the six high-energy divisions (whether a project is 两高 is the reviewer's determination, which
    the review flags but cannot make). Prohibitions of equipment or fuels (燃煤锅炉, 耗煤项目) have no
    industry code and are not checked from a project file (docs/two-high.md). A plan without
    prohibitions gives the shipped ``prohibitions.yaml``."""
    if not plan.prohibitions:
        return rulebook().prohibitions
    out = []
    for p in plan.prohibitions:
        if p.industries:
            out.append(
                Prohibition(clause=p.clause, text=p.text, industries=tuple(p.industries), effect=p.effect)
            )
        elif p.two_high:
            divisions = tuple(sorted(six_high_divisions()))
            out.append(Prohibition(clause=p.clause, text=p.text, industries=divisions, effect="restricts"))
    return tuple(out)
