"""schemathesis against the app's OpenAPI document, over real HTTP: no request makes a server error."""

from __future__ import annotations

import re
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
    operations = sum(len(ops) for ops in clients[user].get("/api/v1/openapi.json").json()["paths"].values())
    assert operations >= 9
    assert f"Tested: {operations}" in result.stdout  # every operation of the document was exercised
    generated = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert generated is not None
    assert generated.group(1) == generated.group(2)
    assert int(generated.group(1)) >= 100


def test_openapi_path_examples_come_from_the_plan(clients: dict[str, httpx.Client]) -> None:
    spec = clients["public"].get("/api/v1/openapi.json").json()
    task = spec["paths"]["/api/v1/tasks/{task_id}"]["get"]["parameters"]
    indicator = spec["paths"]["/api/v1/indicators/{indicator_id}"]["get"]["parameters"]
    assert [p["example"] for p in task if p["in"] == "path"] == ["energy.1"]
    assert [p["example"] for p in indicator if p["in"] == "path"] == ["non_fossil_share_2025"]
