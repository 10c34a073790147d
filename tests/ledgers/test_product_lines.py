"""Several products a month (issue 21): product lines with their output and the energy attributed to
each (tce), validated and located; a product's unit consumption from its own energy (a lone product
without one: the month's total, as before); the template with one product per row (old files with
one product still read); stored, replaced and kept in the review history on SQLite and PostgreSQL;
migration 0126 down and up with the products kept."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from alembic import command
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from carbonpeak.ledgers import LedgerProblems, parse_report
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.benchmark_levels import levels, year_levels
from carbonpeak.ledgers.compute import electricity_tce_per_kwh
from carbonpeak.ledgers.month_review import Reviewer
from carbonpeak.ledgers.months_file import SHEET, read_months, reports_table
from carbonpeak.reports import file_bytes
from carbonpeak.services.benchmark_levels import BenchmarkLevelService
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.month_files import MonthFileService
from carbonpeak.services.month_review import MonthReviewService
from carbonpeak.storage import upgrade
from carbonpeak.storage.migrate import alembic_config
from tests.audit_watch import setup_writes
from tests.ledgers.test_months_file import _filled, engine  # noqa: F401  (engine: the registry of A and B)

A, B = "91120118EXAMP0001Y", "91120118EXAMP00022"
OFFICE = LedgerActor("王主任", "office")
FIRM_A = LedgerActor("firm-a", "enterprise", A)
TODAY = dt.date(2026, 1, 15)
COAL = [{"fuel": "raw_coal", "amount": 700, "unit": "t"}]  # 700 t × 0.7143 = 500.01 tce
TWO = [
    {"product": "水泥熟料", "output": 3000, "unit": "t", "energy_tce": 300},  # 100 kgce/t: 标杆
    {"product": "卫生陶瓷", "output": 500, "unit": "t", "energy_tce": 180},  # 360 kgce/t: 基准
]


def _month(**extra: object) -> dict[str, object]:
    return {"period": "2025-06", "lines": COAL, **extra}


def _fields(caught: pytest.ExceptionInfo[LedgerProblems]) -> list[str | None]:
    return [p.field for p in caught.value.problems]


def test_product_lines_are_validated_and_located() -> None:
    report = parse_report(_month(products=TWO), A, today=TODAY)
    assert [(p.product, p.output, p.energy_tce) for p in report.products] == [
        ("水泥熟料", 3000.0, 300.0),
        ("卫生陶瓷", 500.0, 180.0),
    ]
    # several products: each needs its own energy
    with pytest.raises(LedgerProblems) as caught:
        parse_report(_month(products=[TWO[0], {**TWO[1], "energy_tce": ""}]), A, today=TODAY)
    assert (
        _fields(caught) == ["products[1].energy_tce"]
        and "每种产品须填写其能耗" in caught.value.problems[0].message
    )
    with pytest.raises(LedgerProblems) as caught:  # one line per product
        parse_report(_month(products=[TWO[0], {**TWO[0], "output": 1}]), A, today=TODAY)
    assert _fields(caught) == ["products[1].product"]
    with pytest.raises(LedgerProblems) as caught:  # a product's energy above the month's total
        parse_report(_month(products=[{**TWO[0], "energy_tce": 600}, TWO[1]]), A, today=TODAY)
    assert _fields(caught) == ["products[0].energy_tce"]
    assert "超过本月综合能耗 500" in caught.value.problems[0].message
    with pytest.raises(LedgerProblems) as caught:  # together above the total (300 + 250 > 500.01)
        parse_report(_month(products=[TWO[0], {**TWO[1], "energy_tce": 250}]), A, today=TODAY)
    assert _fields(caught) == ["products[1].energy_tce"] and "合计 550" in caught.value.problems[0].message
    with pytest.raises(LedgerProblems) as caught:  # bad figures, each at its field
        parse_report(
            _month(products=[{"product": "水泥", "output": 1}, {"product": "卫生陶瓷", "output": 0, "unit": "kWh",
                                                               "energy_tce": -1}]),
            A,
            today=TODAY,
        )  # fmt: skip
    assert _fields(caught) == [
        "products[0].product",
        "products[1].output",
        "products[1].unit",
        "products[1].energy_tce",
        "products[0].energy_tce",
    ]
    with pytest.raises(LedgerProblems) as caught:  # both forms at once: which is meant?
        parse_report(_month(products=TWO, product="水泥熟料", product_output=1), A, today=TODAY)
    assert _fields(caught) == ["product"]
    # one product: its energy may be left out (the month's total) or given (then checked too)
    lone = parse_report(_month(products=[{"product": "水泥熟料", "output": 3000}]), A, today=TODAY)
    assert lone.products[0].energy_tce is None
    with pytest.raises(LedgerProblems) as caught:
        parse_report(_month(product="水泥熟料", product_output=3000, product_energy_tce=501), A, today=TODAY)
    assert _fields(caught) == ["product_energy_tce"]  # the older fields are named as sent


def test_a_kwh_norm_counts_the_products_electricity() -> None:
    per_kwh = electricity_tce_per_kwh()
    assert per_kwh == pytest.approx(0.0001229)  # GB/T 2589-2020: 0.1229 kgce/kWh
    lines = [*COAL, {"fuel": "electricity", "amount": 100, "unit": "万千瓦时"}]  # 1,000,000 kWh = 122.9 tce
    with pytest.raises(LedgerProblems) as caught:  # more than the month's electricity
        parse_report(
            _month(lines=lines, products=[{"product": "电解铝", "output": 70, "unit": "t", "energy_tce": 130},
                                          {**TWO[0], "energy_tce": 100}]),
            A,
            today=TODAY,
        )  # fmt: skip
    assert _fields(caught) == ["products[0].energy_tce"] and "按电耗计" in caught.value.problems[0].message
    report = parse_report(
        _month(lines=lines, products=[{"product": "电解铝", "output": 70, "unit": "t", "energy_tce": 110.61},
                                      {**TWO[0], "energy_tce": 300}]),
        A,
        today=TODAY,
    )  # fmt: skip
    rows = [
        {"period": "2025-06", "products": [p.model_dump() for p in report.products],
         "tce_calorific": 622.91, "electricity_kwh": 1_000_000.0}
    ]  # fmt: skip
    months = levels(rows).set_index("product")
    # 110.61 tce of electricity = 900,000 kWh over 70 t: 12,857 kWh/t, at the benchmark (13,000)
    assert months.loc["电解铝", "value"] == pytest.approx(110.61 / per_kwh / 70)
    assert months.loc["电解铝", "level"] == "benchmark"
    assert months.loc["水泥熟料", "value"] == pytest.approx(100.0) and bool(
        months.loc["水泥熟料", "attributed"]
    )


def test_each_products_unit_consumption_is_its_own() -> None:
    reports = [
        {"period": "2025-01", "products": TWO, "tce_calorific": 500.01, "electricity_kwh": 0.0},
        {"period": "2025-02", "products": [{**TWO[0], "energy_tce": 360}], "tce_calorific": 500.0},
        {"period": "2025-03", "products": [{"product": "水泥熟料", "output": 3000, "unit": "t"}],
         "tce_calorific": 390.0},  # no energy of its own: the month's total
    ]  # fmt: skip
    months = levels(reports)
    assert list(zip(months["period"], months["product"], strict=True)) == [
        ("2025-01", "水泥熟料"),
        ("2025-01", "卫生陶瓷"),
        ("2025-02", "水泥熟料"),
        ("2025-03", "水泥熟料"),
    ]
    assert months["value"].tolist() == pytest.approx([100.0, 360.0, 120.0, 130.0])
    assert months["level"].tolist() == ["benchmark", "baseline", "below_baseline", "below_baseline"]
    assert months["attributed"].tolist() == [True, True, True, False]
    years = year_levels(months).set_index("product")
    # 水泥熟料 over the year: (300 + 360 + 390) tce / 9,000 t = 116.7 kgce/t, at the baseline (117)
    assert years.loc["水泥熟料", "value"] == pytest.approx(1050 * 1000 / 9000)
    assert years.loc["水泥熟料", "level"] == "baseline" and years.loc["水泥熟料", "months"] == 3
    assert not years.loc["水泥熟料", "attributed"] and years.loc["卫生陶瓷", "attributed"]


# -- the template -------------------------------------------------------------------------------


def test_the_template_takes_one_product_per_row(tmp_path: Path) -> None:
    data = file_bytes(MonthFileService.__new__(MonthFileService).template(OFFICE), "xlsx")
    headers = [c.value for c in load_workbook(io.BytesIO(data))[SHEET][2]]
    assert headers[7:] == ["产品", "产品产量", "产量单位", "产品能耗（tce）"]
    path = _filled(
        tmp_path,
        [
            (A, "2025-06", "原煤", 700, "t", None, None, "水泥熟料", 3000, "t", 300),
            (A, "2025-06", None, None, None, None, None, "卫生陶瓷", 500, "t", 180),  # a product alone
            (A, "2025-07", "原煤", 700, "t", None, None, "水泥熟料", 3000, "t", None),
        ],
    )
    months = read_months(path, today=TODAY)
    assert [(m.report.period, len(m.report.lines), m.rows) for m in months] == [
        ("2025-06", 1, (3, 4)),
        ("2025-07", 1, (5,)),
    ]
    assert [(p.product, p.energy_tce) for p in months[0].report.products] == [
        ("水泥熟料", 300),
        ("卫生陶瓷", 180),
    ]
    assert months[1].report.products[0].energy_tce is None
    bad = _filled(
        tmp_path,
        [
            (A, "2025-06", "原煤", 700, "t", None, None, "水泥熟料", 3000, "t", 600),
            (A, "2025-06", "电力", 10, "万千瓦时", None, None, "卫生陶瓷", 500, "t", None),
            (A, "2025-06", None, None, None, None, None, "水泥熟料", 10, "t", 1),
        ],
        name="bad.xlsx",
    )
    with pytest.raises(LedgerProblems) as caught:
        read_months(bad, today=TODAY)
    # row 5 repeats 水泥熟料 with other figures; row 4's product has no energy while the month has several
    assert [(p.row, p.column) for p in caught.value.problems] == [(5, "产品"), (4, "产品能耗（tce）")]
    assert all(p.file == "bad.xlsx" and p.sheet == SHEET for p in caught.value.problems)


def test_files_of_one_product_a_month_still_read(tmp_path: Path) -> None:
    """A CSV as filled before 0126: no energy column, the product on the month's first row, or
    repeated on every row of the month."""
    path = tmp_path / "old.csv"
    path.write_text(
        "统一社会信用代码,月份,能源品种,消费量,计量单位,工业总产值,备注,产品,产品产量,产量单位\n"
        f"{A},2025-05,原煤,700,t,,,水泥熟料,0.3,万吨\n"
        f"{A},2025-05,电力,10,万千瓦时,,,,,\n"
        f"{A},2025-06,原煤,700,t,,,水泥熟料,3000,t\n"
        f"{A},2025-06,电力,10,万千瓦时,,,水泥熟料,3000,t\n",
        encoding="utf-8-sig",
    )
    months = read_months(path, today=TODAY)
    assert [[(p.product, p.output, p.unit, p.energy_tce) for p in m.report.products] for m in months] == [
        [("水泥熟料", 0.3, "万吨", None)],
        [("水泥熟料", 3000.0, "t", None)],
    ]


# -- stored, on both databases --------------------------------------------------------------------


def test_products_are_stored_replaced_and_kept_in_the_history(engine: Engine) -> None:  # noqa: F811
    ledger = EnterpriseService(engine, today=TODAY)
    stored = ledger.submit(FIRM_A, A, _month(products=TWO), source="api")
    assert [(p["product"], p["energy_tce"]) for p in stored["products"]] == [
        ("水泥熟料", 300.0),
        ("卫生陶瓷", 180.0),
    ]
    again = ledger.submit(
        FIRM_A, A, _month(products=[{"product": "卫生陶瓷", "output": 400, "unit": "t"}]), source="api"
    )
    assert again["version"] == 2
    assert [
        (p["product"], p["output"], p["energy_tce"]) for p in ledger.report(OFFICE, A, "2025-06")["products"]
    ] == [("卫生陶瓷", 400.0, None)]
    history = MonthReviewService(engine).history(Reviewer(OFFICE), A, "2025-06")
    assert history[0]["products"] == [["水泥熟料", 3000.0, "t", 300.0], ["卫生陶瓷", 500.0, "t", 180.0]]
    assert history[-1]["products"] == [["卫生陶瓷", 400.0, "t", None]]
    with pytest.raises(LedgerProblems):  # refused: nothing changes
        ledger.submit(FIRM_A, A, _month(products=[{**TWO[0], "energy_tce": 900}]), source="api")
    assert ledger.report(OFFICE, A, "2025-06")["version"] == 2
    # an export in the template's columns reads back the same
    ledger.submit(FIRM_A, A, _month(period="2025-07", products=TWO), source="api")
    rows = [r for r in ledger.reports(OFFICE, A) if r["period"] == "2025-07"]
    table = reports_table(rows)
    assert [(r[2], r[7], r[10]) for r in table.rows] == [("原煤", "水泥熟料", 300.0), ("", "卫生陶瓷", 180.0)]


def test_the_unit_and_the_district_see_one_row_per_product(engine: Engine, tmp_path: Path) -> None:  # noqa: F811
    ledger = EnterpriseService(engine, today=TODAY)
    ledger.submit(FIRM_A, A, _month(products=TWO), source="api")
    path = _filled(
        tmp_path, [(A, "2025-07", "原煤", 700, "t", None, None, "水泥熟料", 3000, "t", 330),
                   (A, "2025-07", None, None, None, None, None, "卫生陶瓷", 500, "t", 150)]
    )  # fmt: skip
    MonthFileService(engine, today=TODAY).import_file(FIRM_A, path)
    svc = BenchmarkLevelService(engine)
    own = svc.unit_levels(FIRM_A, A)
    assert [(m["period"], m["product"], m["attributed"]) for m in own["months"]] == [
        ("2025-06", "水泥熟料", True),
        ("2025-06", "卫生陶瓷", True),
        ("2025-07", "水泥熟料", True),
        ("2025-07", "卫生陶瓷", True),
    ]
    district = svc.district(OFFICE, 2025)
    # both at the baseline (330 and 105 kgce/t): by unit, then product
    assert [(r["enterprise_id"], r["product"], r["months"], r["level"]) for r in district] == [
        (A, "卫生陶瓷", 2, "baseline"),
        (A, "水泥熟料", 2, "baseline"),
    ]
    clinker = next(r for r in district if r["product"] == "水泥熟料")
    assert clinker["value"] == pytest.approx(630 * 1000 / 6000) and clinker["energy_tce"] == pytest.approx(
        630
    )


def test_migration_0126_keeps_the_products_down_and_up(engine: Engine, database_url: str) -> None:  # noqa: F811
    ledger = EnterpriseService(engine, today=TODAY)
    ledger.submit(
        FIRM_A, A, _month(products=[{"product": "水泥熟料", "output": 0.3, "unit": "万吨"}]), source="api"
    )
    ledger.submit(FIRM_A, A, _month(period="2025-07", products=TWO), source="api")
    ledger.submit(FIRM_A, A, _month(period="2025-08"), source="api")
    command.downgrade(alembic_config(database_url), "0121")
    with engine.connect() as conn:
        old = conn.execute(
            text(
                "SELECT period, product, product_output, product_unit FROM enterprise_reports ORDER BY period"
            )
        ).all()
    assert [tuple(r) for r in old] == [
        ("2025-06", "水泥熟料", 0.3, "万吨"),
        ("2025-07", "水泥熟料", 3000.0, "t"),  # one product a month before 0126: the first line
        ("2025-08", None, None, None),
    ]
    with setup_writes(), engine.begin() as conn:  # a month stored by 0121's code
        conn.execute(
            text("UPDATE enterprise_reports SET product = '卫生陶瓷', product_output = 9, product_unit = 't' "
                 "WHERE period = '2025-08'")
        )  # fmt: skip
    upgrade(database_url)
    rows = {r["period"]: r["products"] for r in ledger.reports(OFFICE, A)}
    assert rows == {
        "2025-06": [{"product": "水泥熟料", "output": 0.3, "unit": "万吨", "energy_tce": None}],
        "2025-07": [{"product": "水泥熟料", "output": 3000.0, "unit": "t", "energy_tce": None}],
        "2025-08": [{"product": "卫生陶瓷", "output": 9.0, "unit": "t", "energy_tce": None}],
    }


def test_csv_export_of_several_products_reads_back(engine: Engine, tmp_path: Path) -> None:  # noqa: F811
    ledger = EnterpriseService(engine, today=TODAY)
    ledger.submit(FIRM_A, A, _month(products=TWO), source="api")
    data = file_bytes(reports_table(ledger.reports(OFFICE, A)), "csv")
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert "产品能耗（tce）" in header
    months = read_months(path, today=TODAY)
    assert [(p.product, p.energy_tce) for p in months[0].report.products] == [
        ("水泥熟料", 300.0),
        ("卫生陶瓷", 180.0),
    ]
