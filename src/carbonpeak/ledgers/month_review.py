"""The review of enterprise monthly reports (月报审核): draft → submitted → approved | returned, as
tracking values go (Kausal Watch's moderator flow, decision 0520).

- the enterprise saves a draft, submits, and after a return corrects and submits again; every
  submission is a new version and the versions before it stay (the history);
- the office (双碳办) reviews every enterprise; a department (责任单位) reviews the enterprises it
  supervises (主管部门, set by the office); nobody else reviews;
- nobody approves or returns a version they submitted themselves (an office clerk keying in a paper
  report, 代报, leaves the approval to someone else);
- a return and a reopening carry the reason (comment); an approved month is changed only after the
  office reopens it (修订), which sends it back to the enterprise as returned.

Pure domain: the states and the rules; storage keeps the rows and the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from carbonpeak.errors import ConflictError, Kind
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.ledgers.errors import LedgerError, NotAllowedError

MonthState = Literal["draft", "submitted", "approved", "returned"]
MONTH_STATES: tuple[MonthState, ...] = ("draft", "submitted", "approved", "returned")
STATE_WORDS: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "draft"),
    "submitted": ("待审核", "submitted"),
    "approved": ("已审核通过", "approved"),
    "returned": ("已退回", "returned"),
}
STEP_WORDS: dict[str, tuple[str, str]] = {
    "save": ("保存草稿", "saved as draft"),
    "submit": ("报送", "submitted"),
    "approve": ("审核通过", "approved"),
    "return": ("退回", "returned"),
    "reopen": ("重新打开修订", "reopened"),
}
# (step, state before) → state after. "save" and "submit" are the enterprise's; an approved month
# takes neither (it is reopened first).
_TRANSITIONS: dict[str, dict[str, MonthState]] = {
    "save": {"new": "draft", "draft": "draft", "submitted": "draft", "returned": "returned"},
    "submit": {"new": "submitted", "draft": "submitted", "submitted": "submitted", "returned": "submitted"},
    "approve": {"submitted": "approved"},
    "return": {"submitted": "returned"},
    "reopen": {"approved": "returned"},
}
MODERATION_STEPS = ("approve", "return", "reopen")
# the states of a month that make it part of a unit's figure (budgets, key emitters, reconciliation):
# drafts and returned months do not count
COUNTED_STATES: tuple[MonthState, ...] = ("submitted", "approved")


class ReviewStateError(LedgerError):
    """The month is not in a state where this step is possible (e.g. approving a draft)."""

    kind: ClassVar[Kind] = ConflictError.kind


def state_word(state: str, lang: str = "zh-CN") -> str:
    zh, en = STATE_WORDS.get(state, (state, state))
    return en if lang == "en" else zh


def next_state(step: str, state: str | None) -> MonthState:
    """The state after ``step`` from ``state`` (None: the month is not stored yet)."""
    allowed = _TRANSITIONS[step]
    key = state or "new"
    if key not in allowed:
        where = ", ".join(state_word(s) for s in allowed if s != "new")
        raise ReviewStateError(
            f"本月报表为“{state_word(key)}”，不能{STEP_WORDS[step][0]}（可{STEP_WORDS[step][0]}的状态：{where}）",
            message_en=f"the month is {key}; cannot {step} it (possible from: "
            f"{', '.join(s for s in allowed if s != 'new')})",
        )
    return allowed[key]


@dataclass(frozen=True)
class Reviewer:
    """Who reviews: an actor of the ledger and, for a department, the unit it acts for."""

    actor: LedgerActor
    unit_id: str | None = None


def may_review(reviewer: Reviewer, enterprise_id: str, supervisors: Mapping[str, str]) -> bool:
    """Whether ``reviewer`` reviews ``enterprise_id``: the office always, a department for the
    enterprises it supervises (``supervisors``: enterprise id → unit id)."""
    role = reviewer.actor.role
    if role == "office":
        return True
    return (
        role == "department" and bool(reviewer.unit_id) and supervisors.get(enterprise_id) == reviewer.unit_id
    )


def check_may_review(
    reviewer: Reviewer, enterprise_id: str, supervisors: Mapping[str, str], *, submitted_by: str | None = None
) -> None:
    """Refuse a reviewer who does not supervise the enterprise, and anyone reviewing a version
    they submitted themselves."""
    if not may_review(reviewer, enterprise_id, supervisors):
        raise NotAllowedError(
            f"{reviewer.actor.name} 无权审核企业 {enterprise_id} 的月报（仅区双碳办或其主管部门）",
            message_en=f"{reviewer.actor.role} {reviewer.actor.name} may not review enterprise "
            f"{enterprise_id} (the office or its supervising department only)",
        )
    if submitted_by is not None and submitted_by == reviewer.actor.name:
        raise NotAllowedError(
            f"{reviewer.actor.name} 报送了这一版本，不能审核自己报送的数据",
            message_en=f"{reviewer.actor.name} submitted this version and may not review it",
        )


def check_step(step: str, comment: str) -> str:
    """The comment of a moderation step, required for a return and a reopening (≤ 2000 characters)."""
    if step not in MODERATION_STEPS:
        raise LedgerError(f"step {step!r}: expected one of {', '.join(MODERATION_STEPS)}")
    text = comment.strip()
    if step in ("return", "reopen") and not text:
        raise LedgerError(
            f"{STEP_WORDS[step][0]}须填写原因（审核意见）", message_en=f"a {step} needs a reason (comment)"
        )
    if len(text) > 2000:
        raise LedgerError(
            f"审核意见 {len(text)} 个字符，至多 2000", message_en="comment: at most 2000 characters"
        )
    return text
