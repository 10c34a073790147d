"""The 两高 project ledger's model: validation, labels, the disposal history, department scope."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from carbonpeak.ledgers.enterprises import uscc_check_char
from carbonpeak.ledgers.errors import LedgerError
from carbonpeak.ledgers.projects import TwoHighProject, department_may_see, label

USCC = "91120223MA05" + "ABCDE"
USCC = USCC + uscc_check_char(USCC)


def make(**changes: object) -> TwoHighProject:
    data: dict[str, object] = {
        "name": "示例轧钢项目",
        "company_id": USCC,
        "company_name": "示例钢材公司",
        "industry": "3130",
        "location": "大邱庄镇",
        "stage": "在建",
        "annual_output": 300000,
        "output_unit": "t",
    }
    return TwoHighProject.model_validate(data | changes)


def test_labels_in_and_codes_out() -> None:
    p = make(approvals=[{"kind": "节能审查", "date": "2024-03-01", "document_no": "静发改审〔2024〕1号"}])
    assert p.stage == "under_construction" and label("stages", p.stage) == "在建"
    assert p.approvals[0].kind == "energy_review"
    assert p.six_high is True and p.disposal_category == "undecided"


def test_bad_fields_are_named() -> None:
    with pytest.raises(ValidationError) as info:
        make(company_id="91120223MA05ABCDE0", stage="规划", industry="99")
    fields = {e["loc"][0] for e in info.value.errors()}
    assert fields == {"company_id", "stage", "industry"}


def test_disposal_history_keeps_who_and_when() -> None:
    t0 = dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)
    p = (
        make()
        .dispose("限期改造", "区工信局 王", t0, "能效未达基准")
        .dispose("keep", "双碳办 李", t0 + dt.timedelta(days=90))
    )
    assert [c.category for c in p.disposal] == ["retrofit_by_deadline", "keep"]
    assert p.disposal_category == "keep" and p.disposal[0].by == "区工信局 王"
    with pytest.raises(LedgerError, match="before the last disposal change"):
        p.dispose("phase_out", "x", t0)


def test_department_scope_from_the_data() -> None:
    assert department_may_see("industry_it", make(stage="existing"))
    assert not department_may_see("gov_services", make(stage="existing"))
    assert not department_may_see("education", make())
