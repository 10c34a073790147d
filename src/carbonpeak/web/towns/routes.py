"""Townships, streets and parks on the web: the members list, the decomposition form (one line per
member, or an XLSX/CSV sheet) and table, each member's status against its share, the district roll-up
and carbon dual control, the review of members' values (submit, approve, return with the reason,
evidence files); a JSON API. The office decomposes and records any value; a member's own account (a
department account of a town, street or park) records and sees only its own rows; a supervising
department sees and reviews only its members' values; the service checks every role and object id
again."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import FormData

from carbonpeak.errors import CarbonpeakError, InvalidInputError
from carbonpeak.services.townships import TownshipsService, members_table
from carbonpeak.townships import METHODS, MemberRow, rules
from carbonpeak.tracking.model import Actor, default_year
from carbonpeak.units.display import quantity as shown
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.downloads import attachment, table_response
from carbonpeak.web.core.ids import PathId
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.core.uploads import Pending, TooLarge

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/towns", tags=["towns"])
Reader = Annotated[Principal, Depends(permit("office", "department", "viewer", scoped=True))]
Office = Annotated[Principal, Depends(permit("office"))]
Reporter = Annotated[Principal, Depends(permit("office", "department", scoped=True))]
Year = Annotated[int | None, Query(ge=2000, le=2100)]
UPLOADS = Pending("towns_upload", "towns", 5 * 1024 * 1024)

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("乡镇街道园区", "Towns, subdistricts and parks"),
    "members": ("集体单位成员", "Members of the collective units"),
    "incomplete": ("名单不完整，待区“双碳”办补全", "The list is incomplete until the office completes it"),
    "unresolved": ("尚未声明成员的集体单位（不参加考核）", "Collective units without members (not assessed)"),
    "name": ("成员", "Member"),
    "kind": ("类别", "Kind"),
    "division_code": ("区划代码", "Division code"),
    "no_code": ("未填（无来源）", "not entered (no source)"),
    "collectives": ("所属集体单位", "Collectives"),
    "decompositions": ("协同分解", "Decompositions"),
    "none": ("尚未分解任何目标", "No target decomposed yet"),
    "quantity": ("指标", "Quantity"),
    "year": ("目标年", "Target year"),
    "status_year": ("考察年度", "Year"),
    "method": ("分解方法", "Method"),
    "district_target": ("全区目标", "District target"),
    "district_base": ("全区基准年数值", "District base-year value"),
    "document": ("目标来源（文号、日期）", "Source of the target (document, date)"),
    "base": ("基准年数值", "Base-year value"),
    "weight": ("权重", "Weight"),
    "target": ("分解目标", "Member target"),
    "required": ("当年应达", "Required this year"),
    "actual": ("实际", "Actual"),
    "status": ("状态", "Status"),
    "district_own": ("全区（本级统计）", "District (own figure)"),
    "rollup": ("成员合计", "Members' roll-up"),
    "difference": ("与本级统计之差", "Difference from the district's figure"),
    "missing": ("个成员未报", "member(s) not reported"),
    "dual": (
        "碳排放双控（以碳强度控制为主、碳排放总量控制为辅）",
        "Carbon dual control (intensity first, total second)",
    ),
    "unit": ("单位", "Unit"),
    "intensity_required": ("强度应降 (%)", "Intensity: required reduction (%)"),
    "intensity_actual": ("强度实降 (%)", "Intensity: actual reduction (%)"),
    "total_allowed": ("总量允许", "Total allowed"),
    "total_used": ("总量已用", "Total used"),
    "total_left": ("总量剩余", "Total left"),
    "decompose": ("分解目标", "Decompose a target"),
    "save": ("保存", "Save"),
    "upload": ("或上传分解表 (XLSX/CSV)", "or upload a decomposition sheet (XLSX/CSV)"),
    "template": ("下载分解表", "Download the sheet"),
    "record": ("填报数值", "Report a value"),
    "member_or_district": ("单位（空：全区本级）", "Unit (empty: the district)"),
    "value": ("数值", "Value"),
    "illustrative": ("示例数据", "Illustrative data"),
    "problems": ("未保存，请修改：", "Not saved, please correct:"),
    "show": ("查看", "Show"),
    "members_sheet": ("下载成员名单 (Excel)", "Download the members (Excel)"),
    "approved_only": (
        "只有审核通过的成员数值计入状态、成员合计、碳排放双控和考核；待审核（草稿、已报送、已退回）的数值单列。",
        "Only approved member values count in the status, the roll-up, dual control and the assessment; "
        "values awaiting review (draft, submitted, returned) are shown apart.",
    ),
    "pending": ("待审核数值", "Awaiting review"),
    "review": ("成员数值审核", "Review of member values"),
    "no_records": ("本年度尚无成员填报的数值", "No member value reported for this year"),
    "state": ("审核状态", "Review state"),
    "reason": ("原因", "Reason"),
    "evidence": ("佐证材料", "Evidence"),
    "evidence_add": ("佐证材料", "Evidence file"),
    "actions": ("操作", "Actions"),
    "submit": ("提交审核", "Submit for review"),
    "attach": ("上传", "Upload"),
    "approve": ("审核通过", "Approve"),
    "return": ("退回", "Return"),
    "reopen": ("重新打开", "Reopen"),
    "save_draft": ("保存草稿", "Save draft"),
    "save_submit": ("保存并提交审核", "Save and submit"),
    "supervises": ("本单位主管的成员", "Members your unit supervises"),
}


def words(lang: str) -> dict[str, str]:
    return {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}


def _actor(who: Principal) -> Actor:
    return Actor(who.username, who.role, who.unit_id)  # type: ignore[arg-type]


def _svc(request: Request, source: str = "web") -> TownshipsService:
    conf = request.app.state.settings
    return TownshipsService(
        request.app.state.engine,
        request.app.state.plan,
        source=source,
        evidence_dir=conf.resolved_evidence_dir(),
        evidence_max_bytes=int(conf.evidence_max_mb * 1024 * 1024),
        evidence_types=conf.evidence_types,
    )


def _lang(request: Request) -> str:
    return "en" if lang_of(request) == "en" else "zh"


def _year(year: int | None) -> int:
    return year or default_year(dt.date.today())


def _page(
    request: Request,
    who: Principal,
    year: int | None,
    problems: list[str],
    status_code: int = 200,
    form: dict[str, str] | None = None,
) -> Response:
    svc, lang = _svc(request), _lang(request)
    actor = _actor(who)
    context: dict[str, Any] = {
        "tw": words(lang),
        "members": svc.members(lang),
        "status": svc.status(actor, _year(year), lang),
        "records": svc.value_records(actor, lang=lang, year=_year(year)),
        "supervises": [svc.name(m, lang) for m in svc.supervises(actor)],
        "year": _year(year),
        "quantities": {
            c: (q.name_en if lang == "en" else q.name, q.unit) for c, q in rules().quantities.items()
        },
        "methods": {c: (en if lang == "en" else zh) for c, (zh, en) in METHODS.items()},
        "shown": shown,
        "problems": problems,
        "office": who.role == "office",
        "reporter": who.role == "office" or (who.role == "department" and who.unit_id in svc.member_ids),
        "form": form or {},  # what a refused form had, shown again
    }
    return render(request, "towns.html", context, status_code)


@pages.get("/towns", response_class=HTMLResponse)
def towns_page(request: Request, who: Reader, year: Year = None) -> Response:
    return _page(request, who, year, [])


def _problem_texts(exc: CarbonpeakError, lang: str) -> list[str]:
    language: Literal["zh-CN", "en"] = "en" if lang == "en" else "zh-CN"
    return [p.describe(language) for p in exc.problems]


@pages.post("/towns/decompose", response_class=HTMLResponse)
async def towns_decompose(request: Request, who: Office) -> Response:
    form = await request.form()
    try:
        return _decompose(request, who, form)
    finally:
        await form.close()  # the uploaded file's temporary file


def _decompose(request: Request, who: Principal, form: FormData) -> Response:
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    svc, lang = _svc(request), _lang(request)
    try:
        try:
            code, method = fields.get("quantity", ""), fields.get("method", "")
            year, target = int(fields.get("year", "")), float(fields.get("district_target", ""))
        except ValueError:
            raise InvalidInputError(
                "目标年与全区目标应为数字", message_en="year and district target are numbers"
            ) from None
        upload = form.get("sheet")
        if upload is not None and not isinstance(upload, str) and upload.filename:
            try:
                path = UPLOADS.save(request, upload, "towns.xlsx")  # type: ignore[arg-type]
            except TooLarge as exc:
                raise InvalidInputError(str(exc)) from None
            try:
                rows = svc.read_rows(path, upload.filename)
            finally:
                Pending.discard(path)
            file = upload.filename
        else:
            rows, file = [], "<form>"
            for i, m in enumerate(svc.members()["members"]):
                base, weight, value = (
                    _form_number(fields, f"{k}_{m['id']}") for k in ("base", "weight", "target")
                )
                if base is not None or weight is not None or value is not None:
                    rows.append(MemberRow(m["id"], base, weight, value, i + 1))
        svc.decompose(
            _actor(who),
            code,
            year,
            method,
            target,
            rows,
            district_base=_form_number(fields, "district_base"),
            document=fields.get("document") or None,
            file=file,
        )
    except InvalidInputError as exc:
        return _page(request, who, None, _problem_texts(exc, lang), 422, fields)
    return RedirectResponse(f"/towns?year={year}", status_code=303)


def _form_number(fields: dict[str, str], key: str) -> float | None:
    text = fields.get(key, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInputError(
            f"字段 {key}：应为数字，而不是 {text!r}", message_en=f"{key}: expected a number"
        ) from None


@pages.post("/towns/values", response_class=HTMLResponse)
async def towns_value(request: Request, who: Reporter) -> Response:
    form = await request.form()
    try:
        return _value(request, who, form)
    finally:
        await form.close()


def _value(request: Request, who: Principal, form: FormData) -> Response:
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    lang, svc = _lang(request), _svc(request)
    try:
        value = _form_number(fields, "value")
        year_text = fields.get("year", "")
        if value is None or not year_text.isdigit():
            raise InvalidInputError("应填年度和数值", message_en="year and value are required")
        member = fields.get("member") or (who.unit_id if who.role == "department" else None)
        version = fields.get("version", "")
        upload = form.get("evidence")
        evidence = None
        if upload is not None and not isinstance(upload, str) and upload.filename:
            evidence = (upload.file.read(svc.evidence_max_bytes + 1), upload.filename)
        svc.record_value(
            _actor(who),
            member,
            fields.get("quantity", ""),
            int(year_text),
            value,
            expected_version=int(version) if version.isdigit() else None,
            submit=fields.get("step") == "submit",
            evidence=evidence,
        )
    except CarbonpeakError as exc:
        return _page(request, who, None, _problem_texts(exc, lang), _status_of(exc))
    return RedirectResponse(f"/towns?year={year_text}", status_code=303)


def _status_of(exc: CarbonpeakError) -> int:
    return {"not_allowed": 403, "not_found": 404, "conflict": 409}.get(exc.kind, 422)


Version = Annotated[str, Form(max_length=12)]


def _version(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@pages.post("/towns/values/{value_id}/submit", response_class=HTMLResponse)
def towns_value_submit(request: Request, who: Reporter, value_id: PathId, version: Version = "") -> Response:
    """The member (or the office for it) submits a draft or returned value for review."""
    svc = _svc(request)
    try:
        record = svc.value_record(_actor(who), value_id)
        svc.submit_value(_actor(who), value_id, expected_version=_version(version))
    except CarbonpeakError as exc:
        return _page(request, who, None, _problem_texts(exc, _lang(request)), _status_of(exc))
    return RedirectResponse(f"/towns?year={record['year']}#towns-review", status_code=303)


@pages.post("/towns/values/{value_id}/review", response_class=HTMLResponse)
def towns_value_review(
    request: Request,
    who: Reporter,
    value_id: PathId,
    step: Annotated[Literal["approve", "return", "reopen"], Form()],
    comment: Annotated[str, Form(max_length=1000)] = "",
    version: Version = "",
) -> Response:
    """The office or the member's supervising department approves, returns (with the reason) or
    reopens a value; nobody approves what they entered or submitted."""
    svc = _svc(request)
    try:
        record = svc.value_record(_actor(who), value_id)
        svc.review_value(_actor(who), value_id, step, comment=comment, expected_version=_version(version))
    except CarbonpeakError as exc:
        return _page(request, who, None, _problem_texts(exc, _lang(request)), _status_of(exc))
    return RedirectResponse(f"/towns?year={record['year']}#towns-review", status_code=303)


@pages.post("/towns/values/{value_id}/evidence", response_class=HTMLResponse)
def towns_value_evidence(
    request: Request, who: Reporter, value_id: PathId, evidence: Annotated[UploadFile, File()]
) -> Response:
    """Attach an evidence file to a draft or returned value (the member, or the office for it)."""
    svc = _svc(request)
    try:
        record = svc.value_record(_actor(who), value_id)
        content = evidence.file.read(svc.evidence_max_bytes + 1)
        svc.attach_evidence(_actor(who), value_id, content, evidence.filename or "evidence")
    except CarbonpeakError as exc:
        return _page(request, who, None, _problem_texts(exc, _lang(request)), _status_of(exc))
    return RedirectResponse(f"/towns?year={record['year']}#towns-review", status_code=303)


Sha = Annotated[str, FastPath(pattern="^[0-9a-f]{64}$")]


@pages.get("/towns/values/{value_id}/evidence/{sha256}")
def towns_value_evidence_file(request: Request, who: Reader, value_id: PathId, sha256: Sha) -> Response:
    """An evidence file of a value the caller may see (a member: its own; a supervisor: its members')."""
    path, media, name = _svc(request).evidence_file(_actor(who), value_id, sha256)
    return attachment(path.read_bytes(), media, name)


@pages.get("/towns/export")
def towns_export(
    request: Request,
    who: Reader,
    quantity: Annotated[str, Query(max_length=60)],
    year: Annotated[int, Query(ge=2000, le=2100)],
    format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx",
) -> Response:
    table = _svc(request).table(_actor(who), quantity, year, _lang(request))
    return table_response(format, table, f"decomposition-{quantity}-{year}", lang_of(request))


@pages.get("/towns/members/export")
def towns_members_export(
    request: Request, who: Reader, format: Annotated[Literal["xlsx", "csv"], Query()] = "xlsx"
) -> Response:
    """The members list as a sheet (the one the office edits and reads back with
    ``carbonpeak towns import-members``)."""
    return table_response(format, members_table(_svc(request), _lang(request)), "members", lang_of(request))


# -- API -------------------------------------------------------------------------------------------


# a figure of a town or the district: finite and bounded (no overflow in a sum or a weighted mean)
Figure = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member: str = Field(max_length=120, description="member id or name")
    base: Figure | None = None
    weight: Figure | None = None
    target: Figure | None = None


class DecompositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: str = Field(max_length=60)
    year: int = Field(ge=2000, le=2100)
    method: str = Field(max_length=20)
    district_target: Figure
    district_base: Figure | None = None
    base_year: int | None = Field(None, ge=2000, le=2100)
    document: str | None = Field(None, max_length=500)
    members: list[LineIn] = Field(max_length=500)


class ValueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: str = Field(max_length=60)
    year: int = Field(ge=2000, le=2100)
    value: Figure
    member: str | None = Field(None, max_length=120, description="member id or name; none: the district")
    version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="the version edited (a draft or returned one)"
    )
    submit: bool = Field(False, description="submit the member's value for review")


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(None, ge=1, le=2**31 - 1, description="the version the step is made on")


