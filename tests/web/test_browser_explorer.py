"""Browser tests of the inventory page and the scenario explorer (Debian Chromium via Playwright):
moving a lever slider changes the peak year shown; screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest

from carbonpeak.scenarios.lever_table import lever_table
from tests.web.conftest import LiveServer, csrf_of, login
from tests.web.explorer_server import jinghai
from tests.web.test_browser import Visit, browser

__all__ = ["browser", "jinghai"]
pytestmark = pytest.mark.browser


@pytest.fixture
def visit(browser: Any, jinghai: LiveServer) -> Iterator[Visit]:
    visit = Visit(browser, jinghai)
    yield visit
    visit.close()


def _peak_year(live: LiveServer, levers: dict[str, float]) -> int:
    with closing(login(live, "viewer")) as client:
        response = client.post(
            "/api/v1/scenarios/run",
            json={"scenario": "bau", "levers": levers},
            headers={"X-CSRF-Token": csrf_of(client)},
        )
        assert response.status_code == 200
        year: int = response.json()["peak_year"]
        return year


def _set_slider(visit: Visit, lever: str, value: float) -> None:
    visit.page.eval_on_selector(
        f"#lever-{lever}",
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); el.dispatchEvent(new Event('change')); }",
        value,
    )


def test_moving_a_lever_changes_the_peak_year(visit: Visit, jinghai: LiveServer) -> None:
    # Find, over HTTP, a push that moves the bau peak year (the page must then show the same year).
    base = _peak_year(jinghai, {})
    candidates = [("industry_efficiency", 5.0), ("electrification", 20.0), ("renewables", 500.0)]
    lever, value = next(
        ((lv, v) for lv, v in candidates if _peak_year(jinghai, {lv: v}) != base), (None, 0.0)
    )
    assert lever is not None, "no slider moves the bau peak year"
    expected = _peak_year(jinghai, {lever: value})
    visit.login("viewer")
    visit.goto("/scenarios?scenario=bau")
    visit.page.wait_for_selector("#explorer[data-ready=true]")
    assert visit.page.text_content("#peak-year") == str(base)
    assert visit.page.get_attribute("#chart-trajectory", "data-peak-year") == str(base)
    visit.page.eval_on_selector("#explorer", "el => el.removeAttribute('data-ready')")
    _set_slider(visit, lever, value)
    visit.page.wait_for_selector(f'#peak-year:text-is("{expected}")')
    visit.page.wait_for_selector("#explorer[data-ready=true]")
    assert visit.page.get_attribute("#chart-trajectory", "data-peak-year") == str(expected)
    assert "%" in (visit.page.text_content("#p-peak") or "")
    # The download links now carry the scenario and the push; the file says so in its title.
    href = visit.page.get_attribute("a[data-download-table=trajectory][data-download-format=csv]", "href")
    assert href is not None and "scenario=bau" in href and f"lever={lever}%3A" in href
    download = visit.page.request.get(jinghai.url + href)
    assert download.status == 200
    named = lever_table().get(lever)
    assert named is not None  # the file's title names the lever by its name, not its id
    assert f"{named.name.zh} +{value:g}" in download.body().decode("utf-8-sig").splitlines()[0]
    visit.shot("scenarios-lever")
    assert visit.errors == []
    assert visit.hosts == {jinghai.url.removeprefix("http://")}


def test_while_a_slider_moves_the_band_and_probability_move_with_it(
    visit: Visit, jinghai: LiveServer
) -> None:
    """Input events alone (the slider not released): every drawn answer carries the fan and P(peak)
    from the live sample count; the release brings the chosen count and the attribution."""
    bodies: list[dict[str, Any]] = []
    visit.page.on(
        "request",
        lambda r: bodies.append(r.post_data_json) if r.url.endswith("/api/v1/scenarios/run") else None,
    )
    visit.login("viewer")
    visit.goto("/scenarios?scenario=plan")
    visit.page.wait_for_selector("#explorer[data-ready=true]")
    p_before = visit.page.text_content("#p-peak")
    bodies.clear()
    for value in (1.0, 2.0, 3.0, 4.0, 5.0):  # a drag: input events, no change event
        visit.page.eval_on_selector(
            "#lever-industry_efficiency",
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }",
            value,
        )
    last = len(bodies)
    deadline = time.monotonic() + 20
    while int(visit.page.get_attribute("#explorer", "data-drawn") or 0) < last:  # the page's CSP forbids eval
        assert time.monotonic() < deadline, "the last slider position was never drawn"
        visit.page.wait_for_timeout(20)
    live = [b for b in bodies if b and not b.get("attribution")]
    assert live and all(b["samples"] == 1000 and b["seed"] == 0 for b in live)
    assert live[-1]["levers"] == {"industry_efficiency": 5.0}
    p_live = visit.page.text_content("#p-peak") or ""
    assert p_live.endswith("%")
    fan_points = visit.page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-fan')).getOption().series[4].data.length"
    )
    assert fan_points > 10
    # the released slider: the chosen sample count (10,000 by default) and the attribution
    bodies.clear()
    visit.page.eval_on_selector("#explorer", "el => el.removeAttribute('data-ready')")
    visit.page.eval_on_selector("#lever-industry_efficiency", "el => el.dispatchEvent(new Event('change'))")
    visit.page.wait_for_selector("#explorer[data-ready=true]")
    assert bodies[-1]["samples"] == 10_000 and bodies[-1]["attribution"] is True
    assert p_before is not None
    assert visit.errors == []


def test_screenshots_of_inventory_and_explorer(visit: Visit, jinghai: LiveServer) -> None:
    visit.login("office")
    visit.goto("/inventory")
    visit.page.wait_for_selector("#chart-sankey[data-rendered]")
    visit.page.select_option("#sankey-basis", "coal_substitution")
    assert visit.page.get_attribute("#chart-sankey", "data-rendered") == "2024:coal_substitution"
    visit.shot("inventory")
    visit.goto("/scenarios")
    visit.page.wait_for_selector("#explorer[data-ready=true]")
    visit.shot("scenarios")
    visit.goto("/")
    visit.page.wait_for_selector("#co2-trend[data-rendered]")
    visit.shot("overview-peak")
    visit.goto("/inventory/import")
    visit.shot("inventory-import")
    assert visit.errors == []


WATERFALL_LABELS = (
    "() => echarts.getInstanceByDom(document.getElementById('chart-waterfall')).getOption().xAxis[0].data"
)
TRAJECTORY_NAMES = "() => echarts.getInstanceByDom(document.getElementById('chart-trajectory')).getOption().series.map(s => s.name)"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_explorer_names_what_it_shows(visit: Visit, jinghai: LiveServer, lang: str) -> None:
    """Scenarios, plan indicators, targets and the Shapley groups by their names — no lever, indicator,
    scenario id or comparator code in what the reader sees (the page, the table, the charts' labels)."""
    visit.login("viewer")
    visit.goto(f"/scenarios?scenario=enhanced&lang={lang}")
    visit.page.wait_for_selector("#explorer[data-ready=true]")
    visit.page.wait_for_function("() => document.querySelectorAll('#target-checks tbody tr').length > 0")
    text = visit.page.inner_text("body")
    options = visit.page.eval_on_selector_all("#scenario-select option", "els => els.map(e => e.textContent)")
    waterfall = visit.page.evaluate(WATERFALL_LABELS)
    names = visit.page.evaluate(TRAJECTORY_NAMES)
    if lang == "en":
        assert options == [
            "Business as usual (policies frozen at the latest inventory year)",
            "Plan scenario (the implementation plan's targets)",
            "Enhanced scenario",
        ]
        assert "Industrial energy efficiency" in waterfall
        assert names[0] == "Enhanced scenario"
    else:
        assert options[1:] == ["规划情景（实施方案目标）", "强化情景"] and options[0].startswith("基准情景")
        assert "工业节能降耗" in waterfall and waterfall[0].startswith("基准情景")
        assert names[0] == "强化情景" and "规模以上工业单位增加值能耗（2025年）" in text
    seen = " ".join([text, *options, *waterfall, *names])
    for raw in ("industry_efficiency", "_2025", "_2030", "reduce_by", "bau ", "enhanced", ">="):
        assert raw not in seen, raw
    visit.shot(f"scenarios-named-{lang}")
    visit.goto("/?lang=zh-CN")
    assert visit.errors == []


def test_viewer_has_no_import_link(jinghai: LiveServer) -> None:
    with closing(login(jinghai, "viewer")) as client:
        assert 'id="import-link"' not in client.get("/inventory").text
    with closing(login(jinghai, "office")) as client:
        assert 'id="import-link"' in client.get("/inventory").text
    assert isinstance(client, httpx.Client)
