"""Plausibility ranges as data (issue 13): an activity amount of 1e12, a year 2099, an enterprise's month
of 10^12 kWh or an output value of 1e12 万元, a registry name of 300 characters were accepted; each is
refused now, located, with the range and its reason from accounting/plausibility.yaml."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pytest
import yaml

from carbonpeak.accounting import read_activity
from carbonpeak.accounting.catalog import FUELS
from carbonpeak.accounting.errors import ImportProblems
from carbonpeak.accounting.plausibility import plausible
from carbonpeak.ledgers.enterprises_file import read_registry
from carbonpeak.ledgers.errors import LedgerProblems
from carbonpeak.ledgers.report import parse_report
from tests.accounting.helpers import write_csv

GOOD = (2022, "industry|other", "diesel", 10, "t", "")
TODAY = dt.date(2025, 12, 31)


def test_every_range_has_its_reason_and_source() -> None:
    text = resources.files("carbonpeak.accounting").joinpath("plausibility.yaml").read_text(encoding="utf-8")
    fields = yaml.safe_load(text)["fields"]
    for name, spec in fields.items():
        assert spec["reason"].strip() and spec["source"].strip() and spec["what"].strip(), name
    units = {f.unit for f in FUELS.values()}
    for name in ("activity.amount", "enterprise_report.amount"):
        assert set(fields[name]["max_by_unit"]) == units, f"{name}: a range for every catalogue unit"


def test_an_activity_file_out_of_range_is_refused_by_row(tmp_path: Path) -> None:
    next_year = dt.date.today().year + 1
    rows = [
        GOOD,
        (next_year, "industry|other", "diesel", 10, "t", ""),
        (2022, "industry|other", "coke", 1e12, "t", ""),
    ]
    with pytest.raises(ImportProblems) as err:
        read_activity(write_csv(tmp_path / "a.csv", rows))
    where = {(p.row, p.column): p for p in err.value.problems}
    assert set(where) == {(3, "year"), (4, "amount")}
    assert "超出合理范围" in where[(3, "year")].message
    assert "1e+12" in where[(4, "amount")].message
    assert plausible("activity.amount", "t").high == 1e8


def test_the_same_amount_in_another_unit_is_converted_first(tmp_path: Path) -> None:
    # 50,000 万吨 = 5×10^8 t is outside; 5×10^4 万千瓦时 = 5×10^8 kWh is inside (kWh range 10^11)
    rows = [
        GOOD,
        (2022, "industry|other", "electricity", 50_000, "万千瓦时", ""),
        (2022, "industry|other", "coke", 50_000, "万吨", ""),
    ]
    with pytest.raises(ImportProblems) as err:
        read_activity(write_csv(tmp_path / "a.csv", rows))
    assert [(p.row, p.column) for p in err.value.problems] == [(4, "amount")]


def test_an_enterprise_month_out_of_range_is_refused_by_field() -> None:
    data = {
        "period": "2025-03",
        "output_value": 1e12,
        "lines": [
            {"fuel": "electricity", "amount": 1e12, "unit": "kWh"},
            {"fuel": "diesel", "amount": 2, "unit": "t"},
        ],
    }
    with pytest.raises(LedgerProblems) as err:
        parse_report(data, "91120118EXAMP0001Y", today=TODAY)
    fields = {p.field: p for p in err.value.problems}
    assert set(fields) == {"lines[0].amount", "output_value"}
    assert fields["output_value"].message_en is not None and "万元" in fields["output_value"].message_en
    ok = parse_report(
        data | {"output_value": 1200, "lines": data["lines"][1:]}, "91120118EXAMP0001Y", today=TODAY
    )
    assert ok.output_value == 1200


def test_a_registry_name_out_of_range_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text(
        "id,name,industry\n91120118EXAMP0001Y,示例甲（示例数据）,33\n91120118EXAMP00022,甲,31\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerProblems) as err:
        read_registry(path)
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "name")]
