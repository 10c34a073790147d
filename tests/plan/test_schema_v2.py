"""Schema 2: periods and standing rules, higher-level values, strength, prohibitions, project parts,
and the upgrade of version-1 files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.conftest import EXAMPLE_PLAN

from carbonpeak.plan import (
    Indicator,
    PlanError,
    Prohibition,
    covering_prohibitions,
    load_plan,
    target_text,
    validate_file,
)
from carbonpeak.plan.upgrade import upgrade

V1_PLAN = Path(__file__).parent / "plan-v1.yaml"


def test_version_1_file_still_loads_upgraded() -> None:
    plan = load_plan(V1_PLAN)
    assert plan.plan.schema_version == 2
    by_id = {i.id: i for i in plan.indicators}
    assert by_id["renewable_capacity_2025"].strength == "strive"
    assert by_id["renewable_capacity_2025"].aspirational
    assigned = by_id["energy_intensity_2025"].assigned
    assert assigned is not None and assigned.by == "city"
    assert by_id["energy_intensity_2025"].pending
    assert by_id["non_fossil_share_2025"].assigned is None


def test_upgrade_encodes_national_standard_like_city_assignment() -> None:
    data = {
        "plan": {"schema_version": 1},
        "indicators": [
            {"id": "a", "kind": "share", "comparator": ">=", "quote": "比例达国家规定标准", "note": "n"},
            {"id": "b", "kind": "share", "value": 5, "comparator": ">=", "quote": "国家规定"},
            {"id": "c", "kind": "qualitative", "quote": "我市下达"},
        ],
    }
    out = upgrade(data)
    assert out["plan"]["schema_version"] == 2
    assert out["indicators"][0]["assigned"] == {"by": "national"}
    assert "assigned" not in out["indicators"][1]  # it has its number
    assert "assigned" not in out["indicators"][2]  # qualitative
    assert data["plan"]["schema_version"] == 1  # the input is not changed


def test_aspirational_is_not_a_schema_2_field(tmp_path: Path) -> None:
    text = EXAMPLE_PLAN.read_text(encoding="utf-8").replace(
        "    strength: strive\n", "    aspirational: true\n"
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    problems = {p.field: p.message for p in validate_file(path)}
    assert problems["indicators[1].aspirational"] == "unknown field (not in the plan schema)"


def _doc_block() -> dict[str, Any]:
    """The YAML block of docs/plan-format.md that shows the schema-2 entries."""
    text = (EXAMPLE_PLAN.parents[1] / "plan-format.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("```yaml\n", 1)[1].split("```", 1)[0])


def test_the_documented_schema_2_block_is_valid() -> None:
    block = _doc_block()
    assert [Indicator.model_validate(i).id for i in block["indicators"]] == [
        "energy_intensity_2025",
        "coal_zero_2025",
    ]
    assert [Prohibition.model_validate(p).effect for p in block["prohibitions"]] == ["forbids"]


def test_holds_over_a_period() -> None:
    coal = Indicator.model_validate(_doc_block()["indicators"][1])
    assert [y for y in range(2019, 2028) if coal.holds_in(y)] == [2021, 2022, 2023, 2024, 2025]
    assert target_text(coal) == "2021—2025年每年 ≤ 0 万吨"
    jinghai = load_plan("jinghai-2023")
    standing = {i.id: i for i in jinghai.indicators}["coal_zero_standing"]
    assert standing.holds_in(2026) and standing.holds_in(2060) and not standing.holds_in(2025)
    assert target_text(standing) == "2026年起每年 ≤ 0 万吨"


def test_strength_and_assignment_in_target_text() -> None:
    by_id = {i.id: i for i in load_plan(EXAMPLE_PLAN).indicators}
    assert target_text(by_id["renewable_capacity_2025"]) == "≥ 50 万千瓦 (力争)"
    assert target_text(by_id["energy_intensity_2025"]) == "下降 (按市下达, 待下达) (确保)"


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "    assigned: {by: city}\n",
            "    assigned: {by: city}\n    holds: every_year\n",
            "indicators[2]",
            "holds every_year needs start_year",
        ),
        (
            "    assigned: {by: city}\n",
            "    value: 13.5\n    assigned: {by: city}\n",
            "indicators[2]",
            "an assigned value needs assigned.document and assigned.date",
        ),
        (
            "    projects: [pv-demo-50mw]\n",
            "    projects: [nowhere]\n",
            "milestones[0].projects[0]",
            "unknown project",
        ),
        ('    industries: ["3011"]\n', '    industries: ["C30"]\n', "prohibitions[0]", "GB/T 4754 code"),
        ("    equipment: [燃煤锅炉]\n", "", "prohibitions[1]", "covers industries, equipment"),
        (
            "      - {id: phase-2, name: 二期, capacity: 30, unit: MW}\n",
            "      - {id: phase-2, name: 二期, capacity: 30}\n",
            "projects[0].parts[1].unit",
            "a capacity needs a unit",
        ),
    ],
)
def test_schema_2_errors_name_the_field(tmp_path: Path, old: str, new: str, field: str, message: str) -> None:
    text = EXAMPLE_PLAN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = validate_file(path)
    assert any(p.field == field and message in p.message and p.row for p in problems), problems


def test_assigned_value_entered_with_its_document(tmp_path: Path) -> None:
    text = EXAMPLE_PLAN.read_text(encoding="utf-8").replace(
        "    assigned: {by: city}\n",
        "    value: 13.5\n    assigned: {by: city, document: 示例发〔2024〕3号, date: 2024-05-01}\n",
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    ind = {i.id: i for i in load_plan(path).indicators}["energy_intensity_2025"]
    assert ind.value == 13.5 and not ind.pending
    assert target_text(ind) == "下降 13.5 % (确保)"


def test_a_prohibition_refuses_a_project() -> None:
    plan = load_plan("jinghai-2023")
    cement = covering_prohibitions(plan, industry="3011")
    assert [(r.id, r.effect, r.clause) for r in cement] == [
        ("no_new_capacity_steel_cement_glass", "forbids", "三.(一).3")
    ]
    assert cement[0].text == "禁止新增钢铁、水泥、平板玻璃等行业产能"
    assert covering_prohibitions(plan, industry="3012") == []  # 石灰和石膏制造: not named
    two_high = covering_prohibitions(plan, industry="2614", two_high=True)
    assert [r.id for r in two_high] == ["no_new_two_high"]
    assert covering_prohibitions(plan, industry="2614") == []  # the same industry, not 两高
    boiler = covering_prohibitions(plan, equipment=["燃煤锅炉"], fuels=["煤炭"])
    assert [(r.id, r.effect) for r in boiler] == [
        ("no_new_coal_units_boilers", "forbids"),
        ("control_new_coal_projects", "restricts"),
    ]


def test_jinghai_prohibitions_are_a_plain_list_with_their_words() -> None:
    plan = load_plan("jinghai-2023")
    rows = [(r.clause, r.text, r.effect) for r in plan.prohibitions]
    assert rows == [
        ("三.(一).3", "禁止新增钢铁、水泥、平板玻璃等行业产能", "forbids"),
        ("三.(一).4", "严禁审批新建“两高”项目", "forbids"),
        ("三.(三)", "禁止新建燃煤自备机组和燃煤锅炉", "forbids"),
        ("三.(三)", "严格控制新上耗煤项目", "restricts"),
    ]


def test_jinghai_national_standards_encoded_like_city_targets() -> None:
    by_id = {i.id: i for i in load_plan("jinghai-2023").indicators}
    national = [i for i in by_id.values() if i.assigned and i.assigned.by == "national"]
    assert sorted(i.id for i in national) == [
        "intercity_hybrid_share_2030",
        "long_haul_lng_share_2030",
        "urban_freight_ev_share_2030",
    ]
    assert all(i.pending and i.kind == "share" for i in national)
    coal = by_id["coal_consumption_2025"]
    assert (coal.holds, coal.start_year, coal.year) == ("every_year", 2021, 2025)


def test_unsupported_schema_version(tmp_path: Path) -> None:
    text = EXAMPLE_PLAN.read_text(encoding="utf-8").replace("schema_version: 2", "schema_version: 3")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert "schema_version 3 is not supported" in str(err.value)


def test_jinghai_project_structure_and_strengths() -> None:
    plan = load_plan("jinghai-2023")
    projects = {p.id: p for p in plan.projects}
    biomass = projects["biomass-phase2"]
    assert (biomass.kind, biomass.work, biomass.name) == (
        "program",
        "new_build",
        "新能源环保发电项目（二期）",
    )
    assert [(x.name, x.capacity, x.unit) for x in biomass.parts] == [
        ("焚烧线", 500, "吨/日"),
        ("凝汽式汽轮发电机组", 10, "MW"),
        ("餐厨垃圾预处理线", 100, "吨/日"),
    ]
    assert (projects["ev-charging-interaction-76"].work, projects["ev-charging-interaction-76"].strength) == (
        "pilot",
        "study",
    )
    assert projects["heat-nanhai-expansion"].work == "expansion"
    assert {t.id: t.strength for t in plan.tasks if t.strength} == {"pilots.1": "pilot"}
    strengths = {i.id: i.strength for i in plan.indicators if i.strength}
    assert strengths == {
        "energy_intensity_2025": "ensure",
        "co2_intensity_2025": "ensure",
        "energy_intensity_2030": "ensure",
        "co2_intensity_2030": "ensure",
        "renewable_capacity_2025": "strive",
        "storage_ratio_2025": "in_principle",
        "green_parks_2025": "strive",
        "rooftop_pv_coverage_2025": "strive",
        "forest_cover_2030": "strive",
        "forest_stock_2030": "strive",
    }
    # every modal word of a strength occurs in the indicator's own quote
    words = {"ensure": "确保", "strive": "力争", "in_principle": "原则上"}
    by_id = {i.id: i for i in plan.indicators}
    assert all(words[s] in by_id[i].quote for i, s in strengths.items())


def test_jinghai_timetable_rows_link_the_projects_they_schedule() -> None:
    """专栏8 (货运铁路建设时限安排) schedules named rail works: each row links the projects it names, and
    only those (the project's name is in the row's words); 专栏9 sets passenger-flow targets and
    schedules no project."""
    plan = load_plan("jinghai-2023")
    projects = {p.id: p for p in plan.projects}
    links = {m.id: m.projects for m in plan.milestones}
    assert links == {
        "rail-tangguantun-station": ["rail-station-tangguantun"],
        "rail-tangguantun-freight-line": ["rail-line-tangguantun"],
        "rail-spurs-preparation": ["rail-spur-daqiuzhuang", "rail-spur-ziya"],
        "rail-spurs-operation": ["rail-spur-daqiuzhuang", "rail-spur-ziya"],
        "transit-2025": [],
        "transit-2028": [],
        "transit-2030": [],
    }
    for m in plan.milestones:
        for pid in m.projects:
            assert projects[pid].name in m.text and projects[pid].column == m.column
    # every 专栏8 project is scheduled by a row that names it, and no row names an unlinked one
    for p in plan.projects:
        naming = {m.id for m in plan.milestones if p.name in m.text}
        assert naming == {m.id for m in plan.milestones if p.id in m.projects}
    assert {projects[p].work for p in links["rail-tangguantun-station"]} == {"retrofit"}
