"""A live server on the bundled Jinghai plan (its plan scenario reads the plan's indicators) with the
demo activity and macro batches stored, for the inventory and scenario explorer tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from carbonpeak.settings import Settings
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.activity import load_demo
from carbonpeak.web import create_app
from tests.conftest import REPO
from tests.web.conftest import LiveServer, create_users, serve

JINGHAI = REPO / "data" / "plans" / "jinghai-2023.yaml"
DEMO_ACTIVITY = REPO / "data" / "demo" / "jinghai-activity-2020-2024.csv"


@pytest.fixture(scope="module")
def jinghai(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("explorer")
    settings = Settings(
        database_url=f"sqlite:///{(folder / 'web.sqlite').as_posix()}",
        data_dir=folder,
        plan=str(JINGHAI),
        secret_key="y" * 40,
    )
    url = settings.resolved_database_url()
    upgrade(url)
    engine = make_engine(url)
    load_demo(engine, None)  # as carbonpeak init --demo: the demo activity and macro batches
    tokens = create_users(engine)
    app = create_app(settings)
    try:
        for base in serve(app):
            yield LiveServer(base, app, engine, settings, tokens)
    finally:
        engine.dispose()
