"""Migration 0050: stored plan revisions of schema 1 are rewritten to schema 2 (and back)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from alembic import command

from carbonpeak.plan import Plan
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.migrate import alembic_config
from carbonpeak.storage.plans import content_digest
from tests.audit_watch import setup_writes

V1_PLAN = Path(__file__).parents[1] / "plan" / "plan-v1.yaml"


def _v1_content() -> dict[str, Any]:
    """A revision as schema 1 stored it: the plan's JSON plus the derived keys plan_dict adds."""
    data = json.loads(json.dumps(yaml.safe_load(V1_PLAN.read_text(encoding="utf-8")), default=str))
    for ind in data["indicators"]:
        ind["aspirational"] = ind.get("aspirational", False)
        ind["tasks"] = []
    return data


def _row(engine: sa.Engine) -> Any:
    with engine.connect() as connection:
        return connection.execute(
            sa.text(
                "SELECT schema_version, content, content_sha256, revision, created_by FROM plan_revisions"
            )
        ).one()


def test_stored_v1_revision_becomes_schema_2_and_back(database_url: str) -> None:
    upgrade(database_url, "0040")
    engine = make_engine(database_url)
    try:
        content = _v1_content()
        with setup_writes(), engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO plan_revisions (plan_id, revision, content_sha256, schema_version, title,"
                    " content, created_by, source) VALUES (:p, 1, :d, 1, :t, :c, :w, :s)"
                ),
                {
                    "p": "example-district",
                    "d": content_digest(content),
                    "t": "示例区碳达峰实施方案",
                    "c": json.dumps(content, ensure_ascii=False),
                    "w": "王主任",
                    "s": "a.yaml",
                },
            )
        upgrade(database_url)
        version, stored, digest, revision, who = _row(engine)
        stored = stored if isinstance(stored, dict) else json.loads(stored)
        assert (version, revision, who) == (2, 1, "王主任")
        assert digest == content_digest(stored)
        by_id = {i["id"]: i for i in stored["indicators"]}
        assert by_id["renewable_capacity_2025"]["strength"] == "strive"
        assert "aspirational" not in by_id["renewable_capacity_2025"]
        assert by_id["energy_intensity_2025"]["assigned"] == {"by": "city"}
        # the upgraded content is a valid schema-2 plan (the derived keys aside)
        for ind in stored["indicators"]:
            del ind["tasks"]
        assert Plan.model_validate(stored).plan.schema_version == 2

        command.downgrade(alembic_config(database_url), "0040")
        version, back, digest, _, _ = _row(engine)
        back = back if isinstance(back, dict) else json.loads(back)
        assert version == 1 and digest == content_digest(back)
        assert {i["id"]: i["aspirational"] for i in back["indicators"]} == {
            "non_fossil_share_2025": False,
            "renewable_capacity_2025": True,
            "energy_intensity_2025": False,
        }
        assert all("assigned" not in i for i in back["indicators"])
    finally:
        engine.dispose()
