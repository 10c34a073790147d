"""The overview's key-indicator trends: each headline card draws the approved actuals of recent years
(and the required path) as a small server-drawn SVG; drafts and a single value draw nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from carbonpeak.web.overview.views import sparkline
from tests.web.conftest import LiveServer, csrf_of, login, start


def test_sparkline_coordinates_by_hand() -> None:
    # Three years, actual 10 → (none) → 20, required 10 → 15 → 20: the y range is 10..20.
    # Width 100, height 24, padding 2: x step (100 − 4) / 2 = 48; y = 24 − 2 − (v − 10) / 10 × 20.
    spark = sparkline(
        {"years": [2022, 2023, 2024], "actual": [10.0, None, 20.0], "required": [10.0, 15.0, 20.0]},
        width=100,
        height=24,
        pad=2,
    )
    assert spark["actual"] == "2.0,22.0 98.0,2.0"
    assert spark["required"] == "2.0,22.0 50.0,12.0 98.0,2.0"
    assert spark["actual_dots"] == [(2.0, 22.0), (98.0, 2.0)]
    assert (spark["first_year"], spark["last_year"]) == (2022, 2024)
    assert spark["title"] == "2022: 10, 2024: 20"


def test_flat_series_is_drawn_inside_the_box_not_divided_by_zero() -> None:
    spark = sparkline({"years": [2023, 2024], "actual": [5.0, 5.0], "required": [None, None]}, 60, 20, 0)
    # span falls back to |5| so the line sits at the bottom of the range, inside the box.
    assert spark["actual"] == "0.0,20.0 60.0,20.0"
    assert spark["required"] == ""


REPORTER: list[httpx.Client] = []  # the signed-in client of the indicator's unit during the test


def _value(client: httpx.Client, token: str, year: int, value: float, *, approve: bool) -> None:
    # the responsible unit (区发改委, REPORTER) reports, the office approves its submission
    saved = REPORTER[0].post(
        "/api/v1/indicators/non_fossil_share_2025/values",
        json={"year": year, "value": value, "data_source": "区统计局", "submit": True},
        headers={"X-CSRF-Token": csrf_of(REPORTER[0])},
    )
    assert saved.status_code == 200, saved.text
    if approve:
        decided = client.post(
            f"/api/v1/records/value/{saved.json()['id']}/decision",
            json={"decision": "approve"},
            headers={"X-CSRF-Token": token},
        )
        assert decided.status_code == 200, decided.text


def _card(page: str, indicator_id: str) -> str:
    start = page.index(f'href="/indicators/{indicator_id}"')
    return page[start : page.index("</a>", start)]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: the shared one collects other tests' values for the same indicator."""
    folder: Path = tmp_path_factory.mktemp("web-trends")
    yield from start(folder, secret_key="t" * 40)


def test_card_draws_the_approved_actuals(fresh: LiveServer) -> None:
    office, viewer = login(fresh, "office"), login(fresh, "viewer")
    REPORTER[:] = [login(fresh, "dept_a")]
    try:
        _trend_checks(office, viewer)
    finally:
        office.close()
        viewer.close()
        REPORTER.pop().close()


def _trend_checks(office: httpx.Client, viewer: httpx.Client) -> None:
    token = csrf_of(office)
    _value(office, token, 2023, 9.5, approve=True)
    assert 'id="spark-non_fossil_share_2025"' not in office.get("/").text  # one value: no trend
    _value(office, token, 2024, 11, approve=False)  # submitted, not approved: not an actual
    assert 'id="spark-non_fossil_share_2025"' not in office.get("/").text
    _value(office, token, 2025, 12, approve=True)
    card = _card(office.get("/").text, "non_fossil_share_2025")
    assert 'id="spark-non_fossil_share_2025"' in card
    title = re.search(r"<title>([^<]*)</title>", card)
    assert title is not None
    assert "2023: 9.5" in title.group(1) and "2025: 12" in title.group(1)
    assert "2024:" not in title.group(1)
    assert len(re.findall(r'<circle class="spark-dot"', card)) == 2
    # The viewer reads the same trend.
    assert 'id="spark-non_fossil_share_2025"' in viewer.get("/").text
