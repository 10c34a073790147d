"""Illustrative demo data (示例数据) of every capability, loaded by ``carbonpeak init --demo``.

Each capability with demo data adds one line to ``LOADERS``: "module:function", where the function
takes ``(engine, plan)`` and returns lines saying what it loaded. Demo data is never real and says
so wherever it is shown.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sqlalchemy import Engine

from carbonpeak.plan import Plan

DemoLoader = Callable[[Engine, Plan], list[str]]

LOADERS: list[str] = [
    # "carbonpeak.<capability>.demo:load",
    "carbonpeak.storage.activity:load_demo",
    "carbonpeak.services.tracking_demo:load",
    "carbonpeak.services.enterprises_demo:load",
    "carbonpeak.services.key_units_demo:load",
    "carbonpeak.services.emitters_demo:load",
    "carbonpeak.services.two_high_demo:load",
    "carbonpeak.services.publishing:load_demo",
    "carbonpeak.services.forestry:load_demo",
    "carbonpeak.services.energy_demo:load",
]


def _resolve(spec: str) -> DemoLoader:
    module, _, name = spec.partition(":")
    loader: DemoLoader = getattr(importlib.import_module(module), name)
    return loader


def load_demo(engine: Engine, plan: Plan) -> list[str]:
    lines: list[str] = []
    for spec in LOADERS:
        lines += _resolve(spec)(engine, plan)
    if not lines:
        lines.append("demo data: none of the installed capabilities has demo data yet")
    return lines
