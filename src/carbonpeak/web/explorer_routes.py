"""The inventory page (清单) with its import flow and downloads, and the scenario explorer (情景).

Roles (docs/web.md): the office, departments and viewers read the inventory and run scenarios;
only the office imports activity data; enterprises and the public see neither.
"""

from __future__ import annotations

import re
import secrets
import shutil
import zipfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from carbonpeak.accounting import ImportProblems, Inventory, inventory, read_activity
from carbonpeak.storage.accounts import audit
from carbonpeak.storage.activity import activity_batches, store_activity_batch
from carbonpeak.web import inventory_views as iv
from carbonpeak.web.auth import READERS, Principal, permit
from carbonpeak.web.explorer import (
    BY_YEAR,
    MAX_SAMPLES,
    SCENARIOS,
    ExplorerError,
    ScenarioCache,
    slider_rows,
)
from carbonpeak.web.render import lang_of, render

router = APIRouter()

Reader = Annotated[Principal, Depends(permit(*READERS))]
Office = Annotated[Principal, Depends(permit("office"))]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PENDING_KEY = "pending_import"
_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")

# Words of these pages (zh-CN, en); the plan's and the data's own wording is not translated.
WORDS: dict[str, tuple[str, str]] = {
    "inventory": ("清单", "Inventory"),
    "scenarios": ("情景", "Scenarios"),
    "illustrative": ("示例数据（illustrative）", "Illustrative data (示例数据)"),
    "co2_by_sector": ("二氧化碳排放（分部门，吨）", "CO2 by sector (t)"),
    "co2_by_fuel": ("二氧化碳排放（分品种，吨）", "CO2 by fuel (t)"),
    "energy_by_sector": ("能源消费（分部门，吨标准煤）", "Energy by sector (tce)"),
    "energy_by_fuel": ("能源消费（分品种，吨标准煤）", "Energy by fuel (tce)"),
    "sankey": ("能流图（品种 → 部门）", "Energy flow (fuel → sector)"),
    "basis": ("口径", "Basis"),
    "calorific": ("当量值", "Calorific (当量值)"),
    "coal_substitution": ("等价值", "Coal substitution (等价值)"),
    "year": ("年份", "Year"),
    "indicators": ("主要指标", "Indicators"),
    "indicator": ("指标", "Indicator"),
    "unit": ("单位", "Unit"),
    "method": ("方法", "Method"),
    "download": ("下载", "Download"),
    "import": ("导入活动数据", "Import activity data"),
    "import_help": (
        "上传活动数据文件（CSV 或 XLSX，模板见 carbonpeak activity template）。先校验，全部错误一次列出，"
        "校验通过后预览清单，确认后才保存。",
        "Upload an activity file (CSV or XLSX; template: carbonpeak activity template). It is validated "
        "first (every error listed), then previewed; nothing is stored until you confirm.",
    ),
    "file": ("文件", "File"),
    "validate": ("校验并预览", "Validate and preview"),
    "confirm": ("确认保存", "Confirm and store"),
    "cancel": ("取消", "Cancel"),
    "errors": ("校验错误（未保存任何数据）", "Validation errors (nothing stored)"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "problem": ("问题", "Problem"),
    "preview": ("预览（尚未保存）", "Preview (not stored yet)"),
    "batches": ("已导入批次", "Imported batches"),
    "stored": ("已保存为批次", "Stored as batch"),
    "already": ("相同文件已导入，批次", "The same file was imported before, batch"),
    "co2_total": ("二氧化碳排放总量（吨）", "CO2 total (t)"),
    "sinks": ("碳汇（吨）", "Sinks (t)"),
    "energy_cal": ("能源消费（当量值，吨标准煤）", "Energy, calorific (tce)"),
    "energy_eq": ("能源消费（等价值，吨标准煤）", "Energy, coal substitution (tce)"),
    "rows": ("行数", "Rows"),
    "years": ("年份", "Years"),
    "who": ("导入人", "By"),
    "scenario": ("情景", "Scenario"),
    "levers": (
        "政策杠杆（在情景基础上额外加力，2024年起）",
        "Levers (extra push on the scenario, from 2024)",
    ),
    "plan_indicators": ("方案指标", "Plan indicators"),
    "peak_year": ("达峰年份", "Peak year"),
    "peak_value": ("峰值（万吨CO2）", "Peak (10⁴ t CO2)"),
    "p_peak": ("2030年前达峰概率", "P(peak by 2030)"),
    "trajectory": ("二氧化碳排放轨迹（吨）", "CO2 trajectory (t)"),
    "fan": ("不确定性（蒙特卡洛 P5–P95）", "Uncertainty (Monte Carlo P5–P95)"),
    "histogram": ("达峰年份分布", "Peak-year distribution"),
    "waterfall": ("相对基准情景的贡献（Shapley，2030年）", "Contribution vs bau (Shapley, 2030)"),
    "samples": ("抽样次数", "Samples"),
    "targets": ("目标校核", "Target checks"),
    "target": ("目标", "Target"),
    "projected": ("预测值", "Projected"),
    "met": ("达标", "Met"),
    "reset": ("重置", "Reset"),
    "cannot_run": ("情景无法在当前方案上运行", "The scenario cannot run on this plan"),
    "peak_card": ("达峰预测（规划情景）", "Peak projection (plan scenario)"),
    "co2_trend": (
        "二氧化碳排放趋势：清单历史与规划情景预测",
        "CO2 trend: inventory history and plan projection",
    ),
    "history": ("清单（示例数据）", "Inventory (illustrative)"),
    "projection": ("规划情景预测（示例）", "Plan scenario projection (illustrative)"),
}


def words(lang: str) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in WORDS.items()}


