"""Online energy monitoring on the web (能耗在线监测): the office, viewers and the supervising
department see the meters per unit, the quarantined readings with their reasons and the meter month
against the reported month, flagged; an enterprise sees its own and uploads a readings file; the
office and the supervising department upload one for a unit (the batch names who uploaded it).

Every route declares its roles; the services check again who reads which unit (a department: the
units it supervises). The enterprise's routes take no enterprise id."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, Response

from carbonpeak.errors import HTTP_STATUS, CarbonpeakError, NotFoundError
from carbonpeak.ledgers.monitoring import REASON_WORDS
from carbonpeak.services.meters import MeterService
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.key_units.routes import Supervised, actor_of

pages = APIRouter(include_in_schema=False)
CST = dt.timezone(dt.timedelta(hours=8), "CST")
Reader = Annotated[Principal, Depends(permit("office", "department", "viewer", "enterprise", scoped=True))]
DistrictReader = Annotated[Principal, Depends(permit("office", "department", "viewer", scoped=True))]
Firm = Annotated[Principal, Depends(permit("enterprise", scoped=True))]
Uploader = Annotated[Principal, Depends(permit("office", "department", scoped=True))]
EnterprisePath = Annotated[str, FastPath(max_length=18, min_length=18, description="统一社会信用代码")]

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("能耗在线监测", "Online energy monitoring"),
    "enterprise": ("企业", "Enterprise"),
    "meters": ("表计数", "Meters"),
    "last_time": ("最新读数时间", "Latest reading"),
    "quarantined": ("隔离读数", "Quarantined readings"),
    "none": ("尚无企业", "No enterprises"),
    "open": ("查看", "Open"),
    "meter_list": ("表计", "Meters"),
    "code": ("表计编号", "Meter"),
    "kind": ("类型", "Kind"),
    "mode": ("读数方式", "Values"),
    "interval": ("间隔（分钟）", "Interval (min)"),
    "no_meters": ("尚未登记表计（通过接口 POST /api/v1/enterprise/meters 登记）", "No meters registered yet"),
    "quarantine": ("隔离的读数及原因（未删除，待核实）", "Quarantined readings and reasons (kept, to check)"),
    "no_quarantine": ("没有隔离的读数", "No quarantined readings"),
    "batch": ("批次", "Batch"),
    "row": ("行", "Row"),
    "time": ("时间", "Time"),
    "value": ("读数", "Value"),
    "unit": ("单位", "Unit"),
    "reason": ("原因", "Reason"),
    "comparison": ("计量月度用量与报表对比", "Meter months against the reported months"),
    "no_comparison": ("尚无计量数据", "No metered data yet"),
    "fuel": ("能源品种", "Fuel"),
    "period": ("月份", "Month"),
    "metered": ("计量用量", "Metered"),
    "days": ("计量天数", "Days metered"),
    "reported": ("报表用量", "Reported"),
    "difference": ("差值", "Difference"),
    "deviation": ("偏差", "Deviation"),
    "flag": ("标记", "Flag"),
    "flagged": ("偏差超限或缺报", "deviation above the limit, or not reported"),
    "ok": ("一致", "consistent"),
    "upload": ("上传计量读数文件", "Upload a meter-readings file"),
    "upload_hint": (
        "CSV，表头 meter,time,value,unit；时间为带时区的 ISO 8601，如 2025-03-01T00:15:00+08:00",
        "CSV with the header meter,time,value,unit; times ISO 8601 with offset (2025-03-01T00:15:00+08:00)",
    ),
    "file": ("文件（.csv）", "File (.csv)"),
    "send": ("上传", "Upload"),
    "stored": ("已入库区间数：", "Intervals stored: "),
    "readings": ("读数：", "Readings: "),
    "held": ("隔离：", "Quarantined: "),
    "problems": ("文件有以下问题，未保存任何数据：", "The file has these problems; nothing was stored:"),
    "cumulative": ("累计值", "cumulative"),
    "interval_mode": ("区间值", "interval"),
    "illustrative": ("示例数据（illustrative）", "illustrative (示例数据)"),
    "back": ("返回列表", "Back to the list"),
    "upload_for": ("代企业上传计量读数文件", "Upload a meter-readings file for the unit"),
    "upload_for_hint": (
        "本次上传将记录上传人；读数校验规则与企业自行上传相同。",
        "The batch records who uploaded it; the readings are checked as in the unit's own upload.",
    ),
    "batches": ("最近的读数批次", "Latest batches of readings"),
    "received": ("接收时间", "Received"),
    "who": ("提交人", "Sent by"),
    "source": ("来源", "Source"),
    "no_batches": ("尚无读数批次", "No batches yet"),
    "col_readings": ("读数", "Readings"),
    "col_stored": ("入库区间", "Intervals stored"),
    "col_held": ("隔离", "Quarantined"),
}
KINDS = {
    "electricity": ("电力", "electricity"),
    "natural_gas": ("天然气", "natural gas"),
    "heat": ("热力", "heat"),
    "steam": ("蒸汽", "steam"),
}
FUELS = {
    "electricity": ("电力", "electricity"),
    "natural_gas": ("天然气", "natural gas"),
    "heat": ("热力", "heat"),
}


def words(lang: Lang) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def _pick(table: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    zh, en = table.get(key, (key, key))
    return en if lang == "en" else zh


def _local(stamp: str | None) -> str:
    """An ISO time as China Standard Time, to the minute (the pages show local times)."""
    if not stamp:
        return "—"
    return dt.datetime.fromisoformat(stamp).astimezone(CST).strftime("%Y-%m-%d %H:%M")


_BATCH_SOURCE = re.compile(r"^file (?P<file>.+?)(?:, uploaded by (?P<role>office|department) (?P<who>.+))?$")
_ROLES = {"office": ("双碳办", "the office"), "department": ("主管部门", "the supervising department")}


def _source_label(source: str, lang: Lang) -> str:
    """A batch's source in words: the API, or the file and, when someone else uploaded it, who."""
    if source == "api":
        return "接口" if lang != "en" else "API"
    match = _BATCH_SOURCE.match(source)
    if match is None:
        return source
    role = match.group("role")
    if lang == "en":
        by = f" (uploaded by {_ROLES[role][1]}, {match.group('who')})" if role else ""
        return f"file {match.group('file')}{by}"
    by = f"（{_ROLES[role][0]} {match.group('who')} 代传）" if role else ""
    return f"文件 {match.group('file')}{by}"


