"""A real server for the web tests: the app from ``create_app`` served by uvicorn on 127.0.0.1.

The plan is docs/examples/minimal-plan.yaml plus one action whose task and indicator belong to
区工信局 alone, so that one department owns something the other does not.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import yaml
from fastapi import FastAPI
from sqlalchemy import Engine

from carbonpeak.cli.web import proxy_options
from carbonpeak.services.accounts import add_user
from carbonpeak.settings import Settings
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.web import create_app
from tests.conftest import EXAMPLE_PLAN

PASSWORD = "correct horse battery staple 示例"
# name → (role, unit id, enterprise id)
USERS: dict[str, tuple[str, str | None, str | None]] = {
    "office": ("office", None, None),
    "dept_a": ("department", "dev_reform", None),
    "dept_b": ("department", "industry_it", None),
    "viewer": ("viewer", None, None),
    "firm": ("enterprise", None, "ent-001"),
}
# A task and an indicator of 区工信局 (industry_it) only.
B_TASK = "industry.1"
B_INDICATOR = "industry_energy_intensity_2025"
SHARED_TASK = "energy.1"


# Debian's Chromium (never `playwright install`): CARBONPEAK_CHROMIUM, else `chromium` on PATH.
CHROMIUM = Path(os.environ.get("CARBONPEAK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium")
BROWSER_PARTS = "apt-get install chromium fonts-noto-cjk (make test does it), or set CARBONPEAK_CHROMIUM"


def missing_browser_parts() -> list[str]:
    """What the browser tests need and this machine lacks: Chromium, and Chinese fonts for the pages."""
    missing = [] if CHROMIUM.is_file() else [f"Chromium at {CHROMIUM}"]
    fc_list = shutil.which("fc-list")
    fonts = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout if fc_list else ""
    if not fonts.strip():
        missing.append("Chinese fonts (fc-list :lang=zh lists none)")
    return missing


def pytest_collection_finish(session: pytest.Session) -> None:
    """Before any test runs: stop the whole run at once when a selected browser test cannot run."""
    if session.config.option.collectonly:
        return
    if not any(item.get_closest_marker("browser") for item in session.items):
        return
    if missing := missing_browser_parts():
        message = f"browser tests: missing {'; '.join(missing)}. {BROWSER_PARTS}"
        pytest.exit(message, returncode=pytest.ExitCode.USAGE_ERROR)


def write_plan(folder: Path) -> Path:
    data = yaml.safe_load(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    data["actions"].append({"id": "industry", "clause": "三.(二)", "title": "工业领域碳达峰行动"})
    data["indicators"].append(
        {
            "id": B_INDICATOR,
            "name": "规模以上工业单位增加值能耗",
            "kind": "intensity",
            "value": 15.5,
            "unit": "%",
            "comparator": "reduce_by",
            "year": 2025,
            "base_year": 2020,
            "clause": "三.(二).1",
            "quote": "到2025年，规模以上工业单位增加值能耗较2020年下降15.5%",
        }
    )
    data["tasks"].append(
        {
            "id": B_TASK,
            "action": "industry",
            "clause": "三.(二).1",
            "title": "推动工业领域绿色低碳发展",
            "text": "推动工业领域绿色低碳发展。到2025年，规模以上工业单位增加值能耗较2020年下降15.5%。",
            "responsible_quote": "责任单位：区工信局",
            "lead": "industry_it",
            "indicators": [B_INDICATOR],
        }
    )
    data["plan"]["disclosure"] = "此件主动公开"
    path = folder / "web-test-plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    app: FastAPI
    engine: Engine
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30, **kwargs)


def make_settings(folder: Path, **overrides: Any) -> Settings:
    """Settings of a test server in ``folder``: the web-test plan unless ``plan`` is given."""
    if "plan" not in overrides:
        overrides["plan"] = str(write_plan(folder))
    return Settings(
        database_url=f"sqlite:///{(folder / 'web.sqlite').as_posix()}",
        data_dir=folder,
        **overrides,
    )


def create_users(engine: Engine) -> dict[str, str]:
    tokens = {}
    for name, (role, unit, enterprise) in USERS.items():
        token = add_user(
            engine,
            username=name,
            password=PASSWORD,
            role=role,  # type: ignore[arg-type]
            display_name=f"{name} 测试",
            who="tests",
            source="tests/web/conftest.py",
            unit_id=unit,
            enterprise_id=enterprise,
        )
        if token:
            tokens[name] = token
    return tokens


def serve(app: FastAPI) -> Iterator[str]:
    port = free_port()
    # forwarded headers as `carbonpeak serve` sets them (believed only from trusted_proxies)
    proxies = proxy_options(app.state.settings)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="on", **proxies
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def start(folder: Path, **overrides: Any) -> Iterator[LiveServer]:
    settings = make_settings(folder, **overrides)
    url = settings.resolved_database_url()
    upgrade(url)
    engine = make_engine(url)
    tokens = create_users(engine)
    app = create_app(settings)
    try:
        for base in serve(app):
            yield LiveServer(base, app, engine, settings, tokens)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from start(tmp_path_factory.mktemp("web"), secret_key="x" * 40)


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: httpx.Client) -> str:
    page = client.get("/login")
    match = CSRF.search(page.text)
    if match is None:  # signed in: /login redirects; any page carries the token in the logout form
        match = CSRF.search(client.get("/public").text)
    assert match is not None
    return match.group(1)


def login(server: LiveServer, username: str, password: str = PASSWORD) -> httpx.Client:
    client = server.client()
    token = csrf_of(client)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token, "next": ""}
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture(scope="session")
def clients(live: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    """One signed-in client per test user, plus 'public' (no sign-in)."""
    yield from signed_in(live)


def signed_in(server: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    """A signed-in client per test user of ``server`` and 'public'; all closed afterwards."""
    out = {name: login(server, name) for name in USERS}
    out["public"] = server.client()
    yield out
    for client in out.values():
        client.close()
