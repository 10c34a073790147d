"""The year a page shows: the last complete one by default, never a year opened by one early record;
``?year=`` and the overview's year selector show another."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from carbonpeak.tracking.model import default_year
from tests.web.conftest import LiveServer, csrf_of, login, start


def test_default_year_is_the_last_complete_one() -> None:
    assert default_year(dt.date(2026, 12, 7)) == 2025
    assert default_year(dt.date(2026, 1, 1)) == 2025
    assert default_year(dt.date(2025, 12, 31)) == 2024


def test_a_complete_year_without_data_yet_defers_to_the_latest_one_with_data() -> None:
    today = dt.date(2026, 12, 7)
    assert default_year(today, {2021, 2022, 2023, 2024}) == 2024  # 2025's figures not in yet
    assert default_year(today, {2024, 2025}) == 2025
    assert default_year(today, {2024, 2026}) == 2024  # one early 2026 record opens nothing
    assert default_year(today, {2026}) == 2025  # nothing complete: the last complete year
    assert default_year(today, ()) == 2025


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("web-default-year")
    yield from start(folder, secret_key="y" * 40)


def _note_year(page: str) -> int:
    found = re.search(r'id="status-note">[^<]*?(\d{4})', page)
    assert found is not None, page[:400]
    return int(found.group(1))


def _approved(server: LiveServer, client: httpx.Client, token: str, year: int, value: float) -> None:
    # the responsible unit (区发改委) reports, the office approves: nobody approves their own entry
    unit = login(server, "dept_a")
    try:
        saved = unit.post(
            "/api/v1/indicators/non_fossil_share_2025/values",
            json={"year": year, "value": value, "data_source": "区统计局", "submit": True},
            headers={"X-CSRF-Token": csrf_of(unit)},
        )
    finally:
        unit.close()
    assert saved.status_code == 200, saved.text
    decided = client.post(
        f"/api/v1/records/value/{saved.json()['id']}/decision",
        json={"decision": "approve"},
        headers={"X-CSRF-Token": token},
    )
    assert decided.status_code == 200, decided.text


def test_one_early_record_does_not_move_the_overview(fresh: LiveServer) -> None:
    office, viewer = login(fresh, "office"), login(fresh, "viewer")
    try:
        shown = default_year(dt.date.today())
        token = csrf_of(office)
        _approved(fresh, office, token, shown, 12.0)
        _approved(fresh, office, token, shown + 1, 12.5)  # one early record of the current year
        page = viewer.get("/").text
        assert _note_year(page) == shown
        options = re.findall(r'<option value="(\d{4})"', page[page.index('id="year-select"') :])
        assert {str(shown), str(shown + 1)} <= set(options)
        assert f'<option value="{shown}" selected' in page
        chosen = viewer.get(f"/?year={shown + 1}").text
        assert _note_year(chosen) == shown + 1
        assert f'<option value="{shown + 1}" selected' in chosen
        assert viewer.get("/?year=1999").status_code == 422
        # The list of indicators shows the status the indicator's own page shows (not 无数据).
        listed = viewer.get("/indicators").text
        row = listed[listed.index('href="/indicators/non_fossil_share_2025"') :]
        badge = re.search(r'class="badge status-(\w+)">([^<]+)<', row)
        own = viewer.get("/indicators/non_fossil_share_2025").text
        shown_status = re.search(r'class="badge status-(\w+)" id="indicator-status">([^<]+)<', own)
        assert badge is not None and shown_status is not None
        assert badge.groups() == shown_status.groups() and badge.group(1) != "no_data"
        assert _note_year(listed) == shown
    finally:
        office.close()
        viewer.close()
