"""The plan schema: what a carbon peak implementation plan (碳达峰实施方案) is, as data.

Every model forbids unknown fields (``extra="forbid"``) so that a typo in a plan file is an error,
not a silently ignored key. Ids are English; names, titles, texts and quotes are the plan's own
Chinese words, verbatim. ``SCHEMA_VERSION`` is bumped on any incompatible change; a file of an
older version is upgraded on reading (``carbonpeak.plan.upgrade``). Schema 2 says *how* the plan means
a target: over which years it holds, whether the higher level sets it, and with what strength.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 2

Id = str  # lower-case ASCII, digits, '_', '-', '.'; checked in checks.py
Comparator = Literal[">=", ">", "<=", "<", "=", "reduce_by", "increase"]
IndicatorKind = Literal["total", "share", "intensity", "count", "rate", "qualitative"]
UnitKind = Literal["office", "department", "branch", "township", "street", "park", "enterprise", "collective"]
# The kinds a member of a collective unit (各乡镇街道园区 …) can have: 乡镇, 街道, 园区.
MemberKind = Literal["township", "street", "park"]
ProjectKind = Literal["project", "program", "direction"]
# How firmly the plan commits: the modal word of the sentence (确保/力争/原则上/鼓励/支持/研究/试点).
Strength = Literal["ensure", "strive", "in_principle", "encourage", "support", "study", "pilot"]
STRENGTH_WORDS: dict[str, str] = {
    "ensure": "确保",
    "strive": "力争",
    "in_principle": "原则上",
    "encourage": "鼓励",
    "support": "支持",
    "study": "研究",
    "pilot": "试点",
}
# in_year: at the target year; every_year: in each year start_year..year; from_year: every year from
# ``year`` on (a standing rule without an end).
Holds = Literal["in_year", "every_year", "from_year"]
# Who sets a value (or base) the plan leaves to the higher level: 市下达 (city) or 国家规定 (national).
AssignedBy = Literal["city", "national"]
Effect = Literal["forbids", "restricts"]
# 新建/建设, 改造, 扩建 (enlarging what exists), 试点, 研究.
ProjectWork = Literal["new_build", "retrofit", "expansion", "pilot", "study"]

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
    division_code: str | None = Field(
        None,
        pattern=r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$",
        description="统计用区划代码 (6, 9 or 12 digits), only where a source gives it",
    )
    quote: str | None = Field(None, description="the plan's words that name the unit, verbatim")


class Action(_Model):
    """One of the ten 行动 of section 三, or section 四 / 五 treated as an action."""

    id: str = Field(pattern=_ID_PATTERN)
    clause: str = Field(description="e.g. 三.(一)")
    title: str
    title_en: str | None = None
    intro: str | None = Field(None, description="the action's opening paragraph, verbatim")
    note: str | None = None


class Assignment(_Model):
    """A target whose value the higher level sets (完成市下达目标, 达到国家规定标准).

    The plan file says only ``by``; the office enters the value later in ``value`` of the indicator
    together with the document (文号) and date that assigned it.
    """

    by: AssignedBy = Field(description="city: 市下达; national: 国家规定")
    base_year: int | None = Field(None, description="the base year the higher level sets, when entered")
    document: str | None = Field(None, description="the document that set the value, e.g. its 文号")
    date: dt.date | None = Field(None, description="the date of that document")


class Indicator(_Model):
    """A target of the plan: quantified (value, unit, comparator, year) or qualitative.

    ``value``/``upper`` hold a range such as "2—3个" (value 2, upper 3). ``reduce_by`` means "比
    base_year 下降 value%" (value in percent). ``increase`` means higher than in ``base_year`` with no
    number given ("进一步增长", "有所增加"). A quantified target whose number the higher level sets
    (e.g. "确保完成我市下达指标") has ``assigned`` and ``value: null`` until the office enters it.
    ``holds`` says over which years the target must hold; ``strength`` is the plan's modal word.
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
    holds: Holds = Field("in_year", description="in_year, every_year (start_year..year) or from_year")
    start_year: int | None = Field(None, description="first year of an every_year target")
    assigned: Assignment | None = Field(None, description="the value is set by the higher level")
    strength: Strength | None = Field(None, description="确保/力争/…: how firmly the plan commits")
    cumulative: bool = Field(False, description="累计: counted over the period, not in the year")
    clause: str = Field(description="where in the plan, e.g. 三.(三).1 or 专栏9")
    quote: str = Field(description="the plan's own words for the target, verbatim")
    metric: str | None = Field(None, description="code of the quantity a model computes for it")
    responsible: list[str] = Field(
        default_factory=list, description="unit ids; empty means: the units of the tasks carrying it"
    )
    note: str | None = None

    @property
    def aspirational(self) -> bool:
        """力争: a stretch target, not a binding one."""
        return self.strength == "strive"

    @property
    def pending(self) -> bool:
        """Set by the higher level and not entered yet (待下达)."""
        return self.assigned is not None and self.value is None

    def holds_in(self, year: int) -> bool:
        """Must the target hold in ``year`` itself (every_year / from_year)?"""
        if self.holds == "every_year":
            return (self.start_year or self.year) <= year <= self.year
        if self.holds == "from_year":
            return year >= self.year
        return year == self.year

    @model_validator(mode="after")
    def _shape(self) -> Indicator:
        if self.upper is not None and (self.value is None or self.upper < self.value):
            raise ValueError("upper needs a value and must not be below it")
        unexplained = self.value is None and self.comparator != "increase" and not self.note
        if self.kind != "qualitative" and unexplained and self.assigned is None:
            raise ValueError(
                "a quantified indicator without value needs 'assigned' or must say why in 'note'"
            )
        if self.value is not None and self.comparator is None:
            raise ValueError("an indicator with a value needs a comparator")
        if self.comparator == "increase" and self.base_year is None:
            raise ValueError("comparator 'increase' needs base_year")
        if self.comparator == "reduce_by" and self.base_year is None and self.assigned is None:
            raise ValueError(
                "comparator 'reduce_by' needs base_year (or 'assigned', the higher level sets it)"
            )
        if self.holds == "every_year" and (self.start_year is None or self.start_year > self.year):
            raise ValueError("holds every_year needs start_year, not after year")
        if self.holds != "every_year" and self.start_year is not None:
            raise ValueError("start_year belongs to holds every_year")
        entered = self.assigned is not None and self.value is not None
        if entered and (self.assigned.document is None or self.assigned.date is None):  # type: ignore[union-attr]
            raise ValueError("an assigned value needs assigned.document and assigned.date")
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
    strength: Strength | None = Field(None, description="确保/力争/鼓励/…: how firmly the plan commits")
    note: str | None = Field(None, description="e.g. that the 责任单位 list ends with 等 (and others)")

    @property
    def responsible(self) -> list[str]:
        return [self.lead, *self.support]