def scenario_cache(request: Request) -> ScenarioCache:
    state = request.app.state
    cache = getattr(state, "scenario_cache", None)
    if cache is None:
        cache = ScenarioCache(state.plan)
        state.scenario_cache = cache
    return cache


def _lang_words(request: Request) -> dict[str, str]:
    return words(lang_of(request))


# ---------------------------------------------------------------- inventory


def _inventory_context(inv: Inventory) -> dict[str, Any]:
    years, rows = iv.indicator_rows(inv)
    return {
        "charts": iv.charts(inv),
        "ind_years": years,
        "ind_rows": rows,
        "totals": iv.totals(inv),
        "illustrative": inv.illustrative,
        "source_name": Path(inv.source).name,
    }


@router.get("/inventory", response_class=HTMLResponse)
def inventory_page(
    request: Request, who: Reader, stored: int | None = None, again: int | None = None
) -> Response:
    context = _inventory_context(iv.demo())
    context.update(
        {
            "x": _lang_words(request),
            "tables": list(iv.TABLES),
            "batches": activity_batches(request.app.state.engine),
            "stored": stored,
            "again": again,
        }
    )
    return render(request, "inventory.html", context)


@router.get("/inventory/download")
def inventory_download(
    request: Request,
    who: Reader,
    table: Annotated[str, Query(max_length=40)] = "co2_by_sector",
    format: Literal["csv", "xlsx"] = "xlsx",
) -> Response:
    inv = iv.demo()
    header, rows = iv.table_rows(inv, table)
    sheet = iv.TABLES[table][0] + ("（示例数据）" if inv.illustrative else "")
    title = f"{sheet} — {Path(inv.source).name}" + (" — 示例数据 illustrative" if inv.illustrative else "")
    filename = f"inventory-{table}.{format}"
    disposition = {"content-disposition": f'attachment; filename="{filename}"'}
    if format == "csv":
        return Response(
            iv.to_csv(header, rows, title), media_type="text/csv; charset=utf-8", headers=disposition
        )
    return Response(
        iv.to_xlsx(header, rows, title, sheet),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=disposition,
    )


@router.get(
    "/api/v1/inventory", summary="The inventory: totals and indicators per year (示例数据 when illustrative)"
)
def inventory_api(request: Request, who: Reader) -> dict[str, Any]:
    inv = iv.demo()
    years, rows = iv.indicator_rows(inv)
    return {
        "illustrative": inv.illustrative,
        "source": Path(inv.source).name,
        "totals": iv.totals(inv),
        "indicator_years": years,
        "indicators": rows,
    }


def _pending_dir(request: Request) -> Path:
    return Path(request.app.state.settings.data_dir) / "imports" / "pending"


def _clear_pending(request: Request) -> None:
    token = request.session.pop(PENDING_KEY, None)
    if isinstance(token, str) and re.fullmatch(r"[\w-]+", token):
        shutil.rmtree(_pending_dir(request) / token, ignore_errors=True)


@router.get("/inventory/import", response_class=HTMLResponse)
def import_form(request: Request, who: Office) -> Response:
    return render(
        request, "inventory_import.html", {"x": _lang_words(request), "problems": None, "preview": None}
    )


