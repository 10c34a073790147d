"""One 两高 project on the web over real HTTP: its page, editing its fields (CSRF, the version read,
located errors, nothing half saved, the audit's before/after), the disposal change with its reason
and history, the served plan's prohibitions that cover it, and who may do what."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from carbonpeak.ledgers.two_high_access import TwoHighActor
from carbonpeak.ledgers.two_high_file import form_values
from carbonpeak.services.two_high import TwoHighService
from carbonpeak.services.two_high_demo import load as load_demo
from carbonpeak.storage.tables import AuditRow
from tests.web.conftest import LiveServer, csrf_of, login, start

OFFICE = TwoHighActor("test", "office")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    for live in start(tmp_path_factory.mktemp("twohigh-projects"), secret_key="p" * 40):
        load_demo(live.engine, None)
        yield live


def _ids(server: LiveServer) -> dict[str, int]:
    return {s.project.name: s.id for s in TwoHighService(server.engine).projects(OFFICE)}


def _form(server: LiveServer, name: str) -> dict[str, str]:
    stored = TwoHighService(server.engine).project(OFFICE, _ids(server)[name])
    return form_values(stored.project) | {"version": str(stored.version)}


def test_edit_fields_version_errors_audit_and_findings(server: LiveServer) -> None:
    office = login(server, "office")
    with closing(office):
        pid = _ids(server)["示例铝型材扩建项目"]
        page = office.get(f"/two-high/projects/{pid}")
        assert page.status_code == 200 and 'id="edit-form"' in page.text and 'id="no-findings"' in page.text
        token = csrf_of(office)
        form = _form(server, "示例铝型材扩建项目")
        assert form["version"] == "1" and form["stage"] == "在建"
        assert (
            office.post(f"/two-high/projects/{pid}", data=form | {"equipment": "燃煤锅炉"}).status_code == 403
        )
        done = office.post(
            f"/two-high/projects/{pid}", data=form | {"equipment": "燃煤锅炉", "csrf_token": token}
        )
        assert done.status_code == 303 and done.headers["location"] == f"/two-high/projects/{pid}?saved=1"
        after = office.get(done.headers["location"]).text
        assert 'id="saved"' in after and "燃煤锅炉" in after
        # the served plan (docs/examples/minimal-plan.yaml, issued 2024-03-01) forbids 燃煤锅炉 (三.(一));
        # the project was approved in 2024-10 and is under construction: a breach
        assert "违反禁止性规定" in after and "禁止新建燃煤锅炉" in after
        ledger = office.get("/two-high").text
        assert 'id="findings-table"' in ledger and "违反禁止性规定" in ledger
        api = office.get("/api/v1/two-high/findings").json()
        assert [(f["project_name"], f["clause"], f["breach"]) for f in api] == [
            ("示例铝型材扩建项目", "三.(一)", True)
        ]
        # the same form again: version 1 is stale now (version 2 was saved by office)
        stale = office.post(
            f"/two-high/projects/{pid}", data=form | {"csrf_token": token, "location": "别处"}
        )
        assert stale.status_code == 409 and "已被" in stale.text and "第 2 版" in stale.text
        fresh = _form(server, "示例铝型材扩建项目")
        bad = office.post(
            f"/two-high/projects/{pid}",
            data=fresh | {"csrf_token": token, "industry": "99x", "annual_output": "-1", "location": "别处"},
        )
        assert bad.status_code == 422
        assert "行业代码: " in bad.text and "年产量: " in bad.text
        assert 'value="99x"' in bad.text  # the form keeps what was typed
        stored = TwoHighService(server.engine).project(OFFICE, pid)
        assert stored.version == 2 and stored.project.location == "静海经济开发区"  # nothing saved
    with Session(server.engine) as session:
        rows = session.scalars(
            select(AuditRow).where(AuditRow.table_name == "two_high_projects", AuditRow.row_id == pid)
        ).all()
    update = [r for r in rows if r.action == "update"][-1]
    assert update.who == "office" and update.before is not None and update.after is not None
    assert update.before["equipment"] == [] and update.after["equipment"] == ["燃煤锅炉"]
    assert update.before["version"] == 1 and update.after["version"] == 2


def test_disposal_change_with_reason_and_history(server: LiveServer) -> None:
    office = login(server, "office")
    with closing(office):
        pid = _ids(server)["示例铜管材生产线"]
        token = csrf_of(office)
        version = _form(server, "示例铜管材生产线")["version"]
        data = {"category": "phase_out", "version": version, "csrf_token": token}
        missing = office.post(f"/two-high/projects/{pid}/disposal", data=data | {"note": "  "})
        assert missing.status_code == 422 and "请填写变更理由" in missing.text
        done = office.post(f"/two-high/projects/{pid}/disposal", data=data | {"note": "感应炉列入淘汰目录"})
        assert done.status_code == 303
        page = office.get(f"/two-high/projects/{pid}").text
        assert (
            "感应炉列入淘汰目录" in page and "淘汰落后感应炉（示例数据）" in page
        )  # newest first, both kept
        assert page.index("感应炉列入淘汰目录") < page.index("淘汰落后感应炉（示例数据）")
        assert '<dd id="disposal-now">淘汰</dd>' in page
        again = office.post(f"/two-high/projects/{pid}/disposal", data=data | {"note": "再次"})
        assert again.status_code == 409  # the version read before the change
        wrong = office.post(
            f"/two-high/projects/{pid}/disposal",
            data=data | {"category": "burn", "note": "x", "version": str(int(version) + 1)},
        )
        assert wrong.status_code == 422 and "expected one of" in wrong.text


def test_who_may_see_and_change(server: LiveServer) -> None:
    it, viewer, firm = login(server, "dept_b"), login(server, "viewer"), login(server, "firm")
    with closing(it), closing(viewer), closing(firm):
        ids = _ids(server)
        planned, existing = ids["示例金属表面处理集中区项目"], ids["示例商品混凝土搅拌站"]
        # 区工信局 keeps 在建 and 存量: not the 拟建 project, and it cannot move one out of its stages
        assert it.get(f"/two-high/projects/{planned}").status_code == 403
        token = csrf_of(it)
        form = _form(server, "示例商品混凝土搅拌站")
        assert (
            it.post(
                f"/two-high/projects/{existing}", data=form | {"csrf_token": token, "stage": "拟建"}
            ).status_code
            == 403
        )
        ok = it.post(
            f"/two-high/projects/{existing}", data=form | {"csrf_token": token, "location": "独流镇工业区"}
        )
        assert ok.status_code == 303
        assert TwoHighService(server.engine).project(OFFICE, existing).project.location == "独流镇工业区"
        page = viewer.get(f"/two-high/projects/{existing}")
        assert page.status_code == 200 and 'id="read-only"' in page.text and "edit-form" not in page.text
        vtoken = csrf_of(viewer)
        assert (
            viewer.post(f"/two-high/projects/{existing}", data=form | {"csrf_token": vtoken}).status_code
            == 403
        )
        assert firm.get(f"/two-high/projects/{existing}").status_code == 403
        assert it.get("/two-high/projects/999999").status_code == 404
