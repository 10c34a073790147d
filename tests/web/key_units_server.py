"""A live server of the key-unit tests on SQLite or PostgreSQL (the ``database_url`` fixture): the
web-test plan and users, the demo registry (示例数据), its supervising department (区工信局, user
dept_b), a unit the demo has no months for (UNIT_C) and the firm accounts firm_a, firm_b, firm_c."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from carbonpeak.ledgers import Enterprise
from carbonpeak.services.enterprises_demo import load as load_demo
from carbonpeak.services.key_units_demo import load as load_key_units
from carbonpeak.settings import Settings
from carbonpeak.storage import ledgers as ledger_repo
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.web import create_app
from tests.web.conftest import LiveServer, create_users, serve, write_plan
from tests.web.ledger_server import FIRM_A, FIRM_B, add_firm_accounts

UNIT_C = "91120118EXAMP0077Q"  # not in the demo: no demo months will ever be stored for it
FIRMS = {"firm_a": FIRM_A, "firm_b": FIRM_B, "firm_c": UNIT_C}


def start_key_units(database_url: str, folder: Path, **settings: Any) -> Iterator[LiveServer]:
    """Serve the app on ``database_url`` until the generator is closed."""
    conf = Settings(
        database_url=database_url,
        data_dir=folder,
        plan=str(write_plan(folder)),
        secret_key="k" * 40,
        **settings,
    )
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        tokens = create_users(engine)
        load_demo(engine, None)
        unit_c = Enterprise(id=UNIT_C, name="示例建材有限公司（示例数据）", industry="30", illustrative=True)
        ledger_repo.save_enterprises(engine, [unit_c], who="tests", source="tests/web/key_units_server.py")
        load_key_units(engine, None)
        add_firm_accounts(engine, tokens, FIRMS)
        app = create_app(conf)
        for base in serve(app):
            yield LiveServer(base, app, engine, conf, tokens)
    finally:
        engine.dispose()
