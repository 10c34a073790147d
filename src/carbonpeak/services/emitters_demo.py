"""The key-emitter demo (示例数据): two demo enterprises listed as key emitters (重点排放单位) with
their 2024 and 2025 reports, verification and compliance from ``data/demo/key-emitters.csv`` —
invented figures: one unit's 2025 verified tonnes differ from its ledger CO2 beyond the tolerance,
the other's 2025 verification is missing. Registered in ``carbonpeak.demo.LOADERS`` after the
enterprise ledger; running it again changes nothing."""

from __future__ import annotations

from sqlalchemy import Engine

from carbonpeak.accounting.demo import demo_dir
from carbonpeak.ledgers.emitters_file import read_emitters
from carbonpeak.storage import emitters as repo
from carbonpeak.storage import ledgers as ledger_repo

EMITTERS_FILE = "key-emitters.csv"
WHO = "carbonpeak init --demo"


def load(engine: Engine, plan: object) -> list[str]:
    demo = {e.id for e in ledger_repo.list_enterprises(engine) if e.illustrative}
    records = [r for r in read_emitters(demo_dir() / EMITTERS_FILE) if r.enterprise_id in demo]
    added, _ = repo.save_years(engine, records, who=WHO, source="demo")
    units = len({r.enterprise_id for r in records})
    return [f"key emitters (示例数据): {units} units, {added} years stored ({EMITTERS_FILE})"]
