"""One plan per firm (一企一策, 方案 三.(九).3): each key energy-using unit keeps its own carbon-peak
plan — the document and its measures with the expected savings and dates — and the office sees
which units have none and follows the measures (overdue: past the due date and not done)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MeasureStatus = Literal["planned", "in_progress", "done", "dropped"]
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "planned": ("未开始", "planned"),
    "in_progress": ("实施中", "in progress"),
    "done": ("已完成", "done"),
    "dropped": ("已取消", "dropped"),
}


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    expected_saving_tce: float = Field(ge=0, description="expected yearly saving, tce (calorific basis)")
    expected_co2_t: float = Field(0.0, ge=0, description="expected yearly CO2 reduction, t")
    start: dt.date
    due: dt.date
    status: MeasureStatus = "planned"

    @model_validator(mode="after")
    def _dates(self) -> Measure:
        if self.due < self.start:
            raise ValueError(f"due {self.due} is before start {self.start}")
        return self


class FirmPlan(BaseModel):
    """A unit's own plan: its document and measures."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enterprise_id: str
    title: str = Field(min_length=1, max_length=200)
    document: str = Field(min_length=1, max_length=255, description="the document's file name or 文号")
    adopted_on: dt.date
    measures: tuple[Measure, ...] = Field(min_length=1, max_length=200)

    @property
    def expected_saving_tce(self) -> float:
        return sum(m.expected_saving_tce for m in self.measures if m.status != "dropped")


def overdue(plan: FirmPlan, today: dt.date) -> list[Measure]:
    """The measures past their due date that are neither done nor dropped."""
    return [m for m in plan.measures if m.due < today and m.status in ("planned", "in_progress")]


def coverage(enterprise_ids: Sequence[str], plans: Sequence[FirmPlan], today: dt.date) -> dict[str, object]:
    """Which units have a plan, which have none, the measures overdue and the savings expected."""
    with_plan = {p.enterprise_id for p in plans}
    return {
        "units": len(enterprise_ids),
        "with_plan": sorted(e for e in enterprise_ids if e in with_plan),
        "without_plan": sorted(e for e in enterprise_ids if e not in with_plan),
        "expected_saving_tce": sum(p.expected_saving_tce for p in plans),
        "overdue": {p.enterprise_id: [m.name for m in overdue(p, today)] for p in plans if overdue(p, today)},
    }
