"""The one error type: problems located in both languages, one kind → one status and exit code."""

from __future__ import annotations

import pytest

from carbonpeak.accounting.errors import FactorSetNotFoundError, ImportProblems
from carbonpeak.errors import EXIT_CODE, HTTP_STATUS, CarbonpeakError, Problem
from carbonpeak.ledgers.errors import LedgerProblems
from carbonpeak.ledgers.errors import NotAllowedError as LedgerNotAllowed
from carbonpeak.plan import PlanError, PlanNotFoundError
from carbonpeak.scenarios.errors import MissingIndicatorError, ScenarioDataError
from carbonpeak.tracking.errors import ConflictError, NotAllowedError, TrackingError, WorkflowError
from carbonpeak.units import UnitError, parse_unit


def test_a_problem_says_where_in_each_language() -> None:
    p = Problem(
        "应为数字", file="t.xlsx", sheet="指标数据", row=2, column="数值", message_en="expected a number"
    )
    assert p.describe("zh-CN") == "t.xlsx，工作表“指标数据”，第2行，数值列：应为数字"
    assert p.describe("en") == "t.xlsx, sheet '指标数据', row 2, column 数值: expected a number"
    assert Problem("x", field="lines[2].unit").describe("en") == "field lines[2].unit: x"
    assert Problem("无位置").describe() == "无位置"  # a message without a place is just the message
    assert p.as_dict("en") == {
        "file": "t.xlsx",
        "sheet": "指标数据",
        "row": 2,
        "column": "数值",
        "field": None,
        "message": "expected a number",
    }


def test_every_problem_is_kept_and_the_summary_counts_them() -> None:
    problems = [Problem(f"bad {i}", file="a.csv", row=i + 2) for i in range(120)]
    err = ImportProblems(problems)
    assert err.problems == problems
    text = err.describe("en")
    assert text.startswith("120 problem(s), nothing imported:")
    assert "a.csv, row 101" in text and "a.csv, row 102" not in text  # the first 100 shown …
    assert text.endswith("… and 20 more")  # … and the rest counted
    assert err.describe("zh-CN").startswith("共 120 处问题，未导入任何数据：")


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (PlanError([Problem("x")]), "invalid"),
        (PlanNotFoundError("no plan"), "not_found"),
        (ImportProblems([Problem("x")]), "invalid"),
        (FactorSetNotFoundError("no set"), "not_found"),
        (ScenarioDataError([Problem("x")]), "invalid"),
        (MissingIndicatorError("no indicator"), "not_found"),
        (TrackingError("x"), "invalid"),
        (NotAllowedError("x"), "not_allowed"),
        (WorkflowError("x"), "conflict"),
        (ConflictError("x"), "conflict"),
        (LedgerProblems([Problem("x")]), "invalid"),
        (LedgerNotAllowed("x"), "not_allowed"),
    ],
)
def test_each_domain_error_has_one_kind(error: CarbonpeakError, kind: str) -> None:
    assert isinstance(error, CarbonpeakError)
    assert error.kind == kind
    assert error.kind in HTTP_STATUS and error.kind in EXIT_CODE


def test_statuses_and_exit_codes() -> None:
    assert HTTP_STATUS == {
        "invalid": 422,
        "not_found": 404,
        "not_allowed": 403,
        "conflict": 409,
        "unavailable": 503,
    }
    assert len(set(EXIT_CODE.values()) - {2}) == 3  # not allowed, conflict, unavailable differ from input


def test_a_unit_error_is_a_domain_error() -> None:
    with pytest.raises(UnitError) as info:
        parse_unit("吨吨")
    assert isinstance(info.value, CarbonpeakError) and info.value.kind == "invalid"
