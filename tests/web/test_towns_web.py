"""The townships pages and API over real HTTP on the Jinghai plan: the members list (incomplete),
the decomposition form (all or nothing, located errors), a member's own account seeing only its own
rows, the sheet download and upload through the one writer and reader, and the roles."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import pytest
from openpyxl import Workbook, load_workbook

from carbonpeak.services.accounts import add_user
from tests.townships.supervised import SUPERVISOR, supervised_plan
from tests.web.conftest import CSRF, PASSWORD, LiveServer, login, start


@pytest.fixture(scope="module")
def towns_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    for server in start(tmp_path_factory.mktemp("towns"), secret_key="t" * 40, plan="jinghai-2023"):
        for name, unit in (("town_tb", "tuanbo_town"), ("town_wk", "wangkou")):
            add_user(
                server.engine,
                username=name,
                password=PASSWORD,
                role="department",
                display_name=name,
                who="tests",
                source="tests/web/test_towns_web.py",
                unit_id=unit,
            )
        yield server


@pytest.fixture(scope="module")
def supervised_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    plan = supervised_plan(tmp_path_factory.mktemp("plan"))
    for server in start(tmp_path_factory.mktemp("towns-sup"), secret_key="s" * 40, plan=str(plan)):
        for name, unit in (("town_zy", "ziya_town"), ("town_tb", "tuanbo_town"), ("admin_zy", SUPERVISOR)):
            add_user(
                server.engine,
                username=name,
                password=PASSWORD,
                role="department",
                display_name=name,
                who="tests",
                source="tests/web/test_towns_web.py",
                unit_id=unit,
            )
        yield server


def _csrf(page: str) -> str:
    match = CSRF.search(page)
    assert match is not None
    return match.group(1)


def test_members_page_and_decomposition_form(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "office")) as client:
        page = client.get("/towns", params={"year": 2025})
        assert page.status_code == 200, page.text
        members = page.text.split('id="towns-members"')[1].split("</table>")[0]
        assert "陈官屯镇" in members and "天津子牙经济技术开发区" in members and "未填（无来源）" in members
        assert 'id="towns-incomplete"' in page.text and "各有关单位" in page.text
        token = _csrf(page.text)
        form = {
            "csrf_token": token,
            "quantity": "charging_piles",
            "year": "2025",
            "method": "manual",
            "district_target": "500",
            "target_tuanbo_town": "300",
            "target_wangkou": "100",
        }
        bad = client.post("/towns/decompose", data=form, files={"sheet": ("", b"")})
        assert bad.status_code == 422
        assert "400" in bad.text and "500" in bad.text and 'id="towns-problems"' in bad.text
        assert "尚未分解" in bad.text or 'id="towns-none"' in bad.text  # nothing stored
        form["target_wangkou"] = "200"
        ok = client.post("/towns/decompose", data=form, files={"sheet": ("", b"")})
        assert ok.status_code == 303, ok.text
        table = client.get("/towns", params={"year": 2025}).text.split('id="towns-charging_piles-2025"')[1]
        assert "300 台" in table.split("</table>")[0]
        # the office records the district's own figure; the roll-up waits for every member
        value = client.post(
            "/towns/values",
            data={"csrf_token": token, "quantity": "charging_piles", "year": "2025", "value": "480"},
        )
        assert value.status_code == 303


def test_a_members_account_sees_and_reports_only_its_own(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "office")) as office:
        token = _csrf(office.get("/towns").text)
        body = {
            "quantity": "renewable_capacity",
            "year": 2025,
            "method": "base_share",
            "district_target": 280,
            "members": [{"member": "团泊镇", "base": 30}, {"member": "王口镇", "base": 10}],
        }
        done = office.post("/api/v1/towns/decompositions", json=body, headers={"X-CSRF-Token": token})
        assert done.status_code == 200, done.text
        assert [m["target"] for m in done.json()["members"]] == [210.0, 70.0]
    with contextlib.closing(login(towns_live, "town_tb")) as town:
        page = town.get("/towns", params={"year": 2025})
        assert page.status_code == 200
        table = page.text.split('id="towns-renewable_capacity-2025"')[1].split("</table>")[0]
        assert "团泊镇" in table and "王口镇" not in table and 'class="rollup"' not in table
        token = _csrf(page.text)
        own = town.post(
            "/towns/values",
            data={"csrf_token": token, "quantity": "renewable_capacity", "year": "2025", "value": "215",
                  "step": "submit"},
            files={"evidence": ("", b"")},
        )  # fmt: skip
        assert own.status_code == 303, own.text
        (mine,) = town.get("/api/v1/towns/values", params={"year": 2025}).json()
        assert mine["state"] == "submitted"
        refused = town.post(
            f"/api/v1/towns/values/{mine['id']}/review",
            json={"step": "approve", "version": mine["version"]},
            headers={"X-CSRF-Token": token},
        )
        assert refused.status_code == 403  # a town reviews nobody, its own value least
    with contextlib.closing(login(towns_live, "office")) as office:
        token = _csrf(office.get("/towns").text)
        done = office.post(
            f"/api/v1/towns/values/{mine['id']}/review",
            json={"step": "approve", "version": mine["version"]},
            headers={"X-CSRF-Token": token},
        )
        assert done.status_code == 200 and done.json()["state"] == "approved", done.text
    with contextlib.closing(login(towns_live, "town_tb")) as town:
        token = _csrf(town.get("/towns").text)
        other = town.post(
            "/api/v1/towns/values",
            json={"quantity": "renewable_capacity", "year": 2025, "value": 1, "member": "wangkou"},
            headers={"X-CSRF-Token": token},
        )
        assert other.status_code == 403
        refused = town.post("/api/v1/towns/decompositions", json=body, headers={"X-CSRF-Token": token})
        assert refused.status_code == 403
        status = town.get("/api/v1/towns/status", params={"year": 2025}).json()
        dec = next(d for d in status["decompositions"] if d["quantity"] == "renewable_capacity")
        assert [(r["member"], r["status"]) for r in dec["rows"]] == [("tuanbo_town", "met")]
    with contextlib.closing(login(towns_live, "town_wk")) as other_town:
        status = other_town.get("/api/v1/towns/status", params={"year": 2025}).json()
        dec = next(d for d in status["decompositions"] if d["quantity"] == "renewable_capacity")
        assert [r["member"] for r in dec["rows"]] == ["wangkou"]


def test_sheet_download_and_upload(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "office")) as client:
        got = client.get("/towns/export", params={"quantity": "forest_cover", "year": 2030})
        assert got.status_code == 200
        rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(got.content)).active.iter_rows()]
        assert rows[1][:2] == ["成员", "基准年数值（%）"]
        wb = Workbook()
        ws = wb.active
        ws.title = "分解表"
        ws.append(["成员", "基准年数值", "权重"])
        ws.append(["团泊镇", 10, 300])
        ws.append(["王口镇", "x", 100])
        buf = io.BytesIO()
        wb.save(buf)
        token = _csrf(client.get("/towns").text)
        form = {"csrf_token": token, "quantity": "forest_cover", "year": "2030", "method": "equal_rate",
                "district_target": "15"}  # fmt: skip
        bad = client.post("/towns/decompose", data=form, files={"sheet": ("cover.xlsx", buf.getvalue())})
        assert bad.status_code == 422 and "cover.xlsx" in bad.text and "第3行" in bad.text
        ws["B3"] = 20
        buf = io.BytesIO()
        wb.save(buf)
        ok = client.post("/towns/decompose", data=form, files={"sheet": ("cover.xlsx", buf.getvalue())})
        assert ok.status_code == 303, ok.text
        status = client.get("/api/v1/towns/status", params={"year": 2030}).json()
        dec = next(d for d in status["decompositions"] if d["quantity"] == "forest_cover")
        assert [round(m["target"], 6) for m in dec["members"]] == [12.0, 24.0]


def test_roles(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "viewer")) as client:
        assert client.get("/towns").status_code == 200
        assert client.post("/towns/decompose", data={}).status_code in (403, 400)
    with contextlib.closing(login(towns_live, "firm")) as client:
        assert client.get("/towns").status_code == 403
    with contextlib.closing(towns_live.client()) as client:
        assert client.get("/api/v1/towns/members").status_code == 401


def test_members_sheet_download(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "viewer")) as client:
        got = client.get("/towns/members/export")
        assert got.status_code == 200
        rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(got.content)).active.iter_rows()]
        assert "名单不完整" in rows[0][0]
        assert ["陈官屯镇", "乡镇"] in [r[:2] for r in rows]


PDF = b"%PDF-1.4\n% evidence\n"


def _submit(client: object, quantity: str, value: str, evidence: bytes = b"") -> dict[str, object]:
    """Post a value with the page's form (saved and submitted), return it as the API lists it."""
    assert hasattr(client, "get") and hasattr(client, "post")
    token = _csrf(client.get("/towns").text)
    files = {"evidence": ("验收单.pdf", evidence) if evidence else ("", b"")}
    data = {"csrf_token": token, "quantity": quantity, "year": "2025", "value": value, "step": "submit"}
    done = client.post("/towns/values", data=data, files=files)
    assert done.status_code == 303, done.text
    listed = client.get("/api/v1/towns/values", params={"year": 2025}).json()
    return next(r for r in listed if r["quantity"] == quantity)


