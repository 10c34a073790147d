"""Illustrative demo data (示例数据) of every capability, loaded by ``carbonpeak init --demo``.

Each capability that has demo data registers a loader in ``LOADERS``; a loader returns lines that say
what it loaded. Demo data is never real and says so wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from carbonpeak.plan import Plan

DemoLoader = Callable[[Engine, Plan], list[str]]

LOADERS: list[DemoLoader] = []


def load_demo(engine: Engine, plan: Plan) -> list[str]:
    lines: list[str] = []
    for loader in LOADERS:
        lines += loader(engine, plan)
    if not lines:
        lines.append("demo data: none of the installed capabilities has demo data yet")
    return lines
