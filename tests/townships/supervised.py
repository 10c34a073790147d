"""A copy of the Jinghai plan whose members file names a supervising department (test data, not the
bundled list: the plan names no 管委会): 子牙园区管委会（测试） supervises the park 天津子牙经济技术开发区
and the town 子牙镇."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import REPO

JINGHAI = REPO / "data" / "plans" / "jinghai-2023.yaml"
SUPERVISOR = "ziya_admin"
SUPERVISED = ("ziya_ede", "ziya_town")


def supervised_plan(folder: Path) -> Path:
    """The plan file of the copy (its companion members file beside it)."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = folder / "jinghai-supervised.yaml"
    shutil.copy(JINGHAI, plan)
    members = yaml.safe_load(JINGHAI.with_name("jinghai-2023.members.yaml").read_text(encoding="utf-8"))
    members["units"].append({"id": SUPERVISOR, "name": "子牙园区管委会（测试）", "kind": "department"})
    members["supervised_by"] = dict.fromkeys(SUPERVISED, SUPERVISOR)
    text = yaml.safe_dump(members, allow_unicode=True, sort_keys=False)
    (folder / "jinghai-supervised.members.yaml").write_text(text, encoding="utf-8")
    return plan
