"""The assessment rubric and tracking thresholds, declared in YAML (defaults in data/rubric.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from carbonpeak.plan import STRENGTH_WORDS
from carbonpeak.tracking.codes import code_by_label, codes
from carbonpeak.tracking.errors import TrackingError

DEFAULT_RUBRIC = Path(__file__).parent / "data" / "rubric.yaml"
_STRENGTH_KEYS = ("none", *STRENGTH_WORDS)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Weights(_Model):
    indicators: float = Field(ge=0)
    tasks: float = Field(ge=0)
    timeliness: float = Field(ge=0)
    quality: float = Field(ge=0)

    @model_validator(mode="after")
    def _sum(self) -> Weights:
        total = self.indicators + self.tasks + self.timeliness + self.quality
        if abs(total - 100) > 1e-9:
            raise ValueError(f"weights must add up to 100, not {total:g}")
        return self


class Grade(_Model):
    grade: str
    min_score: float


class Thresholds(_Model):
    on_track: float = Field(gt=0, le=1.5)
    severe: float = Field(ge=0, le=1)
    rel_tolerance: float = Field(ge=0)
    abs_tolerance: float = Field(ge=0)
    stale_days: int = Field(gt=0)


class Rubric(_Model):
    version: int
    source: str
    weights: Weights
    lead_weight: float = Field(gt=0)
    support_weight: float = Field(ge=0)
    indicator_points: dict[str, float]
    task_points: dict[str, float]
    # An office rubric written before strengths existed weighs every item alike: all 1.0.
    strength_weights: dict[str, float] = Field(
        default_factory=lambda: dict.fromkeys(_STRENGTH_KEYS, 1.0),
        description="weight by strength code; 'none' for an item without a modal word",
    )
    report_due_days: int = Field(ge=0)
    late_points: float = Field(ge=0, le=1)
    return_penalty: float = Field(ge=0, le=1)
    no_evidence_penalty: float = Field(ge=0, le=1)
    grades: list[Grade]
    thresholds: Thresholds

    @model_validator(mode="after")
    def _complete(self) -> Rubric:
        missing: list[str] = [s for s in codes("indicator_status") if s not in self.indicator_points]
        missing += [s for s in (*codes("task_status"), "missing") if s not in self.task_points]
        missing += [
            f"strength_weights.{s}" for s in ("none", *STRENGTH_WORDS) if s not in self.strength_weights
        ]
        if missing:
            raise ValueError(f"points missing for: {', '.join(missing)}")
        unknown = [s for s in self.indicator_points if s not in codes("indicator_status")]
        unknown += [s for s in self.task_points if s not in (*codes("task_status"), "missing")]
        unknown += [g.grade for g in self.grades if g.grade not in codes("grade")]
        if unknown:
            raise ValueError(
                f"unknown codes: {', '.join(unknown)} (statuses: {', '.join(codes('indicator_status'))}; "
                f"grades: {', '.join(codes('grade'))})"
            )
        if not self.grades or min(g.min_score for g in self.grades) > 0:
            raise ValueError("grades must include one with min_score 0")
        return self

    def strength_weight(self, strength: str | None) -> float:
        """The weight of an item by the strength of the plan's commitment (1 without a modal word)."""
        return self.strength_weights[strength or "none"]

    def grade(self, score: float) -> str:
        for g in sorted(self.grades, key=lambda g: -g.min_score):
            if score >= g.min_score - 1e-9:
                return g.grade
        return self.grades[-1].grade


def load_rubric(path: Path | str | None = None) -> Rubric:
    """The rubric in ``path`` (default: the bundled one), with every problem named by field."""
    file = Path(path) if path else DEFAULT_RUBRIC
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TrackingError(f"{file}: cannot read the rubric: {exc}") from exc
    try:
        return Rubric.model_validate(_codes_for_words(data))
    except ValidationError as exc:
        lines = [f"{file}: {'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors()]
        raise TrackingError("the rubric is not valid:\n" + "\n".join(lines)) from exc


def _codes_for_words(data: object) -> object:
    """A rubric written with the Chinese (or English) words of statuses and grades, as version 1 files
    were (``已达标: 1.0``, ``grade: 优秀``), is read with the codes those words stand for."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    points = out.get("indicator_points")
    if isinstance(points, dict):
        out["indicator_points"] = {
            code_by_label("indicator_status", str(k)) or k: v for k, v in points.items()
        }
    grades = out.get("grades")
    if isinstance(grades, list):
        out["grades"] = [
            {**g, "grade": code_by_label("grade", str(g["grade"])) or g["grade"]}
            if isinstance(g, dict) and "grade" in g
            else g
            for g in grades
        ]
    return out
