"""The illustrative enterprise ledger (示例数据): the registry and 12 monthly reports of 2025 for each
demo enterprise, from ``data/demo/enterprises.csv`` and ``data/demo/enterprise-reports-2025.csv``
(made by ``scripts/make_demo_enterprises.py``). Registered in ``carbonpeak.demo.LOADERS``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from carbonpeak.accounting.demo import demo_dir
from carbonpeak.ledgers import parse_report
from carbonpeak.ledgers.enterprises_file import read_registry
from carbonpeak.storage import ledgers as repo

REGISTRY_FILE = "enterprises.csv"
REPORTS_FILE = "enterprise-reports-2025.csv"
WHO = "carbonpeak init --demo"


def load(engine: Engine, plan: object) -> list[str]:
    """Store the demo registry and the months not stored yet (running it again changes nothing)."""
    folder = demo_dir()
    enterprises = read_registry(folder / REGISTRY_FILE)
    repo.save_enterprises(engine, enterprises, who=WHO, source="demo")
    frame = pd.read_csv(folder / REPORTS_FILE, dtype=str, keep_default_na=False, comment="#")
    grouped: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {"lines": []})
    for rec in frame.to_dict("records"):
        data = grouped[(str(rec["enterprise_id"]), str(rec["period"]))]
        data["period"] = rec["period"]
        data["output_value"] = rec["output_value"]
        data["note"] = "示例数据（illustrative）"
        data["lines"].append({"fuel": rec["fuel"], "amount": rec["amount"], "unit": rec["unit"]})
    stored = 0
    for (enterprise_id, period), data in sorted(grouped.items()):
        if repo.get_report(engine, enterprise_id, period) is not None:
            continue
        report = parse_report(data, enterprise_id, today=dt.date(2025, 12, 31))
        repo.save_report(engine, report, status="submitted", who=WHO, source="demo", illustrative=True)
        stored += 1
    return [
        f"enterprise ledger (示例数据): {len(enterprises)} enterprises, {stored} monthly reports stored "
        f"({len(grouped)} in {REPORTS_FILE})"
    ]
