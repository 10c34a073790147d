"""Scenario files: YAML that inherits from another scenario and overrides assumptions and levers.

A file has ``id``, ``title``, ``inherits`` (a bundled scenario id or a path relative to the file),
``assumptions``, ``levers`` and ``uncertainty``. Inheritance is a deep merge: the child's keys
replace the parent's at the leaf level. The bundled files live in ``carbonpeak/scenarios/data``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from carbonpeak.scenarios.base_files import load_base
from carbonpeak.scenarios.base_year import FUELS, TECHS, BaseYear
from carbonpeak.scenarios.errors import Problem, ScenarioDataError, ScenarioNotFoundError
from carbonpeak.scenarios.lever_table import lever_table

BUNDLED_ORDER = ("bau", "plan", "enhanced")


class Years(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: int = 2020
    end: int = 2060


class ScenarioFile(BaseModel):
    """One scenario file as written (before inheritance)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    title: str
    title_en: str | None = Field(None, description="the title in English; default: the id")
    description: str = ""
    inherits: str | None = None
    illustrative: bool = False
    base: str | None = Field(None, description="base-year file (path); default: the bundled Jinghai base")
    years: Years | None = None
    assumptions: dict[str, Any] = Field(default_factory=dict)
    levers: dict[str, Any] = Field(default_factory=dict)
    uncertainty: dict[str, Any] = Field(default_factory=dict)


YearValues = dict[int, float]


class LeverSettings(BaseModel):
    """The settings of one lever (see docs/scenarios.md, "Levers and their plan indicators")."""

    model_config = ConfigDict(extra="forbid")
    from_plan: list[str] | str | None = None
    points: YearValues | None = None
    rates: YearValues | None = None
    shares: dict[str, dict[int, dict[str, float]]] | None = None
    mix: dict[str, float] | None = None
    enabled: bool = True


class Assumptions(BaseModel):
    """Key assumptions: growth rates by period and paths of the grid and coal-substitution factors."""

    model_config = ConfigDict(extra="forbid")
    gdp_growth: YearValues = Field(default_factory=dict)
    population_growth: YearValues = Field(default_factory=dict)
    activity_growth: dict[str, YearValues] = Field(default_factory=dict)
    grid_factor: YearValues = Field(default_factory=dict)
    grid_nonfossil_share: YearValues = Field(default_factory=dict)
    coal_rate: YearValues = Field(default_factory=dict)
    full_load_hours: dict[str, YearValues] = Field(default_factory=dict)


def _pydantic_problems(exc: ValidationError, file: str, prefix: str) -> list[Problem]:
    return [
        Problem(err["msg"], file=file, field=".".join([prefix, *(str(p) for p in err["loc"])]))
        for err in exc.errors()
    ]


def validate_merged(merged: Mapping[str, Any], base: BaseYear, file: str) -> list[Problem]:
    """Every problem of the resolved assumptions and levers, named by field."""
    lever_ids = lever_table().ids
    problems: list[Problem] = []
    try:
        assumptions = Assumptions.model_validate(merged.get("assumptions") or {})
    except ValidationError as exc:
        problems += _pydantic_problems(exc, file, "assumptions")
    else:
        for branch in assumptions.activity_growth:
            if branch not in base.branches:
                problems.append(
                    Problem("unknown branch", file=file, field=f"assumptions.activity_growth.{branch}")
                )
        for tech in assumptions.full_load_hours:
            if tech not in TECHS:
                problems.append(
                    Problem("unknown technology", file=file, field=f"assumptions.full_load_hours.{tech}")
                )
    for lid, settings in (merged.get("levers") or {}).items():
        where = f"levers.{lid}"
        if lid not in lever_ids:
            problems.append(
                Problem(f"unknown lever; expected one of {', '.join(lever_ids)}", file=file, field=where)
            )
            continue
        try:
            lever = LeverSettings.model_validate(settings or {})
        except ValidationError as exc:
            problems += _pydantic_problems(exc, file, where)
            continue
        for branch, by_year in (lever.shares or {}).items():
            if branch not in base.branches:
                problems.append(Problem("unknown branch", file=file, field=f"{where}.shares.{branch}"))
            for year, fuels in by_year.items():
                for fuel in fuels:
                    if fuel not in FUELS:
                        problems.append(
                            Problem("unknown fuel", file=file, field=f"{where}.shares.{branch}.{year}.{fuel}")
                        )
        for tech in lever.mix or {}:
            if tech not in TECHS:
                problems.append(Problem("unknown technology", file=file, field=f"{where}.mix.{tech}"))
    return problems


