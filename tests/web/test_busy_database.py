"""A write that cannot get SQLite's lock within the busy timeout answers 503 with Retry-After and a
message in Chinese, never a bare 500, and the server's connections stay usable (issue 13)."""

from __future__ import annotations

import sqlite3

import httpx
from sqlalchemy.engine import make_url

from tests.web.conftest import SHARED_TASK, LiveServer, csrf_of


def test_locked_database_is_a_503_and_the_next_write_works(
    live: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    dept = clients["dept_a"]
    url = f"/api/v1/tasks/{SHARED_TASK}/reports"
    body = {"year": 2022, "period": "Q2", "status": "in_progress", "narrative": "锁"}
    headers = {"X-CSRF-Token": csrf_of(dept)}
    path = make_url(live.settings.resolved_database_url()).database
    assert path
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock past the busy timeout
        busy = dept.post(url, json=body, headers=headers)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert busy.status_code == 503, busy.text
    assert busy.headers["Retry-After"].isdigit()
    assert "数据库正忙" in busy.json()["detail"]
    saved = dept.post(url, json=body, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1
