"""Consistency checks of a plan, each a small function returning the problems it finds.

They run on every load (``load_plan``) and in ``carbonpeak plan validate``. Each problem names the
file, the line and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from carbonpeak.plan.document import LineMap
from carbonpeak.plan.errors import Problem
from carbonpeak.plan.schema import SCHEMA_VERSION, Plan
from carbonpeak.units import UnitError, parse_unit

Check = Callable[[Plan, str, LineMap], list[Problem]]

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
_COLLECTIONS = ("units", "actions", "indicators", "tasks", "projects", "milestones", "prohibitions")


def _problem(file: str, lines: LineMap, path: tuple[str | int, ...], message: str) -> Problem:
    dotted = ".".join(f"{p}" if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")
    return Problem(message, file=file, row=lines.line(path), field=dotted)


def check_schema_version(plan: Plan, file: str, lines: LineMap) -> list[Problem]:
    if plan.plan.schema_version != SCHEMA_VERSION:
        return [
            _problem(
                file,
                lines,
                ("plan", "schema_version"),
                f"schema_version {plan.plan.schema_version} is not supported "
                f"(expected {SCHEMA_VERSION}, or 1, which is upgraded on reading)",
            )
        ]
    return []


def check_unique_ids(plan: Plan, file: str, lines: LineMap) -> list[Problem]:
    problems = []
    for name in _COLLECTIONS:
        seen: dict[str, int] = {}
        for index, item in enumerate(getattr(plan, name)):
            if item.id in seen:
                problems.append(
                    _problem(
                        file,
                        lines,
                        (name, index, "id"),
                        f"duplicate id {item.id!r} (first used at {name}[{seen[item.id]}])",
                    )
                )
            else:
                seen[item.id] = index
    names: dict[str, int] = {}
    for index, unit in enumerate(plan.units):
        for name in (unit.name, *unit.aliases):
            if name in names and names[name] != index:
                problems.append(
                    _problem(file, lines, ("units", index, "name"), f"unit name {name!r} used twice")
                )
            names.setdefault(name, index)
    return problems


def _known(
    file: str, lines: LineMap, path: tuple[str | int, ...], ref: str | None, known: Iterable[str], what: str
) -> list[Problem]:
    if ref is None or ref in known:
        return []
    return [_problem(file, lines, path, f"unknown {what} {ref!r}")]


def check_references(plan: Plan, file: str, lines: LineMap) -> list[Problem]:
    units = {u.id for u in plan.units}
    actions = {a.id for a in plan.actions}
    indicators = {i.id for i in plan.indicators}
    tasks = {t.id for t in plan.tasks}
    out: list[Problem] = []
    for i, task in enumerate(plan.tasks):
        out += _known(file, lines, ("tasks", i, "action"), task.action, actions, "action")
        out += _known(file, lines, ("tasks", i, "lead"), task.lead, units, "responsible unit")
        for j, unit in enumerate(task.support):
            out += _known(file, lines, ("tasks", i, "support", j), unit, units, "responsible unit")
        if task.lead in task.support:
            out.append(
                _problem(file, lines, ("tasks", i, "support"), "the lead unit is also listed as support")
            )
        if len(set(task.support)) != len(task.support):
            out.append(_problem(file, lines, ("tasks", i, "support"), "a supporting unit is listed twice"))
        for j, ind in enumerate(task.indicators):
            out += _known(file, lines, ("tasks", i, "indicators", j), ind, indicators, "indicator")
    for i, indicator in enumerate(plan.indicators):
        for j, unit in enumerate(indicator.responsible):
            out += _known(file, lines, ("indicators", i, "responsible", j), unit, units, "responsible unit")
    for i, project in enumerate(plan.projects):
        out += _known(file, lines, ("projects", i, "task"), project.task, tasks, "task")
        part_ids = [p.id for p in project.parts]
        if len(set(part_ids)) != len(part_ids):
            out.append(_problem(file, lines, ("projects", i, "parts"), "a part id is used twice"))
    projects = {p.id for p in plan.projects}
    for i, ms in enumerate(plan.milestones):
        out += _known(file, lines, ("milestones", i, "task"), ms.task, tasks, "task")
        for j, ind in enumerate(ms.indicators):
            out += _known(file, lines, ("milestones", i, "indicators", j), ind, indicators, "indicator")
        for j, proj in enumerate(ms.projects):
            out += _known(file, lines, ("milestones", i, "projects", j), proj, projects, "project")
    for i, rule in enumerate(plan.prohibitions):
        out += _known(file, lines, ("prohibitions", i, "task"), rule.task, tasks, "task")
    return out


def check_units_parse(plan: Plan, file: str, lines: LineMap) -> list[Problem]:
    out = []
    items: list[tuple[str, int, str | None]] = [
        ("indicators", i, x.unit) for i, x in enumerate(plan.indicators)
    ]
    items += [("projects", i, x.unit) for i, x in enumerate(plan.projects)]
    items += [("projects", i, x.investment_unit) for i, x in enumerate(plan.projects)]
    for name, index, unit in items:
        if unit is None:
            continue
        try:
            parse_unit(unit)
        except UnitError as exc:
            out.append(_problem(file, lines, (name, index, "unit"), f"{exc}; see docs/units.md"))
    for i, ind in enumerate(plan.indicators):
        if ind.kind != "qualitative" and ind.value is not None and ind.unit is None:
            out.append(
                _problem(file, lines, ("indicators", i, "unit"), "a quantified indicator needs a unit")
            )
        if ind.comparator == "reduce_by" and ind.unit not in ("%", None):
            out.append(_problem(file, lines, ("indicators", i, "unit"), "a reduce_by target is in '%'"))
        if ind.kind == "share" and ind.unit is not None and ind.value is not None:
            try:
                dimensionless = parse_unit(ind.unit).dimensionless
            except UnitError:
                continue
            if not dimensionless:
                out.append(_problem(file, lines, ("indicators", i, "unit"), "a share is dimensionless ('%')"))
            elif ind.unit == "%" and not 0 <= ind.value <= 100:
                out.append(_problem(file, lines, ("indicators", i, "value"), "a share in % lies in 0..100"))
    for i, project in enumerate(plan.projects):
        if project.capacity is not None and project.unit is None:
            out.append(_problem(file, lines, ("projects", i, "unit"), "a capacity needs a unit"))
        if project.investment is not None and project.investment_unit is None:
            out.append(
                _problem(file, lines, ("projects", i, "investment_unit"), "an investment needs a unit")
            )
        for j, part in enumerate(project.parts):
            path = ("projects", i, "parts", j, "unit")
            if part.capacity is not None and part.unit is None:
                out.append(_problem(file, lines, path, "a capacity needs a unit"))
            elif part.unit is not None:
                try:
                    parse_unit(part.unit)
                except UnitError as exc:
                    out.append(_problem(file, lines, path, f"{exc}; see docs/units.md"))
    return out


def _year_ok(year: int | None) -> bool:
    return year is None or EARLIEST_YEAR <= year <= LATEST_YEAR


def check_years(plan: Plan, file: str, lines: LineMap) -> list[Problem]:
    out = []
    expected = f"a year between {EARLIEST_YEAR} and {LATEST_YEAR}"
    if not _year_ok(plan.plan.base_year):
        out.append(_problem(file, lines, ("plan", "base_year"), f"expected {expected}"))
    for i, ind in enumerate(plan.indicators):
        for field in ("year", "base_year", "start_year"):
            if not _year_ok(getattr(ind, field)):
                out.append(_problem(file, lines, ("indicators", i, field), f"expected {expected}"))
        if ind.base_year is not None and ind.base_year >= ind.year:
            out.append(_problem(file, lines, ("indicators", i, "base_year"), "base_year must precede year"))
    for i, ms in enumerate(plan.milestones):
        for field in ("start_year", "end_year"):
            if not _year_ok(getattr(ms, field)):
                out.append(_problem(file, lines, ("milestones", i, field), f"expected {expected}"))
        if ms.due is not None and not ms.start_year <= ms.due.year <= ms.end_year:
            out.append(_problem(file, lines, ("milestones", i, "due"), "due date outside the period"))
    for i, task in enumerate(plan.tasks):
        if not _year_ok(task.due_year):
            out.append(_problem(file, lines, ("tasks", i, "due_year"), f"expected {expected}"))
    return out


CHECKS: tuple[Check, ...] = (
    check_schema_version,
    check_unique_ids,
    check_references,
    check_units_parse,
    check_years,
)


def check_plan(plan: Plan, file: str, lines: LineMap) -> list[Problem]:
    """Run every check; the problems of all of them, in file order."""
    problems = [p for check in CHECKS for p in check(plan, file, lines)]
    return sorted(problems, key=lambda p: (p.row or 0, p.field or ""))


_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Text with all white space removed: the source's page breaks split sentences across lines."""
    return _SPACE.sub("", text)


