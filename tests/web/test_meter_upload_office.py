"""The office, or the unit's supervising department, uploads a meter-readings file for a unit from
/key-units/meters/{id}, over real HTTP on SQLite and PostgreSQL: the same reader as the firm's own
upload (a structural error refuses the whole file with its row and column, bad values are
quarantined and listed), the batch's source names who uploaded it, CSRF and the size limit hold;
a department that does not supervise the unit and any firm are refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.storage.meters import MeterBatchRow
from tests.web.conftest import LiveServer, login
from tests.web.key_units_server import start_key_units
from tests.web.ledger_server import FIRM_A

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
METER = {"code": "OFC-01", "kind": "electricity", "mode": "cumulative", "interval_minutes": 15}
# October 2026: before the test's "now" (no clock skew), on a meter of this test only
GOOD = (
    b"meter,time,value,unit\n"
    b"OFC-01,2026-10-01T00:00:00+08:00,500,kWh\n"
    b"OFC-01,2026-10-01T00:15:00+08:00,520,kWh\n"
    b"OFC-01,2026-10-01T00:30:00+08:00,-1,kWh\n"  # negative: quarantined
    b"OFC-01,2026-10-01T00:45:00+08:00,545,kWh\n"
)


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """A server on SQLite or PostgreSQL (tests/web/key_units_server.py), the import limit at 1 MB."""
    yield from start_key_units(database_url, tmp_path, import_max_mb=1)


def _csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[:300]
    match = CSRF.search(page.text)
    assert match is not None
    return match.group(1)


def _upload(client: httpx.Client, token: str, body: bytes, enterprise: str = FIRM_A) -> httpx.Response:
    return client.post(
        f"/key-units/meters/{enterprise}/upload",
        data={"csrf_token": token},
        files={"file": ("readings.csv", body, "text/csv")},
    )


def _batches(live: LiveServer) -> list[tuple[str, str]]:
    with Session(live.engine) as session:
        rows = session.execute(
            select(MeterBatchRow.created_by, MeterBatchRow.source)
            .where(MeterBatchRow.enterprise_id == FIRM_A)
            .order_by(MeterBatchRow.id)
        )
        return [(who, source) for who, source in rows]


def test_the_office_and_the_supervising_department_upload_for_a_unit(live: LiveServer) -> None:
    with live.client(headers={"Authorization": f"Bearer {live.tokens['firm_a']}"}) as api:
        assert api.post("/api/v1/enterprise/meters", json=METER).status_code == 200
    with closing(login(live, "office")) as office:
        token = _csrf(office, f"/key-units/meters/{FIRM_A}")
        page = office.get(f"/key-units/meters/{FIRM_A}")
        assert f'action="/key-units/meters/{FIRM_A}/upload"' in page.text
        assert "代企业上传计量读数文件" in page.text and 'id="batches-none"' in page.text
        # a structural error refuses the whole file, located; nothing stored
        bad = GOOD + b"NOPE,2026-10-01T01:00:00+08:00,1,kWh\nOFC-01,not a time,1,kWh\n"
        refused = _upload(office, token, bad)
        assert refused.status_code == 422
        assert (
            "readings.csv，第6行，meter列" in refused.text and "readings.csv，第7行，time列" in refused.text
        )
        assert "未保存任何数据" in refused.text
        assert _batches(live) == []
        # without the form's CSRF token: refused before anything is read
        assert (
            office.post(
                f"/key-units/meters/{FIRM_A}/upload", files={"file": ("readings.csv", GOOD, "text/csv")}
            ).status_code
            == 403
        )
        # over the size limit (1 MB): refused with the file named, nothing stored
        big = GOOD + b"#" + b"x" * (1024 * 1024) + b"\n"
        too_big = _upload(office, token, big)
        assert too_big.status_code == 413 and "readings.csv：文件超过 1 MB 的上限" in too_big.text
        assert _batches(live) == []
        done = _upload(office, token, GOOD)
        assert done.status_code == 200, done.text[:500]
        assert "读数：4；已入库区间数：2；隔离：1" in done.text
        assert re.findall(r'<li data-reason="(\w+)">', done.text) == ["negative"]
        assert 'id="quarantine-table"' in done.text and "读数为负、缺失或不是数字" in done.text
        assert "文件 readings.csv（双碳办 office 代传）" in done.text
        english = office.get(f"/key-units/meters/{FIRM_A}?lang=en")
        assert "file readings.csv (uploaded by the office, office)" in english.text
    assert _batches(live) == [("office", "file readings.csv, uploaded by office office")]
    with closing(login(live, "dept_b")) as dept:  # 区工信局 supervises the demo firms
        token = _csrf(dept, f"/key-units/meters/{FIRM_A}")
        later = (
            b"meter,time,value,unit\n"
            b"OFC-01,2026-10-01T01:00:00+08:00,560,kWh\n"
            b"OFC-01,2026-10-01T01:15:00+08:00,580,kWh\n"
            b"OFC-01,2026-10-01T01:30:00+08:00,-1,kWh\n"
            b"OFC-01,2026-10-01T01:45:00+08:00,605,kWh\n"
        )
        sent = _upload(dept, token, later)
        assert sent.status_code == 200, sent.text[:500]
        assert "读数：4；已入库区间数：3；隔离：1" in sent.text  # continues from the office's batch
        assert "主管部门 dept_b 代传" in sent.text
    assert _batches(live)[-1] == ("dept_b", "file readings.csv, uploaded by department dept_b")
    with live.client(headers={"Authorization": f"Bearer {live.tokens['firm_a']}"}) as api:
        held = api.get("/api/v1/enterprise/meters/quarantine").json()
        assert [q["reason"] for q in held] == ["negative", "negative"]  # the firm sees what was sent for it


def test_others_are_refused(live: LiveServer) -> None:
    with live.client(headers={"Authorization": f"Bearer {live.tokens['firm_a']}"}) as api:
        assert api.post("/api/v1/enterprise/meters", json=METER).status_code == 200
    with closing(login(live, "dept_a")) as other:  # 区发改委 supervises none of the demo firms
        token = _csrf(other, "/key-units/meters")
        refused = _upload(other, token, GOOD)
        assert refused.status_code == 403
        assert other.get(f"/key-units/meters/{FIRM_A}").status_code == 403
    for firm in ("firm_b", "firm_a"):  # another firm's id, or even its own: the firm uses its own page
        with closing(login(live, firm)) as client:
            token = _csrf(client, "/key-units/meters")
            assert _upload(client, token, GOOD).status_code == 403
    with closing(login(live, "viewer")) as viewer:
        token = _csrf(viewer, "/key-units/meters")
        assert _upload(viewer, token, GOOD).status_code == 403
        assert 'id="meter-upload"' not in viewer.get(f"/key-units/meters/{FIRM_A}").text
    with live.client() as public:
        assert _upload(public, "x", GOOD).status_code in (303, 401, 403)
    assert _batches(live) == []
