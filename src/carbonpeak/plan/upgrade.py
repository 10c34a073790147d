"""Upgrade a plan document of an older schema version to the current one, as plain data.

Used by the loader (a version-1 file still loads) and by the storage migration 0050 (stored plan
revisions). Pure dict-to-dict; keys it does not know are passed through unchanged, so it also works
on the stored JSON shape of ``plan_dict`` (which adds derived keys).
"""

from __future__ import annotations

import copy
from typing import Any

# Words of a version-1 quote or note that mark a value set by the higher level (decision 0008).
_CITY_WORDS = ("市下达",)
_NATIONAL_WORDS = ("国家规定",)


def _assigned_by(indicator: dict[str, Any]) -> str | None:
    words = f"{indicator.get('quote') or ''} {indicator.get('note') or ''}"
    if any(w in words for w in _CITY_WORDS):
        return "city"
    if any(w in words for w in _NATIONAL_WORDS):
        return "national"
    return None


def _indicator_v1_to_v2(indicator: dict[str, Any]) -> dict[str, Any]:
    out = dict(indicator)
    if out.pop("aspirational", False):
        out["strength"] = "strive"
    quantified = out.get("kind") != "qualitative" and out.get("comparator") != "increase"
    if quantified and out.get("value") is None and "assigned" not in out:
        by = _assigned_by(out)
        if by is not None:
            out["assigned"] = {"by": by}
    return out


def upgrade_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 → 2: ``aspirational: true`` becomes ``strength: strive``; a quantified target without
    value whose words say 市下达 or 国家规定 gets ``assigned`` (city / national). Everything else of
    schema 1 is valid schema 2 (targets hold in their year; no prohibitions are invented)."""
    out = copy.deepcopy(data)
    meta = out.get("plan")
    if isinstance(meta, dict):
        meta["schema_version"] = 2
    indicators = out.get("indicators")
    if isinstance(indicators, list):
        out["indicators"] = [_indicator_v1_to_v2(i) if isinstance(i, dict) else i for i in indicators]
    return out


# Fields schema 1 cannot hold, dropped on a downgrade (with the prohibitions).
_V2_INDICATOR_FIELDS = ("holds", "start_year", "assigned", "strength")
_V2_TASK_FIELDS = ("strength",)
_V2_PROJECT_FIELDS = ("work", "strength", "investment", "investment_unit", "parts")
_V2_MILESTONE_FIELDS = ("projects",)


def downgrade_v2_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 → 1, for a database downgrade: ``strength: strive`` becomes ``aspirational: true``;
    what schema 1 cannot say (periods, assignments, other strengths, prohibitions, project parts) is
    dropped."""
    out = copy.deepcopy(data)
    meta = out.get("plan")
    if isinstance(meta, dict):
        meta["schema_version"] = 1
    out.pop("prohibitions", None)
    for key, fields in (
        ("indicators", _V2_INDICATOR_FIELDS),
        ("tasks", _V2_TASK_FIELDS),
        ("projects", _V2_PROJECT_FIELDS),
        ("milestones", _V2_MILESTONE_FIELDS),
    ):
        for item in out.get(key) or []:
            if not isinstance(item, dict):
                continue
            if key == "indicators":
                item["aspirational"] = item.get("strength") == "strive"
            for name in fields:
                item.pop(name, None)
    return out


UPGRADES = {1: upgrade_v1_to_v2}


def upgrade(data: Any) -> Any:
    """``data`` brought to the current schema version; data of an unknown version is left as it is
    (the schema check then names the field)."""
    if not isinstance(data, dict) or not isinstance(data.get("plan"), dict):
        return data
    version = data["plan"].get("schema_version")
    while isinstance(version, int) and version in UPGRADES:
        data = UPGRADES[version](data)
        version = data["plan"].get("schema_version")
    return data
