"""The bundled Jinghai plan (data/plans/jinghai-2023.yaml) against the official text it encodes.

The source text is not in the repository: it lives in ``shared/`` beside it (CI checks out ``main`` with
``shared/`` next to it). Without it these tests fail, saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from carbonpeak.plan import Plan, load_plan, plan_dict, validate_file
from carbonpeak.plan.checks import check_quotes
from carbonpeak.plan.loader import read_plan
from carbonpeak.plan.members import member_units

REPO = Path(__file__).resolve().parents[2]
PLAN_FILE = REPO / "data" / "plans" / "jinghai-2023.yaml"
SEED = Path(__file__).parents[3] / "shared/seeds/000_8f0cb15813cef04d.txt"

EXPECTED_TASKS = 39
EXPECTED_ACTIONS = 12
EXPECTED_INDICATORS = 73
EXPECTED_PROJECTS = 56
EXPECTED_MILESTONES = 7
EXPECTED_UNITS = 40
# the towns of the companion file jinghai-2023.members.yaml that are not units of the plan file
EXPECTED_MEMBER_UNITS = 8


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.is_file():
        pytest.fail(f"the source text of the plan is missing: {SEED} (../shared beside the repo)")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def haystack(seed_text: str) -> str:
    return re.sub(r"\s+", "", seed_text)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(PLAN_FILE)


@pytest.fixture(scope="module")
def data(plan: Plan) -> dict[str, Any]:
    return plan_dict(plan)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- loading and the package's own checks -------------------------------------------------------


def test_bundled_id_loads_the_same_file(plan: Plan) -> None:
    assert load_plan("jinghai-2023") == plan
    assert plan.plan.id == "jinghai-2023"
    assert plan.plan.schema_version == 2
    assert plan.plan.title == "天津市静海区碳达峰实施方案"
    assert plan.plan.district == "天津市静海区"
    assert plan.plan.district_code == "120118"
    assert plan.plan.document_number == "津静海政发〔2023〕11号"
    assert plan.plan.issuing_body == "天津市静海区人民政府"
    assert plan.plan.issue_date.isoformat() == "2023-06-15"
    assert plan.plan.disclosure == "此件主动公开"
    assert plan.plan.base_year == 2020


def test_validate_file_with_source_finds_no_problem(seed_text: str) -> None:
    problems = validate_file(PLAN_FILE, seed_text)
    assert problems == [], "\n".join(str(p) for p in problems)


def test_check_quotes_directly(seed_text: str) -> None:
    parsed, lines = read_plan(PLAN_FILE.read_text(encoding="utf-8"), str(PLAN_FILE))
    assert check_quotes(parsed, seed_text, str(PLAN_FILE), lines) == []
    # and the check does bite: a quote that is not in the source is reported
    changed = parsed.model_copy(
        update={"plan": parsed.plan.model_copy(update={"title": "天津市静海区碳中和方案"})}
    )
    assert len(check_quotes(changed, seed_text, str(PLAN_FILE), lines)) == 1


def test_metadata_is_in_the_source(haystack: str) -> None:
    for value in ("津静海政发〔2023〕11号", "2023年6月15日", "此件主动公开", "天津市静海区人民政府"):
        assert _squash(value) in haystack


# --- every verbatim field, checked without carbonpeak's check_quotes ---------------------------


def _verbatim_fields(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    yield "plan.title", data["plan"]["title"]
    for i, unit in enumerate(data["units"]):
        yield f"units[{i}].name", unit["name"]
        for j, alias in enumerate(unit["aliases"]):
            yield f"units[{i}].aliases[{j}]", alias
    for i, action in enumerate(data["actions"]):
        yield f"actions[{i}].title", action["title"]
        if action["intro"] is not None:
            yield f"actions[{i}].intro", action["intro"]
    for i, ind in enumerate(data["indicators"]):
        yield f"indicators[{i}].quote", ind["quote"]
    for i, task in enumerate(data["tasks"]):
        for field in ("title", "text", "responsible_quote"):
            yield f"tasks[{i}].{field}", task[field]
    for i, project in enumerate(data["projects"]):
        for field in ("quote", "category", "column_title"):
            yield f"projects[{i}].{field}", project[field]
    for i, ms in enumerate(data["milestones"]):
        yield f"milestones[{i}].text", ms["text"]
        yield f"milestones[{i}].period", ms["period"]


def test_every_verbatim_field_is_in_the_source(data: dict[str, Any], haystack: str) -> None:
    fields = list(_verbatim_fields(data))
    assert len(fields) > 400
    missing = [path for path, value in fields if not value or _squash(value) not in haystack]
    assert missing == []


def test_task_text_runs_from_its_title_to_its_responsible_units(data: dict[str, Any], haystack: str) -> None:
    for task in data["tasks"]:
        text = _squash(task["text"])
        quote = _squash(task["responsible_quote"])
        # the text stops exactly at the parenthesis of the 责任单位 list
        assert f"{text}（{quote}）" in haystack or f"{text}({quote})" in haystack, task["id"]
        if task["clause"].count(".") == 2:  # numbered tasks: "N. title。text"
            number = task["clause"].rsplit(".", 1)[1]
            assert f"{number}.{_squash(task['title'])}。{text}" in haystack, task["id"]


# --- counts ---------------------------------------------------------------------------------


def test_counts(plan: Plan) -> None:
    assert len(plan.tasks) == EXPECTED_TASKS
    assert len(plan.actions) == EXPECTED_ACTIONS
    assert len(plan.indicators) == EXPECTED_INDICATORS
    assert len(plan.projects) == EXPECTED_PROJECTS
    assert len(plan.milestones) == EXPECTED_MILESTONES
    assert len(plan.units) == EXPECTED_UNITS + EXPECTED_MEMBER_UNITS


def test_one_task_per_responsible_list_of_the_source(plan: Plan, seed_text: str) -> None:
    lists = re.findall(r"[（(](责任单位[：:][^）)]*)[）)]", seed_text)
    assert len(lists) == EXPECTED_TASKS
    assert [t.responsible_quote for t in plan.tasks] == lists


def test_actions_and_task_clauses(plan: Plan) -> None:
    ids = ["industry", "circular", "energy", "efficiency", "buildings", "transport", "sinks", "innovation"]
    ids += ["public", "pilots", "cooperation", "implementation"]
    assert [a.id for a in plan.actions] == ids
    numerals = "一二三四五六七八九十"
    for k, action in enumerate(plan.actions[:10]):
        assert action.clause == f"三.({numerals[k]})"
        assert action.intro
    assert [a.clause for a in plan.actions[10:]] == ["四", "五"]
    per_action = {a.id: [t for t in plan.tasks if t.action == a.id] for a in plan.actions}
    counts = {aid: len(ts) for aid, ts in per_action.items()}
    assert counts == {
        "industry": 4,
        "circular": 4,
        "energy": 3,
        "efficiency": 3,
        "buildings": 4,
        "transport": 4,
        "sinks": 3,
        "innovation": 3,
        "public": 4,
        "pilots": 1,
        "cooperation": 2,
        "implementation": 4,
    }
    clauses = {a.id: a.clause for a in plan.actions}
    for aid, tasks in per_action.items():
        for n, task in enumerate(tasks, start=1):
            assert task.id == f"{aid}.{n}"
            if aid == "pilots":
                assert task.clause == "三.(十)"
            elif aid in ("cooperation", "implementation"):
                assert task.clause == f"{clauses[aid]}.({numerals[n - 1]})"
            else:
                assert task.clause == f"{clauses[aid]}.{n}"


# --- headline targets ------------------------------------------------------------------------


def _ind(plan: Plan, ind_id: str) -> Any:
    found = [i for i in plan.indicators if i.id == ind_id]
    assert len(found) == 1, ind_id
    return found[0]


@pytest.mark.parametrize(
    ("ind_id", "value", "unit", "comparator", "year"),
    [
        ("non_fossil_share_2025", 10, "%", ">", 2025),
        ("non_fossil_share_2030", 15, "%", ">=", 2030),
        ("electricity_share_final_2025", 38, "%", ">=", 2025),
        ("electricity_share_final_2030", 40, "%", ">", 2030),
        ("renewable_capacity_2025", 280, "万千瓦", ">=", 2025),
        ("gas_consumption_2025", 15, "亿立方米", ">=", 2025),
        ("forest_cover_2025", 10.5, "%", ">=", 2025),
        ("charging_piles_2025", 500, "台", ">=", 2025),
        ("storage_ratio_2025", 15, "%", ">=", 2025),
        ("industrial_energy_intensity_2025", 15.5, "%", "reduce_by", 2025),
        ("transport_co2_intensity_2030", 19.2, "%", "reduce_by", 2030),
        ("coal_consumption_2025", 0, "万吨", "<=", 2025),
    ],
)
def test_headline_targets(
    plan: Plan, ind_id: str, value: float, unit: str, comparator: str, year: int
) -> None:
    ind = _ind(plan, ind_id)
    assert ind.value == value
    assert ind.unit == unit
    assert ind.comparator == comparator
    assert ind.year == year
    if comparator == "reduce_by":
        assert ind.base_year == 2020


def test_headline_target_details(plan: Plan) -> None:
    assert _ind(plan, "renewable_capacity_2025").aspirational is True
    assert _ind(plan, "energy_diagnosis_enterprises_2025").cumulative is True
    peak = _ind(plan, "co2_peak_2030")
    assert (peak.kind, peak.value, peak.comparator, peak.metric) == (
        "qualitative",
        2030,
        "<=",
        "co2_peak_year",
    )
    for ind_id in (
        "energy_intensity_2025",
        "energy_intensity_2030",
        "co2_intensity_2025",
        "co2_intensity_2030",
    ):
        ind = _ind(plan, ind_id)
        # the sentence names no base year: the city assigns value and base (schema 2)
        assert (ind.kind, ind.value, ind.comparator, ind.base_year) == ("intensity", None, "reduce_by", None)
        assert ind.assigned is not None and ind.assigned.by == "city" and ind.pending
        assert ind.strength == "ensure"
        assert "确保完成我市下达指标" in ind.quote
        assert ind.note
    feeders = _ind(plan, "bus_feeder_lines_2028")
    assert (feeders.value, feeders.upper, feeders.unit) == (2, 3, "条")
    assert _ind(plan, "renewable_capacity_2030").comparator == "increase"
    assert _ind(plan, "forest_cover_2030").base_year == 2025


def test_quantified_indicator_quotes_contain_their_number(plan: Plan) -> None:
    for ind in plan.indicators:
        if (
            ind.value is None
            or ind.kind == "qualitative"
            or ind.id in ("coal_consumption_2025", "coal_zero_standing")
        ):
            continue
        numbers = {f"{ind.value:g}"} | ({"一"} if ind.value == 1 else set())
        assert any(n in _squash(ind.quote) for n in numbers), ind.id


def test_indicator_metrics(plan: Plan) -> None:
    metrics = {i.id: i.metric for i in plan.indicators if i.metric}
    assert metrics["non_fossil_share_2025"] == "non_fossil_share"
    assert metrics["electricity_share_final_2030"] == "electricity_share_final"
    assert metrics["energy_intensity_2025"] == "energy_intensity_reduction"
    assert metrics["co2_intensity_2030"] == "co2_intensity_reduction"
    assert metrics["renewable_capacity_2025"] == "renewable_capacity"
    assert metrics["gas_consumption_2025"] == "gas_consumption"
    assert metrics["forest_cover_2025"] == "forest_cover"
    assert metrics["industrial_energy_intensity_2025"] == "industrial_energy_intensity_reduction"
    assert metrics["transport_co2_intensity_2030"] == "transport_co2_intensity_reduction"
    assert metrics["storage_ratio_2025"] == "storage_ratio"
    assert metrics["charging_piles_2025"] == "charging_piles"
    assert metrics["coal_consumption_2025"] == "coal_consumption"


# --- responsible units ------------------------------------------------------------------------


def _unit_ids_by_name(data: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for unit in data["units"]:
        for name in (unit["name"], *unit["aliases"]):
            assert name not in out, name
            out[name] = unit["id"]
    return out


def _parse_responsible(quote: str, by_name: dict[str, str]) -> list[str]:
    head, body = re.split(r"[：:]", quote, maxsplit=1)
    assert head == "责任单位"
    ids = []
    for raw in body.split("、"):
        name = raw.strip()
        for suffix in ("等有关单位", "等"):
            name = name.removesuffix(suffix)
        ids.append(by_name[name])
    return ids


def test_lead_is_the_first_unit_named_and_support_the_rest(data: dict[str, Any]) -> None:
    by_name = _unit_ids_by_name(data)
    for task in data["tasks"]:
        ids = _parse_responsible(task["responsible_quote"], by_name)
        assert task["lead"] == ids[0], task["id"]
        assert task["support"] == ids[1:], task["id"]


def test_every_unit_of_the_source_lists_is_encoded_and_used(data: dict[str, Any], seed_text: str) -> None:
    by_name = _unit_ids_by_name(data)
    named = set()
    for quote in re.findall(r"[（(]责任单位[：:]([^）)]*)[）)]", seed_text):
        for raw in quote.split("、"):
            named.add(raw.removesuffix("等有关单位").removesuffix("等"))
    assert named <= set(by_name)
    used = {u for t in data["tasks"] for u in (t["lead"], *t["support"])}
    # the towns of the members file are used through the collectives they belong to (各乡镇园区 …)
    members = {u.id for u in member_units(load_plan(PLAN_FILE))}
    assert used | members == {u["id"] for u in data["units"]}
    assert members - used == {u["id"] for u in data["units"][EXPECTED_UNITS:]}


def test_unit_kinds(data: dict[str, Any]) -> None:
    kinds = {u["name"]: u["kind"] for u in data["units"]}
    for name in ("市规划资源局静海分局", "市邮政管理局第三分局", "公安静海分局"):
        assert kinds[name] == "branch"
    for name in (
        "各乡镇园区",
        "各有关乡镇园区",
        "各乡镇街道园区",
        "各乡镇",
        "各有关单位",
        "区“双碳”领导小组成员单位",
    ):
        assert kinds[name] == "collective"
    assert kinds["唐官屯镇"] == "township"
    assert kinds["区“双碳”领导小组办公室"] == "office"
    assert kinds["国网天津静海供电有限公司"] == "enterprise"
    assert kinds["天津子牙经济技术开发区"] == "park"
    ids = {u["name"]: u["id"] for u in data["units"]}
    assert ids["区发改委"] == "dev_reform"
    assert ids["区工信局"] == "industry_it"
    assert ids["区生态环境局"] == "ecology_env"
    assert ids["国网天津静海供电有限公司"] == "grid_jinghai"
    assert ids["天津子牙经济技术开发区"] == "ziya_ede"


# --- targets carried by tasks ---------------------------------------------------------------


_DATED_NUMBER = re.compile(r"到2025年[^。；;]*?\d")


def test_tasks_with_a_2025_number_carry_a_2025_indicator(plan: Plan) -> None:
    years = {i.id: i.year for i in plan.indicators}
    flagged = [t for t in plan.tasks if _DATED_NUMBER.search(_squash(t.text))]
    assert len(flagged) >= 15
    for task in flagged:
        assert task.indicators, task.id
        assert 2025 in {years[i] for i in task.indicators}, task.id


def test_every_indicator_is_carried(plan: Plan) -> None:
    carried = {i for t in plan.tasks for i in t.indicators} | {
        i for m in plan.milestones for i in m.indicators
    }
    assert carried == {i.id for i in plan.indicators}
    assert not {i for t in plan.tasks for i in t.indicators} - {i.id for i in plan.indicators}


def test_main_targets_are_attached_to_their_tasks(plan: Plan) -> None:
    carriers: dict[str, set[str]] = {}
    for task in plan.tasks:
        for ind in task.indicators:
            carriers.setdefault(ind, set()).add(task.id)
    assert "energy.1" in carriers["non_fossil_share_2025"]
    assert "energy.3" in carriers["electricity_share_final_2025"]
    assert "sinks.2" in carriers["forest_cover_2025"]
    assert "transport.4" in carriers["charging_piles_2025"]


# --- boxes (专栏) ----------------------------------------------------------------------------


def test_every_box_appears_in_projects_or_milestones(plan: Plan, haystack: str) -> None:
    columns = {p.column for p in plan.projects} | {m.column for m in plan.milestones}
    assert columns == {f"专栏{n}" for n in range(1, 11)}
    for column in columns:
        assert column in haystack


def test_box_contents(plan: Plan) -> None:
    by_column: dict[str, list[Any]] = {}
    for project in plan.projects:
        by_column.setdefault(project.column, []).append(project)
    assert {p.category for p in by_column["专栏1"]} == {
        "新材料",
        "装备制造",
        "节能环保",
        "新能源",
        "新能源汽车",
        "生物医药",
    }
    assert all(p.kind == "direction" for p in by_column["专栏1"])
    capacities = {(p.capacity, p.unit) for p in by_column["专栏4"]}
    capacities |= {(x.capacity, x.unit) for p in by_column["专栏4"] for x in p.parts}
    assert {
        (100, "MW"),
        (20, "MW"),
        (90, "MW"),
        (80, "MW"),
        (10, "MW"),
        (500, "吨/日"),
        (100, "吨/日"),
    } <= capacities
    names = " ".join(p.name for p in by_column["专栏5"])
    for substation in ("王虎庄", "子牙三号", "医学城", "官家堡", "运河东区"):
        assert substation in names
    assert any(p.capacity == 76 and p.unit == "个" for p in by_column["专栏5"])
    assert any(p.capacity == 2 and p.capacity_upper == 3 for p in by_column["专栏7"])
    timetable = [(m.column, m.period, m.end_year) for m in plan.milestones]
    assert timetable == [
        ("专栏8", "2022—2023 年", 2023),
        ("专栏8", "2023—2025 年", 2025),
        ("专栏8", "2030—2035 年", 2035),
        ("专栏8", "2035—2050 年", 2050),
        ("专栏9", "2025年12月底", 2025),
        ("专栏9", "2028年12月底", 2028),
        ("专栏9", "2030年12月底", 2030),
    ]
    assert [m.due.isoformat() if m.due else None for m in plan.milestones[4:]] == [
        "2025-12-31",
        "2028-12-31",
        "2030-12-31",
    ]
