"""`carbonpeak serve --workers 2` for real: a subprocess, real HTTP. Sessions signed by one worker
are read by the other (one key made by the serving parent), and the login rate limit counts the
failed attempts of every worker (they live in the database)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from carbonpeak.storage import make_engine, upgrade
from tests.web.conftest import CSRF, PASSWORD, create_users, free_port, write_plan

MAX_ATTEMPTS = 3


def _children(pid: int) -> list[int]:
    """The worker processes the uvicorn supervisor ``pid`` has spawned (Linux /proc)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in cmdline:
                out.append(int(child))
    return out


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("workers")
    url = f"sqlite:///{(folder / 'web.sqlite').as_posix()}"
    upgrade(url)
    engine = make_engine(url)
    create_users(engine)
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARBONPEAK_")}
    env.update(
        {
            "CARBONPEAK_MODE": "development",  # no secret key configured: the parent makes one
            "CARBONPEAK_DATA_DIR": str(folder),
            "CARBONPEAK_LOGIN_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        }
    )
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "carbonpeak"),
        "--database",
        url,
        "serve",
        "--plan",
        str(write_plan(folder)),
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health").status_code == 200 and len(_children(server.pid)) >= 2:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError((folder / "server.log").read_text())
            time.sleep(0.3)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _fresh(base: str, cookies: httpx.Cookies | None = None) -> httpx.Client:
    """A new client: a new TCP connection, which the kernel hands to either worker."""
    return httpx.Client(base_url=base, cookies=cookies, follow_redirects=False, timeout=30)


def _sign_in(base: str, username: str, password: str) -> tuple[int, httpx.Cookies]:
    with _fresh(base) as client:
        match = CSRF.search(client.get("/login").text)
        assert match is not None
        response = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": match.group(1)}
        )
        return response.status_code, client.cookies


def test_two_workers_serve_sign_in_and_pages(two_workers: tuple[str, int]) -> None:
    base, pid = two_workers
    assert len(_children(pid)) == 2  # the supervisor's two workers
    status, cookies = _sign_in(base, "office", PASSWORD)
    assert status == 303
    # every request on a new connection: whichever worker takes it reads the session
    for _ in range(12):
        with _fresh(base, cookies) as client:
            assert client.get("/api/v1/me").json()["username"] == "office"
    for path in ("/", "/indicators", "/public", "/admin/publishing"):
        with _fresh(base, cookies) as client:
            assert client.get(path).status_code == 200, path
    # a form posted on another connection than the one that served it (CSRF token in the session)
    with _fresh(base, cookies) as client:
        token = CSRF.search(client.get("/admin/publishing").text)
        assert token is not None
        cookies = client.cookies  # the session (signed cookie) now holds the CSRF token
    with _fresh(base, cookies) as client:
        response = client.post(
            "/indicators/non_fossil_share_2025/publish",
            data={"action": "publish", "csrf_token": token.group(1)},
        )
        assert response.status_code == 303
    with _fresh(base) as public:
        assert [r["id"] for r in public.get("/api/v1/public/indicators").json()] == ["non_fossil_share_2025"]


def test_the_rate_limit_counts_attempts_of_every_worker(two_workers: tuple[str, int]) -> None:
    base, _ = two_workers
    for _ in range(MAX_ATTEMPTS):
        status, _ = _sign_in(base, "viewer", "wrong password 000")
        assert status == 401
    # each further attempt, on a new connection to either worker, is refused — even the right password
    for _ in range(6):
        status, _ = _sign_in(base, "viewer", PASSWORD)
        assert status == 429
    status, _ = _sign_in(base, "dept_a", PASSWORD)  # another user name is not affected
    assert status == 303
