"""Checks at entry (issue 14): numbers as people type them, and the plausibility rules of
tracking/data/entry_checks.yaml."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from carbonpeak.errors import InvalidInputError, Problem
from carbonpeak.plan import Indicator
from carbonpeak.tracking.entry import (
    RULES,
    EntryRules,
    Parsed,
    check_value,
    entry_rules,
    in_unit,
    jump,
    narrative_problem,
    parse_number,
    rules_of,
    value_problems,
)

RULES_FILE_RULES = RULES


def _indicator(kind: str, unit: str | None, comparator: str = ">=") -> Indicator:
    return Indicator.model_validate(
        {
            "id": "x",
            "name": "示例指标",
            "kind": kind,
            "value": 10,
            "unit": unit,
            "comparator": comparator,
            "year": 2025,
            "base_year": 2020 if comparator == "reduce_by" else None,
            "clause": "二",
            "quote": "示例",
        }
    )


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12.5", 12.5),
        ("12,5", 12.5),
        ("0,25", 0.25),
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        ("1,234", 1234.0),
        ("12,345,678.5", 12345678.5),
        ("１２．５", 12.5),
        ("-3", -3.0),
        (" 42 % ", 42.0),
    ],
)
def test_numbers_as_typed_are_understood(typed: str, value: float) -> None:
    parsed = parse_number(typed)
    assert isinstance(parsed, Parsed) and parsed.value == pytest.approx(value)


def test_a_decimal_comma_is_explained() -> None:
    parsed = parse_number("12,5")
    assert isinstance(parsed, Parsed) and parsed.note is not None and "小数点" in parsed.note


@pytest.mark.parametrize("typed", ["", "  ", "abc", "12.5.3", "1,23,4", "12 3", "1 2345", "nan", "inf"])
def test_what_is_not_a_number_names_the_field(typed: str) -> None:
    problem = parse_number(typed)
    assert isinstance(problem, Problem) and problem.field == "value"
    assert problem.message and problem.message_en and problem.message != problem.message_en


def test_negatives_and_shares_above_the_maximum() -> None:
    share = _indicator("share", "%")
    assert value_problems(55.0, share) == []
    above = value_problems(entry_rules().share_max + 0.1, share)
    assert [p.field for p in above] == ["value"] and "100" in above[0].message
    assert value_problems(-1.0, _indicator("total", "万千瓦"))[0].message == "本指标的数值不能为负数"
    # an intensity reduction may be negative (the intensity rose)
    assert value_problems(-2.0, _indicator("intensity", "%", "reduce_by")) == []


def test_units_convert_or_are_refused() -> None:
    gw = _indicator("total", "万千瓦")
    assert in_unit(50.0, "万千瓦", gw) == 50.0
    assert in_unit(500.0, "MW", gw) == pytest.approx(50.0)
    refused = in_unit(3.0, "吨", gw)
    assert isinstance(refused, Problem) and refused.field == "unit" and "万千瓦" in refused.message


def test_ten_times_off_the_year_before_is_flagged() -> None:
    factor = entry_rules().jump_factor
    assert jump(100.0, 100.0 / factor) == pytest.approx(factor)
    assert jump(100.0 / factor, 100.0) == pytest.approx(factor)
    assert jump(100.0, 100.0 / factor * 1.5) is None
    assert jump(100.0, None) is None and jump(0.0, 5.0) is None and jump(5.0, 0.0) is None


def test_a_report_needs_its_narrative() -> None:
    missing = narrative_problem("  \n")
    assert missing is not None and missing.field == "narrative"
    assert narrative_problem("完成3家企业节能诊断") is None


def _rules(**actions: str) -> EntryRules:
    raw = yaml.safe_load(
        resources.files("carbonpeak.tracking").joinpath("data/entry_checks.yaml").read_text("utf-8")
    )
    for name, action in actions.items():
        raw["rules"][name]["action"] = action
    return rules_of(raw)


def test_the_rules_file_declares_an_action_for_each_rule() -> None:
    rules = entry_rules()
    assert rules.version >= 2 and rules.source
    assert set(rules.actions) == set(RULES_FILE_RULES) and set(rules.actions.values()) <= {
        "refuse",
        "confirm",
        "flag",
    }
    with pytest.raises(InvalidInputError) as caught:
        _rules(jump="warn")
    assert caught.value.problems[0].field == "rules.jump.action"


def test_each_action_decides_what_happens_to_the_value() -> None:
    share, total = _indicator("share", "%"), _indicator("total", "万千瓦")
    factor = entry_rules().jump_factor
    refused = check_value(-5.0, share, None)
    assert [p.rule for p in refused.problems] == ["negative"] and not refused.asks and not refused.flags
    # confirm: asked until confirmed, then stored with a flag saying the unit confirmed it
    asked = check_value(10.0 * factor, total, 10.0)
    assert asked.asks and asked.problems[0].rule == "jump" and not asked.flags
    confirmed = check_value(10.0 * factor, total, 10.0, confirmed=True)
    assert not confirmed.problems and [(f.rule, f.action) for f in confirmed.flags] == [("jump", "confirm")]
    assert "填报单位已确认" in confirmed.flags[0].message
    # flag: stored without a question, the reason for the reviewer
    flagged = check_value(10.0 * factor, total, 10.0, rules=_rules(jump="flag"))
    assert not flagged.problems and flagged.flags[0].action == "flag" and "请审核" in flagged.flags[0].message
    negative_flagged = check_value(-5.0, share, None, rules=_rules(negative="flag"))
    assert not negative_flagged.problems and negative_flagged.flags[0].rule == "negative"
    # a refusal stands even when a question is also confirmed
    both = check_value(-50.0, share, 5.0, confirmed=True, rules=_rules(jump="confirm"))
    assert [p.action for p in both.problems] == ["refuse"]
    assert check_value(11.0, total, 10.0) == check_value(11.0, total, None)  # nothing found