@dataclass
class Scenario:
    """A scenario with its inheritance resolved."""

    id: str
    title: str
    description: str
    illustrative: bool
    chain: list[str]
    base: BaseYear
    years: NDArray[np.int64]
    assumptions: dict[str, Any]
    levers: dict[str, Any]
    uncertainty: dict[str, Any]
    source: str
    raw: dict[str, Any] = field(default_factory=dict)
    title_en: str = ""

    def title_of(self, lang: str = "zh") -> str:
        """The title users read: the file's ``title``, or ``title_en`` in English (the id without one)."""
        return (self.title_en or self.id) if lang == "en" else self.title

    @property
    def reads_plan(self) -> bool:
        return any(isinstance(v, dict) and v.get("from_plan") for v in self.levers.values())


def bundled_dir() -> Path:
    return Path(str(resources.files("carbonpeak.scenarios").joinpath("data")))


def bundled_scenarios() -> dict[str, Path]:
    files = {p.stem: p for p in sorted(bundled_dir().glob("*.yaml"))}
    ordered = {k: files[k] for k in BUNDLED_ORDER if k in files}
    ordered.update({k: v for k, v in files.items() if k not in ordered})
    return ordered


def resolve_scenario_path(ref: str, relative_to: Path | None = None) -> Path:
    bundled = bundled_scenarios()
    if ref in bundled:
        return bundled[ref]
    candidates = [Path(ref)]
    if relative_to is not None:
        candidates.insert(0, relative_to.parent / ref)
    for path in candidates:
        if path.is_file():
            return path
    raise ScenarioNotFoundError(
        f"no scenario {ref!r}: not a bundled scenario ({', '.join(bundled) or 'none'}) and not a file"
    )


def deep_merge(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def read_file(path: Path) -> ScenarioFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioDataError([Problem(f"cannot read: {exc}", file=str(path))]) from exc
    if not isinstance(data, dict):
        raise ScenarioDataError([Problem("a scenario file is a mapping", file=str(path))])
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(err["msg"], file=str(path), field=".".join(str(p) for p in err["loc"]))
            for err in exc.errors()
        ]
        raise ScenarioDataError(problems) from exc


def load_scenario(
    ref: str | Path,
    activity: str | Path | None = None,
    macro: str | Path | None = None,
    base_year: int | None = None,
) -> Scenario:
    """Load a scenario by bundled id or path and resolve its inheritance chain. ``activity`` (and
    ``macro``, ``base_year``): the base year from the accounting inventory of these files; the
    projection then starts at that year."""
    path = resolve_scenario_path(str(ref))
    chain: list[tuple[Path, ScenarioFile]] = []
    seen: set[Path] = set()
    current: Path | None = path
    while current is not None:
        real = current.resolve()
        if real in seen:
            raise ScenarioDataError([Problem("inheritance cycle", file=str(current), field="inherits")])
        seen.add(real)
        file = read_file(current)
        chain.append((current, file))
        current = resolve_scenario_path(file.inherits, current) if file.inherits else None
    merged: dict[str, Any] = {}
    for _, file in reversed(chain):
        merged = deep_merge(merged, file.model_dump(exclude_unset=True))
    top_path, top = chain[0]
    base_ref = next((f.base for p, f in chain if f.base), None)
    base_path = None
    if base_ref is not None:
        owner = next(p for p, f in chain if f.base)
        base_path = owner.parent / base_ref if not Path(base_ref).is_absolute() else Path(base_ref)
    base = load_base(base_path, activity, macro, base_year)
    problems = validate_merged(merged, base, str(top_path))
    if problems:
        raise ScenarioDataError(problems)
    years_spec = Years.model_validate(merged.get("years") or {})
    if activity is not None:
        years_spec = years_spec.model_copy(update={"start": base.year})
    if years_spec.start != base.year or years_spec.end <= years_spec.start:
        raise ScenarioDataError(
            [
                Problem(
                    f"must start at the base year {base.year} and end after it",
                    file=str(top_path),
                    field="years",
                )
            ]
        )
    return Scenario(
        id=top.id,
        title=top.title,
        title_en=top.title_en or top.id,
        description=top.description,
        illustrative=bool(merged.get("illustrative", False)) or base.illustrative,
        chain=[f.id for _, f in chain],
        base=base,
        years=np.arange(years_spec.start, years_spec.end + 1, dtype=np.int64),
        assumptions=dict(merged.get("assumptions") or {}),
        levers=dict(merged.get("levers") or {}),
        uncertainty=dict(merged.get("uncertainty") or {}),
        source=str(top_path),
        raw=merged,
    )