def test_review_on_the_page_with_evidence_and_reason(towns_live: LiveServer) -> None:
    with contextlib.closing(login(towns_live, "town_wk")) as town:
        mine = _submit(town, "charging_piles", "150", PDF)
        assert mine["state"] == "submitted" and [e["name"] for e in mine["evidence"]] == ["验收单.pdf"]
        link = f"/towns/values/{mine['id']}/evidence/{mine['evidence'][0]['sha256']}"
        assert town.get(link).content == PDF
        page = town.get("/towns", params={"year": 2025}).text
        assert 'id="towns-approved-only"' in page and "待审核" in page
    with contextlib.closing(login(towns_live, "town_tb")) as other:
        assert other.get(link).status_code == 403
        assert other.get(f"/api/v1/towns/values/{mine['id']}").status_code == 403
    with contextlib.closing(login(towns_live, "office")) as office:
        page = office.get("/towns", params={"year": 2025}).text
        row = page.split(f'data-record="{mine["id"]}"')[1].split("</tr>")[0]
        assert "已报送" in row and "审核通过" in row and "验收单.pdf" in row
        token = _csrf(page)
        back = office.post(
            f"/towns/values/{mine['id']}/review",
            data={
                "csrf_token": token,
                "step": "return",
                "comment": "请附盖章的验收单",
                "version": mine["version"],
            },
        )
        assert back.status_code == 303, back.text
        # the office enters a value for a member: it may not approve it itself
        ref = office.post(
            "/api/v1/towns/values",
            json={
                "quantity": "charging_piles",
                "year": 2025,
                "value": 90,
                "member": "团泊镇",
                "submit": True,
            },
            headers={"X-CSRF-Token": token},
        ).json()
        refused = office.post(
            f"/towns/values/{ref['id']}/review",
            data={"csrf_token": token, "step": "approve", "version": ref["version"]},
        )
        assert refused.status_code == 403 and "不能审核通过自己" in refused.text
    with contextlib.closing(login(towns_live, "town_wk")) as town:
        (row,) = [r for r in town.get("/api/v1/towns/values").json() if r["id"] == mine["id"]]
        assert (row["state"], row["comment"]) == ("returned", "请附盖章的验收单")
        assert "请附盖章的验收单" in town.get("/towns", params={"year": 2025}).text


