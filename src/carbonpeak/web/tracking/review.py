"""The review pages (审核, office only): the queue of submitted records, its download, and the
decisions — approve, return with a comment, reopen an approved record for revision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.errors import CarbonpeakError
from carbonpeak.tracking.entry import RULE_WORDS, flags_of
from carbonpeak.tracking.model import PERIODS
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.downloads import attachment
from carbonpeak.web.core.i18n import Lang
from carbonpeak.web.core.ids import PathId
from carbonpeak.web.core.render import lang_of
from carbonpeak.web.plan.views import unit_names
from carbonpeak.web.tracking.views import actor_of, error_status, export, message, page, record_rows, service

router = APIRouter(include_in_schema=False)

Office = Annotated[Principal, Depends(permit("office"))]


KINDS = ("report", "value")
RECENT_STATES = ("approved", "returned", "draft")


@dataclass(frozen=True)
class QueueFilter:
    """The review page's filters: unit, kind, year, period (the queue and the recent records) and the
    state of the recent records."""

    unit: str = ""
    kind: str = ""
    year: int | None = None
    period: str = ""
    state: str = ""

    def keeps(self, r: dict[str, Any]) -> bool:
        return (
            (not self.unit or r["unit_id"] == self.unit)
            and (not self.kind or r["kind"] == self.kind)
            and (self.year is None or r["year"] == self.year)
            and (not self.period or r["period"] == self.period)
        )

    def query(self) -> str:
        kept = {k: v for k, v in self.__dict__.items() if v not in ("", None)}
        return urlencode(kept)


def _filter_of(query: str) -> QueueFilter:
    """The filters of the page the bulk form came from (its query string; unknown keys dropped)."""
    got = dict(parse_qsl(query))
    year = got.get("year", "")
    return QueueFilter(
        unit=got.get("unit", "")[:80],
        kind=got.get("kind", "") if got.get("kind") in KINDS else "",
        year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
        period=got.get("period", "") if got.get("period") in PERIODS else "",
        state=got.get("state", "") if got.get("state") in RECENT_STATES else "",
    )


def _flag_reasons(rows: list[dict[str, Any]], lang: Lang) -> None:
    """Each value's flags of the checks at entry as the reviewer reads them: the rule's name and the
    reason (stored with the value when it was saved; a confirmed question says the unit confirmed)."""
    colon = ": " if lang == "en" else "："
    for r in rows:
        flags = flags_of(r.get("entry_flags"))
        r["flags"] = [f"{_rule_name(f.rule, lang)}{colon}{f.text(lang)}" for f in flags]


def _rule_name(rule: str, lang: Lang) -> str:
    zh, en = RULE_WORDS.get(rule, (rule, rule))
    return en if lang == "en" else zh


def _context(request: Request, who: Principal, chosen: QueueFilter) -> dict[str, Any]:
    svc = service(request)
    every = record_rows(svc, who)
    waiting = [r for r in every if r["state"] == "submitted" and chosen.keeps(r)]
    recent = [
        r
        for r in every
        if r["state"] != "submitted" and chosen.keeps(r) and (not chosen.state or r["state"] == chosen.state)
    ][:50]
    _flag_reasons(waiting, lang_of(request))
    names = unit_names(svc.plan)
    units = sorted({r["unit_id"] for r in every}, key=lambda u: names.get(u, u))
    return {
        "waiting": waiting,
        "recent": recent,
        "filter": chosen,
        "filter_query": chosen.query(),
        "unit_choices": [(u, names.get(u, u)) for u in units],
        "year_choices": sorted({int(r["year"]) for r in every}, reverse=True),
        "periods": PERIODS,
        "recent_states": RECENT_STATES,
        "done": None,
    }


UnitQuery = Annotated[str, Query(max_length=80)]
KindQuery = Annotated[Literal["", "report", "value"], Query()]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]
PeriodQuery = Annotated[Literal["", "Y", "Q1", "Q2", "Q3", "Q4"], Query()]
StateQuery = Annotated[Literal["", "approved", "returned", "draft"], Query()]


@router.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    who: Office,
    unit: UnitQuery = "",
    kind: KindQuery = "",
    year: YearQuery = None,
    period: PeriodQuery = "",
    state: StateQuery = "",
    done: Annotated[int | None, Query(ge=0, le=100000)] = None,
) -> Response:
    context = _context(request, who, QueueFilter(unit, kind, year, period, state))
    context["done"] = done
    return page(request, "review.html", context)


def _parse_pick(pick: str) -> tuple[str, int, int | None] | None:
    """``kind:id:version`` of a check box of the queue."""
    parts = pick.split(":")
    if len(parts) != 3 or parts[0] not in KINDS or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1]), int(parts[2]) if parts[2].isdigit() else None


@router.post("/review/bulk", response_class=HTMLResponse)
def review_bulk(
    request: Request,
    who: Office,
    record: Annotated[list[str] | None, Form(max_length=500)] = None,
    comment: Annotated[str, Form(max_length=5000)] = "",
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Approve every checked record, each in its own transaction with its own audit row (as one
    approval at a time); a record the workflow refuses (changed meanwhile, no longer submitted, the
    reviewer's own) is named on the page and the others still go through."""
    svc = service(request)
    actor = actor_of(who)
    lang = lang_of(request)
    picks = [p for p in (_parse_pick(x) for x in record or []) if p is not None]
    every = {(r["kind"], r["id"]): r for r in record_rows(svc, who)}
    approved, refused = 0, []
    for kind, record_id, version in picks:
        try:
            svc.approve(actor, kind, record_id, comment=comment.strip() or None, expected_version=version)
            approved += 1
        except CarbonpeakError as exc:
            row = every.get((kind, record_id))
            name = f"{row['item_name']}（{row['unit_name']}，{row['year']}）" if row else "—"
            refused.append(f"{name}：{exc.describe(lang)}")
    chosen = _filter_of(back)
    if not picks:
        context = _context(request, who, chosen)
        context["error"] = "请先勾选要审核通过的记录" if lang != "en" else "Tick the records to approve first"
        return page(request, "review.html", context, 422)
    if refused:
        context = _context(request, who, chosen)
        context["done"] = approved
        context["error"] = "\n".join(refused)
        return page(request, "review.html", context, 409)
    query = urlencode([*parse_qsl(chosen.query()), ("done", str(approved))])
    return RedirectResponse(f"/review?{query}", 303)