def _svc(request: Request) -> MeterService:
    return MeterService(request.app.state.engine)


def _detail(
    request: Request,
    who: Principal,
    enterprise_id: str,
    *,
    outcome: dict[str, Any] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    lang = lang_of(request)
    svc, actor = _svc(request), actor_of(who)
    meters = svc.meters(actor, enterprise_id, who.unit_id)
    held = svc.quarantine(actor, enterprise_id, who.unit_id)
    try:
        rows = svc.comparison(actor, enterprise_id, unit_id=who.unit_id)
    except NotFoundError:  # no meters yet
        rows = []
    ent = svc.unit(actor, enterprise_id, who.unit_id)
    batches = svc.batches(actor, enterprise_id, who.unit_id)
    for b in batches:
        b["local"], b["source_label"] = _local(b["received_at"]), _source_label(b["source"], lang)
    for m in meters:
        m["kind_label"] = _pick(KINDS, m["kind"], lang)
        m["mode_label"] = words(lang)["cumulative" if m["mode"] == "cumulative" else "interval_mode"]
        m["last_local"] = _local(m["last_time"])
    for q in held:
        q["reason_label"] = q["message_en"] if lang == "en" else q["message"]
        q["local"] = _local(q["time"])
    for r in rows:
        r["fuel_label"] = _pick(FUELS, r["fuel"], lang)
    if outcome is not None:
        outcome = {
            **outcome,
            "held": [
                {**q, "reason_label": _pick(REASON_WORDS, q["reason"], lang), "local": _local(q["time"])}
                for q in outcome["quarantined"]
            ],
        }
    return render(
        request,
        "key_meter_detail.html",
        {
            "mw": words(lang),
            "enterprise": ent,
            "meters": meters,
            "held": held,
            "rows": rows,
            "own": who.role == "enterprise",
            "upload_to": (
                "/key-units/meters/upload"
                if who.role == "enterprise"
                else f"/key-units/meters/{enterprise_id}/upload"
                if who.role in ("office", "department")
                else None
            ),
            "batches": batches,
            "outcome": outcome,
            "problems": problems or [],
        },
        status,
    )


@pages.get("/key-units/meters", response_class=HTMLResponse)
def key_meters_page(request: Request, who: Reader) -> Response:
    """An enterprise: its own meters; the others: every unit they read, with its counts."""
    if who.role == "enterprise":
        return _detail(request, who, who.enterprise_id or "")
    rows = _svc(request).overview(actor_of(who), who.unit_id)
    for r in rows:
        r["last_local"] = _local(r["last_time"])
    return render(
        request,
        "key_meters.html",
        {
            "mw": words(lang_of(request)),
            "rows": rows,
            "illustrative": any(r["illustrative"] for r in rows),
        },
    )


@pages.get("/key-units/meters/{enterprise_id}", response_class=HTMLResponse, dependencies=[Supervised])
def key_meter_detail(request: Request, who: DistrictReader, enterprise_id: EnterprisePath) -> Response:
    return _detail(request, who, enterprise_id)


def _upload(request: Request, who: Principal, enterprise_id: str, file: UploadFile) -> HTMLResponse:
    """A readings file (CSV), validated like an API batch: bad readings quarantined and listed; a
    structural problem (unknown meter, a time that is not one) refuses the whole file, located. The
    file is read up to the import size limit (one byte more, so the bounded reader refuses it)."""
    name = Path(file.filename or "readings.csv").name
    limit = int(request.app.state.settings.import_max_mb * 1024 * 1024)
    content = file.file.read(limit + 1)
    if len(content) > limit:  # never a cut-off file read as if whole
        mb = request.app.state.settings.import_max_mb
        zh, en = (
            f"{name}：文件超过 {mb:g} MB 的上限",
            f"{name}: the file is larger than the limit of {mb:g} MB",
        )
        return _detail(
            request, who, enterprise_id, problems=[en if lang_of(request) == "en" else zh], status=413
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "readings.csv"
        path.write_bytes(content)
        try:
            outcome = _svc(request).ingest_file(
                actor_of(who),
                enterprise_id,
                path,
                limits=request.app.state.settings.sheet_limits(),
                name=name,
                unit_id=who.unit_id,
            )
        except CarbonpeakError as exc:
            lang = lang_of(request)
            problems = [p.describe(lang) for p in exc.problems]
            return _detail(request, who, enterprise_id, problems=problems, status=HTTP_STATUS[exc.kind])
    return _detail(request, who, enterprise_id, outcome=outcome)


@pages.post("/key-units/meters/upload", response_class=HTMLResponse)
def key_meter_upload(request: Request, who: Firm, file: Annotated[UploadFile, File()]) -> Response:
    """The enterprise's own readings file."""
    return _upload(request, who, who.enterprise_id or "", file)


@pages.post(
    "/key-units/meters/{enterprise_id}/upload", response_class=HTMLResponse, dependencies=[Supervised]
)
def key_meter_upload_for(
    request: Request, who: Uploader, enterprise_id: EnterprisePath, file: Annotated[UploadFile, File()]
) -> Response:
    """The office (or the unit's supervising department) uploads a readings file for the unit, e.g.
    one the unit sent by mail; the batch's source names who uploaded it. A department that does not
    supervise the unit is refused before the file is read."""
    return _upload(request, who, enterprise_id, file)
