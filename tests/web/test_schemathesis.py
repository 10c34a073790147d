"""schemathesis against the app's OpenAPI document, over real HTTP: no request makes a server error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import LiveServer

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@pytest.mark.parametrize("user", ["office", "dept_a", "public"])
def test_no_server_error(
    live: LiveServer, clients: dict[str, httpx.Client], user: str, tmp_path: Path
) -> None:
    assert SCHEMATHESIS.is_file() or shutil.which("schemathesis")
    cookie = clients[user].cookies.get("carbonpeak_session")
    headers = ["-H", f"Cookie: carbonpeak_session={cookie}"] if cookie else []
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live.url}/api/v1/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--seed",
            "6",
            "--no-color",
            *headers,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "/api/v1/indicators" in result.stdout
