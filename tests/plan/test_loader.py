"""The plan loader and checks: a broken plan file gets every problem, each with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import EXAMPLE_PLAN

from carbonpeak.plan import PlanError, PlanNotFoundError, load_plan, plan_dict, validate_file
from carbonpeak.plan.model import filter_indicators, filter_tasks, find_unit, indicator_responsible


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def example_text() -> str:
    return EXAMPLE_PLAN.read_text(encoding="utf-8")


def test_example_plan_loads_and_derives_responsibility() -> None:
    plan = load_plan(EXAMPLE_PLAN)
    assert plan.plan.id == "example-district"
    task = plan.tasks[0]
    assert task.responsible == ["dev_reform", "industry_it", "townships"]
    by_id = {i.id: i for i in plan.indicators}
    # not listed explicitly: the units of the tasks carrying it, lead first
    assert indicator_responsible(plan, by_id["non_fossil_share_2025"]) == [
        "dev_reform",
        "industry_it",
        "townships",
    ]
    assert indicator_responsible(plan, by_id["energy_intensity_2025"]) == []
    data = plan_dict(plan)
    assert set(data) == {
        "plan",
        "units",
        "actions",
        "indicators",
        "tasks",
        "projects",
        "milestones",
        "prohibitions",
    }
    assert data["indicators"][0]["tasks"] == ["energy.1"]


def test_filters_by_unit_name_or_id_and_year() -> None:
    plan = load_plan(EXAMPLE_PLAN)
    assert [t.id for t in filter_tasks(plan, unit="区工信局")] == ["energy.1"]
    assert [t.id for t in filter_tasks(plan, unit="office")] == []
    assert find_unit(plan, "示例区发展和改革委员会").id == "dev_reform"
    assert {i.id for i in filter_indicators(plan, unit="dev_reform")} == {
        "non_fossil_share_2025",
        "renewable_capacity_2025",
    }
    assert len(filter_indicators(plan, year=2030)) == 0
    with pytest.raises(LookupError, match="区不存在局"):
        filter_tasks(plan, unit="区不存在局")


def test_unknown_plan_reference() -> None:
    with pytest.raises(PlanNotFoundError, match="no plan 'nope'"):
        load_plan("nope")


def test_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "plan:\n  id: x\n  title: [unclosed\n")
    problems = validate_file(path)
    assert len(problems) == 1
    assert problems[0].file == str(path) and problems[0].row is not None
    assert "not valid YAML" in problems[0].message


def test_schema_errors_name_line_and_field(tmp_path: Path) -> None:
    text = example_text().replace("  base_year: 2020\n", "  base_year: 2020\n  colour: red\n", 1)
    text = text.replace("    kind: share\n", "    kind: percentage\n", 1)
    path = write(tmp_path, text)
    problems = {p.field: p for p in validate_file(path)}
    assert set(problems) == {"plan.colour", "indicators[0].kind"}
    lines = text.splitlines()
    assert lines[problems["plan.colour"].row - 1].strip() == "colour: red"  # type: ignore[operator]
    assert lines[problems["indicators[0].kind"].row - 1].strip() == "kind: percentage"  # type: ignore[operator]
    assert "unknown field" in problems["plan.colour"].message


def test_consistency_errors_all_reported_at_once(tmp_path: Path) -> None:
    text = example_text()
    text = text.replace("    lead: dev_reform\n", "    lead: dev_reformm\n")
    text = text.replace(
        "indicators: [renewable_capacity_2025, non_fossil_share_2025]", "indicators: [missing_one]"
    )
    text = text.replace("    unit: 万千瓦\n", "    unit: 亿m**3\n")
    text = text.replace("    task: energy.1\n", "    task: energy.9\n")
    text = text.replace("  - id: renewable_capacity_2025", "  - id: non_fossil_share_2025")
    text = text.replace("  start_year: 2023", "  start_year: 1900")
    path = write(tmp_path, text)
    problems = validate_file(path)
    messages = {(p.field, p.message.split(";")[0]) for p in problems}
    assert ("tasks[0].lead", "unknown responsible unit 'dev_reformm'") in messages
    assert ("tasks[0].indicators[0]", "unknown indicator 'missing_one'") in messages
    assert ("indicators[1].unit", "unknown unit '亿m**3'") in messages
    assert ("projects[0].task", "unknown task 'energy.9'") in messages
    assert (
        "indicators[1].id",
        "duplicate id 'non_fossil_share_2025' (first used at indicators[0])",
    ) in messages
    assert ("milestones[0].start_year", "expected a year between 2000 and 2100") in messages
    assert all(p.row for p in problems)
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert len(err.value.problems) == len(problems)


def test_shape_rules(tmp_path: Path) -> None:
    text = example_text().replace("    value: 10\n", "    value: 10\n    upper: 5\n", 1)
    text = text.replace("    assigned: {by: city}\n", "")
    problems = {p.field: p.message for p in validate_file(write(tmp_path, text))}
    assert "upper needs a value and must not be below it" in problems["indicators[0]"]
    assert "needs 'assigned' or must say why in 'note'" in problems["indicators[2]"]


def test_quotes_checked_against_source(tmp_path: Path) -> None:
    plan_path = write(tmp_path, example_text())
    problems = validate_file(plan_path, source_text="示例区碳达峰实施方案 nothing else")
    fields = {p.field for p in problems}
    assert "plan.title" not in fields  # it is in the text
    assert "indicators[0].quote" in fields and "tasks[0].text" in fields
