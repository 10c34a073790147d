"""Publishing over real HTTP: the office chooses what the public sees; only reviewed figures (approved
or computed) reach the public; other roles cannot publish; every change is audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbonpeak.plan import load_plan, target_text
from carbonpeak.services.publishing import PublishingService, headline_indicators, load_demo
from carbonpeak.services.tracking import TrackingService
from carbonpeak.storage import make_engine, upgrade
from carbonpeak.storage.publishing import PublishedIndicatorRow
from carbonpeak.storage.tables import AuditRow
from carbonpeak.tracking.errors import NotAllowedError
from carbonpeak.tracking.model import Actor
from carbonpeak.units import display
from tests.web.conftest import USERS, LiveServer, csrf_of, login, start

SHARE = "non_fossil_share_2025"  # 二: 非化石能源消费比重 > 10 %, owned by dev_reform (dept_a)
OFFICE = Actor("office", "office")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from start(tmp_path_factory.mktemp("publishing"), secret_key="p" * 40)


@pytest.fixture(scope="module")
def values(server: LiveServer) -> dict[int, float]:
    """2022 approved 8.5; 2023 approved 9.25; 2024 submitted, not approved (11.75); 2021 a draft."""
    plan = load_plan(server.settings.plan)
    svc = TrackingService(server.engine, plan, source="tests")
    dept = Actor("dept_a", "department", "dev_reform")
    for year, value in ((2022, 8.5), (2023, 9.25)):
        ref = svc.record_value(dept, SHARE, year, value, data_source="统计公报 (test)")
        svc.submit(dept, "value", ref.id)
        svc.approve(OFFICE, "value", ref.id)
    pending = svc.record_value(dept, SHARE, 2024, 11.75)
    svc.submit(dept, "value", pending.id)
    svc.record_value(dept, SHARE, 2021, 7.125)
    return {2022: 8.5, 2023: 9.25}


def _publish(client: httpx.Client, indicator: str, action: str) -> httpx.Response:
    return client.post(
        f"/indicators/{indicator}/publish",
        data={"action": action, "csrf_token": csrf_of(client), "note": "t"},
    )


def _counts(server: LiveServer) -> tuple[int, int]:
    with Session(server.engine) as s:
        rows = s.scalar(select(func.count()).select_from(PublishedIndicatorRow)) or 0
        audits = s.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.table_name == "published_indicators")
        )
        return rows, audits or 0


def test_nothing_published_shows_the_empty_state(server: LiveServer) -> None:
    with server.client() as public:
        page = public.get("/public")
        assert page.status_code == 200 and 'id="public-empty"' in page.text and "暂无公开指标" in page.text
        assert public.get("/api/v1/public/indicators").json() == []


def test_publish_shows_approved_values_only_and_unpublish_removes(
    server: LiveServer, values: dict[int, float]
) -> None:
    plan = load_plan(server.settings.plan)
    assert plan.indicators[0].id == SHARE
    office = login(server, "office")
    assert _publish(office, SHARE, "publish").status_code == 303
    page = office.get(f"/indicators/{SHARE}")
    assert 'id="publish-state">已公开<' in page.text

    with server.client() as public:
        rows = public.get("/api/v1/public/indicators").json()
        assert [r["id"] for r in rows] == [SHARE]
        row = rows[0]
        # the plan's words verbatim, and the approved values of each year; never the draft (2021)
        # nor the submitted-but-unapproved 2024 value
        assert row["target"] == target_text(plan.indicators[0]) and row["name"] == plan.indicators[0].name
        assert row["quote"].startswith("到2025年")
        assert row["clause"] == "二" and row["unit"] == "%"
        assert {v["year"]: v["value"] for v in row["values"]} == values
        assert all(v["kind"] == "reported" for v in row["values"])
        assert row["latest_year"] == 2023 and row["latest_value"] == 9.25
        assert row["status"] in ("met", "on_track", "at_risk", "off_track")
        assert row["illustrative"] is False
        internal = {"unit_id", "responsible", "responsible_names", "comment", "state", "evidence", "note"}
        assert not internal & set(row)
        text = public.get("/public").text
        # the value as the office writes it (carbonpeak.units.display: % with one decimal)
        assert 'data-indicator="non_fossil_share_2025"' in text and f"2023: {display.number(9.25)}<" in text
        assert "11.75" not in text and "7.125" not in text and "dev_reform" not in text
        assert "11.75" not in public.get("/api/v1/public/indicators").text

    assert _publish(office, SHARE, "unpublish").status_code == 303
    assert 'id="publish-state">未公开<' in office.get(f"/indicators/{SHARE}").text
    with server.client() as public:
        assert public.get("/api/v1/public/indicators").json() == []
        assert "暂无公开指标" in public.get("/public").text
    with Session(server.engine) as s:
        actions = s.scalars(
            select(AuditRow.action).where(AuditRow.table_name == "published_indicators").order_by(AuditRow.id)
        ).all()
    assert actions[-2:] == ["publish", "unpublish"]
    office.close()


def test_approving_a_value_publishes_it_and_bulk_form(server: LiveServer, values: dict[int, float]) -> None:
    office = login(server, "office")
    token = csrf_of(office)
    response = office.post(
        "/admin/publishing",
        data={"indicator": [SHARE, "energy_intensity_2025"], "action": "publish", "csrf_token": token},
    )
    assert response.status_code == 303
    page = office.get("/admin/publishing").text
    assert f'data-indicator="{SHARE}" data-published="yes"' in page
    assert 'data-indicator="energy_intensity_2025" data-published="yes"' in page
    assert 'data-indicator="renewable_capacity_2025" data-published="no"' in page
    with server.client() as public:
        ids = [r["id"] for r in public.get("/api/v1/public/indicators").json()]
        assert ids == [SHARE, "energy_intensity_2025"]
    # the office approves the pending 2024 value: now (and only now) the public sees it
    plan = load_plan(server.settings.plan)
    svc = TrackingService(server.engine, plan, source="tests")
    pending = next(r for r in svc.records("submitted") if r.get("indicator_id") == SHARE)
    svc.approve(OFFICE, "value", pending["id"])
    with server.client() as public:
        row = public.get("/api/v1/public/indicators").json()[0]
        assert {v["year"]: v["value"] for v in row["values"]} == {**values, 2024: 11.75}
        assert row["latest_year"] == 2024
    office.post(
        "/admin/publishing",
        data={"indicator": [SHARE, "energy_intensity_2025"], "action": "unpublish", "csrf_token": token},
    )
    office.close()


@pytest.mark.parametrize("user", [u for u, (role, _, _) in USERS.items() if role != "office"])
def test_other_roles_cannot_publish(server: LiveServer, user: str) -> None:
    client = login(server, user)
    before = _counts(server)
    assert _publish(client, SHARE, "publish").status_code == 403
    bulk = client.post(
        "/admin/publishing", data={"indicator": SHARE, "action": "publish", "csrf_token": csrf_of(client)}
    )
    assert bulk.status_code == 403
    assert client.get("/admin/publishing").status_code == 403
    assert _counts(server) == before
    if USERS[user][0] != "enterprise":
        assert 'id="publish"' not in client.get(f"/indicators/{SHARE}").text
    client.close()
    with server.client() as public:  # the public: sent to sign in, nothing written
        response = public.post(
            f"/indicators/{SHARE}/publish", data={"action": "publish", "csrf_token": csrf_of(public)}
        )
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert _counts(server) == before


def test_the_service_refuses_non_office_actors(server: LiveServer) -> None:
    plan = load_plan(server.settings.plan)
    svc = PublishingService(server.engine, plan, TrackingService(server.engine, plan), source="tests")
    before = _counts(server)
    for actor in (Actor("dept_a", "department", "dev_reform"), Actor("viewer", "viewer")):
        with pytest.raises(NotAllowedError):
            svc.set_published(actor, [SHARE], "publish")
    with pytest.raises(LookupError):
        svc.set_published(OFFICE, ["no_such_indicator"], "publish")
    assert _counts(server) == before


def test_demo_publishes_the_headline_targets_once(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'demo.sqlite').as_posix()}"
    upgrade(url)
    engine = make_engine(url)
    plan = load_plan("jinghai-2023")
    try:
        assert "published" in load_demo(engine, plan)[0]
        svc = PublishingService(engine, plan, TrackingService(engine, plan))
        published = [s.indicator.id for s in svc.states() if s.published]
        assert published == [i.id for i in headline_indicators(plan)]
        assert published and all(
            i.startswith("二") for i in (s.indicator.clause for s in svc.states() if s.published)
        )
        assert "already" in load_demo(engine, plan)[0]
        with Session(engine) as s:
            sources = s.scalars(select(PublishedIndicatorRow.source)).all()
        assert sources and all("示例数据" in x for x in sources)
    finally:
        engine.dispose()
