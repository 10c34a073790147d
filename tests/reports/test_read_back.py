"""What the writer makes, the readers read: the activity template's Chinese sheets and headers are
read as the codes (and a problem names the column as the file's header does); the English headers
of a CSV still work; the reporting template round-trips through its importer."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from carbonpeak.accounting import ImportProblems, inventory, read_activity, read_macro
from carbonpeak.accounting.template import template_book
from carbonpeak.reports import write_file
from carbonpeak.tracking.sheets import csv_template, read_import
from carbonpeak.tracking.sheets import template_book as reporting_book
from tests.accounting.helpers import write_csv
from tests.storage.helpers import example_plan


def test_the_activity_template_reads_back_and_names_its_own_headers(tmp_path: Path) -> None:
    path = write_file(template_book(), tmp_path / "t.xlsx")
    book = load_workbook(path)
    book["活动数据"].append([2023, "industry|other", "diesel", 10, "t", ""])
    book["活动数据"].append([2023, "industry|other", "unobtainium", -1, "t", ""])
    book["宏观数据"].append([2023, "gdp", 2, "亿元", ""])
    book.save(path)
    with pytest.raises(ImportProblems) as caught:
        read_activity(path)
    columns = {p.column for p in caught.value.problems}
    assert columns == {"能源品种代码", "实物量"}, caught.value.describe()
    assert read_macro(path).values == {"gdp": {2023: 20000.0}}
    book = load_workbook(path)
    book["活动数据"].delete_rows(3)
    book.save(path)
    assert inventory(read_activity(path)).to_json()["years"]["2023"]["co2_t"]["total"] > 0


def test_english_headers_keep_their_codes_in_problems(tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "a.csv", [(2022, "industry|other", "coal_gas", 1, "t", "")])
    with pytest.raises(ImportProblems) as caught:
        read_activity(bad)
    assert {p.column for p in caught.value.problems} == {"fuel"}


def test_the_reporting_templates_read_back(tmp_path: Path) -> None:
    plan = example_plan()
    xlsx = write_file(reporting_book(plan, "dev_reform", 2024), tmp_path / "t.xlsx")
    book = load_workbook(xlsx)
    book["指标数据"]["E2"] = 8.5
    book.save(xlsx)
    assert [v.value for v in read_import(xlsx, plan).values] == [8.5]
    csv_path = write_file(csv_template(plan, "dev_reform", 2024, "values"), tmp_path / "v.csv")
    text = csv_path.read_bytes().decode("utf-8-sig").replace(",Y,,", ",Y,9.5,", 1)
    csv_path.write_text(text, encoding="utf-8-sig")
    assert [v.value for v in read_import(csv_path, plan, "dev_reform").values] == [9.5]
