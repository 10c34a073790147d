"""The review of enterprise monthly reports (月报审核, decision 0520): the queue of months waiting for
a reviewer, the approve / return / reopen steps with their comments, the history of every version,
and the supervising department of each enterprise. The rules are ``carbonpeak.ledgers.month_review``;
the rows ``carbonpeak.storage.month_review``."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine

from carbonpeak.errors import InvalidInputError, NotFoundError
from carbonpeak.ledgers.access import LedgerActor, check_may_read
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.ledgers.month_review import (
    Reviewer,
    check_may_review,
    check_step,
    may_review,
    state_word,
)
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.storage import ledgers as ledger_repo
from carbonpeak.storage import month_review as repo
from carbonpeak.storage.month_review import MonthEvent, MonthReview

log = logging.getLogger(__name__)


def review_dict(review: MonthReview, lang: str = "zh-CN") -> dict[str, Any]:
    return {
        "state": review.state,
        "state_label": state_word(review.state, lang),
        "report_version": review.report_version,
        "submitted_by": review.submitted_by,
        "submitted_at": review.submitted_at.isoformat() if review.submitted_at else None,
        "reviewed_by": review.reviewed_by,
        "reviewed_at": review.reviewed_at.isoformat() if review.reviewed_at else None,
        "comment": review.comment,
        "returns": review.returns,
    }


def _products(snapshot: dict[str, Any]) -> list[list[Any]]:
    """A version's product lines [product, output, unit, energy tce]; versions saved when a month
    had one product kept it as ``product`` [product, output, unit]."""
    if "products" in snapshot:
        return list(snapshot["products"] or [])
    one = snapshot.get("product")
    return [[*one, None]] if one else []


def event_dict(event: MonthEvent, lang: str = "zh-CN") -> dict[str, Any]:
    return {
        "report_version": event.report_version,
        "step": event.step,
        "state": event.state,
        "state_label": state_word(event.state, lang),
        "comment": event.comment,
        "who": event.who,
        "role": event.role,
        "at": event.at.isoformat(),
        "lines": (event.snapshot or {}).get("lines"),
        "output_value": (event.snapshot or {}).get("output_value"),
        "note": (event.snapshot or {}).get("note"),
        "products": _products(event.snapshot or {}),
        "source": event.source,
    }


class MonthReviewService:
    """The review on one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.ledger = EnterpriseService(engine)

    def _check_read(self, reviewer: Reviewer, enterprise_id: str) -> None:
        if reviewer.actor.role == "department":
            if not may_review(reviewer, enterprise_id, repo.supervisors(self.engine)):
                raise NotAllowedError(
                    f"{reviewer.actor.name} 不是企业 {enterprise_id} 的主管部门",
                    message_en=f"{reviewer.actor.name} does not supervise enterprise {enterprise_id}",
                )
            return
        check_may_read(reviewer.actor, enterprise_id)

    def supervises(self, reviewer: Reviewer, enterprise_id: str) -> bool:
        """Whether the reviewer reviews the enterprise (the office: every one)."""
        return may_review(reviewer, enterprise_id, repo.supervisors(self.engine))

    def queue(self, reviewer: Reviewer, state: str | None = "submitted") -> list[dict[str, Any]]:
        """The months the reviewer reviews (default: those waiting, 待审核), oldest first, with the
        enterprise's name and the month's figures."""
        supervisors = repo.supervisors(self.engine)
        if reviewer.actor.role not in ("office", "department"):
            raise NotAllowedError(
                f"{reviewer.actor.name} 无审核权限",
                message_en=f"{reviewer.actor.role} does not review reports",
            )
        names = {e.id: e for e in ledger_repo.list_enterprises(self.engine)}
        found = [
            r
            for r in repo.reviews(self.engine)
            if (state is None or r.state == state) and may_review(reviewer, r.enterprise_id, supervisors)
        ]
        office = LedgerActor(reviewer.actor.name, "office")
        out = []
        for r in sorted(
            found, key=lambda r: (r.submitted_at is None, r.submitted_at or r.reviewed_at, r.period)
        ):
            figures = self.ledger.report(office, r.enterprise_id, r.period)
            ent = names[r.enterprise_id]
            out.append(
                {
                    "enterprise_id": r.enterprise_id,
                    "enterprise_name": ent.name,
                    "illustrative": ent.illustrative or figures["illustrative"],
                    "period": r.period,
                    "own": r.submitted_by == reviewer.actor.name,
                    **{
                        k: figures[k]
                        for k in ("tce_calorific", "tce_coal_substitution", "co2_total", "version")
                    },
                    "review": review_dict(r),
                }
            )
        return out

    def state(self, actor: LedgerActor, enterprise_id: str) -> dict[str, dict[str, Any]]:
        """Period → review facts of one enterprise's months (the enterprise itself, office, viewer)."""
        check_may_read(actor, enterprise_id)
        return {r.period: review_dict(r) for r in repo.reviews(self.engine, [enterprise_id])}

    def history(self, reviewer: Reviewer, enterprise_id: str, period: str) -> list[dict[str, Any]]:
        """Every save, submission and review step of a month, oldest first, with each version's lines."""
        self._check_read(reviewer, enterprise_id)
        events = repo.history(self.engine, enterprise_id, period)
        if not events:
            raise NotFoundError(f"no report of {enterprise_id} for {period}")
        return [event_dict(e) for e in events]

    def review(
        self,
        reviewer: Reviewer,
        enterprise_id: str,
        period: str,
        step: str,
        comment: str = "",
        *,
        source: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Approve, return (with the reason) or reopen (office only, with the reason) a month."""
        text = check_step(step, comment)
        supervisors = repo.supervisors(self.engine)
        if step == "reopen" and reviewer.actor.role != "office":
            raise NotAllowedError(
                "只有区双碳办可以重新打开已审核的月报", message_en="only the office reopens an approved month"
            )

        def check(stored: MonthReview) -> None:
            check_may_review(reviewer, enterprise_id, supervisors, submitted_by=stored.submitted_by)

        done = repo.transition(
            self.engine,
            enterprise_id,
            period,
            step,
            who=reviewer.actor.name,
            role=reviewer.actor.role,
            comment=text,
            source=source,
            check=check,
            expected_version=expected_version,
        )
        log.info("%s: %s the %s report of %s", reviewer.actor.name, step, period, enterprise_id)
        return review_dict(done)

    def set_supervisor(self, actor: LedgerActor, enterprise_id: str, unit_id: str, *, source: str) -> None:
        """The office names an enterprise's supervising department (主管部门)."""
        if actor.role != "office":
            raise NotAllowedError(
                "只有区双碳办可以指定主管部门", message_en="only the office names supervising departments"
            )
        unit = unit_id.strip()
        if not unit or len(unit) > 80:
            raise InvalidInputError(
                "主管部门：须为 1–80 个字符的单位代码", message_en="unit: 1 to 80 characters"
            )
        self.ledger.enterprise(actor, enterprise_id)
        repo.set_supervisor(self.engine, enterprise_id, unit, who=actor.name, source=source)

    def supervisors(self, actor: LedgerActor) -> dict[str, str]:
        if actor.role not in ("office", "viewer"):
            raise NotAllowedError("仅区双碳办可查看", message_en="the office's list")
        return repo.supervisors(self.engine)
