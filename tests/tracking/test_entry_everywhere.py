"""The checks at entry decided once (``tracking.entry.check_value``) for every way a value comes in:
the service's ``save`` (the form and the JSON API) and the template import (``import_rows``), on
SQLite and PostgreSQL. What a rule flags is stored with the value for the reviewer."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.reports import write_file
from carbonpeak.services.tracking import ReportEntry, ValueEntry
from carbonpeak.storage.tables import IndicatorValueRow
from carbonpeak.tracking.entry import entry_rules
from carbonpeak.tracking.errors import EntryRefused, ImportProblems, TrackingError
from carbonpeak.tracking.sheets import read_import, template_book
from tests.storage.helpers import DEV_REFORM, example_plan, service_for

SHARE = "non_fossil_share_2025"  # a share in % of dev_reform
CAPACITY = "renewable_capacity_2025"  # a total in 万千瓦 of dev_reform


def _stored(engine: object, indicator: str, year: int) -> IndicatorValueRow | None:
    with Session(engine) as s:  # type: ignore[call-overload]
        row: IndicatorValueRow | None = s.scalars(
            select(IndicatorValueRow).where(
                IndicatorValueRow.indicator_id == indicator, IndicatorValueRow.year == year
            )
        ).one_or_none()
        return row


def test_a_negative_share_through_the_service_is_refused(database_url: str) -> None:
    with service_for(database_url) as svc:
        with pytest.raises(EntryRefused) as caught:
            svc.save(DEV_REFORM, ValueEntry(SHARE, 2024, -5.0), channel="api")
        problem = caught.value.problems[0].as_dict()
        assert problem["field"] == "value" and problem["file"] == "<api>"
        assert problem["rule"] == "negative" and problem["action"] == "refuse"
        assert problem["expected"] == "不小于 0 的数" and problem["confirmable"] is False
        assert not caught.value.asks
        # confirming does not let a refused value through
        with pytest.raises(EntryRefused):
            svc.save(DEV_REFORM, ValueEntry(SHARE, 2024, -5.0, confirm=True), channel="api")
        above = entry_rules().share_max + 1
        with pytest.raises(EntryRefused) as too_much:
            svc.save(DEV_REFORM, ValueEntry(SHARE, 2024, above), channel="api")
        assert too_much.value.problems[0].as_dict("en")["rule"] == "share_max"
        assert _stored(svc.engine, SHARE, 2024) is None


def test_a_jump_is_asked_then_confirmed_and_flagged(database_url: str) -> None:
    factor = entry_rules().jump_factor
    with service_for(database_url) as svc:
        svc.save(DEV_REFORM, ValueEntry(CAPACITY, 2023, 12.0))
        with pytest.raises(EntryRefused) as caught:
            svc.save(DEV_REFORM, ValueEntry(CAPACITY, 2024, 12.0 * factor), channel="api")
        assert caught.value.asks and caught.value.problems[0].as_dict()["confirmable"] is True
        assert '"confirm": true' in caught.value.problems[0].message
        assert _stored(svc.engine, CAPACITY, 2024) is None
        svc.save(DEV_REFORM, ValueEntry(CAPACITY, 2024, 12.0 * factor, confirm=True), channel="api")
        row = _stored(svc.engine, CAPACITY, 2024)
        assert row is not None and row.value == 12.0 * factor
        assert row.entry_flags is not None
        (flag,) = row.entry_flags
        assert flag["rule"] == "jump" and flag["action"] == "confirm" and "填报单位已确认" in flag["message"]
        # a value within the factor carries no flag
        svc.save(DEV_REFORM, ValueEntry(CAPACITY, 2022, 12.0 * 0.5))
        plain = _stored(svc.engine, CAPACITY, 2022)
        assert plain is not None and plain.entry_flags is None


def test_a_submitted_report_needs_its_narrative(database_url: str) -> None:
    with service_for(database_url) as svc:
        with pytest.raises(TrackingError) as caught:
            svc.save(DEV_REFORM, ReportEntry("energy.1", 2024, "Q1", "in_progress", "  "), submit=True)
        assert caught.value.problems[0].field == "narrative"
        assert svc.records() == []


def _filled(tmp_path: Path, rows: list[tuple[object, ...]]) -> Path:
    path = write_file(template_book(example_plan(), "dev_reform", 2024), tmp_path / "dev_reform.xlsx")
    wb = load_workbook(path)
    ws = wb["指标数据"]
    ws.delete_rows(2, ws.max_row)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def test_the_import_applies_the_same_checks(database_url: str, tmp_path: Path) -> None:
    factor = entry_rules().jump_factor
    big = 12.0 * factor
    refused = _filled(
        tmp_path,
        [
            (SHARE, "", 2024, "Y", -5, "%", "", "", ""),
            (CAPACITY, "", 2023, "Y", 12, "万千瓦", "", "", ""),
            (CAPACITY, "", 2024, "Y", big, "万千瓦", "", "", ""),
        ],
    )
    with service_for(database_url) as svc:
        with pytest.raises(ImportProblems) as caught:
            svc.import_rows(DEV_REFORM, read_import(refused, example_plan()), file=refused.name)
        found = sorted((p.sheet, p.row, p.column, getattr(p, "rule", "")) for p in caught.value.problems)
        assert found == [("指标数据", 2, "数值", "negative"), ("指标数据", 4, "数值", "jump")]
        text = caught.value.describe()
        assert "规则“不能为负数”" in text and "确认数值无误" in text
        assert svc.records() == []  # all or nothing
        confirmed = _filled(
            tmp_path,
            [
                (CAPACITY, "", 2023, "Y", 12, "万千瓦", "", "", ""),
                (CAPACITY, "", 2024, "Y", big, "万千瓦", "", "", "是"),
            ],
        )
        svc.import_rows(DEV_REFORM, read_import(confirmed, example_plan()), file=confirmed.name)
        row = _stored(svc.engine, CAPACITY, 2024)
        assert row is not None and row.value == big and row.entry_flags
        assert row.entry_flags[0]["rule"] == "jump"
        first = _stored(svc.engine, CAPACITY, 2023)
        assert first is not None and first.entry_flags is None
