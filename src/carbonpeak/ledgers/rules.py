"""The data the energy review reads: rule editions with their effective dates, the benchmark table,
the plan's prohibitions. All shipped under ``data/`` with their sources; nothing here is a number."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

from carbonpeak.ledgers.enterprises import six_high_divisions
from carbonpeak.ledgers.errors import LedgerError
from carbonpeak.plan import Plan, Prohibition

__all__ = ["Edition", "Prohibition", "Rule", "RuleBook", "fuel_words", "prohibitions_of_plan", "rulebook"]

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
    fuel_words: dict[str, tuple[str, ...]]
    fuel_words_source: str

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
    """Prohibitions from plain data (``{source, prohibitions: [...]}``), in the plan's schema."""
    return tuple(Prohibition.model_validate(p) for p in data["prohibitions"]), str(data.get("source", ""))


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
        fuel_words={str(k): tuple(v) for k, v in rules["fuel_words"]["words"].items()},
        fuel_words_source=rules["fuel_words"]["source"],
    )


def fuel_words(fuels: Iterable[str]) -> tuple[str, ...]:
    """The plan's words (煤炭) for the catalogue fuels a project consumes (raw_coal, …), as the
    prohibitions name fuels (``fuel_words`` in data/review_rules.yaml)."""
    used = set(fuels)
    return tuple(w for w, codes in rulebook().fuel_words.items() if used & set(codes))


def prohibitions_of_plan(plan: Plan) -> tuple[Prohibition, ...]:
    """The plan's own prohibitions (plan schema 2) in the form the review reads: all of them as they
    are (industries, equipment, fuels: ``Prohibition.covers``) but one that covers every project
    classed 两高, which becomes a restriction on the six high-energy divisions (whether a project is
    两高 is the reviewer's determination, which the review flags but cannot make). A plan without
    prohibitions gives the shipped ``prohibitions.yaml``."""
    if not plan.prohibitions:
        return rulebook().prohibitions
    out = []
    for p in plan.prohibitions:
        if p.two_high:
            divisions = sorted(six_high_divisions())
            p = p.model_copy(update={"two_high": False, "industries": divisions, "effect": "restricts"})
        out.append(p)
    return tuple(out)
