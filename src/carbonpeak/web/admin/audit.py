"""The audit log page (审计日志, office only): the entries of the one audit log, newest first, with
filters (user, action, object kind, date range) and pages of ``PAGE_SIZE``. Every action code and
table name is shown in words (``ACTION_WORDS``, ``OBJECT_WORDS``), never as the code."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from carbonpeak.services.accounts import audit_filter_choices, audit_log
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.render import lang_of, render

router = APIRouter(include_in_schema=False)

Office = Annotated[Principal, Depends(permit("office"))]
PAGE_SIZE = 100
# the dates of the filter are the office's days (China Standard Time, as the times shown)
OFFICE_ZONE = ZoneInfo("Asia/Shanghai")

ACTION_WORDS: dict[str, tuple[str, str]] = {
    "insert": ("新建", "created"),
    "create": ("新建", "created"),
    "update": ("修改", "changed"),
    "delete": ("删除", "deleted"),
    "submit": ("报送", "submitted"),
    "approve": ("审核通过", "approved"),
    "return": ("退回", "returned"),
    "reopen": ("重新打开修订", "reopened for revision"),
    "evidence": ("上传佐证材料", "evidence attached"),
    "publish": ("公开", "published"),
    "unpublish": ("取消公开", "unpublished"),
    "login.success": ("登录成功", "signed in"),
    "login.failure": ("登录失败", "sign-in failed"),
    "logout": ("退出登录", "signed out"),
    "user.create": ("创建账号", "account created"),
    "user.delete": ("删除账号", "account deleted"),
    "user.disable": ("停用账号", "account disabled"),
    "user.enable": ("启用账号", "account enabled"),
    "user.enterprise": ("绑定企业", "enterprise bound"),
    "user.password": ("修改密码", "password changed"),
    "user.token": ("签发接口令牌", "API token issued"),
    "activity.import": ("导入活动数据", "activity data imported"),
    "macro.import": ("导入宏观数据", "macro data imported"),
    "db.restore": ("恢复数据库", "database restored"),
}
OBJECT_WORDS: dict[str, tuple[str, str]] = {
    "task_reports": ("任务进展记录", "progress report"),
    "indicator_values": ("指标数值记录", "indicator value"),
    "evidence_files": ("佐证材料", "evidence file"),
    "users": ("账号", "account"),
    "published_indicators": ("公开指标", "published indicator"),
    "activity_batches": ("活动数据批次", "activity batch"),
    "macro_rows": ("宏观数据", "macro data"),
    "enterprises": ("重点用能单位", "enterprise"),
    "enterprise_reports": ("企业月报", "enterprise monthly report"),
    "two_high_projects": ("两高项目", "two-high project"),
    "energy_reviews": ("节能审查", "energy review"),
    "energy_projects": ("能源项目", "energy project"),
    "charging_stations": ("充电站", "charging station"),
    "charging_areas": ("充电区域", "charging area"),
    "forest_parcels": ("林地小班", "forest parcel"),
    "forest_surveys": ("森林资源调查", "forest survey"),
    "plan_revisions": ("方案修订", "plan revision"),
    "computed_values": ("核算值", "computed value"),
    "audit_log": ("审计日志", "audit log"),
    "closed_years": ("年度关账", "closed year"),
    "enterprise_report_reviews": ("企业月报审核", "monthly report review"),
    "enterprise_report_events": ("企业月报审核", "monthly report review"),
    "enterprise_supervisors": ("主管部门", "supervising department"),
    "enterprise_budgets": ("用能预算", "energy budget"),
    "enterprise_meters": ("计量表", "meter"),
    "meter_batches": ("计量数据批次", "meter readings batch"),
    "firm_plans": ("一企一策", "firm plan"),
    "forest_wetland_factor": ("湿地碳汇因子", "wetland sink factor"),
    "township_decompositions": ("目标分解", "target decomposition"),
    "township_member_targets": ("分解目标", "member target"),
    "township_values": ("乡镇园区数值", "member value"),
}


def _word(table: dict[str, tuple[str, str]], code: str, lang: Lang) -> str:
    """A code in words; a code without words reads as "other" (其他) with no raw code shown."""
    zh, en = table.get(code, ("其他", "other"))
    return en if lang == "en" else zh


def _object_text(table: str, row_id: int, obj: str, lang: Lang) -> str:
    """What the entry is about: an account event names its account (``user:fgw-li`` → the name);
    a row its kind in words and its number."""
    if ":" in obj and "#" not in obj:
        return obj.split(":", 1)[1]
    number = f" #{row_id}" if row_id else ""
    return f"{_word(OBJECT_WORDS, table, lang)}{number}"


def _day(text: str) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return dt.datetime.combine(day, dt.time(), OFFICE_ZONE)


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    who: Office,
    user: Annotated[str, Query(max_length=120)] = "",
    action: Annotated[str, Query(max_length=24)] = "",
    kind: Annotated[str, Query(max_length=60)] = "",
    since: Annotated[str, Query(max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
    until: Annotated[str, Query(max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> Response:
    engine = request.app.state.engine
    lang = lang_of(request)
    start, end = _day(since), _day(until)
    entries = audit_log(
        engine,
        PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
        who=user.strip() or None,
        action=action or None,
        table=kind or None,
        since=start,
        until=end + dt.timedelta(days=1) if end else None,
    )
    more = len(entries) > PAGE_SIZE
    actions, tables = audit_filter_choices(engine)
    rows: list[dict[str, Any]] = [
        {
            "at": e.at,
            "who": e.who,
            "action": _word(ACTION_WORDS, e.action, lang),
            "object": _object_text(e.table, e.row_id, e.object, lang),
            "source": e.source,
        }
        for e in entries[:PAGE_SIZE]
    ]
    kept = {"user": user, "action": action, "kind": kind, "since": since, "until": until}
    kept = {k: v for k, v in kept.items() if v}
    context = {
        "entries": rows,
        "filter": {"user": user, "action": action, "kind": kind, "since": since, "until": until},
        "action_choices": [(a, _word(ACTION_WORDS, a, lang)) for a in actions],
        "kind_choices": [(t, _word(OBJECT_WORDS, t, lang)) for t in tables],
        "page": page,
        "previous": f"/admin/audit?{urlencode({**kept, 'page': page - 1})}" if page > 1 else None,
        "next": f"/admin/audit?{urlencode({**kept, 'page': page + 1})}" if more else None,
    }
    return render(request, "audit.html", context)