def check_quotes(plan: Plan, source_text: str, file: str, lines: LineMap) -> list[Problem]:
    """Every verbatim field (quotes, titles, texts) must occur in the source text (white space aside)."""
    haystack = normalise_text(source_text)
    out = []
    fields: list[tuple[tuple[str | int, ...], str | None]] = [(("plan", "title"), plan.plan.title)]
    fields += [(("actions", i, "title"), a.title) for i, a in enumerate(plan.actions)]
    fields += [(("actions", i, "intro"), a.intro) for i, a in enumerate(plan.actions)]
    for i, ind in enumerate(plan.indicators):
        fields.append((("indicators", i, "quote"), ind.quote))
    for i, task in enumerate(plan.tasks):
        fields += [
            (("tasks", i, "title"), task.title),
            (("tasks", i, "text"), task.text),
            (("tasks", i, "responsible_quote"), task.responsible_quote),
        ]
    for i, project in enumerate(plan.projects):
        fields += [
            (("projects", i, "quote"), project.quote),
            (("projects", i, "category"), project.category),
            (("projects", i, "column_title"), project.column_title),
        ]
    for i, ms in enumerate(plan.milestones):
        fields += [(("milestones", i, "text"), ms.text), (("milestones", i, "period"), ms.period)]
    for i, rule in enumerate(plan.prohibitions):
        fields.append((("prohibitions", i, "text"), rule.text))
        fields += [(("prohibitions", i, "equipment", j), e) for j, e in enumerate(rule.equipment)]
    for i, project in enumerate(plan.projects):
        fields += [(("projects", i, "parts", j, "name"), p.name) for j, p in enumerate(project.parts)]
    for i, unit in enumerate(plan.units):
        fields.append((("units", i, "name"), unit.name))
        fields += [(("units", i, "aliases", j), alias) for j, alias in enumerate(unit.aliases)]
    for path, value in fields:
        if value and normalise_text(value) not in haystack:
            out.append(_problem(file, lines, path, "not found verbatim in the source text"))
    return out
