"""Hardening over real HTTP on a server of its own: bombs and tall sheets sent to both imports,
bodies above their limit (declared and streamed), a broken workbook that must leave nothing behind,
formula text read back from the review export, control characters refused, a bearer token kept to
the API, two Authorization headers refused."""

from __future__ import annotations

import csv
import io
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonpeak.storage.tables import TaskReportRow
from tests.hardening import bombs
from tests.web.conftest import SHARED_TASK, LiveServer, csrf_of, signed_in, start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("web-hardening")
    yield from start(folder, secret_key="h" * 40, evidence_max_mb=1)


@pytest.fixture(scope="module")
def clients(server: LiveServer) -> Iterator[dict[str, httpx.Client]]:
    yield from signed_in(server)


def _pending_files(server: LiveServer) -> list[Path]:
    root = Path(server.settings.data_dir) / "imports"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _reports(server: LiveServer) -> int:
    with Session(server.engine) as s:
        return s.scalar(select(func.count()).select_from(TaskReportRow)) or 0


def _upload(client: httpx.Client, path: str, content: bytes, name: str = "bomb.xlsx") -> httpx.Response:
    return client.post(
        path, data={"csrf_token": csrf_of(client)}, files={"file": (name, content, XLSX)}, timeout=60
    )


@pytest.mark.parametrize("path", ["/inventory/import", "/reporting/import"])
def test_a_shared_strings_bomb_is_refused_at_once(
    server: LiveServer, clients: dict[str, httpx.Client], path: str
) -> None:
    bomb = bombs.shared_strings_bomb(256)
    assert len(bomb) < 2 * 1024 * 1024
    before = _reports(server)
    started = time.monotonic()
    response = _upload(clients["office"], path, bomb)
    elapsed = time.monotonic() - started
    assert response.status_code == 422, response.text[:500]
    assert "xl/sharedStrings.xml" in response.text and "100 MB" in response.text
    print(f"{path}: 256 MB shared-strings bomb refused in {elapsed:.2f} s")
    assert _pending_files(server) == [] and _reports(server) == before


@pytest.mark.parametrize("path", ["/inventory/import", "/reporting/import"])
def test_a_small_workbook_of_200000_rows_is_refused(
    server: LiveServer, clients: dict[str, httpx.Client], path: str
) -> None:
    tall = bombs.with_sheet(bombs.sheet_xml(200_000), sheet=1 if path.startswith("/inv") else 2)
    assert len(tall) < 1.5 * 1024 * 1024
    response = _upload(clients["office"], path, tall, "tall.xlsx")
    assert response.status_code == 422, response.text[:500]
    assert "行数超过上限 100000 行" in response.text
    assert _pending_files(server) == []


def test_a_broken_workbook_leaves_nothing_behind(
    server: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    for path in ("/inventory/import", "/reporting/import"):
        response = _upload(clients["office"], path, bombs.broken_workbook(), "broken.xlsx")
        assert response.status_code == 422, (path, response.text[:300])
        assert "broken.xlsx" in response.text
        assert _pending_files(server) == []


def _raw(server: LiveServer, request: bytes) -> bytes:
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_a_declared_body_above_the_limit_is_refused_before_it_is_read(server: LiveServer) -> None:
    # 160 MB declared, not one byte sent: the answer comes without waiting for the body
    started = time.monotonic()
    answer = _raw(
        server,
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 167772160\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert "超过此类请求的上限 256 KB".encode() in answer
    assert b"content-security-policy" in answer.lower()
    assert time.monotonic() - started < 10


def test_a_streamed_body_is_cut_off_at_the_limit(server: LiveServer) -> None:
    def body() -> Iterator[bytes]:
        yield b"csrf_token=x&username=a&password="
        for _ in range(64):
            yield b"a" * 65536  # 4 MB in all, chunked (no Content-Length)

    with server.client() as client:
        client.get("/login")
        try:
            response = client.post(
                "/login", content=body(), headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
        except httpx.HTTPError:  # the server may close before the client has written everything
            return
        assert response.status_code == 413


def test_evidence_and_imports_have_their_own_limits(
    server: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    office = clients["office"]
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    response = office.post(
        "/api/v1/records/report/1/evidence",
        files={"file": ("a.pdf", big, "application/pdf")},
        headers={"X-CSRF-Token": csrf_of(office)},
    )
    assert response.status_code == 413, response.text[:200]
    # 3 MB is within the import limit (20 MB): the import reads it and says what is wrong
    response = _upload(office, "/inventory/import", big, "big.csv")
    assert response.status_code == 422


def test_formula_text_reaches_no_export_as_a_formula(
    server: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    dept = clients["dept_a"]
    narrative = '=HYPERLINK("http://evil.example/x","点击")'
    saved = dept.post(
        f"/api/v1/tasks/{SHARED_TASK}/reports",
        json={"year": 2024, "period": "Q1", "status": "in_progress", "narrative": narrative, "submit": True},
        headers={"X-CSRF-Token": csrf_of(dept)},
    )
    assert saved.status_code == 200, saved.text
    office = clients["office"]
    xlsx = office.get("/review/export?format=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row]
    found = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert found and all(c.data_type == "s" and c.value == "'" + narrative for c in found)
    assert any(isinstance(c.value, int) and c.value == 2024 for c in cells)  # numbers stay numbers
    text = office.get("/review/export?format=csv").content.decode("utf-8-sig")
    values = [v for row in csv.reader(io.StringIO(text)) for v in row]
    assert "'" + narrative in values and narrative not in values


def test_control_characters_are_refused_on_input(
    server: LiveServer, clients: dict[str, httpx.Client]
) -> None:
    dept = clients["dept_a"]
    response = dept.post(
        f"/api/v1/tasks/{SHARED_TASK}/reports",
        json={"year": 2024, "period": "Q2", "status": "in_progress", "narrative": "a\u0001b"},
        headers={"X-CSRF-Token": csrf_of(dept)},
    )
    assert response.status_code == 422, response.text
    problem = response.json()["problems"][0]
    assert problem["field"] == "narrative" and "U+0001" in problem["message"]
    assert clients["office"].get("/review/export?format=xlsx").status_code == 200


def test_a_bearer_token_is_for_the_api_only(server: LiveServer) -> None:
    token = {"Authorization": f"Bearer {server.tokens['firm']}"}
    with server.client(headers=token) as machine:
        assert machine.get("/api/v1/me").status_code == 200
        assert machine.get("/enterprise").status_code == 303  # a page: not signed in
        assert machine.get("/account/password").status_code == 303
        changed = machine.post("/account/password", data={"current": "x", "new": "y", "confirm": "y"})
        assert changed.status_code == 403  # no CSRF exemption outside /api/v1


def test_two_authorization_headers_are_refused(server: LiveServer) -> None:
    headers = [("Authorization", "Bearer cp_wrong"), ("Authorization", f"Bearer {server.tokens['firm']}")]
    with server.client() as client:
        assert client.get("/api/v1/me", headers=headers).status_code == 400
        assert client.post("/api/v1/enterprise/reports", json={}, headers=headers).status_code == 400
