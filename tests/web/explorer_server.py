"""A live server on the bundled Jinghai plan (its plan scenario reads the plan's indicators) with the
demo activity and macro batches stored, for the inventory and scenario explorer tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from carbonpeak.storage.activity import load_demo
from tests.conftest import REPO
from tests.web.conftest import LiveServer, start

JINGHAI = REPO / "data" / "plans" / "jinghai-2023.yaml"
DEMO_ACTIVITY = REPO / "data" / "demo" / "jinghai-activity-2020-2024.csv"


@pytest.fixture(scope="module")
def jinghai(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    for server in start(tmp_path_factory.mktemp("explorer"), plan=str(JINGHAI), secret_key="y" * 40):
        load_demo(server.engine, None)  # as carbonpeak init --demo: the demo activity and macro batches
        yield server