@router.get("/review/export")
def review_export(request: Request, who: Office, format: Literal["csv", "xlsx"] = "xlsx") -> Response:
    svc = service(request)
    rows = record_rows(svc, who, state="submitted")
    mark = "（示例数据）" if svc.is_illustrative() else ""
    title = f"{svc.plan.plan.title} — 待审核记录{mark}"
    title_en = f"{svc.plan.plan.title} — records awaiting review{' (illustrative)' if mark else ''}"
    content, media = export("review", rows, format, title, lang_of(request), title_en)
    name = f"{svc.plan_id}-review.{format}"
    return attachment(content, media, name)


@router.post("/review/{kind}/{record_id}", response_class=HTMLResponse)
def review_decide(
    request: Request,
    who: Office,
    kind: Literal["report", "value"],
    record_id: PathId,
    decision: Annotated[Literal["approve", "return", "reopen"], Form()],
    comment: Annotated[str, Form(max_length=5000)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    svc = service(request)
    actor = actor_of(who)
    expected = int(version) if version.isdigit() else None
    try:
        if decision == "approve":
            svc.approve(actor, kind, record_id, comment=comment.strip() or None, expected_version=expected)
        elif decision == "reopen":
            svc.reopen(actor, kind, record_id, comment, expected_version=expected)
        else:
            svc.return_(actor, kind, record_id, comment, expected_version=expected)
    except CarbonpeakError as exc:
        context = _context(request, who, QueueFilter())
        context["error"] = message(request, exc)
        return page(request, "review.html", context, error_status(exc))
    return RedirectResponse("/review?saved=1", 303)