def test_the_supervisor_sees_and_reviews_only_its_members(supervised_live: LiveServer) -> None:
    with contextlib.closing(login(supervised_live, "town_zy")) as town:
        ziya = _submit(town, "charging_piles", "40", PDF)
    with contextlib.closing(login(supervised_live, "town_tb")) as town:
        tuanbo = _submit(town, "charging_piles", "50", PDF)
    with contextlib.closing(login(supervised_live, "admin_zy")) as admin:
        page = admin.get("/towns", params={"year": 2025})
        assert page.status_code == 200 and 'id="towns-supervises"' in page.text
        assert 'id="towns-value-form"' not in page.text  # it reviews, it does not report
        token = _csrf(page.text)
        assert [r["member"] for r in admin.get("/api/v1/towns/values").json()] == ["ziya_town"]
        # another member's value: 403 on every route and id
        other = tuanbo["id"]
        assert admin.get(f"/api/v1/towns/values/{other}").status_code == 403
        sha = tuanbo["evidence"][0]["sha256"]  # type: ignore[index]
        assert admin.get(f"/towns/values/{other}/evidence/{sha}").status_code == 403
        body = {"step": "approve", "version": tuanbo["version"]}
        assert (
            admin.post(
                f"/api/v1/towns/values/{other}/review", json=body, headers={"X-CSRF-Token": token}
            ).status_code
            == 403
        )
        form = {"csrf_token": token, "step": "approve", "version": str(tuanbo["version"])}
        assert admin.post(f"/towns/values/{other}/review", data=form).status_code == 403
        assert admin.post(f"/towns/values/{other}/submit", data={"csrf_token": token}).status_code == 403
        assert admin.get("/api/v1/towns/values/99999").status_code == 404
        # its own member's value: reviewed
        body = {"step": "approve", "version": ziya["version"]}
        done = admin.post(
            f"/api/v1/towns/values/{ziya['id']}/review", json=body, headers={"X-CSRF-Token": token}
        )
        assert done.status_code == 200 and done.json()["state"] == "approved", done.text
