"""The lever table (``data/levers/levers.yaml``): every policy lever as data, validated with pydantic.

A lever has an id, a ``kind`` (the rule that turns its values into engine inputs, see
:mod:`carbonpeak.scenarios.lever_kinds`), the engine ``input`` it owns, the ``unit`` of its values,
the plan ``metric`` it reads, its Shapley ``group``, names and meaning in Chinese and English, and
optionally the ``push`` that ``scenario seek`` searches over and the explorer's sliders apply. Every
unit is parsed by :mod:`carbonpeak.units` and every conversion (slider display unit → push unit →
engine input) is derived from it when the table is loaded, which is the first time it is asked for.
The table's ``defaults`` are business figures with their source and version.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from carbonpeak.errors import InvalidInputError
from carbonpeak.scenarios.base_year import TECHS
from carbonpeak.scenarios.engine import INPUT_UNITS
from carbonpeak.scenarios.errors import Problem, ScenarioDataError
from carbonpeak.units import UnitError, conversion_factor, parse_unit

LEVER_FILE = "levers.yaml"
Kind = Literal["intensity", "shares", "target_share", "capacity", "path", "shift", "target_gas", "reduction"]
KIND_NAMES: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
# kind → (engine inputs it may own, the unit its values convert to; "input" = the input's own unit)
KIND_RULES: dict[str, tuple[tuple[str, ...], str]] = {
    "intensity": (("intensity",), "1/year"),  # annual rates of improvement
    "shares": (("share",), "input"),
    "target_share": (("elec_target",), "input"),
    "capacity": (("capacity",), "input"),
    "path": (("storage", "forest"), "input"),
    "shift": (("freight_shift",), "input"),
    "target_gas": (("gas_target",), "m**3"),  # a gas volume, converted through the gas fuel's tce
    "reduction": (("process_index",), "input"),
}
SECTOR_KINDS = ("intensity", "shares")  # kinds that act on the branches of one sector


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Words(Strict):
    """A text in Chinese (shown first) and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def of(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Slider(Strict):
    """The explorer's slider: 0 … ``max`` in steps of ``step``, shown in ``unit`` (``unit_en``)."""

    max: float = Field(gt=0)
    step: float = Field(gt=0)
    unit: str
    unit_en: str


class Push(Strict):
    """An extra push on top of a scenario, in ``unit``; ``upper`` is the default upper bound of the
    goal seek. A capacity push adds to ``technology``."""

    unit: str
    upper: float = Field(gt=0)
    meaning: Words
    technology: str | None = None
    slider: Slider | None = None

    def slider_factor(self) -> float:
        """The slider value (display unit) → the push unit."""
        if self.slider is None:
            raise ValueError("this push has no slider")
        return conversion_factor(self.slider.unit, self.unit)


class Lever(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Kind
    input: str
    sector: str | None = None
    unit: str
    metric: str | None
    group: str = ""
    name: Words
    meaning: Words
    push: Push | None = None

    @property
    def group_id(self) -> str:
        """The Shapley group: ``group``, default the lever's own id."""
        return self.group or self.id

    @property
    def value_unit(self) -> str:
        """The unit the lever's values are converted to for the engine (see ``KIND_RULES``)."""
        target = KIND_RULES[self.kind][1]
        return INPUT_UNITS[self.input] if target == "input" else target

    @model_validator(mode="after")
    def _consistent(self) -> Lever:
        inputs, _ = KIND_RULES[self.kind]
        if self.input not in inputs:
            raise ValueError(f"a {self.kind} lever owns one of {', '.join(inputs)}, not {self.input!r}")
        if (self.kind in SECTOR_KINDS) != (self.sector is not None):
            raise ValueError(
                f"sector is {'required' if self.kind in SECTOR_KINDS else 'not used'} for {self.kind}"
            )
        if self.kind == "capacity" and self.push is not None and self.push.technology not in TECHS:
            raise ValueError(f"push.technology must be one of {', '.join(TECHS)}")
        return self


class Default(Strict):
    value: Any
    source: str = Field(min_length=1)
    version: str = Field(min_length=1)


class Defaults(Strict):
    peak_by_year: Default
    renewable_mix: Default


class LeverTable(Strict):
    version: str
    source: str
    defaults: Defaults
    levers: tuple[Lever, ...]

    @model_validator(mode="after")
    def _unique(self) -> LeverTable:
        ids = [lever.id for lever in self.levers]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"lever ids must be unique: {', '.join(twice)}")
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(lever.id for lever in self.levers)

    @property
    def group_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(lever.group_id for lever in self.levers))

    @property
    def pushable(self) -> tuple[Lever, ...]:
        return tuple(lever for lever in self.levers if lever.push is not None)

    @property
    def sliders(self) -> tuple[Lever, ...]:
        return tuple(lever for lever in self.pushable if lever.push and lever.push.slider)

    def get(self, lever_id: str) -> Lever | None:
        return next((lever for lever in self.levers if lever.id == lever_id), None)

    def renewable_mix(self) -> dict[str, float]:
        return {str(k): float(v) for k, v in dict(self.defaults.renewable_mix.value).items()}

    def peak_by_year(self) -> int:
        return int(self.defaults.peak_by_year.value)


def _unit_problems(table: LeverTable, file: str) -> list[Problem]:
    """Every unit parses, the lever's values convert to what its kind needs, a push converts to the
    engine input and a slider's display unit to the push unit."""
    problems = []
    for i, lever in enumerate(table.levers):
        where = f"levers.{i}"
        checks = [("unit", lever.unit, lever.value_unit)]
        if lever.push is not None:
            checks.append(("push.unit", lever.push.unit, lever.value_unit))
            if lever.push.slider is not None:
                checks.append(("push.slider.unit", lever.push.slider.unit, lever.push.unit))
        for field, unit, target in checks:
            try:
                parse_unit(unit)
                conversion_factor(unit, target)
            except UnitError as exc:
                problems.append(Problem(f"{lever.id}: {exc}", file=file, field=f"{where}.{field}"))
    return problems


def parse_lever_table(data: Any, file: str = LEVER_FILE) -> LeverTable:
    """Validate a parsed lever table; every problem is reported with its field."""
    try:
        table = LeverTable.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(err["msg"], file=file, field=".".join(str(p) for p in err["loc"])) for err in exc.errors()
        ]
        raise ScenarioDataError(problems) from exc
    problems = _unit_problems(table, file)
    if problems:
        raise ScenarioDataError(problems)
    return table


@functools.cache
def lever_table() -> LeverTable:
    """The bundled lever table, read and validated on first use."""
    text = (
        resources.files("carbonpeak.scenarios")
        .joinpath(f"data/levers/{LEVER_FILE}")
        .read_text(encoding="utf-8")
    )
    return parse_lever_table(yaml.safe_load(text))


def lever(lever_id: str) -> Lever:
    """The lever ``lever_id`` of the bundled table, or an error naming the known ids."""
    found = lever_table().get(lever_id)
    if found is None:
        raise InvalidInputError(f"unknown lever {lever_id!r}; expected one of {', '.join(lever_table().ids)}")
    return found
