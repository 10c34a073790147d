"""A readings file uploaded for a unit by the office or its supervising department, on SQLite and
PostgreSQL: the same reader and checks as the firm's own file, the batch's source naming who
uploaded it, the latest batches listed; a department that does not supervise the unit, a viewer
and another firm refused before the file is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from carbonpeak.ledgers import LedgerProblems
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.services.meters import MeterService
from carbonpeak.storage.month_review import set_supervisor
from tests.ledgers.test_meter_service import engine  # noqa: F401  (the registry of A and B)

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = LedgerActor("王主任", "office")
DEPT = LedgerActor("工信局张三", "department")
VIEWER = LedgerActor("领导", "viewer")
FIRM_A = LedgerActor("firm-a", "enterprise", A)
FIRM_B = LedgerActor("firm-b", "enterprise", B)
NOW = dt.datetime(2027, 4, 2, tzinfo=dt.UTC)
CSV = (
    "meter,time,value,unit\n"
    "E1,2027-03-01T00:00:00+08:00,1000,kWh\n"
    "E1,2027-03-01T00:15:00+08:00,1010,kWh\n"
    "E1,2027-03-01T00:30:00+08:00,-3,kWh\n"
)


@pytest.fixture
def unit(engine: Engine) -> Engine:  # noqa: F811
    """A and B of the registry (tests/ledgers/test_meter_service.py); 区工信局 supervises A only; A's meter E1."""
    set_supervisor(engine, A, "industry_it", who="tests", source="tests")
    MeterService(engine).register(FIRM_A, A, {"code": "E1", "kind": "electricity"}, source="test")
    return engine


def test_the_office_and_the_supervising_department_upload_for_a_unit(unit: Engine, tmp_path: Path) -> None:
    svc = MeterService(unit, now=NOW)
    path = tmp_path / "readings.csv"
    path.write_text(CSV, encoding="utf-8")
    done = svc.ingest_file(OFFICE, A, path, name="三月.csv")
    assert (done["readings"], done["stored"]) == (3, 1)
    assert [(q["row"], q["reason"]) for q in done["quarantined"]] == [(4, "negative")]
    path.write_text(
        "meter,time,value,unit\n"
        "E1,2027-03-01T00:45:00+08:00,1030,kWh\n"
        "E1,2027-03-01T01:00:00+08:00,1040,kWh\n"
        "E1,2027-03-01T01:15:00+08:00,-3,kWh\n",
        encoding="utf-8",
    )
    later = svc.ingest_file(DEPT, A, path, name="四月.csv", unit_id="industry_it")
    assert later["stored"] == 2  # continues from the office's batch: 1010 → 1030 → 1040
    listed = svc.batches(OFFICE, A)
    assert [(b["who"], b["source"]) for b in listed] == [
        ("工信局张三", "file 四月.csv, uploaded by department 工信局张三"),
        ("王主任", "file 三月.csv, uploaded by office 王主任"),
    ]
    assert [b["readings"] for b in listed] == [3, 3] and listed[0]["batch"] > listed[1]["batch"]
    assert [b["batch"] for b in svc.batches(DEPT, A, "industry_it")] == [b["batch"] for b in listed]
    own = svc.ingest_file(FIRM_A, A, path, name="own.csv")  # the firm's own file: no uploader named
    assert svc.batches(FIRM_A, A)[0]["source"] == "file own.csv" and own["stored"] == 0
    # the structural refusal is the firm's: located, nothing stored
    path.write_text(CSV + "NOPE,2027-03-03T00:00:00+08:00,1,kWh\n", encoding="utf-8")
    with pytest.raises(LedgerProblems) as caught:
        svc.ingest_file(OFFICE, A, path, name="bad.csv")
    assert [(p.row, p.column) for p in caught.value.problems] == [(5, "meter")]
    assert len(svc.batches(OFFICE, A)) == 3


def test_others_may_not_upload_for_the_unit(unit: Engine, tmp_path: Path) -> None:
    svc = MeterService(unit, now=NOW)
    missing = tmp_path / "never-read.csv"  # refused before the file is opened
    for actor, unit in ((DEPT, "dev_reform"), (DEPT, None), (VIEWER, None), (FIRM_B, None)):
        with pytest.raises(NotAllowedError):
            svc.ingest_file(actor, A, missing, unit_id=unit)
    with pytest.raises(NotAllowedError):  # 区工信局 does not supervise B
        svc.ingest_file(DEPT, B, missing, unit_id="industry_it")
    with pytest.raises(NotAllowedError):
        svc.batches(DEPT, A, "dev_reform")
    with pytest.raises(NotAllowedError):
        svc.batches(FIRM_B, A)
    assert svc.batches(OFFICE, A) == []