class ProjectPart(_Model):
    """A named sub-project of a programme (e.g. one plant of a 循环经济 programme)."""

    id: str = Field(pattern=_ID_PATTERN)
    name: str = Field(description="the part's name, verbatim")
    capacity: float | None = None
    capacity_upper: float | None = None
    unit: str | None = None
    location: str | None = None
    note: str | None = None


class Project(_Model):
    """A key project (or programme, or development direction) of a 专栏 box.

    Its status and dates are kept by the ledgers (``carbonpeak.ledgers``), not in the plan.
    """

    id: str = Field(pattern=_ID_PATTERN)
    column: str = Field(description="the box, e.g. 专栏4")
    column_title: str | None = Field(None, description="title of the box, verbatim")
    category: str = Field(description="the bold heading inside the box, e.g. 光伏发电")
    name: str
    kind: ProjectKind = "project"
    work: ProjectWork | None = Field(None, description="new_build, retrofit, expansion, pilot or study")
    strength: Strength | None = None
    capacity: float | None = None
    capacity_upper: float | None = None
    unit: str | None = None
    investment: float | None = Field(None, description="investment where the plan gives it")
    investment_unit: str | None = Field(None, description="unit of the investment, e.g. 亿元")
    location: str | None = None
    task: str | None = Field(None, description="id of the related task")
    parts: list[ProjectPart] = Field(default_factory=list, description="named sub-projects")
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
    projects: list[str] = Field(default_factory=list, description="ids of the projects it schedules")

    @model_validator(mode="after")
    def _years(self) -> Milestone:
        if self.end_year < self.start_year:
            raise ValueError("end_year before start_year")
        return self


