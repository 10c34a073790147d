"""A live server for the enterprise-ledger tests: the web-test plan, the demo enterprise registry and
reports (示例数据) and two enterprise accounts, A (the demo enterprise) and B (another one)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from carbonpeak.services.accounts import DEMO_ENTERPRISE_ID, add_user
from carbonpeak.services.enterprises_demo import load as load_demo
from tests.web.conftest import PASSWORD, LiveServer, start

FIRM_A, FIRM_B = DEMO_ENTERPRISE_ID, "91120118EXAMP00022"


def add_firm_accounts(engine: Engine, tokens: dict[str, str], firms: dict[str, str]) -> None:
    """An enterprise account (and API token, into ``tokens``) per name → enterprise id."""
    for name, enterprise in firms.items():
        token = add_user(
            engine,
            username=name,
            password=PASSWORD,
            role="enterprise",
            display_name=f"{name}（示例数据）",
            who="tests",
            source="tests/web/ledger_server.py",
            enterprise_id=enterprise,
        )
        assert token is not None
        tokens[name] = token


@pytest.fixture(scope="module")
def ledger_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    for server in start(tmp_path_factory.mktemp("ledger"), secret_key="y" * 40):
        load_demo(server.engine, None)
        add_firm_accounts(server.engine, server.tokens, {"firm_a": FIRM_A, "firm_b": FIRM_B})
        yield server
