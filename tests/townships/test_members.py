"""Members of collective units: the bundled Jinghai list, resolving, and located errors of a bad file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from carbonpeak.plan import PlanError, load_plan, validate_file
from carbonpeak.plan.members import (
    collective_members,
    collectives_of,
    expand_units,
    member_units,
    members_complete,
    unresolved_collectives,
)
from tests.conftest import EXAMPLE_PLAN, REPO

JINGHAI = REPO / "data" / "plans" / "jinghai-2023.yaml"
SEED = REPO.parent / "shared" / "seeds" / "000_8f0cb15813cef04d.txt"


def test_jinghai_members_are_the_towns_and_parks_the_plan_names() -> None:
    plan = load_plan("jinghai-2023")
    towns = [plan_unit.name for plan_unit in plan.units if plan_unit.kind == "township"]
    assert towns == [
        "唐官屯镇",
        "团泊镇",
        "陈官屯镇",
        "沿庄镇",
        "子牙镇",
        "中旺镇",
        "王口镇",
        "杨成庄乡",
        "大邱庄镇",
    ]
    parks = {u.id for u in plan.units if u.kind == "park"}
    assert (
        set(collective_members(plan, "townships_parks"))
        == {u.id for u in plan.units if u.kind == "township"} | parks
    )
    assert collective_members(plan, "townships") == [u.id for u in plan.units if u.kind == "township"]
    # no street is named in the plan: 各乡镇街道园区 stands for the same towns and parks until the office adds them
    assert collective_members(plan, "townships_streets_parks") == collective_members(plan, "townships_parks")
    assert not members_complete(plan)
    assert {u.id for u in unresolved_collectives(plan)} == {
        "relevant_townships_parks",
        "relevant_units",
        "dual_carbon_members",
    }
    # no division code without a source
    assert all(u.division_code is None for u in member_units(plan))
    assert set(collectives_of(plan, "wangkou")) == {"townships_parks", "townships_streets_parks", "townships"}
    assert expand_units(plan, ["dev_reform", "townships"])[:2] == ["dev_reform", "tangguantun"]


def test_members_are_the_plans_own_words() -> None:
    assert validate_file(JINGHAI, SEED.read_text(encoding="utf-8")) == []


def _copy(tmp_path: Path, members: str) -> Path:
    plan = tmp_path / "mini.yaml"
    shutil.copy(EXAMPLE_PLAN, plan)
    (tmp_path / "mini.members.yaml").write_text(members, encoding="utf-8")
    return plan


def test_example_plan_members_from_a_companion_file(tmp_path: Path) -> None:
    plan_id = load_plan(EXAMPLE_PLAN).plan.id
    path = _copy(
        tmp_path,
        f"schema_version: 1\nplan: {plan_id}\ncomplete: true\nunits:\n"
        "  - {id: town_a, name: 甲镇, kind: township, division_code: '120118100'}\n"
        "  - {id: street_b, name: 乙街道, kind: street}\n"
        "collectives:\n  - {unit: townships, kinds: [township], members: [street_b]}\n",
    )
    plan = load_plan(path)
    assert collective_members(plan, "townships") == ["town_a", "street_b"]
    assert members_complete(plan)
    assert next(u for u in plan.units if u.id == "town_a").division_code == "120118100"


def test_bad_members_file_names_line_and_field(tmp_path: Path) -> None:
    plan_id = load_plan(EXAMPLE_PLAN).plan.id
    path = _copy(
        tmp_path,
        f"schema_version: 1\nplan: {plan_id}\nunits:\n"
        "  - {id: dev_reform, name: 甲镇, kind: township}\n"
        "  - {id: town_c, name: 丙镇, kind: department}\n"
        "collectives:\n"
        "  - {unit: dev_reform, kinds: [township]}\n"
        "  - {unit: townships, members: [nobody]}\n",
    )
    with pytest.raises(PlanError) as err:
        load_plan(path)
    found = {(p.row, p.field) for p in err.value.problems}
    assert found == {
        (4, "units[0].id"),
        (5, "units[1].kind"),
        (7, "collectives[0].unit"),
        (8, "collectives[1].members[0]"),
    }
    assert all(p.file == str(tmp_path / "mini.members.yaml") for p in err.value.problems)


def test_members_file_schema_errors_and_wrong_plan(tmp_path: Path) -> None:
    path = _copy(
        tmp_path, "schema_version: 1\nplan: other\nunits:\n  - {id: t, name: 丁镇, kind: township, code: 1}\n"
    )
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert [(p.row, p.field) for p in err.value.problems] == [(4, "units[0].code")]
    path = _copy(tmp_path, "schema_version: 1\nplan: other\n")
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert [(p.row, p.field) for p in err.value.problems] == [(2, "plan")]
