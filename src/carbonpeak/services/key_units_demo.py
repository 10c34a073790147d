"""The key-unit demo (示例数据): the supervising department of the demo enterprises (区工信局), the
review of their demo months (every month but each firm's latest approved by a demo reviewer; the
latest waits in the queue) and their energy budgets (``data/demo/enterprise-budgets.csv``).
Registered in ``carbonpeak.demo.LOADERS`` after the enterprise ledger; running it again changes
nothing."""

from __future__ import annotations

from sqlalchemy import Engine

from carbonpeak.accounting.demo import demo_dir
from carbonpeak.ledgers.budgets_file import read_budgets
from carbonpeak.storage import budgets as budget_repo
from carbonpeak.storage import ledgers as ledger_repo
from carbonpeak.storage import month_review as review_repo

BUDGETS_FILE = "enterprise-budgets.csv"
SUPERVISOR = "industry_it"  # 区工信局 of the bundled plan
REVIEWER = "示例审核员（示例数据）"
WHO = "carbonpeak init --demo"


def load(engine: Engine, plan: object) -> list[str]:
    demo = [e for e in ledger_repo.list_enterprises(engine) if e.illustrative]
    ids = [e.id for e in demo]
    known = review_repo.supervisors(engine)
    for ent in ids:
        if ent not in known:
            review_repo.set_supervisor(engine, ent, SUPERVISOR, who=WHO, source="demo")
    approved = 0
    reviews = review_repo.reviews(engine, ids)
    latest = {e: max((r.period for r in reviews if r.enterprise_id == e), default="") for e in ids}
    for r in reviews:
        if r.state == "submitted" and r.period != latest[r.enterprise_id] and r.submitted_by != REVIEWER:
            review_repo.transition(
                engine,
                r.enterprise_id,
                r.period,
                "approve",
                who=REVIEWER,
                role="department",
                comment="",
                source="demo",
            )
            approved += 1
    budgets = [b for b in read_budgets(demo_dir() / BUDGETS_FILE) if b.enterprise_id in set(ids)]
    added, _ = budget_repo.save_budgets(engine, budgets, who=WHO, source="demo")
    return [
        f"key energy-using units (示例数据): {len(ids)} supervised by {SUPERVISOR}, "
        f"{approved} months approved, {added} budgets stored ({BUDGETS_FILE})"
    ]