class Prohibition(_Model):
    """A prohibition or constraint of the plan (禁止新增…产能, 严禁审批新建“两高”项目, 严格控制…).

    ``industries`` are GB/T 4754-2017 code prefixes (a project whose industry code starts with one is
    covered), ``equipment`` and ``fuels`` the equipment and fuels it names. ``effect`` forbids (a
    proposed project it covers is refused, 不予通过) or restricts (allowed under strict control).
    """

    id: str = Field(pattern=_ID_PATTERN)
    clause: str = Field(description="e.g. 三.(一).3")
    text: str = Field(description="the plan's sentence, verbatim")
    effect: Effect
    industries: list[str] = Field(default_factory=list, description="GB/T 4754-2017 code prefixes")
    two_high: bool = Field(False, description="covers only projects classed 两高")
    equipment: list[str] = Field(default_factory=list, description="equipment it names, verbatim")
    fuels: list[str] = Field(default_factory=list, description="fuels it names, e.g. 煤炭")
    task: str | None = Field(None, description="id of the task whose text holds it")
    note: str | None = None

    def covers(
        self,
        industry: str | None = None,
        equipment: Sequence[str] = (),
        fuels: Sequence[str] = (),
        two_high: bool = False,
    ) -> bool:
        """Does the rule cover a project of GB/T 4754 code ``industry`` that names ``equipment`` and
        consumes ``fuels`` (in the plan's words, e.g. 煤炭)? By industry: the code starts with one of the
        rule's prefixes (a 两高-only rule: and the project is 两高; with no prefixes, every 两高 project);
        by equipment or fuel: the project names one the rule names, verbatim. The one coverage rule:
        ``covering_prohibitions``, the energy review and tracking's findings all call it."""
        code = (industry or "").strip()
        by_industry = bool(code) and any(code.startswith(p) for p in self.industries)
        if self.two_high:
            by_industry = two_high and (by_industry or not self.industries)
        by_equipment = any(e.strip() in self.equipment for e in equipment)
        by_fuel = any(f.strip() in self.fuels for f in fuels)
        return by_industry or by_equipment or by_fuel

    @model_validator(mode="after")
    def _covers(self) -> Prohibition:
        if not (self.industries or self.equipment or self.fuels or self.two_high):
            raise ValueError("a prohibition covers industries, equipment, fuels or 两高 projects")
        for code in self.industries:
            if not (code.isdigit() and 2 <= len(code) <= 4):
                raise ValueError(f"industry {code!r}: expected a GB/T 4754 code of 2 to 4 digits")
        return self


class Collective(_Model):
    """Who a collective unit of the plan (各乡镇园区, 各乡镇街道园区 …) stands for: every member of the
    given kinds, plus the units listed by id. Declared by the office (a companion file or the plan)."""

    unit: str = Field(description="id of a unit of kind collective")
    kinds: list[MemberKind] = Field(default_factory=list, description="every member of these kinds")
    members: list[str] = Field(default_factory=list, description="further unit ids, e.g. departments")
    note: str | None = None


class Members(_Model):
    """The members of the plan's collective units: the towns, streets and parks (added to ``units``
    on loading) and which of them each collective stands for. ``complete`` stays false until the
    office has listed every member; an incomplete list is shown as such."""

    complete: bool = Field(False, description="the office has listed every member")
    source: str | None = Field(None, description="where the list comes from")
    note: str | None = None
    units: list[ResponsibleUnit] = Field(
        default_factory=list, description="members that are not units of the plan already"
    )
    collectives: list[Collective] = Field(default_factory=list)
    supervised_by: dict[str, str] = Field(
        default_factory=dict,
        description="member id → the unit that supervises it (e.g. a park's 管委会): that unit's accounts "
        "see and review the member's values",
    )


class Plan(_Model):
    """A whole plan file."""

    plan: PlanMeta
    units: list[ResponsibleUnit]
    actions: list[Action]
    indicators: list[Indicator]
    tasks: list[Task]
    projects: list[Project] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    prohibitions: list[Prohibition] = Field(default_factory=list)
    members: Members | None = Field(
        None, description="members of the collective units (or a companion <plan>.members.yaml)"
    )
