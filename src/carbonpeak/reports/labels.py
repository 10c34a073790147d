"""The words of the documents for the tracking package's codes, in zh-CN and English.

Statuses are read through the tracking package's own type (``INDICATOR_STATUSES``, in its order:
met, on track, at risk, severely lagging, no data), never compared with Chinese text here, so the
documents follow when the tracking codes change."""

from __future__ import annotations

from carbonpeak.errors import Lang
from carbonpeak.tracking.assess import COMPONENT_LABELS
from carbonpeak.tracking.model import INDICATOR_STATUSES, TASK_STATUS_LABELS

MET, ON_TRACK, AT_RISK, SEVERE, NO_DATA = INDICATOR_STATUSES

_STATUS_ZH: dict[str, str] = dict(
    zip(INDICATOR_STATUSES, ("已达标", "进展顺利", "存在风险", "严重滞后", "无数据"), strict=True)
)
_STATUS_EN: dict[str, str] = dict(
    zip(INDICATOR_STATUSES, ("met", "on track", "at risk", "severely lagging", "no data"), strict=True)
)
_TASK_EN = {"not_started": "not started", "in_progress": "in progress", "done": "done", "delayed": "delayed"}
_COMPONENT_EN = {
    "indicators": "indicators",
    "tasks": "tasks",
    "timeliness": "timeliness",
    "quality": "quality",
}
_ALERT = {
    "late_report": ("报送逾期", "late report"),
    "missing_report": ("未报送", "report missing"),
    "overdue_milestone": ("节点逾期", "milestone overdue"),
    "severely_lagging": ("指标严重滞后", "target severely lagging"),
    "stale": ("长期未更新", "not updated"),
    "mismatch": ("报送值与核算值不符", "reported value differs from computed"),
}
_STATE = {
    "draft": ("草稿", "draft"),
    "submitted": ("已报送", "submitted"),
    "approved": ("已审核", "approved"),
    "returned": ("已退回", "returned"),
}


def status(code: str, lang: Lang) -> str:
    table = _STATUS_EN if lang == "en" else _STATUS_ZH
    return table.get(code, code)


def task_status(code: str | None, lang: Lang) -> str:
    if code is None:
        return "no report" if lang == "en" else "未报送"
    return _TASK_EN.get(code, code) if lang == "en" else TASK_STATUS_LABELS.get(code, code)


def component(code: str, lang: Lang) -> str:
    return _COMPONENT_EN.get(code, code) if lang == "en" else COMPONENT_LABELS.get(code, code)


def alert_kind(code: str, lang: Lang) -> str:
    zh, en = _ALERT.get(code, (code, code))
    return en if lang == "en" else zh


def state(code: str, lang: Lang) -> str:
    zh, en = _STATE.get(code, (code, code))
    return en if lang == "en" else zh


def period(year: int, code: str, lang: Lang) -> str:
    """2026 + Q4 → 2026年第四季度 / 2026 Q4; Y → 2026年度."""
    if lang == "en":
        return f"{year}" if code == "Y" else f"{year} {code}"
    if code == "Y":
        return f"{year}年度"
    return f"{year}年第{'一二三四'[int(code[1]) - 1]}季度"