class ReviewIn(StepIn):
    step: Literal["approve", "return", "reopen"]
    comment: str | None = Field(None, max_length=1000, description="the reason (return, reopen)")


@api.get("/members")
def api_members(request: Request, who: Reader) -> dict[str, Any]:
    """The members of the collective units, whether the list is complete, collectives without members."""
    return _svc(request).members(_lang(request))


@api.get("/status")
def api_status(request: Request, who: Reader, year: Year = None) -> dict[str, Any]:
    """Every decomposition with each member against its share (a member's account: its own only), the
    district's figure and roll-up, and carbon dual control, for ``year``."""
    return _svc(request).status(_actor(who), _year(year), _lang(request))


@api.post("/decompositions")
def api_decompose(request: Request, who: Office, body: DecompositionIn) -> dict[str, Any]:
    """Decompose a district target (all or nothing: the member targets must add up)."""
    rows = [MemberRow(m.member, m.base, m.weight, m.target, i + 1) for i, m in enumerate(body.members)]
    return _svc(request, "api").decompose(
        _actor(who),
        body.quantity,
        body.year,
        body.method,
        body.district_target,
        rows,
        base_year=body.base_year,
        district_base=body.district_base,
        document=body.document,
        file="<api>",
    )


@api.post("/values")
def api_value(request: Request, who: Reporter, body: ValueIn) -> dict[str, Any]:
    """Record a member's value (a member's account: its own only; a draft until submitted and
    approved) or, office only, the district's own figure. Returns id, version and state."""
    member = body.member or (who.unit_id if who.role == "department" else None)
    ref = _svc(request, "api").record_value(
        _actor(who),
        member,
        body.quantity,
        body.year,
        body.value,
        expected_version=body.version,
        submit=body.submit,
    )
    return {"saved": "ok", **ref}


