"""The pages of the plan over real HTTP: what each shows, filters, downloads, language, local assets."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from openpyxl import load_workbook

from tests.web.conftest import B_INDICATOR, B_TASK, SHARED_TASK, LiveServer


def test_overview_shows_headline_targets_without_data(clients: dict[str, httpx.Client]) -> None:
    page = clients["viewer"].get("/")
    assert page.status_code == 200
    # The minimal plan's section 二 targets: 非化石能源消费比重 (> 10 %) and the city-assigned intensity.
    cards = re.findall(r'<a class="target-card status-(\w+)" href="/indicators/([\w.\-]+)"', page.text)
    # the city has not assigned its number yet: 待下达 (pending assignment), not 无数据
    assert cards == [("no_data", "non_fossil_share_2025"), ("pending", "energy_intensity_2025")]
    assert "&gt; 10 %" in page.text
    assert "下降 (按市下达, 待下达) (确保)" in page.text
    assert page.text.count('<div class="target-status">无数据</div>') == 1  # no tracking data yet
    assert page.text.count('<div class="target-status">待下达</div>') == 1
    assert "能源绿色低碳转型行动" in page.text
    assert "工业领域碳达峰行动" in page.text


def test_department_overview_links_only_its_own_targets(clients: dict[str, httpx.Client]) -> None:
    page = clients["dept_a"].get("/").text
    assert 'href="/indicators/non_fossil_share_2025"' in page  # carried by energy.1, which 区发改委 leads
    assert 'id="card-energy_intensity_2025"' in page  # shown (a plan target) but not a link
    assert 'href="/indicators/energy_intensity_2025"' not in page


def test_plan_page_shows_tasks_verbatim_with_units(clients: dict[str, httpx.Client]) -> None:
    page = clients["office"].get("/plan").text
    assert "大力发展新能源。加快开发太阳能。到2025年，全区可再生能源电力装机容量力争达到50万千瓦。" in page
    assert "三.(一).1 大力发展新能源" in page
    assert "区工信局、各乡镇" in page  # supporting units of energy.1
    assert "专栏1 示例渔光互补发电" in page
    assert f'href="/tasks/{B_TASK}"' in page
    toc = page.split('id="plan-toc"')[1].split("</nav>")[0]
    assert re.findall(r'href="#action-(\w+)"', toc) == ["energy", "industry"]


def test_department_sees_only_its_own_tasks(clients: dict[str, httpx.Client]) -> None:
    plan_a = clients["dept_a"].get("/plan").text
    assert f'id="task-{SHARED_TASK}"' in plan_a
    assert f'id="task-{B_TASK}"' not in plan_a
    mine_a = clients["dept_a"].get("/my/tasks").text
    mine_b = clients["dept_b"].get("/my/tasks").text
    assert re.findall(r'href="/tasks/([\w.]+)"', mine_a) == [SHARED_TASK]
    assert re.findall(r'href="/tasks/([\w.]+)"', mine_b) == [SHARED_TASK, B_TASK]
    # 区发改委 carries energy.1's two indicators; 区工信局 those too (as support) and its own.
    ids_a = set(re.findall(r'href="/indicators/([\w.]+)"', mine_a))
    ids_b = set(re.findall(r'href="/indicators/([\w.]+)"', mine_b))
    assert ids_a == {"renewable_capacity_2025", "non_fossil_share_2025"}
    assert ids_b == ids_a | {B_INDICATOR}
    assert "区发改委" in mine_a


def test_task_page(clients: dict[str, httpx.Client]) -> None:
    page = clients["dept_b"].get(f"/tasks/{B_TASK}")
    assert page.status_code == 200
    assert "推动工业领域绿色低碳发展" in page.text
    assert "责任单位：区工信局" in page.text
    assert "比2020年下降 15.5 %" in page.text
    assert clients["office"].get("/tasks/no-such-task").status_code == 404


def _indicator_ids(html: str) -> list[str]:
    table = html.split('id="indicator-table"')[1]
    return re.findall(r'<td><a href="/indicators/([\w.\-]+)"', table)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["non_fossil_share_2025", "renewable_capacity_2025", "energy_intensity_2025", B_INDICATOR]),
        ("?action=industry", [B_INDICATOR]),
        ("?action=energy", ["non_fossil_share_2025", "renewable_capacity_2025"]),
        ("?unit=dev_reform", ["non_fossil_share_2025", "renewable_capacity_2025"]),
        (
            "?unit=industry_it&target_year=2025",
            ["non_fossil_share_2025", "renewable_capacity_2025", B_INDICATOR],
        ),
        ("?target_year=2030", []),
        (
            "?action=&unit=&target_year=&year=",
            ["non_fossil_share_2025", "renewable_capacity_2025", "energy_intensity_2025", B_INDICATOR],
        ),
    ],
)
def test_indicator_filters(clients: dict[str, httpx.Client], query: str, expected: list[str]) -> None:
    page = clients["office"].get("/indicators" + query)
    assert page.status_code == 200
    assert _indicator_ids(page.text) == expected


def test_indicator_page_shows_quote_and_target(clients: dict[str, httpx.Client]) -> None:
    page = clients["viewer"].get("/indicators/renewable_capacity_2025").text
    assert "到2025年，全区可再生能源电力装机容量力争达到50万千瓦" in page
    assert "≥ 50 万千瓦 (力争)" in page
    assert "无数据" in page
    assert clients["dept_a"].get(f"/indicators/{B_INDICATOR}").status_code == 403


def test_downloads_csv_and_xlsx(clients: dict[str, httpx.Client]) -> None:
    csv_response = clients["dept_a"].get("/downloads/tasks?format=csv")
    assert csv_response.headers["content-type"].startswith("text/csv")
    text = csv_response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["编号", "条款", "行动", "任务"]
    assert [r[0] for r in rows[1:]] == [SHARED_TASK]  # the department's own tasks only
    xlsx = clients["office"].get("/downloads/indicators?format=xlsx")
    assert 'filename="example-district-indicators.xlsx"' in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "指标"
    assert sheet["A1"].value == "示例区碳达峰实施方案 — 指标"
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert values[0][:3] == ("编号", "指标", "目标")
    assert [v[0] for v in values[1:]] == [
        "non_fossil_share_2025",
        "renewable_capacity_2025",
        "energy_intensity_2025",
        B_INDICATOR,
    ]
    assert values[2][3] == 50
    for table in ("projects", "units", "actions", "milestones"):
        assert clients["viewer"].get(f"/downloads/{table}?format=xlsx").status_code == 200
    office = clients["office"].get("/downloads/milestones?format=csv").content.decode("utf-8-sig")
    assert office.splitlines()[1].startswith("rail-2025,专栏2,2023—2025 年,,完成货运专线建设并投入运营。")
    department = clients["dept_a"].get("/downloads/milestones?format=csv").content.decode("utf-8-sig")
    assert len(department.splitlines()) == 1  # the milestone belongs to no task of 区发改委
    assert clients["viewer"].get("/downloads/nothing?format=csv").status_code == 404
    assert clients["viewer"].get("/downloads/tasks?format=pdf").status_code == 422


def test_language_switch_by_query_and_cookie(live: LiveServer) -> None:
    from tests.web.conftest import login

    client = login(live, "viewer")
    assert ">总览<" in client.get("/").text
    english = client.get("/?lang=en")
    assert ">Overview<" in english.text
    assert 'lang="en"' in english.text
    assert "lang=en" in english.headers["set-cookie"]
    again = client.get("/plan")  # the cookie keeps English
    assert ">Plan<" in again.text
    assert "大力发展新能源" in again.text  # the plan's words stay verbatim Chinese
    assert ">总览<" in client.get("/?lang=zh-CN").text
    client.close()


def test_public_page_shows_only_published_indicators(clients: dict[str, httpx.Client]) -> None:
    """Nothing is published on this server: the empty state (tests/web/test_publishing.py publishes)."""
    page = clients["public"].get("/public")
    assert page.status_code == 200
    assert "暂无公开指标" in page.text
    assert "到2025年，非化石能源消费比重超过10%" not in page.text
    assert clients["public"].get("/api/v1/public/indicators").json() == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action", "data", "poster", "srcset") and value:
                self.urls.append(value)


# URL strings inside the vendored ECharts file that are identifiers, never fetched: XML namespaces
# (createElementNS) and the licence links in its comments.
NOT_FETCHED = {
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/2000/xmlns/",
    "http://www.w3.org/XML/1998/namespace",
    "http://www.apache.org/licenses/LICENSE-2.0",
    "https://github.com/ecomfe/zrender/blob/master/LICENSE.txt",
}
URL = re.compile(r"""https?://[^\s"'()<>\\]+""")


