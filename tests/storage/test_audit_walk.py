"""The audit walk (issue 13): every public method and function of ``carbonpeak.services`` is found by
introspection and must be declared here as a reader or as a writer; each writer is driven on a real
database under ``tests.audit_watch`` and must change data, write its audit row in the same
transaction as the change, and give an edit's audit row its before and after. A new service method
that is in neither list fails ``test_every_service_method_is_declared``; a writer whose change has no
audit row fails ``test_every_writer_audits_in_its_own_transaction``.

(Every other test runs under the same watch through tests/conftest.py, so a change committed without
its audit row fails wherever it is made: CLI, web route or service.)"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import carbonpeak.services
from carbonpeak.accounting import read_activity, read_macro
from carbonpeak.accounting.demo import ACTIVITY_FILE, MACRO_FILE, demo_dir
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.two_high_access import TwoHighActor
from carbonpeak.plan import Plan
from carbonpeak.services import accounts, inventory
from carbonpeak.services.energy import EnergyService
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.services.forestry import ForestryService
from carbonpeak.services.month_review import MonthReviewService
from carbonpeak.services.publishing import PublishingService
from carbonpeak.services.tracking import Evidence, TrackingService, ValueEntry
from carbonpeak.services.two_high import TwoHighService
from carbonpeak.services.two_high_demo import demo_projects
from carbonpeak.storage.tables import AuditRow
from carbonpeak.tracking.model import ComputedValue
from carbonpeak.tracking.sheets import ParsedImport, ReportRow, ValueRow
from tests.audit_watch import audit_watch
from tests.cli.test_cli import invoke
from tests.storage.helpers import DEV_REFORM, OFFICE, service_for

# Read only: nothing of these writes (pure functions, reads of the database, helpers of the adapters).
READERS = {
    "accounts.users", "accounts.enterprise_choices", "accounts.demo_account_count", "accounts.audit_log",
    "computed.computed_values",
    "energy.EnergyService.projects", "energy.EnergyService.project", "energy.EnergyService.stations",
    "energy.EnergyService.outlines", "energy.EnergyService.rollups", "energy.EnergyService.computed_values",
    "energy.EnergyService.analysis", "energy.analysis_dict",
    "energy_demo.demo_spec", "energy_demo.demo_projects", "energy_demo.demo_stations", "energy_demo.demo_core",
    "enterprises.enterprise_dict", "enterprises.report_dict",
    "enterprises.EnterpriseService.enterprises", "enterprises.EnterpriseService.enterprise",
    "enterprises.EnterpriseService.reports", "enterprises.EnterpriseService.report",
    "enterprises.EnterpriseService.ledger", "enterprises.EnterpriseService.method_sources",
    "evidence.sniff", "evidence.clean_name",
    "evidence.store_file",  # writes a file by its hash; the record it belongs to is audited with it
    "forestry.check_may_read", "forestry.check_may_import", "forestry.surveys_of",
    "forestry.ForestryService.surveys", "forestry.ForestryService.parcels", "forestry.ForestryService.figures",
    "forestry.ForestryService.map_features", "forestry.ForestryService.computed_values",
    "forestry.ForestryService.inventory_rows",
    "inventory.StoredInventory.memo", "inventory.StoredInventory.co2_history", "inventory.stored_inputs",
    "inventory.current", "inventory.current_inventory", "inventory.co2_history", "inventory.batches",
    "inventory.read_file",
    "publishing.check_may_publish", "publishing.headline_indicators", "publishing.PublishingService.states",
    "publishing.PublishingService.is_published", "publishing.PublishingService.public_indicators",
    "reporting.meta", "reporting.inventory_years", "reporting.decomposition", "reporting.scenario_peaks",
    "reporting.task_progress", "reporting.annual_results", "reporting.period_results",
    "reporting.dispatch_results", "reporting.dispatch_all",
    "signin.hash_password", "signin.verify_password", "signin.new_password", "signin.new_api_token",
    "signin.token_digest", "signin.fingerprint", "signin.LoginRateLimiter.check",
    "signin.LoginRateLimiter.blocked", "signin.LoginRateLimiter.retry_after", "signin.session_user",
    "signin.token_user", "signin.check_password",
    "tracking.RecordRef.as_dict", "tracking.read_sheet", "tracking.data_stamp",
    "tracking.TrackingService.indicator", "tracking.TrackingService.task", "tracking.TrackingService.records",
    "tracking.TrackingService.is_illustrative", "tracking.TrackingService.evidence_files",
    "tracking.TrackingService.histories", "tracking.TrackingService.change_stamp",
    "tracking.TrackingService.get", "tracking.TrackingService.data", "tracking.TrackingService.indicator_data",
    "tracking.TrackingService.evaluate", "tracking.TrackingService.over_time", "tracking.TrackingService.alerts",
    "tracking.TrackingService.assess", "tracking_demo.summary",
    "two_high.TwoHighService.template", "two_high.TwoHighService.projects", "two_high.TwoHighService.project",
    "two_high.TwoHighService.export", "two_high.TwoHighService.reviews", "two_high_demo.demo_projects",
    "accounts.audit_filter_choices", "enterprises.EnterpriseService.report_years",
    "energy.EnergyService.lever_capacity", "energy.EnergyService.project_version",
    "forestry.ForestryService.wetland_setting", "forestry_sink.district_sink_lines",
    "headroom.plan_headroom", "headroom.target_year",
    "tracking.TrackingService.closed_years", "tracking.TrackingService.default_year",
    "two_high.TwoHighService.findings", "two_high.TwoHighService.room",
    "passwords.check_password_rule", "passwords.classes_of", "passwords.entropy_bits",
    "passwords.generate_password", "passwords.is_common", "passwords.password_problems",
    "passwords.secret_key_problem",
    "townships.TownshipsService.decomposition", "townships.TownshipsService.decompositions",
    "townships.TownshipsService.member_status", "townships.TownshipsService.members",
    "townships.TownshipsService.name", "townships.TownshipsService.read_rows",
    "townships.TownshipsService.status", "townships.TownshipsService.table", "townships.members_table",
    "townships.members_file",  # writes the members companion file (plan data, not the database)
    "townships.TownshipsService.evidence_file", "townships.TownshipsService.supervises",
    "townships.TownshipsService.value_record", "townships.TownshipsService.value_records",
    "budgets.BudgetService.alerts", "budgets.BudgetService.budgets", "budgets.BudgetService.check_read",
    "budgets.BudgetService.progress", "budgets.BudgetService.rollup", "budgets.BudgetService.template",
    "firm_plans.FirmPlanService.overview", "firm_plans.FirmPlanService.plan", "firm_plans.plan_dict",
    "meters.MeterService.comparison", "meters.MeterService.meters", "meters.MeterService.quarantine",
    # --- meters2 ---
    "firm_plans.FirmPlanService.document_file", "firm_plans.FirmPlanService.overview_rows",
    "firm_plans.document_dict", "meters.MeterService.check_read", "meters.MeterService.overview",
    "meters.MeterService.unit", "meters.MeterService.batches",
    "benchmark_levels.BenchmarkLevelService.unit_levels", "benchmark_levels.BenchmarkLevelService.district",
    "benchmark_levels.table_source", "reconcile.ReconcileService.reconcile",
    "month_files.MonthFileService.template",
    "month_review.MonthReviewService.history", "month_review.MonthReviewService.queue",
    "month_review.MonthReviewService.state", "month_review.MonthReviewService.supervises",
    "month_review.MonthReviewService.supervisors", "month_review.event_dict", "month_review.review_dict",
    # --- emitters ---
    "emitters.parse_year", "emitters.EmitterService.years", "emitters.EmitterService.year",
    "emitters.EmitterService.alerts", "emitters.EmitterService.document", "emitters.EmitterService.template",
    "emitters.EmitterService.table", "emitters.EmitterService.tolerance_share",
}  # fmt: skip
# Writers not yet given a step of this walk: each is driven by its own service tests (the file named),
# which run under the same watch (tests/conftest.py), so a change committed there without its audit
# row in the same transaction fails; what those runs do not check is an edit's before/after.
DRIVEN_IN_THEIR_TESTS = {  # the writer: (the test file, what in it drives the writer)
    "budgets.BudgetService.save": ("tests/web/test_key_units_web.py", 'post("/api/v1/key-units/budgets"'),
    "budgets.BudgetService.import_file": ("tests/ledgers/test_budget_service.py", "import_file("),
    "firm_plans.FirmPlanService.save": ("tests/ledgers/test_firm_plans.py", "save("),
    "meters.MeterService.register": ("tests/ledgers/test_meter_service.py", "register("),
    "meters.MeterService.ingest": (
        "tests/ledgers/test_meter_service.py",
        "ingest_rows(",
    ),  # ingest_rows calls it
    "meters.MeterService.ingest_file": ("tests/ledgers/test_meter_service.py", "ingest_file("),
    "meters.MeterService.ingest_rows": ("tests/ledgers/test_meter_service.py", "ingest_rows("),
    "month_files.MonthFileService.import_file": ("tests/ledgers/test_months_file.py", "import_file("),
    "month_files.MonthFileService.save": ("tests/ledgers/test_months_file.py", "save("),
    "month_review.MonthReviewService.review": ("tests/ledgers/test_month_review.py", "review("),
    "townships.TownshipsService.decompose": ("tests/townships/test_service.py", "decompose("),
    "townships.TownshipsService.record_value": ("tests/townships/test_service.py", "record_value("),
    # --- emitters ---
    "emitters.EmitterService.record": ("tests/ledgers/test_emitter_service.py", "svc.record("),
    "emitters.EmitterService.import_file": ("tests/ledgers/test_emitter_service.py", "svc.import_file("),
    "emitters.EmitterService.submit_report": ("tests/ledgers/test_emitter_service.py", "svc.submit_report("),
    "emitters.EmitterService.attach_document": (
        "tests/ledgers/test_emitter_service.py",
        "svc.attach_document(",
    ),
    "townships.TownshipsService.submit_value": ("tests/townships/test_review.py", "submit_value("),
    "townships.TownshipsService.review_value": ("tests/townships/test_review.py", "review_value("),
    "townships.TownshipsService.attach_evidence": ("tests/townships/test_review.py", "attach_evidence("),
    "two_high.TwoHighService.update": (
        "tests/web/test_two_high_projects_web.py",
        'office.post(f"/two-high/projects/{pid}"',
    ),
}
# Sign-in bookkeeping: sessions and the failed-login counter are not data (tests/audit_watch.py
# NOT_DATA); sign-in, sign-out and lockouts are audited by the sign-in service (tests/hardening).
SIGN_IN = {
    "signin.sign_in", "signin.start_session", "signin.sign_out", "signin.LoginRateLimiter.failed",
    "signin.LoginRateLimiter.succeeded",
}  # fmt: skip
# A password hash or token digest is never copied into the log: these edits have no before/after
# beyond the account's name (storage/accounts.py ``secret``).
SECRET_EDITS = {"user.password", "user.token"}
# Demo loaders: driven together by ``init --demo`` (one step of the walk).
DEMO = {
    "tracking_demo.load", "enterprises_demo.load", "energy_demo.load", "two_high_demo.load",
    "forestry.load_demo", "publishing.load_demo", "accounts.ensure_demo_accounts", "key_units_demo.load",
    "emitters_demo.load",
}  # fmt: skip


def discovered() -> set[str]:
    """``module.function`` and ``module.Class.method`` of every public callable the services define."""
    out: set[str] = set()
    for info in pkgutil.iter_modules(carbonpeak.services.__path__):
        module = importlib.import_module(f"carbonpeak.services.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                out.add(f"{info.name}.{name}")
            elif inspect.isclass(obj):
                out |= {
                    f"{info.name}.{name}.{m}"
                    for m, f in vars(obj).items()
                    if inspect.isfunction(f) and (not m.startswith("_") or m == "return_")
                }
    return out


A = "91120118EXAMP0001Y"
FIRM = LedgerActor("示例企业", "enterprise", A)
LEDGER_OFFICE = LedgerActor("王主任", "office")
TWO_HIGH_OFFICE = TwoHighActor("王主任", "office")
NDRC = TwoHighActor("发改 李", "department", "dev_reform")


@dataclass
class Walk:
    engine: Engine
    plan: Plan
    tracking: TrackingService
    tmp: Path

    def file(self, name: str, text: str) -> Path:
        path = self.tmp / name
        path.write_text(text, encoding="utf-8")
        return path


def _steps() -> list[tuple[str, Callable[[Walk], object]]]:
    """(the writer, one call of it) in an order where each finds what it needs."""
    from tests.forestry.test_service import SURVEY
    from tests.ledgers.test_energy_service import PROJECTS

    core = {
        "type": "Polygon",
        "coordinates": [[[116.9, 38.9], [116.96, 38.9], [116.96, 38.96], [116.9, 38.9]]],
    }
    review = {
        "name": "审查项目", "industry": "3311", "annual_output": {"amount": 100, "unit": "t"},
        "start_year": 2026, "review_date": "2026-02-01", "energy": [{"fuel": "diesel", "amount": 1000, "unit": "t"}],
    }  # fmt: skip
    ind, task = "non_fossil_share_2025", "energy.1"

    def two_high_id(w: Walk) -> int:
        return TwoHighService(w.engine).projects(TWO_HIGH_OFFICE)[0].id

    return [
        ("tracking.TrackingService.record_value", lambda w: w.tracking.record_value(DEV_REFORM, ind, 2022, 7.5)),
        ("tracking.TrackingService.record_report",
         lambda w: w.tracking.record_report(DEV_REFORM, task, 2023, "Q1", "in_progress")),
        ("tracking.TrackingService.submit", lambda w: w.tracking.submit(DEV_REFORM, "value", 1)),
        ("tracking.TrackingService.return_", lambda w: w.tracking.return_(OFFICE, "value", 1, "请补充来源")),
        ("tracking.TrackingService.save",
         lambda w: w.tracking.save(
             DEV_REFORM, ValueEntry(ind, 2022, 7.6, expected_version=3), submit=True,
             evidence=Evidence(b"%PDF-1.4 x", "证明.pdf"))),
        ("tracking.TrackingService.approve", lambda w: w.tracking.approve(OFFICE, "value", 1)),
        ("tracking.TrackingService.reopen", lambda w: w.tracking.reopen(OFFICE, "value", 1, "数据更正")),
        ("tracking.TrackingService.attach_evidence",
         lambda w: w.tracking.attach_evidence(DEV_REFORM, "report", 1, b"%PDF-1.4 y", "证明2.pdf")),
        ("tracking.TrackingService.store_computed",
         lambda w: w.tracking.store_computed(
             OFFICE, [ComputedValue("non_fossil_share", 2022, 7.2, "%", {"total_tce": 1.0}, "f-v1")],
             source="accounting inventory 2022")),
        ("tracking.TrackingService.import_rows",
         lambda w: w.tracking.import_rows(
             DEV_REFORM,
             ParsedImport("dev_reform", [ValueRow(ind, 2023, "Y", 8.0, "统计公报", "", ("指标数据", 3))],
                          [ReportRow(task, 2023, "Q2", "in_progress", "推进中", (), ("任务进展", 3))]),
             file="import.xlsx")),
        ("tracking.TrackingService.save_all",
         lambda w: w.tracking.save_all(
             DEV_REFORM, "dev_reform", [(ValueEntry(ind, 2024, 9.0), ("指标数据", 3), "指标代码")],
             file="import.xlsx", submit=True)),
        ("publishing.PublishingService.set_published",
         lambda w: PublishingService(w.engine, w.plan, w.tracking).set_published(OFFICE, [ind], "publish")),
        ("publishing.PublishingService.set_published",
         lambda w: PublishingService(w.engine, w.plan, w.tracking).set_published(OFFICE, [ind], "unpublish")),
        ("enterprises.EnterpriseService.import_registry",
         lambda w: EnterpriseService(w.engine).import_registry(
             LEDGER_OFFICE, w.file("registry.csv", f"id,name,industry,town,two_high\n{A},示例甲（示例数据）,33,,否\n"))),
        ("enterprises.EnterpriseService.import_registry",
         lambda w: EnterpriseService(w.engine).import_registry(
             LEDGER_OFFICE, w.file("registry.csv", f"id,name,industry,town,two_high\n{A},示例甲（示例数据）,33,大邱庄镇,否\n"))),
        ("enterprises.EnterpriseService.submit",
         lambda w: EnterpriseService(w.engine, today=dt.date(2025, 12, 31)).submit(
             FIRM, A, {"period": "2025-03", "lines": [{"fuel": "diesel", "amount": 2, "unit": "t"}]}, source="api")),
        ("enterprises.EnterpriseService.submit",
         lambda w: EnterpriseService(w.engine, today=dt.date(2025, 12, 31)).submit(
             FIRM, A, {"period": "2025-03", "lines": [{"fuel": "diesel", "amount": 3, "unit": "t"}]}, source="api")),
        ("two_high.TwoHighService.add", lambda w: TwoHighService(w.engine).add(TWO_HIGH_OFFICE, demo_projects()[0])),
        ("two_high.TwoHighService.import_file", _two_high_import),
        ("two_high.TwoHighService.dispose",
         lambda w: TwoHighService(w.engine).dispose(NDRC, two_high_id(w), "淘汰", "产能落后")),
        ("two_high.TwoHighService.review", lambda w: TwoHighService(w.engine).review(NDRC, review)),
        ("energy.EnergyService.import_projects",
         lambda w: EnergyService(w.engine).import_projects(LEDGER_OFFICE, w.file("p.csv", PROJECTS))),
        ("energy.EnergyService.save_project", _energy_edit),
        ("energy.EnergyService.import_stations",
         lambda w: EnergyService(w.engine).import_stations(
             LEDGER_OFFICE, w.file("s.csv", "id,name,lon,lat,crs,dc_piles,dc_kw,public,commissioned\n"
                                            "s1,A,116.93,38.94,WGS84,4,120,是,2023-05-01\n"))),
        ("energy.EnergyService.set_area",
         lambda w: EnergyService(w.engine).set_area(
             LEDGER_OFFICE, "core", json.dumps(core).encode(), file="core.geojson", label="核心区")),
        ("forestry.ForestryService.import_file",
         lambda w: ForestryService(w.engine).import_file(
             OFFICE, w.file("survey.csv", SURVEY), area_name="静海区", scope="district", source="二类调查")),
        ("inventory.store_macro",
         lambda w: inventory.store_macro(
             w.engine, read_macro(demo_dir() / MACRO_FILE), demo_dir() / MACRO_FILE, who="统计员", source="walk")),
        ("inventory.store_activity",
         lambda w: inventory.store_activity(
             w.engine, read_activity(demo_dir() / ACTIVITY_FILE), file_name=ACTIVITY_FILE, who="统计员",
             source="walk")),
        ("tracking.TrackingService.close_year",
         lambda w: w.tracking.close_year(OFFICE, 2023, comment="关账", today=dt.date(2026, 12, 7))),
        ("tracking.TrackingService.reopen_year", lambda w: w.tracking.reopen_year(OFFICE, 2023, comment="修订")),
        ("forestry.ForestryService.set_wetland_factor",
         lambda w: ForestryService(w.engine).set_wetland_factor(OFFICE, "3.5", "示例来源（示例数据）")),
        ("forestry.ForestryService.store_computed",
         lambda w: ForestryService(w.engine).store_computed(OFFICE, "静海区", w.plan)),
        ("energy.EnergyService.edit_project",
         lambda w: EnergyService(w.engine).edit_project(
             LEDGER_OFFICE, "wind-b", {"owner": "示例业主（示例数据）"},
             expected_version=EnergyService(w.engine).project_version(LEDGER_OFFICE, "wind-b")[0])),
        ("month_review.MonthReviewService.set_supervisor",
         lambda w: MonthReviewService(w.engine).set_supervisor(LEDGER_OFFICE, A, "dev_reform", source="walk")),
        ("accounts.add_user",
         lambda w: accounts.add_user(
             w.engine, username="firm", password="Long-enough-9", role="enterprise", display_name="示例企业",
             who="admin", source="walk", enterprise_id=A, is_demo=True)),
        ("accounts.reissue_token", lambda w: accounts.reissue_token(w.engine, "firm", who="admin", source="walk")),
        ("accounts.change_password",
         lambda w: accounts.change_password(w.engine, "firm", "Other-long-7x", who="admin", source="walk")),
        ("accounts.set_enabled", lambda w: accounts.set_enabled(w.engine, "firm", False, who="admin", source="walk")),
        ("accounts.remove_demo_accounts",
         lambda w: accounts.remove_demo_accounts(w.engine, who="admin", source="walk")),
    ]  # fmt: skip


def _two_high_import(w: Walk) -> object:
    from carbonpeak.reports import file_bytes

    svc = TwoHighService(w.engine)
    path = w.tmp / "two-high.xlsx"
    path.write_bytes(file_bytes(svc.export(TWO_HIGH_OFFICE), "xlsx"))
    return svc.import_file(TWO_HIGH_OFFICE, path)


def _energy_edit(w: Walk) -> object:
    svc = EnergyService(w.engine)
    wind = svc.project(LEDGER_OFFICE, "wind-b")
    return svc.save_project(LEDGER_OFFICE, wind.model_copy(update={"storage_mw": 15.0}))


def test_every_service_method_is_declared() -> None:
    writers = {name for name, _ in _steps()} | set(DRIVEN_IN_THEIR_TESTS)
    for name, (test_file, needle) in DRIVEN_IN_THEIR_TESTS.items():
        text = (Path(__file__).parents[2] / test_file).read_text(encoding="utf-8")
        assert needle in text, f"{name}: {test_file} does not drive it ({needle!r})"
    found = discovered()
    undeclared = found - READERS - SIGN_IN - DEMO - writers
    assert not undeclared, (
        f"service methods neither a reader nor a writer of this walk: {sorted(undeclared)}; a writer "
        "gets a step in _steps() (and must write its audit row in its transaction), a reader goes to READERS"
    )
    assert not (READERS | SIGN_IN | DEMO | writers) - found, "declared methods that no longer exist"


@pytest.fixture
def walk(tmp_path: Path) -> Iterator[Walk]:
    url = f"sqlite:///{(tmp_path / 'walk.sqlite').as_posix()}"
    with service_for(url, evidence_dir=tmp_path / "evidence") as svc:
        yield Walk(svc.engine, svc.plan, svc, tmp_path)


def _audit_rows(engine: Engine, after_id: int) -> list[AuditRow]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditRow).where(AuditRow.id > after_id).order_by(AuditRow.id)))


def _key(row: AuditRow) -> tuple[str, int, object]:
    """The row an audit row is about (a text id, as an enterprise's, is kept in after's "object")."""
    named = row.after.get("object") if isinstance(row.after, dict) else None
    return (row.table_name, row.row_id, named)


def test_every_writer_audits_in_its_own_transaction(walk: Walk) -> None:
    seen = {_key(r) for r in _audit_rows(walk.engine, 0)}  # rows that exist already
    for name, step in _steps():
        with Session(walk.engine) as s:
            last = int(s.scalar(select(func.coalesce(func.max(AuditRow.id), 0))) or 0)
        with audit_watch() as watch:
            step(walk)
        assert watch.commits, f"{name} changed nothing"
        assert not watch.violations, f"{name}:\n{watch.describe()}"
        rows = _audit_rows(walk.engine, last)
        assert rows, f"{name} wrote no audit row"
        for row in rows:
            key = _key(row)
            edit = key in seen and row.action not in SECRET_EDITS  # the row existed: an edit
            assert not edit or row.before is not None, f"{name}: {row.action} of {key} without before"
            assert row.after is not None, f"{name}: {row.action} of {key} without after"
            seen.add(key)


def test_init_demo_audits_every_loader(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'demo.sqlite').as_posix()}"
    with audit_watch() as watch:
        code, _out, err = invoke("--database", url, "init", "--demo")
    assert code == 0, err
    written = set().union(*watch.commits)
    for table in ("indicator_values", "enterprises", "energy_projects", "two_high_projects", "forest_surveys",
                  "published_indicators", "activity_batches"):  # fmt: skip
        assert table in written, f"init --demo stored no {table}"
    assert not watch.violations, watch.describe()
