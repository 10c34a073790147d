"""The plan schema: what a carbon peak implementation plan (碳达峰实施方案) is, as data.

Every model forbids unknown fields (``extra="forbid"``) so that a typo in a plan file is an error,
not a silently ignored key. Ids are English; names, titles, texts and quotes are the plan's own
Chinese words, verbatim. ``SCHEMA_VERSION`` is bumped on any incompatible change.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1

Id = str  # lower-case ASCII, digits, '_', '-', '.'; checked in checks.py
Comparator = Literal[">=", ">", "<=", "<", "=", "reduce_by", "increase"]
IndicatorKind = Literal["total", "share", "intensity", "count", "rate", "qualitative"]
UnitKind = Literal["office", "department", "branch", "township", "park", "enterprise", "collective"]
ProjectKind = Literal["project", "program", "direction"]

_ID_PATTERN = r"^[a-z0-9][a-z0-9_.\-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PlanMeta(_Model):
    """Who issued the plan, when, under which document number."""

    id: str = Field(pattern=_ID_PATTERN, description="short id of the plan, e.g. 'jinghai-2023'")
    schema_version: int = Field(description="version of this schema the file is written for")
    title: str = Field(description="title of the plan, verbatim")
    district: str = Field(description="the district, e.g. 天津市静海区")
    district_code: str | None = Field(None, description="administrative division code, e.g. 120118")
    document_number: str | None = Field(None, description="文号, e.g. 津静海政发〔2023〕11号")
    issuing_body: str = Field(description="发文机关")
    issue_date: dt.date = Field(description="成文日期")
    disclosure: str | None = Field(None, description="公开属性, e.g. 此件主动公开")
    base_year: int = Field(description="base year of the plan's reductions, usually 2020")
    source: str | None = Field(None, description="where the text of the plan was read")
    language: str = "zh-CN"


class ResponsibleUnit(_Model):
    """A 责任单位: a department, a township, a park, a grid company, or a collective such as 各乡镇园区."""

    id: str = Field(pattern=_ID_PATTERN)
    name: str = Field(description="name as the plan writes it, e.g. 区发改委")
    full_name: str | None = Field(None, description="full official name where the plan abbreviates")
    name_en: str | None = None
    kind: UnitKind
    aliases: list[str] = Field(default_factory=list, description="other spellings in the plan text")


class Action(_Model):
    """One of the ten 行动 of section 三, or section 四 / 五 treated as an action."""

    id: str = Field(pattern=_ID_PATTERN)
    clause: str = Field(description="e.g. 三.(一)")
    title: str
    title_en: str | None = None
    intro: str | None = Field(None, description="the action's opening paragraph, verbatim")
    note: str | None = None


class Indicator(_Model):
    """A target of the plan: quantified (value, unit, comparator, year) or qualitative.

    ``value``/``upper`` hold a range such as "2—3个" (value 2, upper 3). ``reduce_by`` means "比
    base_year 下降 value%" (value in percent). ``increase`` means higher than in ``base_year`` with no
    number given ("进一步增长", "有所增加"). A quantified target whose number is set elsewhere (e.g.
    "确保完成我市下达指标") has ``value: null`` and says so in ``note``.
    """

    id: str = Field(pattern=_ID_PATTERN)
    name: str = Field(description="Chinese name of the measured quantity")
    name_en: str | None = None
    kind: IndicatorKind
    value: float | None = None
    upper: float | None = Field(None, description="upper bound of a range target such as 2—3个")
    unit: str | None = Field(None, description="unit the value is in, parsed by carbonpeak.units")
    comparator: Comparator | None = None
    year: int = Field(description="target year")
    base_year: int | None = Field(None, description="base year of a reduce_by / increase target")
    base_value: float | None = Field(None, description="value in the base year where the plan gives it")
    aspirational: bool = Field(False, description="力争: a stretch target, not a binding one")
    cumulative: bool = Field(False, description="累计: counted over the period, not in the year")
    clause: str = Field(description="where in the plan, e.g. 三.(三).1 or 专栏9")
    quote: str = Field(description="the plan's own words for the target, verbatim")
    metric: str | None = Field(None, description="code of the quantity a model computes for it")
    responsible: list[str] = Field(
        default_factory=list, description="unit ids; empty means: the units of the tasks carrying it"
    )
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Indicator:
        if self.upper is not None and (self.value is None or self.upper < self.value):
            raise ValueError("upper needs a value and must not be below it")
        unexplained = self.value is None and self.comparator != "increase" and not self.note
        if self.kind != "qualitative" and unexplained:
            raise ValueError("a quantified indicator without value must say why in 'note'")
        if self.value is not None and self.comparator is None:
            raise ValueError("an indicator with a value needs a comparator")
        if self.comparator in ("reduce_by", "increase") and self.base_year is None:
            raise ValueError(f"comparator {self.comparator!r} needs base_year")
        return self


class Task(_Model):
    """A numbered task (e.g. 三.(一).1) with its 责任单位: the first named is the lead (牵头)."""

    id: str = Field(pattern=_ID_PATTERN)
    action: str = Field(description="id of the action the task belongs to")
    clause: str = Field(description="e.g. 三.(一).1")
    title: str = Field(description="the task's heading, verbatim")
    text: str = Field(description="the task's full text, verbatim")
    responsible_quote: str | None = Field(None, description="the 责任单位 list, verbatim")
    lead: str = Field(description="unit id of the lead unit (牵头单位)")
    support: list[str] = Field(default_factory=list, description="unit ids of supporting units (配合)")
    indicators: list[str] = Field(default_factory=list, description="ids of indicators the task carries")
    due_year: int | None = None
    note: str | None = Field(None, description="e.g. that the 责任单位 list ends with 等 (and others)")

    @property
    def responsible(self) -> list[str]:
        return [self.lead, *self.support]


class Project(_Model):
    """A key project (or programme, or development direction) of a 专栏 box."""

    id: str = Field(pattern=_ID_PATTERN)
    column: str = Field(description="the box, e.g. 专栏4")
    column_title: str | None = Field(None, description="title of the box, verbatim")
    category: str = Field(description="the bold heading inside the box, e.g. 光伏发电")
    name: str
    kind: ProjectKind = "project"
    capacity: float | None = None
    capacity_upper: float | None = None
    unit: str | None = None
    location: str | None = None
    task: str | None = Field(None, description="id of the related task")
    quote: str = Field(description="the plan's words for the project, verbatim")
    note: str | None = None


class Milestone(_Model):
    """A row of a timetable box (专栏8, 专栏9): a period and what is due by its end."""

    id: str = Field(pattern=_ID_PATTERN)
    column: str
    period: str = Field(description="the period as written, e.g. 2023—2025 年")
    start_year: int
    end_year: int
    due: dt.date | None = Field(None, description="explicit due date, e.g. 2025-12-31 for 2025年12月底")
    text: str = Field(description="the target, verbatim")
    task: str | None = None
    indicators: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _years(self) -> Milestone:
        if self.end_year < self.start_year:
            raise ValueError("end_year before start_year")
        return self


class Plan(_Model):
    """A whole plan file."""

    plan: PlanMeta
    units: list[ResponsibleUnit]
    actions: list[Action]
    indicators: list[Indicator]
    tasks: list[Task]
    projects: list[Project] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
