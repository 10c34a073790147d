"""The scenario explorer (情景): the page with its sliders and the JSON run behind them.

Roles (docs/web.md): the office, departments and viewers run scenarios; enterprises and the public
do not. A scenario's inputs are built once per process from the served plan (``ScenarioCache``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from carbonpeak.web.core.auth import READERS, Principal, permit
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.scenarios.explorer import (
    DEFAULT_SAMPLES,
    LIVE_SAMPLES,
    MAX_SAMPLES,
    SAMPLE_CHOICES,
    SCENARIOS,
    ExplorerError,
    ScenarioCache,
    labels,
    slider_rows,
)

router = APIRouter()

Reader = Annotated[Principal, Depends(permit(*READERS))]

# Words of the explorer and of the overview's peak card (zh-CN, en).
WORDS: dict[str, tuple[str, str]] = {
    "scenarios": ("情景", "Scenarios"),
    "illustrative": ("示例数据（illustrative）", "Illustrative data (示例数据)"),
    "year": ("年份", "Year"),
    "indicator": ("指标", "Indicator"),
    "unit": ("单位", "Unit"),
    "scenario": ("情景", "Scenario"),
    "levers": (
        "政策杠杆（在情景基础上额外加力，{start}年起）",
        "Levers (extra push on the scenario, from {start})",
    ),
    "plan_indicators": ("方案指标", "Plan indicators"),
    "peak_year": ("达峰年份", "Peak year"),
    "peak_observed": (
        "清单观测值：{year}年前已出现的最高排放，预测期未再超过",
        "Observed: the highest inventory year up to {year}; not exceeded in the projection",
    ),
    "peak_projected": ("预测值", "Projected"),
    "peak_value": ("峰值（万吨CO2）", "Peak (10⁴ t CO2)"),
    "p_peak": ("{by_year}年前达峰概率", "P(peak by {by_year})"),
    "trajectory": ("二氧化碳排放轨迹（吨）", "CO2 trajectory (t)"),
    "fan": ("不确定性（蒙特卡洛 P5–P95）", "Uncertainty (Monte Carlo P5–P95)"),
    "histogram": ("达峰年份分布", "Peak-year distribution"),
    "waterfall": (
        "相对基准情景的贡献（Shapley，{by_year}年）",
        "Contribution against business as usual (Shapley, {by_year})",
    ),
    "samples": ("抽样次数", "Samples"),
    "targets": ("目标校核", "Target checks"),
    "target": ("目标", "Target"),
    "projected": ("预测值", "Projected"),
    "met": ("达标", "Met"),
    "reset": ("重置", "Reset"),
    "with_levers": ("加杠杆", "with levers"),
    "assumptions": ("关键假设", "Key assumptions"),
    "cannot_run": ("情景无法在当前方案上运行", "The scenario cannot run on this plan"),
    "peak_card": ("达峰预测（规划情景）", "Peak projection (plan scenario)"),
    "co2_trend": (
        "二氧化碳排放趋势：清单历史与规划情景预测",
        "CO2 trend: inventory history and plan projection",
    ),
    "history": ("清单", "Inventory"),
    "history_illustrative": ("清单（示例数据）", "Inventory (illustrative)"),
    "history_empty": ("清单（尚未导入清单数据）", "Inventory (no data imported yet)"),
    "projection": ("规划情景预测（示例）", "Plan scenario projection (illustrative)"),
}


def words(lang: str, year: int, start: int) -> dict[str, str]:
    """The explorer's words in ``lang``, with the peak-by ``year`` and the first pushed year ``start``."""
    return {
        k: (en if lang == "en" else zh).replace("{by_year}", str(year)).replace("{start}", str(start))
        for k, (zh, en) in WORDS.items()
    }


def app_cache(app: Any) -> ScenarioCache:
    """The app's scenario cache (one per app, built on first use from the served plan)."""
    cache = getattr(app.state, "scenario_cache", None)
    if cache is None:
        cache = ScenarioCache(app.state.plan)
        app.state.scenario_cache = cache
    return cache


def scenario_cache(request: Request) -> ScenarioCache:
    return app_cache(request.app)


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios_page(
    request: Request, who: Reader, scenario: Literal["bau", "plan", "enhanced"] = "plan"
) -> Response:
    cache = scenario_cache(request)
    error = None
    try:
        cache.prepared(scenario)
    except ExplorerError as exc:
        error = str(exc)
    config = {
        "scenario": scenario,
        "scenarios": list(SCENARIOS),
        "lang": lang_of(request),
        "labels": labels(cache.plan, lang_of(request)),
        "sliders": slider_rows(cache.plan, lang_of(request)),
        "max_samples": MAX_SAMPLES,
        "live_samples": LIVE_SAMPLES,
        "by_year": cache.by_year,
    }
    start = cache.push_start(scenario) if error is None else cache.by_year
    x = words(lang_of(request), cache.by_year, start)
    return render(
        request,
        "scenarios.html",
        {
            "x": x,
            "config": config,
            "error": error,
            "chosen": scenario,
            "sample_choices": SAMPLE_CHOICES,
            "default_samples": DEFAULT_SAMPLES,
        },
    )


class RunRequest(BaseModel):
    """A scenario run: the scenario, the extra push of each lever (slider units), Monte Carlo samples
    (0 = deterministic only, at most 2,000), the seed, and whether to attribute the gap to bau."""

    scenario: Literal["bau", "plan", "enhanced"] = "plan"
    levers: dict[str, float] = Field(default_factory=dict, max_length=20)
    samples: int = Field(0, ge=0, le=MAX_SAMPLES)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    attribution: bool = False


@router.post(
    "/api/v1/scenarios/run",
    summary="Run a scenario with lever pushes (deterministic; optional Monte Carlo and Shapley)",
)
def scenarios_run(request: Request, who: Reader, body: RunRequest) -> Response:
    try:
        out = scenario_cache(request).run(
            body.scenario, body.levers, body.samples, body.seed, body.attribution
        )
    except ExplorerError as exc:
        return JSONResponse({"detail": str(exc)}, 422)
    return JSONResponse(out)
