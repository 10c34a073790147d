"""The inventory page (清单) with its downloads and JSON, and the import flow of activity and macro
data (validate → preview → confirm) with the data template.

Roles (docs/web.md): the office, departments and viewers read the inventory; only the office
imports activity and macro data; enterprises and the public see neither. The inventory shown is
rebuilt from the stored batches (``carbonpeak.services.inventory``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.accounting import Activity, ImportProblems, Inventory, Macro, inventory
from carbonpeak.accounting import tables as inventory_tables
from carbonpeak.accounting.catalog import MACRO_VARIABLES
from carbonpeak.accounting.template import template_book
from carbonpeak.errors import NotFoundError
from carbonpeak.reports import file_bytes
from carbonpeak.services.inventory import (
    StoredInventory,
    batches,
    current,
    read_file,
    store_activity,
    store_macro,
    stored_inputs,
)
from carbonpeak.web.accounting import views as iv
from carbonpeak.web.core.auth import READERS, Principal, permit
from carbonpeak.web.core.downloads import XLSX_MEDIA, attachment, table_response
from carbonpeak.web.core.ids import QueryCount, QueryId
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.tracking_service import default_year, year_context
from carbonpeak.web.core.uploads import Pending, TooLarge

router = APIRouter()

Reader = Annotated[Principal, Depends(permit(*READERS))]
Office = Annotated[Principal, Depends(permit("office"))]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PENDING_KEY = "pending_import"
PENDING_KIND_KEY = "pending_import_kind"
KINDS = ("activity", "macro")

# Words of these pages (zh-CN, en); the plan's and the data's own wording is not translated.
WORDS: dict[str, tuple[str, str]] = {
    "inventory": ("清单", "Inventory"),
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
    "workbook": ("完整清单工作簿（全部表）", "The whole inventory workbook (every table)"),
    "import": ("导入活动数据", "Import activity data"),
    "import_macro": ("导入宏观数据", "Import macro data"),
    "import_help": (
        "上传活动数据文件或宏观数据文件（地区生产总值不变价、常住人口、工业增加值等；CSV 或 XLSX，"
        "模板见下方链接）。先校验，全部错误一次列出，校验通过后预览，确认后才保存。",
        "Upload an activity file or a macro file (GDP at constant prices, population, industrial value "
        "added, …; CSV or XLSX; template: link below). It is validated first (every "
        "error listed), then previewed; nothing is stored until you confirm.",
    ),
    "kind": ("文件类型", "File kind"),
    "template": ("下载数据模板 (XLSX)", "Download the data template (XLSX)"),
    "kind_activity": ("活动数据（分部门分品种能源消费）", "Activity data (energy by sector and fuel)"),
    "kind_macro": ("宏观数据（GDP、人口、增加值）", "Macro data (GDP, population, value added)"),
    "variable": ("变量", "Variable"),
    "empty": ("尚未导入清单数据", "No inventory data imported yet"),
    "empty_help": (
        "导入活动数据后，清单、图表、下载和总览的排放趋势即按导入的数据计算。",
        "Once activity data is imported, the inventory, its charts and downloads and the overview "
        "trend are computed from it.",
    ),
    "shown": ("本页清单数据来自", "This inventory is computed from"),
    "shown_batch": ("正在查看历史批次", "Viewing an older batch"),
    "current_link": ("返回当前清单", "Back to the current inventory"),
    "view": ("查看", "View"),
    "years_used": ("采用年份", "Years used"),
    "when": ("导入时间", "When"),
    "kind_col": ("类型", "Kind"),
    "no_rows": ("未保存明细行（0026 之前导入）", "rows not stored (imported before 0026)"),
    "sink_database": (
        "碳汇行取自林业碳汇数据库（全区调查），替代导入的森林、湿地碳汇数据",
        "The sink line is taken from the forestry carbon-sink database (district survey), in place of "
        "the imported forest and wetland sink rows",
    ),
    "sink_entered": (
        "碳汇行为导入的活动数据（林业碳汇数据库尚无全区调查）",
        "The sink line is the imported activity data (the forestry database holds no district survey)",
    ),
    "macro_missing": (
        "尚未导入宏观数据：单位GDP能耗、单位GDP二氧化碳排放等强度指标暂缺。",
        "No macro data imported: the intensity indicators (per unit GDP) are missing.",
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
}


def words(lang: str) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in WORDS.items()}


def _lang_words(request: Request) -> dict[str, str]:
    return words(lang_of(request))


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


def _stored(request: Request, batch: int | None) -> StoredInventory | None:
    """The current inventory, or that of activity batch ``batch`` (an unknown batch is the domain's
    NotFoundError: 404)."""
    return current(request.app.state.engine, batch)


BatchQuery = QueryId


@router.get("/inventory", response_class=HTMLResponse)
def inventory_page(
    request: Request,
    who: Reader,
    stored: QueryCount = None,
    again: QueryCount = None,
    batch: BatchQuery = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    """``year`` is the year the energy-flow chart opens on (default: the default year of the pages
    where the inventory has it, else its latest year)."""
    shown = _stored(request, batch)
    context: dict[str, Any] = (
        dict(shown.memo("page", _inventory_context))
        if shown is not None
        else {"illustrative": False, "source_name": ""}
    )
    context.update(
        {
            "x": _lang_words(request),
            "tables": list(iv.TABLES),
            "batches": batches(request.app.state.engine),
            "shown": shown.batches if shown is not None else [],
            "empty": shown is None,
            "has_macro": shown is not None and shown.inventory.macro is not None,
            "batch": batch,
            "stored": stored,
            "again": again,
            "sink_from_database": shown.sink_from_database if shown is not None else {},
        }
    )
    inventory_years = sorted(int(y) for y in context.get("charts", {}).get("sankey", {}))
    if inventory_years:
        wanted = year or default_year(request)
        chosen = wanted if wanted in inventory_years else inventory_years[-1]
        context["sankey_year"] = str(chosen)
        context["year_sel"] = year_context(request, year or chosen, extra=set(inventory_years))
    else:
        context["sankey_year"], context["year_sel"] = "", None
    return render(request, "inventory.html", context)


@router.get("/inventory/download")
def inventory_download(
    request: Request,
    who: Reader,
    table: Annotated[str, Query(max_length=40)] = "co2_by_sector",
    format: Literal["csv", "xlsx"] = "xlsx",
    batch: BatchQuery = None,
) -> Response:
    """One table of the inventory (``table=all``: the whole workbook, XLSX), the same file as
    ``carbonpeak inventory --table … -o FILE`` writes from the same batches."""
    shown = _stored(request, batch)
    if shown is None:
        raise NotFoundError("no inventory data imported yet (尚未导入清单数据)")
    source = inventory_tables.sources_label(shown.batches)
    content = (
        inventory_tables.inventory_book(shown.inventory, source)
        if table == "all"
        else inventory_tables.inventory_table(shown.inventory, table, source)
    )
    suffix = f"-batch{batch}" if batch is not None else ""
    return table_response(format, content, f"inventory-{table}{suffix}")


def _batch_ref(b: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "kind", "file_name", "sha256", "created_by", "created_at", "illustrative", "years_used")
    return {k: b.get(k) for k in keys}


@router.get(
    "/api/v1/inventory",
    summary="The inventory of the stored batches: totals and indicators per year (示例数据 flagged)",
)
def inventory_api(request: Request, who: Reader, batch: BatchQuery = None) -> dict[str, Any]:
    shown = _stored(request, batch)
    if shown is None:
        return {
            "empty": True,
            "illustrative": False,
            "source": None,
            "batches": [],
            "totals": [],
            "indicator_years": [],
            "indicators": [],
        }
    inv = shown.inventory
    return {
        "empty": False,
        "illustrative": inv.illustrative,
        "source": Path(inv.source).name,
        "batches": [_batch_ref(b) for b in shown.batches],
        **shown.memo("api", _api_tables),
    }


def _api_tables(inv: Inventory) -> dict[str, Any]:
    years, rows = iv.indicator_rows(inv)
    return {"totals": iv.totals(inv), "indicator_years": years, "indicators": rows}


PENDING = Pending(PENDING_KEY, "pending", MAX_UPLOAD_BYTES)


def _import_page(
    request: Request, kind: str, problems: list[dict[str, object]] | None, preview: Any, status: int = 200
) -> Response:
    context = {"x": _lang_words(request), "problems": problems, "preview": preview, "kind": kind}
    return render(request, "inventory_import.html", context, status)


@router.get("/inventory/import", response_class=HTMLResponse)
def import_form(request: Request, who: Office, kind: Literal["activity", "macro"] = "activity") -> Response:
    return _import_page(request, kind, None, None)


def _macro_preview(engine: Any, macro: Any) -> dict[str, Any]:
    years = sorted({y for by in macro.values.values() for y in by})
    rows = [
        {
            "variable": var,
            "name": MACRO_VARIABLES[var][1],
            "unit": MACRO_VARIABLES[var][0],
            "values": [macro.values[var].get(y) for y in years],
        }
        for var in MACRO_VARIABLES
        if var in macro.values
    ]
    out: dict[str, Any] = {"years": [str(y) for y in years], "macro_rows": rows, "ind_rows": None}
    stored = stored_inputs(engine)
    if stored.activity is not None:  # the indicators as they will read with this macro file
        ind_years, ind_rows = iv.indicator_rows(inventory(stored.activity, macro))
        out["ind_years"], out["ind_rows"] = ind_years, ind_rows
    return out


@router.get("/inventory/import/template")
def activity_template(request: Request, who: Office) -> Response:
    """The activity-data template of the inventory import (as ``carbonpeak activity template``): 说明,
    活动数据 and 宏观数据 sheets with the codes as drop-down lists, an example, the code lists."""
    del request, who
    return attachment(file_bytes(template_book(), "xlsx"), XLSX_MEDIA, "carbonpeak-activity-template.xlsx")


@router.post("/inventory/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    who: Office,
    file: Annotated[UploadFile, File()],
    kind: Annotated[Literal["activity", "macro"], Form()] = "activity",
) -> Response:
    """Validate an uploaded activity or macro file: every problem listed (nothing stored), else a
    preview. A plain ``def``: validation and the inventory are CPU work, run in the thread pool."""
    try:
        path = PENDING.save(request, file, "upload.csv")
    except TooLarge as exc:
        problems: list[dict[str, object]] = [
            {"file": file.filename, "row": None, "column": None, "message": str(exc)}
        ]
        return _import_page(request, kind, problems, None, 422)
    try:
        data = read_file(path, kind, request.app.state.settings.sheet_limits())
    except ImportProblems as exc:
        PENDING.discard(path)
        lang = lang_of(request)
        found: list[dict[str, object]] = [{**p.as_dict(lang), "file": path.name} for p in exc.problems]
        return _import_page(request, kind, found, None, 422)
    except BaseException:
        PENDING.discard(path)  # every failed import cleans up after itself
        raise
    PENDING.keep(request, path)
    request.session[PENDING_KIND_KEY] = kind
    preview = _preview(request.app.state.engine, data)
    preview["file_name"] = path.name
    preview["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _import_page(request, kind, None, preview)


def _preview(engine: Any, data: Activity | Macro) -> dict[str, Any]:
    """What an upload will change: a macro file's values and the indicators they give, or an
    activity file's inventory (with the stored macro data)."""
    if isinstance(data, Macro):
        preview = _macro_preview(engine, data)
        preview["rows"] = sum(len(v) for v in data.values.values())
        preview["illustrative"] = data.illustrative
        return preview
    preview = _inventory_context(inventory(data, stored_inputs(engine).macro))
    preview["rows"] = len(data.frame)
    return preview


@router.post("/inventory/import/confirm")
def import_confirm(request: Request, who: Office) -> Response:
    """Store the previewed file of this session as an activity or macro batch (once), audited."""
    kind = request.session.get(PENDING_KIND_KEY, "activity")
    path = PENDING.file(request)
    if path is None or kind not in KINDS:
        return RedirectResponse("/inventory/import", 303)
    engine = request.app.state.engine
    source = f"web import from {request.client.host if request.client else 'unknown'}"
    # validated at upload; read again from the same bytes
    data = read_file(path, kind, request.app.state.settings.sheet_limits())
    if isinstance(data, Macro):
        stored = store_macro(engine, data, path, who=who.username or "", source=source)
    else:
        stored = store_activity(engine, data, file_name=path.name, who=who.username or "", source=source)
    PENDING.clear(request)
    request.session.pop(PENDING_KIND_KEY, None)
    key = "stored" if stored.created else "again"
    return RedirectResponse(f"/inventory?{key}={stored.id}", 303)