@api.get("/values")
def api_values(
    request: Request,
    who: Reader,
    state: Annotated[Literal["draft", "submitted", "approved", "returned"] | None, Query()] = None,
    year: Year = None,
) -> list[dict[str, Any]]:
    """The members' values the caller may see, with review state, version, reason and evidence."""
    return _svc(request, "api").value_records(_actor(who), state, _lang(request), year=year)


@api.get("/values/{value_id}")
def api_value_record(request: Request, who: Reader, value_id: PathId) -> dict[str, Any]:
    """One member value (403 for a value the caller may not see)."""
    return _svc(request, "api").value_record(_actor(who), value_id, _lang(request))


@api.post("/values/{value_id}/submit")
def api_value_submit(request: Request, who: Reporter, value_id: PathId, body: StepIn) -> dict[str, Any]:
    """Submit a draft or returned member value for review."""
    return _svc(request, "api").submit_value(_actor(who), value_id, expected_version=body.version)


@api.post("/values/{value_id}/review")
def api_value_review(request: Request, who: Reporter, value_id: PathId, body: ReviewIn) -> dict[str, Any]:
    """Approve, return (with the reason) or reopen a member value: the office or the member's
    supervising department, never who entered or submitted it."""
    return _svc(request, "api").review_value(
        _actor(who), value_id, body.step, comment=body.comment, expected_version=body.version
    )


@api.post("/values/{value_id}/evidence")
def api_value_evidence(
    request: Request,
    who: Reporter,
    value_id: PathId,
    file: Annotated[UploadFile, File(description="PDF, image, XLSX, DOCX, CSV or text")],
) -> dict[str, Any]:
    """Attach an evidence file (multipart field ``file``) to a draft or returned member value."""
    svc = _svc(request, "api")
    content = file.file.read(svc.evidence_max_bytes + 1)
    return svc.attach_evidence(_actor(who), value_id, content, file.filename or "evidence")
