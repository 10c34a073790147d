"""Search the plan by words of its Chinese text (方案检索): indicators (name, quote, clause), tasks
(clause, title, full text, the 责任单位 quote) and 专栏 projects (box, category, name, quote, location).

Chinese has no spaces between words, so a search word matches where it occurs in the text; several
words separated by spaces must all occur (AND). Latin letters match regardless of case and
full-width characters as their ASCII forms (NFKC). Pure domain: the plan in, the hits out, in plan
order; each hit carries a short excerpt around the first word found."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from carbonpeak.plan.schema import Plan

# characters of context on each side of the first match in an excerpt
EXCERPT_CONTEXT = 30
MAX_WORDS = 8


@dataclass(frozen=True)
class Hit:
    kind: Literal["indicator", "task", "project"]
    id: str
    title: str
    clause: str
    excerpt: str


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def search_words(query: str) -> list[str]:
    """The words of a query (spaces, full-width spaces and 、，, separate them), at most ``MAX_WORDS``."""
    cleaned = _norm(query)
    for sep in ("、", "，", ",", "；", ";"):
        cleaned = cleaned.replace(sep, " ")
    return [w for w in cleaned.split() if w][:MAX_WORDS]


def _excerpt(text: str, word: str) -> str:
    at = _norm(text).find(word)
    if at < 0:
        return text[: 2 * EXCERPT_CONTEXT]
    start, end = max(0, at - EXCERPT_CONTEXT), min(len(text), at + len(word) + EXCERPT_CONTEXT)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _matches(words: list[str], parts: list[str | None]) -> str | None:
    """The part to excerpt when every word occurs somewhere in ``parts``, else None."""
    texts = [p for p in parts if p]
    joined = _norm("\n".join(texts))
    if not words or not all(w in joined for w in words):
        return None
    return next((t for t in texts if words[0] in _norm(t)), texts[0])


def search_plan(plan: Plan, query: str) -> list[Hit]:
    """Every indicator, task and project whose Chinese text holds all the words of ``query``."""
    words = search_words(query)
    if not words:
        return []
    hits: list[Hit] = []
    for ind in plan.indicators:
        part = _matches(words, [ind.name, ind.quote, ind.clause, ind.note])
        if part is not None:
            hits.append(Hit("indicator", ind.id, ind.name, ind.clause, _excerpt(part, words[0])))
    for task in plan.tasks:
        part = _matches(words, [task.title, task.text, task.clause, task.responsible_quote])
        if part is not None:
            hits.append(Hit("task", task.id, task.title, task.clause, _excerpt(part, words[0])))
    for project in plan.projects:
        part = _matches(
            words,
            [project.name, project.quote, project.column, project.category, project.location, project.note],
        )
        if part is not None:
            hits.append(Hit("project", project.id, project.name, project.column, _excerpt(part, words[0])))
    return hits
