""" "Capacity from the project ledger": a scenario's renewable lever fed with the energy-project
ledger's capacity by year (the pipeline's expected capacity, or the grid-connected one) instead of the
scenario file's own path or the plan's target.

Pure lever/input layer: the ledger's series (MW by year, computed by ``carbonpeak.ledgers`` and
passed in by a service) becomes the ``points`` of the ``renewables`` lever in the lever's unit
(万千瓦, converted through the units registry); the scenario's points after the ledger's last year
are kept, so the path continues beyond the pipeline's horizon. Nothing of the engine changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

from carbonpeak.errors import InvalidInputError
from carbonpeak.scenarios.lever_table import lever
from carbonpeak.scenarios.paths import by_year
from carbonpeak.scenarios.quantities import rescale
from carbonpeak.scenarios.scenario_files import Scenario

LEDGER_LEVER = "renewables"
Basis = Literal["expected", "installed"]
BASIS_WORDS: dict[str, tuple[str, str]] = {
    "expected": ("装机取自项目台账（按计划投产）", "capacity from the project ledger (expected pipeline)"),
    "installed": ("装机取自项目台账（已并网）", "capacity from the project ledger (grid-connected)"),
}


def with_ledger_capacity(scn: Scenario, capacity_mw: Mapping[int, float], basis: Basis) -> Scenario:
    """The scenario with its renewable lever's points taken from the ledger's ``capacity_mw`` (year →
    MW); the lever's ``from_plan`` is dropped, its ``mix`` kept; the title and description say so."""
    if basis not in BASIS_WORDS:
        raise InvalidInputError(
            f"装机口径应为 expected 或 installed，实为“{basis}”", message_en="basis: expected or installed"
        )
    if not capacity_mw:
        raise InvalidInputError(
            "项目台账没有可再生能源装机，无法作为情景的装机路径",
            message_en="the project ledger holds no renewable capacity to feed the scenario",
        )
    spec = lever(LEDGER_LEVER)
    settings = dict(scn.levers.get(LEDGER_LEVER) or {})
    points = {int(y): float(rescale(float(mw), "MW", spec.unit)) for y, mw in capacity_mw.items()}
    last = max(points)
    later = {y: float(v) for y, v in by_year(settings.get("points")).items() if y > last}
    settings.pop("from_plan", None)
    settings["points"] = {**points, **later}
    settings["enabled"] = True
    zh, en = BASIS_WORDS[basis]
    return replace(
        scn,
        title=f"{scn.title}（{zh}）",
        levers={**scn.levers, LEDGER_LEVER: settings},
        description=f"{scn.description} [{LEDGER_LEVER}: {en}]".strip(),
        raw={**scn.raw, "ledger_capacity": {"basis": basis, "points_wan_kw": settings["points"]}},
    )
