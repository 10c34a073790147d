"""No lost update on first save (issue 13): two people open the empty form of the same record and
both save; the second is refused with a conflict and the first's text stays. The API needs the
version (``expected_version`` or ``If-Match``) to change an existing record."""

from __future__ import annotations

import httpx

from carbonpeak.storage.tables import TaskReportRow
from tests.web.conftest import SHARED_TASK, LiveServer, csrf_of, login
from tests.web.test_reporting import _record, _report


def test_two_first_saves_of_the_same_form_do_not_overwrite(live: LiveServer) -> None:
    first, second = login(live, "dept_a"), login(live, "dept_a")
    try:
        for client in (first, second):  # both open the empty form
            assert client.get(f"/tasks/{SHARED_TASK}/report?year=2021&period=Q3").status_code == 200
        saved = _report(first, SHARED_TASK, year=2021, period="Q3", narrative="第一位填报人", step="save")
        assert saved.status_code == 303
        late = _report(second, SHARED_TASK, year=2021, period="Q3", narrative="第二位填报人", step="save")
        assert late.status_code == 409
        row = _record(live, TaskReportRow, SHARED_TASK, 2021, "Q3")
        assert (row.narrative, row.version) == ("第一位填报人", 1)
        # with the version it read, the second person's edit goes through
        edited = _report(
            second, SHARED_TASK, year=2021, period="Q3", narrative="第二位填报人", step="save", version="1"
        )
        assert edited.status_code == 303
        assert _record(live, TaskReportRow, SHARED_TASK, 2021, "Q3").narrative == "第二位填报人"
    finally:
        first.close()
        second.close()


def test_api_update_needs_the_version(live: LiveServer, clients: dict[str, httpx.Client]) -> None:
    dept = clients["dept_a"]
    url = f"/api/v1/tasks/{SHARED_TASK}/reports"
    body = {"year": 2021, "period": "Q2", "status": "in_progress", "narrative": "A"}
    headers = {"X-CSRF-Token": csrf_of(dept)}
    created = dept.post(url, json=body, headers=headers)
    assert created.status_code == 200, created.text
    assert created.json()["version"] == 1
    blind = dept.post(url, json={**body, "narrative": "B"}, headers=headers)
    assert blind.status_code == 409
    assert _record(live, TaskReportRow, SHARED_TASK, 2021, "Q2").narrative == "A"
    stale = dept.post(url, json={**body, "narrative": "B"}, headers={**headers, "If-Match": '"7"'})
    assert stale.status_code == 409
    bad = dept.post(url, json={**body, "narrative": "B"}, headers={**headers, "If-Match": "*"})
    assert bad.status_code in (400, 422) and "If-Match" in bad.text
    matched = dept.post(url, json={**body, "narrative": "B"}, headers={**headers, "If-Match": '"1"'})
    assert matched.status_code == 200, matched.text
    assert matched.json()["version"] == 2
    by_body = dept.post(url, json={**body, "narrative": "C", "expected_version": 2}, headers=headers)
    assert by_body.status_code == 200 and by_body.json()["version"] == 3
