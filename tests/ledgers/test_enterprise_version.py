"""The enterprise month's answer carries the version its own transaction wrote (issue 13): before, the
report was read back after the commit, so a writer that came in between showed its version instead."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.storage import make_engine, upgrade

A = "91120118EXAMP0001Y"
OFFICE = LedgerActor("王主任", "office")
FIRM = LedgerActor("firm-a", "enterprise", A)


@pytest.fixture
def svc(database_url: str, tmp_path: Path) -> Iterator[EnterpriseService]:
    upgrade(database_url)
    engine = make_engine(database_url)
    registry = tmp_path / "registry.csv"
    registry.write_text(f"id,name,industry\n{A},示例甲（示例数据）,33\n", encoding="utf-8")
    service = EnterpriseService(engine, today=dt.date(2025, 12, 31))
    service.import_registry(OFFICE, registry)
    yield service
    engine.dispose()


def _month(amount: float) -> dict[str, object]:
    return {"period": "2025-03", "lines": [{"fuel": "diesel", "amount": amount, "unit": "t"}]}


def test_a_writer_right_after_the_commit_does_not_change_the_answer(svc: EnterpriseService) -> None:
    other: list[dict[str, object]] = []

    def right_after(session: Session) -> None:  # another client saves between commit and answer
        if not other:
            other.append({})
            other[0] = svc.submit(FIRM, A, _month(9), source="api")

    event.listen(Session, "after_commit", right_after)
    try:
        mine = svc.submit(FIRM, A, _month(1), source="api")
    finally:
        event.remove(Session, "after_commit", right_after)
    assert other[0]["version"] == 2
    assert (mine["version"], mine["lines"][0]["amount"]) == (1, 1)  # type: ignore[index]


def test_concurrent_writers_each_get_their_own_version(svc: EnterpriseService) -> None:
    answers: list[tuple[float, int, float]] = []
    errors: list[BaseException] = []

    def write(amount: float) -> None:
        try:
            got = svc.submit(FIRM, A, _month(amount), source="api")
            answers.append((amount, int(got["version"]), float(got["lines"][0]["amount"])))  # type: ignore[index]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(float(i + 1),)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(v for _, v, _ in answers) == list(range(1, 9))  # no version answered twice
    assert all(sent == shown for sent, _, shown in answers)  # each answer shows its own lines