@router.post("/inventory/import", response_class=HTMLResponse)
def import_upload(request: Request, who: Office, file: Annotated[UploadFile, File()]) -> Response:
    """Validate an uploaded activity file: every problem listed (nothing stored), else a preview.
    A plain ``def``: validation and the inventory are CPU work, run in the thread pool."""
    x = _lang_words(request)
    _clear_pending(request)
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    name = _SAFE_NAME.sub("_", Path(file.filename or "upload.csv").name) or "upload.csv"
    if len(data) > MAX_UPLOAD_BYTES:
        problems: list[dict[str, object]] = [
            {"file": name, "row": None, "column": None, "message": "file larger than 20 MB"}
        ]
        return render(request, "inventory_import.html", {"x": x, "problems": problems, "preview": None}, 422)
    token = secrets.token_urlsafe(16)
    folder = _pending_dir(request) / token
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    try:
        activity = read_activity(path)
    except ImportProblems as exc:
        shutil.rmtree(folder, ignore_errors=True)
        found: list[dict[str, object]] = [{**p.as_dict(), "file": name} for p in exc.problems]
        return render(request, "inventory_import.html", {"x": x, "problems": found, "preview": None}, 422)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:  # e.g. a broken XLSX
        shutil.rmtree(folder, ignore_errors=True)
        unreadable: list[dict[str, object]] = [
            {"file": name, "row": None, "column": None, "message": f"cannot read as CSV/XLSX: {exc}"}
        ]
        return render(
            request, "inventory_import.html", {"x": x, "problems": unreadable, "preview": None}, 422
        )
    request.session[PENDING_KEY] = token
    preview = _inventory_context(inventory(activity))
    preview["rows"] = len(activity.frame)
    preview["file_name"] = name
    return render(request, "inventory_import.html", {"x": x, "problems": None, "preview": preview})


@router.post("/inventory/import/confirm")
def import_confirm(request: Request, who: Office) -> Response:
    """Store the previewed file of this session as an activity batch (once), audited."""
    token = request.session.get(PENDING_KEY)
    folder = (
        _pending_dir(request) / token if isinstance(token, str) and re.fullmatch(r"[\w-]+", token) else None
    )
    files = sorted(folder.iterdir()) if folder is not None and folder.is_dir() else []
    if not files:
        return RedirectResponse("/inventory/import", 303)
    path = files[0]
    activity = read_activity(path)  # validated at upload; read again from the same bytes
    inv = inventory(activity)
    source = f"web import from {request.client.host if request.client else 'unknown'}"
    stored = store_activity_batch(
        request.app.state.engine, activity, inv, who=who.username or "", source=source
    )
    if stored.created:
        audit(
            request.app.state.engine,
            who=who.username or "",
            action="activity.import",
            obj=f"activity_batch:{stored.id}",
            after={
                "file": path.name,
                "rows": len(activity.frame),
                "years": activity.years,
                "sha256": activity.sha256,
            },
            source=source,
        )
    _clear_pending(request)
    key = "stored" if stored.created else "again"
    return RedirectResponse(f"/inventory?{key}={stored.id}", 303)


# ---------------------------------------------------------------- scenarios


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
        "sliders": slider_rows(cache.plan),
        "max_samples": MAX_SAMPLES,
        "by_year": BY_YEAR,
    }
    return render(
        request,
        "scenarios.html",
        {"x": _lang_words(request), "config": config, "error": error, "chosen": scenario},
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


# ---------------------------------------------------------------- overview card


def overview_projection(app: Any, lang: str) -> dict[str, Any]:
    """The overview's peak card and CO2 trend (inventory history + plan projection), illustrative.

    Called from the template ``_peak_card.html`` (Jinja global ``peak_projection``); the Monte Carlo
    behind it runs once per process (``ScenarioCache.peak_card``)."""
    cache = getattr(app.state, "scenario_cache", None)
    if cache is None:
        cache = ScenarioCache(app.state.plan)
        app.state.scenario_cache = cache
    card = dict(cache.peak_card())
    history = dict(iv.demo_co2_history())
    projection = card.get("trajectory", {})
    years = sorted({*history, *projection}, key=int)
    card["trend"] = {
        "years": years,
        "history": [history.get(y) for y in years],
        "projection": [projection.get(y) for y in years],
    }
    card["x"] = dict(words(lang))
    return card
