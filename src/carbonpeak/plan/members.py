"""Members of the plan's collective units (各乡镇园区, 各乡镇街道园区, 各有关单位 …).

A collective unit is a set of units named at once; it reports nothing and is never assessed as one.
Who it stands for is declared in data: a ``members`` section of the plan file, or a companion file
beside it, ``<plan>.members.yaml``, that the office edits (format: docs/townships.md). Loading
attaches the members to the plan: the member units (towns, streets, parks) join ``plan.units`` and
``plan.members`` keeps which collective stands for whom. Every problem names file, line and field.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from carbonpeak.plan.checks import normalise_text
from carbonpeak.plan.document import LineMap, parse_document, validation_problems
from carbonpeak.plan.errors import PlanError, Problem
from carbonpeak.plan.schema import Members, Plan, ResponsibleUnit

MEMBERS_SCHEMA_VERSION = 1
MEMBERS_SUFFIX = ".members.yaml"
MEMBER_KINDS = ("township", "street", "park")


class MembersFile(Members):
    """The companion file: the plan it belongs to, its schema version, then the members."""

    schema_version: int = Field(description="version of the members file format")
    plan: str = Field(description="id of the plan the members belong to")


def companion_path(plan_path: Path) -> Path:
    """Where the members of the plan at ``plan_path`` are declared: ``<stem>.members.yaml`` beside it."""
    return plan_path.with_name(plan_path.stem + MEMBERS_SUFFIX)


def _problem(file: str, lines: LineMap, path: tuple[str | int, ...], message: str) -> Problem:
    dotted = ".".join(f"{p}" if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")
    return Problem(message, file=file, row=lines.line(path), field=dotted)


def read_members(text: str, file: str) -> tuple[MembersFile, LineMap]:
    """Validate a members file against its schema. Raises PlanError with every problem located."""
    data, lines = parse_document(text, file)
    if not isinstance(data, dict):
        raise PlanError(
            [Problem("a members file is a mapping with keys plan, units, collectives", file=file, row=1)]
        )
    try:
        return MembersFile.model_validate(data), lines
    except ValidationError as exc:
        raise PlanError(validation_problems(exc, file, lines)) from exc


def check_members(
    plan: Plan, members: Members, file: str, lines: LineMap, prefix: tuple[str, ...] = ()
) -> list[Problem]:
    """Problems of ``members`` against ``plan`` (before they are attached): ids and names that clash,
    member kinds, unknown or non-collective units, a collective declared twice."""
    out: list[Problem] = []
    at: tuple[str | int, ...]
    ids = {u.id for u in plan.units}
    names = {n for u in plan.units for n in (u.name, *u.aliases)}
    supervisors = set(members.supervised_by.values())
    for i, unit in enumerate(members.units):
        at = (*prefix, "units", i)
        if unit.kind not in MEMBER_KINDS and not (unit.kind == "department" and unit.id in supervisors):
            out.append(
                _problem(
                    file,
                    lines,
                    (*at, "kind"),
                    f"a member is a township, street or park, not {unit.kind!r} (a department only as "
                    "a supervisor named in supervised_by)",
                )
            )
        if unit.id in ids:
            out.append(
                _problem(file, lines, (*at, "id"), f"id {unit.id!r} is already a unit (of the plan or above)")
            )
        if unit.name in names:
            out.append(_problem(file, lines, (*at, "name"), f"unit name {unit.name!r} used twice"))
        ids.add(unit.id)
        names.add(unit.name)
    kinds = {u.id: u.kind for u in [*plan.units, *members.units]}
    seen: set[str] = set()
    for i, coll in enumerate(members.collectives):
        at = (*prefix, "collectives", i)
        if kinds.get(coll.unit) != "collective":
            what = "unknown unit" if coll.unit not in kinds else f"unit of kind {kinds[coll.unit]}"
            out.append(
                _problem(file, lines, (*at, "unit"), f"{what} {coll.unit!r}: expected a collective unit")
            )
        if coll.unit in seen:
            out.append(_problem(file, lines, (*at, "unit"), f"collective {coll.unit!r} declared twice"))
        seen.add(coll.unit)
        for j, member in enumerate(coll.members):
            if member not in kinds:
                out.append(_problem(file, lines, (*at, "members", j), f"unknown unit {member!r}"))
            elif kinds[member] == "collective":
                out.append(
                    _problem(file, lines, (*at, "members", j), f"{member!r} is itself a collective unit")
                )
    for member, supervisor in members.supervised_by.items():
        at = (*prefix, "supervised_by", member)
        if kinds.get(member) not in MEMBER_KINDS:
            out.append(_problem(file, lines, at, f"{member!r} is no township, street or park"))
        if kinds.get(supervisor) in (None, "collective"):
            what = "unknown unit" if supervisor not in kinds else "a collective unit"
            out.append(_problem(file, lines, at, f"supervisor {supervisor!r}: {what}"))
    return out


def attach(plan: Plan, members: Members) -> Plan:
    """``plan`` with the member units among its units and ``members`` (without units) kept."""
    kept = members.model_copy(update={"units": []})
    if isinstance(kept, MembersFile):
        kept = Members.model_validate(kept.model_dump(exclude={"schema_version", "plan"}))
    return plan.model_copy(update={"units": [*plan.units, *members.units], "members": kept})


def load_companion(plan: Plan, plan_path: Path, lines: LineMap | None = None) -> Plan:
    """``plan`` with the members of its own section (``lines``: of the plan file) or of its companion
    file attached (both: an error)."""
    path = companion_path(plan_path)
    if plan.members is not None:
        if path.is_file():
            raise PlanError(
                [
                    Problem(
                        "members declared in the plan file and in a companion file: keep one", file=str(path)
                    )
                ]
            )
        own = check_members(plan, plan.members, str(plan_path), lines or LineMap({}), ("members",))
        if own:
            raise PlanError(own)
        return attach(plan, plan.members)
    if not path.is_file():
        return plan
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError([Problem(f"not UTF-8 text: {exc}", file=file)]) from exc
    found, lines = read_members(text, file)
    problems = []
    if found.schema_version != MEMBERS_SCHEMA_VERSION:
        problems.append(_problem(file, lines, ("schema_version",), f"expected {MEMBERS_SCHEMA_VERSION}"))
    if found.plan != plan.plan.id:
        problems.append(
            _problem(file, lines, ("plan",), f"members of plan {found.plan!r}, not {plan.plan.id!r}")
        )
    problems += check_members(plan, found, file, lines)
    if problems:
        raise PlanError(problems)
    return attach(plan, found)


def check_member_quotes(members: Members, haystack: str, file: str, lines: LineMap) -> list[Problem]:
    """Each member's name and quote must be the plan's own words (``haystack``: normalised text)."""
    out = []
    for i, unit in enumerate(members.units):
        for field_name, value in (("name", unit.name), ("quote", unit.quote)):
            if value and normalise_text(value) not in haystack:
                out.append(
                    _problem(file, lines, ("units", i, field_name), "not found verbatim in the source text")
                )
    return out


# -- resolving -------------------------------------------------------------------------------------


def collective_members(plan: Plan, unit_id: str) -> list[str]:
    """The members a collective unit stands for, in the order of the plan's units; [] if undeclared."""
    if plan.members is None:
        return []
    coll = next((c for c in plan.members.collectives if c.unit == unit_id), None)
    if coll is None:
        return []
    chosen = set(coll.members)
    kinds = set(coll.kinds)
    return [u.id for u in plan.units if u.kind != "collective" and (u.id in chosen or u.kind in kinds)]


