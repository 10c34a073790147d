"""One 两高 project on the web: its page (fields, approvals, the plan's prohibitions that cover it,
the disposal history), editing its fields and changing its disposal category with a reason.

Both forms carry the CSRF token and the version the editor read (optimistic locking, decision
0301: another writer's change in between is refused with who and when, nothing overwritten); bad
input is answered on the same form with each problem named by its field; every change is audited
with before and after by the service. The office edits every project, a department those of the
stages it keeps (``ledgers.two_high_access``), a viewer reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carbonpeak.errors import ConflictError
from carbonpeak.ledgers import LedgerProblems
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.ledgers.projects import label, vocabulary
from carbonpeak.ledgers.two_high_access import check_may_write
from carbonpeak.ledgers.two_high_file import FORM_KEYS, columns, form_values
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.core.ids import PathId
from carbonpeak.web.core.render import lang_of, render
from carbonpeak.web.two_high.routes import actor_of, finding_dict, project_dict, service, words

pages = APIRouter(include_in_schema=False)

Reader = Annotated[Principal, Depends(permit("office", "department", "viewer"))]
Editor = Annotated[Principal, Depends(permit("office", "department"))]
ProjectId = PathId

_WORDS: dict[str, tuple[str, str]] = {
    "edit": ("修改项目信息", "Edit the project"),
    "save": ("保存修改", "Save"),
    "saved": ("已保存。", "Saved."),
    "dispose": ("变更处置类别", "Change the disposal category"),
    "reason": ("变更理由", "Reason"),
    "history": ("处置记录", "Disposal history"),
    "when": ("时间", "When"),
    "who": ("变更人", "By"),
    "back": ("返回台账", "Back to the ledger"),
    "conflict": ("保存失败：", "Not saved: "),
    "reason_required": ("请填写变更理由", "a reason is required"),
    "version": ("版本", "Version"),
    "updated": ("最后修改", "Last changed"),
    "no_history": ("尚无处置记录。", "No disposal change yet."),
    "read_only": ("您可以查看本项目，但无权修改。", "You may read this project but not change it."),
}


def _words(request: Request) -> dict[str, str]:
    lang = lang_of(request)
    mine = {k: (en if lang == "en" else zh) for k, (zh, en) in _WORDS.items()}
    return words(request) | mine


def _page(
    request: Request,
    who: Principal,
    project_id: int,
    *,
    form: dict[str, str] | None = None,
    problems: list[str] | None = None,
    disposal_problems: list[str] | None = None,
    conflict: str | None = None,
    status: int = 200,
) -> Response:
    lang = lang_of(request)
    svc = service(request)
    actor = actor_of(who)
    stored = svc.project(actor, project_id)
    try:
        check_may_write(actor, stored.project)
        may_write = True
    except NotAllowedError:
        may_write = False
    key = "en" if lang == "en" else "zh"
    fields = [c for c in columns() if c.key in FORM_KEYS]
    found = [finding_dict(f, lang) for f in svc.findings(actor) if f["project_id"] == str(project_id)]
    history = [
        {"category": label("disposals", d.category, lang), "by": d.by, "at": d.at, "note": d.note}
        for d in reversed(stored.project.disposal)
    ]
    context = {
        "tw": _words(request),
        "p": project_dict(stored, lang),
        "stored": stored,
        "fields": fields,
        "form": form or form_values(stored.project),
        "problems": problems or [],
        "disposal_problems": disposal_problems or [],
        "conflict": conflict,
        "may_write": may_write,
        "findings": found,
        "history": history,
        "disposals": {k: v[key] for k, v in vocabulary()["disposals"].items() if k != "undecided"},
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "two_high_project.html", context, status)


@pages.get("/two-high/projects/{project_id}", response_class=HTMLResponse)
def project_page(request: Request, who: Reader, project_id: ProjectId) -> Response:
    return _page(request, who, project_id)


async def _form(request: Request) -> tuple[dict[str, str], int | None]:
    form = await request.form()
    fields = {k: str(v)[:400] for k, v in form.items() if isinstance(v, str)}
    version = fields.get("version", "")
    return fields, int(version) if version.isdigit() and len(version) < 10 else None


@pages.post("/two-high/projects/{project_id}", response_class=HTMLResponse)
async def project_edit(request: Request, who: Editor, project_id: ProjectId) -> Response:
    fields, version = await _form(request)
    values = {k: fields.get(k, "") for k in FORM_KEYS}
    headers = {c.key: c.heading(lang_of(request)) for c in columns()}
    if version is None:
        return _page(request, who, project_id, form=values, problems=["version: ?"], status=422)
    try:
        service(request).update(actor_of(who), project_id, values, expected_version=version, source="web")
    except LedgerProblems as exc:
        lang = lang_of(request)
        messages = [
            f"{p.column or headers.get(p.field or '', p.field or '')}: {p.text(lang)}" for p in exc.problems
        ]
        return _page(request, who, project_id, form=values, problems=messages, status=422)
    except ConflictError as exc:
        text = exc.describe(lang_of(request))
        return _page(request, who, project_id, form=values, conflict=text, status=409)
    return RedirectResponse(f"/two-high/projects/{project_id}?saved=1", 303)


@pages.post("/two-high/projects/{project_id}/disposal", response_class=HTMLResponse)
async def project_dispose(request: Request, who: Editor, project_id: ProjectId) -> Response:
    fields, version = await _form(request)
    tw = _words(request)
    category, note = fields.get("category", "").strip(), fields.get("note", "").strip()
    problems: list[str] = []
    if not note:
        problems.append(f"{tw['reason']}: {tw['reason_required']}")
    if version is None:
        problems.append(f"{tw['version']}: ?")
    if problems:
        return _page(request, who, project_id, disposal_problems=problems, status=422)
    try:
        service(request).dispose(
            actor_of(who), project_id, category, note, source="web", expected_version=version
        )
    except LedgerProblems as exc:
        lang = lang_of(request)
        messages = [f"{tw['disposal']}: {p.text(lang)}" for p in exc.problems]
        return _page(request, who, project_id, disposal_problems=messages, status=422)
    except ConflictError as exc:
        return _page(request, who, project_id, conflict=exc.describe(lang_of(request)), status=409)
    return RedirectResponse(f"/two-high/projects/{project_id}?saved=1", 303)
