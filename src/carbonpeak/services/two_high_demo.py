"""The illustrative 两高 project ledger (示例数据) for the demo database (``data/demo-two-high.yaml``)."""

from __future__ import annotations

from importlib import resources

import yaml
from sqlalchemy import Engine

from carbonpeak.ledgers.projects import TwoHighProject
from carbonpeak.storage import two_high as repo


def demo_projects() -> list[TwoHighProject]:
    text = (
        resources.files("carbonpeak.ledgers").joinpath("data/demo-two-high.yaml").read_text(encoding="utf-8")
    )
    return [TwoHighProject.model_validate(p) for p in yaml.safe_load(text)["projects"]]


def load(engine: Engine, plan: object = None) -> list[str]:
    """Store the demo ledger once (nothing when the ledger already has projects)."""
    if repo.list_projects(engine):
        return []
    ids = repo.save_projects(engine, [(None, p) for p in demo_projects()], who="demo", source="demo 示例数据")
    return [f"两高项目台账（示例数据）: {len(ids)} projects"]