def test_pages_reference_only_local_urls(live: LiveServer, clients: dict[str, httpx.Client]) -> None:
    """Crawl every page each role can reach; every referenced URL is on this server, and no
    served HTML, CSS or JS names another host (except namespace identifiers, listed above)."""
    host = urlsplit(live.url).netloc
    seen: set[tuple[int, str]] = set()
    assets: set[str] = set()
    for client in clients.values():
        queue = ["/", "/login", "/public", "/plan", "/indicators", "/my/tasks", "/downloads", "/enterprise"]
        while queue:
            path = queue.pop()
            if (id(client), path) in seen:
                continue
            seen.add((id(client), path))
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
                continue
            parser = _Links()
            parser.feed(response.text)
            for url in parser.urls:
                absolute = urljoin(live.url + path, url)
                assert urlsplit(absolute).netloc == host, f"{path} references {url}"
                local = urlsplit(absolute).path
                if local.startswith("/static/"):
                    assets.add(local)
                elif local.startswith(("/tasks/", "/indicators/", "/plan", "/my/")):
                    queue.append(local)
            assert [u for u in URL.findall(response.text) if urlsplit(u).netloc != host] == []
    assert {"/static/css/app.css", "/static/vendor/echarts/echarts.min.js", "/static/js/app.js"} <= assets
    for asset in assets:
        body = clients["public"].get(asset).text
        foreign = set(URL.findall(body)) - NOT_FETCHED
        assert foreign == set(), f"{asset} names {foreign}"
        assert "@import" not in body
        assert "url(http" not in body