def is_collective(plan: Plan, unit_id: str) -> bool:
    return any(u.id == unit_id and u.kind == "collective" for u in plan.units)


def expand_units(plan: Plan, unit_ids: list[str]) -> list[str]:
    """``unit_ids`` with every collective replaced by its members (order kept, no repeats)."""
    out: list[str] = []
    for unit in unit_ids:
        for one in collective_members(plan, unit) if is_collective(plan, unit) else [unit]:
            if one not in out:
                out.append(one)
    return out


def collectives_of(plan: Plan, unit_id: str) -> list[str]:
    """The collective units ``unit_id`` is a member of."""
    return [u.id for u in plan.units if u.kind == "collective" and unit_id in collective_members(plan, u.id)]


def member_units(plan: Plan) -> list[ResponsibleUnit]:
    """Every unit that is a member of at least one collective, in the plan's order."""
    found = {m for u in plan.units if u.kind == "collective" for m in collective_members(plan, u.id)}
    return [u for u in plan.units if u.id in found]


def unresolved_collectives(plan: Plan) -> list[ResponsibleUnit]:
    """Collective units without any declared member (they are not assessed; the office declares them)."""
    return [u for u in plan.units if u.kind == "collective" and not collective_members(plan, u.id)]


def supervisor_of(plan: Plan, unit_id: str) -> str | None:
    """The unit that supervises the member ``unit_id`` (``supervised_by`` of the members), if any."""
    return plan.members.supervised_by.get(unit_id) if plan.members else None


def supervised(plan: Plan, supervisor: str) -> list[str]:
    """The members the unit ``supervisor`` supervises, in the plan's order."""
    if plan.members is None:
        return []
    mine = {m for m, s in plan.members.supervised_by.items() if s == supervisor}
    return [u.id for u in plan.units if u.id in mine]


def members_complete(plan: Plan) -> bool:
    """Has the office marked the list of members complete?"""
    return plan.members is not None and plan.members.complete
