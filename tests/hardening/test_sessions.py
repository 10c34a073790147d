"""Sessions that end: a cookie captured before sign-out reads nothing after it (real HTTP), and the
server-side idle timeout and absolute lifetime (real SQLite, explicit times)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from carbonpeak.storage import make_engine, sessions, upgrade
from tests.web.conftest import LiveServer, csrf_of, login, start


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("web-sessions")
    yield from start(folder, secret_key="z" * 40)


def test_a_cookie_captured_before_sign_out_reads_nothing_after(server: LiveServer) -> None:
    client = login(server, "viewer")
    assert client.get("/api/v1/me").status_code == 200
    captured = dict(client.cookies)
    logout = client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert logout.status_code == 303
    with server.client(cookies=captured) as replay:
        assert replay.get("/api/v1/me").status_code == 401
    client.close()


def test_each_sign_in_is_its_own_session(server: LiveServer) -> None:
    first, second = login(server, "office"), login(server, "office")
    second.post("/logout", data={"csrf_token": csrf_of(second)})
    assert first.get("/api/v1/me").status_code == 200  # signing out one device ends only that one
    assert second.get("/api/v1/me").status_code == 401
    first.close()
    second.close()


def test_idle_timeout_and_absolute_lifetime(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 's.sqlite').as_posix()}"
    upgrade(url)
    engine = make_engine(url)
    try:
        t0 = 1_000_000.0
        sid = sessions.start(engine, 7, t0, source="test")
        assert sessions.live_user(engine, sid, t0 + 100, idle=600, lifetime=3600) == 7
        assert sessions.live_user(engine, sid, t0 + 650, idle=600, lifetime=3600) == 7  # used at +100
        assert sessions.live_user(engine, sid, t0 + 1300, idle=600, lifetime=3600) is None  # idle
        assert sessions.live_user(engine, sid, t0 + 1301, idle=6000, lifetime=3600) is None  # ended
        busy = sessions.start(engine, 7, t0, source="test")
        for minute in range(1, 60):
            assert sessions.live_user(engine, busy, t0 + 60 * minute, idle=600, lifetime=3600) == 7
        assert sessions.live_user(engine, busy, t0 + 3601, idle=600, lifetime=3600) is None  # absolute
        other = sessions.start(engine, 7, t0, source="test")
        kept = sessions.start(engine, 7, t0, source="test")
        assert sessions.revoke_user(engine, 7, t0 + 1, keep=kept) == 1
        assert sessions.live_user(engine, other, t0 + 2, idle=600, lifetime=3600) is None
        assert sessions.live_user(engine, kept, t0 + 2, idle=600, lifetime=3600) == 7
    finally:
        engine.dispose()
