"""Templates per unit and all-or-nothing import with located errors (XLSX and CSV, both databases)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from carbonpeak.reports import write_file
from carbonpeak.tracking.errors import ImportProblems
from carbonpeak.tracking.sheets import csv_template, read_import, template_book
from tests.storage.helpers import DEV_REFORM, INDUSTRY, example_plan, service_for


def _template(tmp_path: Path, unit: str = "dev_reform") -> Path:
    return write_file(template_book(example_plan(), unit, 2024), tmp_path / f"{unit}.xlsx")


def test_template_holds_exactly_the_units_items(tmp_path: Path) -> None:
    wb = load_workbook(_template(tmp_path, "industry_it"))
    assert wb.sheetnames == ["填报说明", "指标数据", "任务进展", "代码表"]
    values = [r for r in wb["指标数据"].iter_rows(min_row=2, values_only=True)]
    # industry_it supports energy.1, which carries renewable_capacity_2025 and non_fossil_share_2025
    assert sorted(r[0] for r in values) == ["non_fossil_share_2025", "renewable_capacity_2025"]
    reports = [r[:4] for r in wb["任务进展"].iter_rows(min_row=2, values_only=True)]
    assert reports == [("energy.1", "大力发展新能源", 2024, q) for q in ("Q1", "Q2", "Q3", "Q4")]
    codes = list(wb["代码表"].iter_rows(min_row=2, values_only=True))
    assert ("任务", "energy.1", "大力发展新能源") in codes
    checks = {str(dv.sqref).split(":")[0]: dv for dv in wb["任务进展"].data_validations.dataValidation}
    assert checks["A2"].formula1 == '"energy.1"' and checks["E2"].formula1 == '"未启动,推进中,已完成,滞后"'
    assert all(dv.showErrorMessage and dv.error for dv in checks.values())
    assert "请勿修改代码列" in str(wb["填报说明"]["A6"].value)
    assert wb["填报说明"]["B3"].value == "industry_it"


def test_import_round_trip(database_url: str, tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    ws = wb["指标数据"]
    ws["E2"], ws["G2"], ws["H2"] = 8.1, "区统计局", "2024年统计公报"
    ws2 = wb["任务进展"]
    ws2["E2"], ws2["F2"] = "推进中", "完成光伏项目备案"
    ws2["E3"], ws2["F3"], ws2["G3"] = "已完成", "铁路专用线建成", "rail-2025"
    wb.save(path)
    parsed = read_import(path, example_plan())
    assert parsed.unit_id == "dev_reform"
    with service_for(database_url) as svc:
        counts = svc.import_rows(DEV_REFORM, parsed, file=str(path), submit=True)
        assert counts == {"values": 1, "reports": 2}
        records = svc.records(state="submitted")
    assert sorted((r["kind"], r["item"], r["period"]) for r in records) == [
        ("report", "energy.1", "Q1"),
        ("report", "energy.1", "Q2"),
        ("value", "non_fossil_share_2025", "Y"),
    ]
    value = next(r for r in records if r["kind"] == "value")
    assert value["value"] == 8.1
    assert "区统计局" in value["source"]
    assert value["evidence"] == "2024年统计公报"


def test_every_error_is_located_and_nothing_is_written(database_url: str, tmp_path: Path) -> None:
    path = _template(tmp_path)
    wb = load_workbook(path)
    ws = wb["指标数据"]
    ws["E2"] = "八点一"  # not a number
    ws.append(["renewable_capacity_2025", "", 2024, "Y", 30, "万千瓦"])  # valid row
    ws.append(["no_such_indicator", "", "2024年", "Y", 1])
    ws2 = wb["任务进展"]
    ws2["E2"] = "差不多"
    ws2["E3"], ws2["G3"] = "已完成", "m-unknown"
    wb.save(path)
    with pytest.raises(ImportProblems) as caught:
        read_import(path, example_plan())
    located = sorted((p.sheet, p.row, p.column) for p in caught.value.problems)
    assert located == [
        ("任务进展", 2, "进展状态"),
        ("任务进展", 3, "已完成节点"),
        ("指标数据", 2, "数值"),
        ("指标数据", 5, "年份"),
        ("指标数据", 5, "指标代码"),
    ]
    assert "'八点一' is not a number" in str(caught.value)
    # a checked file whose rows the workflow refuses is undone as a whole
    wb = load_workbook(_template(tmp_path))
    wb["指标数据"]["E2"] = 8.0
    wb["任务进展"]["E2"] = "推进中"
    wb.save(path)
    with service_for(database_url) as svc:
        svc.record_report(DEV_REFORM, "energy.1", 2024, "Q1", "in_progress")
        ref = svc.records()[0]
        svc.submit(DEV_REFORM, "report", ref["id"])  # submitted: not editable any more
        with pytest.raises(ImportProblems, match=r"row 2.*cannot edit"):
            svc.import_rows(DEV_REFORM, read_import(path, example_plan()), file=str(path))
        assert [r["kind"] for r in svc.records()] == ["report"]  # the value of row 2 was not kept


def test_csv_import_and_unit_checks(tmp_path: Path, database_url: str) -> None:
    csv_path = tmp_path / "reports.csv"
    csv_path.write_text(
        "任务代码,年份,期间,进展状态,进展情况\nenergy.1,2024,Q3,滞后,用地未落实\n", encoding="utf-8"
    )
    parsed = read_import(csv_path, example_plan(), unit_id="industry_it")
    assert [(r.task_id, r.status) for r in parsed.reports] == [("energy.1", "delayed")]
    with service_for(database_url) as svc:
        assert svc.import_rows(INDUSTRY, parsed, file=str(csv_path)) == {"values": 0, "reports": 1}
    bad = tmp_path / "values.csv"
    bad.write_text("指标代码,年份,期间,数值\nenergy_intensity_2025,2024,Y,3\n", encoding="utf-8")
    with pytest.raises(ImportProblems, match="not one of unit townships"):
        read_import(bad, example_plan(), unit_id="townships")
    with pytest.raises(ImportProblems, match="for unit 'dev_reform', not 'industry_it'"):
        read_import(_template(tmp_path), example_plan(), unit_id="industry_it")


def test_csv_template_round_trip(tmp_path: Path) -> None:

    plan = example_plan()
    path = write_file(csv_template(plan, "dev_reform", 2024, "values"), tmp_path / "v.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "指标代码,指标名称,年份,期间,数值,单位,数据来源,佐证说明,确认数值无误"
    # energy_intensity_2025 is carried by no task and names no unit: nobody's to report
    assert sorted(line.split(",")[0] for line in lines[1:]) == [
        "non_fossil_share_2025",
        "renewable_capacity_2025",
    ]
    assert read_import(path, plan, "dev_reform").values == []  # nothing filled in: nothing to import
    filled = [line.replace(",Y,,%,", ",Y,8.5,%,") for line in lines]
    path.write_text("\n".join(filled) + "\n", encoding="utf-8-sig")
    assert [(v.indicator_id, v.value) for v in read_import(path, plan, "dev_reform").values] == [
        ("non_fossil_share_2025", 8.5)
    ]
    reports = write_file(csv_template(plan, "townships", 2024, "reports"), tmp_path / "r.csv")
    assert len(reports.read_text(encoding="utf-8-sig").splitlines()) == 1 + 4
