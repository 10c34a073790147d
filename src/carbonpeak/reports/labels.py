"""The words of the documents for the tracking package's codes, in zh-CN and English.

Statuses, grades, task statuses and record states take their labels from the tracking code table
(``carbonpeak.tracking.codes``, data/codes.yaml), the one place a code gets its words; the words
only documents use (alert kinds, assessment components in English, periods) are here."""

from __future__ import annotations

from carbonpeak.errors import Lang
from carbonpeak.tracking import codes
from carbonpeak.tracking.assess import COMPONENT_LABELS
from carbonpeak.tracking.model import INDICATOR_STATUSES

MET, ON_TRACK, AT_RISK, SEVERE, NO_DATA = INDICATOR_STATUSES[:5]

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


def _lang(lang: Lang) -> str:
    return "en" if lang == "en" else "zh"


def status(code: str, lang: Lang) -> str:
    return codes.label("indicator_status", code, _lang(lang))


def grade(code: str, lang: Lang) -> str:
    return codes.label("grade", code, _lang(lang))


def task_status(code: str | None, lang: Lang) -> str:
    if code is None:
        return "no report" if lang == "en" else "未报送"
    return codes.label("task_status", code, _lang(lang))


def component(code: str, lang: Lang) -> str:
    return _COMPONENT_EN.get(code, code) if lang == "en" else COMPONENT_LABELS.get(code, code)


def alert_kind(code: str, lang: Lang) -> str:
    zh, en = _ALERT.get(code, (code, code))
    return en if lang == "en" else zh


def state(code: str, lang: Lang) -> str:
    return codes.label("record_state", code, _lang(lang))


def period(year: int, code: str, lang: Lang) -> str:
    """2026 + Q4 → 2026年第四季度 / 2026 Q4; Y → 2026年度."""
    if lang == "en":
        return f"{year}" if code == "Y" else f"{year} {code}"
    if code == "Y":
        return f"{year}年度"
    return f"{year}年第{'一二三四'[int(code[1]) - 1]}季度"
