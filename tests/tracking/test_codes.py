"""Statuses and grades are English codes; their words come from one table (tracking/data/codes.yaml)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
import yaml

from carbonpeak.errors import InvalidInputError
from carbonpeak.tracking.codes import code_by_label, codes, label, labels
from carbonpeak.tracking.model import INDICATOR_STATUSES, STATE_LABELS, TASK_STATUS_LABELS, IndicatorStatus
from carbonpeak.tracking.rubric import DEFAULT_RUBRIC, load_rubric

SRC = Path(__file__).parents[2] / "src" / "carbonpeak"
WORDS = [row.zh for kind in ("indicator_status", "grade") for row in codes(kind).values()]


def test_every_status_the_evaluation_gives_has_words_and_no_more() -> None:
    assert tuple(codes("indicator_status")) == get_args(IndicatorStatus) == INDICATOR_STATUSES
    assert labels("indicator_status") == {
        "met": "已达标",
        "on_track": "进展顺利",
        "at_risk": "存在风险",
        "off_track": "严重滞后",
        "no_data": "无数据",
        "pending": "待下达",
    }
    assert label("grade", "excellent") == "优秀" and label("grade", "fail", "en") == "fail"
    assert STATE_LABELS["returned"] == "已退回" and TASK_STATUS_LABELS["delayed"] == "滞后"
    for kind in ("indicator_status", "grade", "task_status", "record_state"):
        for code, row in codes(kind).items():  # type: ignore[arg-type]
            assert re.fullmatch(r"[a-z][a-z0-9_]*", code) and row.zh and row.en


def test_unknown_code_is_named() -> None:
    with pytest.raises(InvalidInputError, match=r"grade '优秀': expected one of excellent, good, pass, fail"):
        label("grade", "优秀")
    assert code_by_label("grade", "良好") == "good" and code_by_label("grade", "甲") is None


def test_the_rubric_reads_codes_and_old_files_with_words(tmp_path: Path) -> None:
    rubric = load_rubric()
    assert set(rubric.indicator_points) == set(INDICATOR_STATUSES)
    assert [g.grade for g in rubric.grades] == ["excellent", "good", "pass", "fail"]
    assert rubric.grade(95) == "excellent"
    data = yaml.safe_load(DEFAULT_RUBRIC.read_text(encoding="utf-8"))
    data["indicator_points"] = {label("indicator_status", k): v for k, v in data["indicator_points"].items()}
    data["grades"] = [{**g, "grade": label("grade", g["grade"])} for g in data["grades"]]
    old = tmp_path / "old.yaml"
    old.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_rubric(old) == rubric
    data["grades"][0]["grade"] = "甲等"
    old.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(Exception, match="unknown codes: 甲等"):
        load_rubric(old)


def test_no_status_or_grade_word_is_used_as_an_id_in_code() -> None:
    """The words of statuses and grades appear only in the code table (and in messages built from
    it): no Python module compares with or keys on them."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for word in WORDS:
            if re.search(rf"[\"']{word}[\"']", text):
                offenders.append(f"{path.relative_to(SRC)}: {word!r}")
    assert offenders == []
