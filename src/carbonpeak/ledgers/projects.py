"""The 两高 project ledger (拟建/在建/存量 两高 projects): the project, its approvals and its disposal
category with the history of who set it and when. Vocabulary in ``data/two_high_ledger.yaml``."""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from carbonpeak.ledgers.enterprises import divisions, six_high_divisions, two_high_categories, uscc_problem
from carbonpeak.ledgers.errors import LedgerError
from carbonpeak.ledgers.report import ReportLine
from carbonpeak.ledgers.rules import rulebook


@functools.cache
def vocabulary() -> dict[str, Any]:
    path = resources.files("carbonpeak.ledgers").joinpath("data/two_high_ledger.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def label(kind: str, code: str, lang: str = "zh-CN") -> str:
    """The words for a stage, approval or disposal code (``kind`` = stages|approvals|disposals)."""
    return str(vocabulary()[kind][code]["zh" if lang == "zh-CN" else "en"])


def _one_of(kind: str, value: str) -> str:
    codes = vocabulary()[kind]
    if value in codes:
        return value
    by_label = {v["zh"]: k for k, v in codes.items()} | {v["en"]: k for k, v in codes.items()}
    if value in by_label:
        return str(by_label[value])
    raise ValueError(f"{value!r}: expected one of {'、'.join(v['zh'] for v in codes.values())}")


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    date: dt.date
    document_no: str = Field(min_length=1, max_length=120, description="文号")

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _one_of("approvals", value)


class DisposalChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str
    by: str = Field(min_length=1)
    at: dt.datetime
    note: str = ""

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return _one_of("disposals", value)


class TwoHighProject(BaseModel):
    """One project of the 两高 ledger."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    company_id: str = Field(description="统一社会信用代码 (GB 32100-2015)")
    company_name: str = Field(min_length=1, max_length=200)
    industry: str = Field(description="GB/T 4754-2017 code, 2–4 digits")
    location: str = Field(min_length=1, max_length=80, description="town or park (镇/街道/园区)")
    stage: str
    two_high_category: str | None = Field(None, description="MEE 环环评〔2021〕45号 category")
    product: str | None = None
    annual_output: float = Field(gt=0)
    output_unit: str = Field(min_length=1)
    energy: tuple[ReportLine, ...] = ()
    approvals: tuple[Approval, ...] = ()
    disposal: tuple[DisposalChange, ...] = ()
    equipment: tuple[str, ...] = Field(
        (), description="equipment it installs, in the plan's words (燃煤锅炉, 燃煤自备机组)"
    )
    illustrative: bool = False

    @field_validator("equipment")
    @classmethod
    def _equipment(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        names = tuple(v.strip() for v in value)
        if any(not n or len(n) > 60 for n in names):
            raise ValueError("expected equipment names of 1–60 characters, such as 燃煤锅炉")
        if len(set(names)) != len(names):
            raise ValueError("an equipment name is given twice")
        return names

    @field_validator("company_id")
    @classmethod
    def _uscc(cls, value: str) -> str:
        value = value.strip().upper()
        problem = uscc_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("industry")
    @classmethod
    def _industry(cls, value: str) -> str:
        code = value.strip().split(" ")[0]
        if not (code.isdigit() and 2 <= len(code) <= 4 and code[:2] in divisions()):
            raise ValueError(f"{value!r}: expected a GB/T 4754-2017 code of 2–4 digits such as 3130")
        return code

    @field_validator("stage")
    @classmethod
    def _stage(cls, value: str) -> str:
        return _one_of("stages", value)

    @field_validator("two_high_category")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        if value in (None, "", "无"):
            return None
        if value not in two_high_categories():
            raise ValueError(f"{value!r}: expected one of {'、'.join(two_high_categories())} or 无")
        return value

    @field_validator("product")
    @classmethod
    def _product(cls, value: str | None) -> str | None:
        if value in (None, "", "无", "无标杆"):
            return None
        if value not in rulebook().benchmarks:
            raise ValueError(f"{value!r}: expected a benchmark product or 无")
        return value

    @computed_field  # type: ignore[prop-decorator]
    @property
    def six_high(self) -> bool:
        return self.industry[:2] in six_high_divisions()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def disposal_category(self) -> str:
        return self.disposal[-1].category if self.disposal else "undecided"

    def dispose(self, category: str, by: str, at: dt.datetime, note: str = "") -> TwoHighProject:
        """The project with a new disposal category appended to its history (this one unchanged)."""
        if self.disposal and at < self.disposal[-1].at:
            raise LedgerError(f"{at.isoformat()} is before the last disposal change ({self.disposal[-1].at})")
        change = DisposalChange(category=category, by=by, at=at, note=note)
        return self.model_copy(update={"disposal": (*self.disposal, change)})


def department_may_see(department: str, project: TwoHighProject) -> bool:
    """Whether a department (the plan's unit id, e.g. ``dev_reform``) keeps this project's part of
    the ledger (data: ``departments``)."""
    scope = vocabulary()["departments"].get(department)
    return scope is not None and project.stage in scope["stages"]
