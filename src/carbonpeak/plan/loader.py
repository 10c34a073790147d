"""Read a plan file (YAML or JSON), validate it, and locate every problem by file, line and field."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from carbonpeak.plan.checks import check_plan, check_quotes, normalise_text
from carbonpeak.plan.document import LineMap, parse_document, validation_problems
from carbonpeak.plan.errors import PlanError, PlanNotFoundError, Problem
from carbonpeak.plan.members import MEMBERS_SUFFIX, check_member_quotes, load_companion, read_members
from carbonpeak.plan.members import companion_path as companion_file
from carbonpeak.plan.schema import Plan
from carbonpeak.plan.upgrade import upgrade

DEFAULT_PLAN_ID = "jinghai-2023"


def read_plan(text: str, file: str = "<plan>") -> tuple[Plan, LineMap]:
    """Validate the text against the schema (no consistency checks), a file of an older schema version
    upgraded first. Raises PlanError."""
    data, lines = parse_document(text, file)
    if not isinstance(data, dict):
        raise PlanError([Problem("a plan file is a mapping with keys plan, units, ...", file=file, row=1)])
    try:
        return Plan.model_validate(upgrade(data)), lines
    except ValidationError as exc:
        raise PlanError(validation_problems(exc, file, lines)) from exc


def load_plan(source: str | Path) -> Plan:
    """Load a plan by bundled id or by path, validate it and run every consistency check."""
    path = resolve_plan(str(source))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError([Problem(f"not UTF-8 text: {exc}", file=str(path))]) from exc
    plan, lines = read_plan(text, str(path))
    problems = check_plan(plan, str(path), lines)
    if problems:
        raise PlanError(problems)
    return load_companion(plan, path, lines)


def validate_file(path: str | Path, source_text: str | None = None) -> list[Problem]:
    """Every problem of a plan file (schema, consistency and, given the source text, quotes)."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(f"cannot read: {exc}", file=file)]
    try:
        plan, lines = read_plan(text, file)
    except PlanError as exc:
        return exc.problems
    problems = check_plan(plan, file, lines)
    if source_text is not None:
        problems += check_quotes(plan, source_text, file, lines)
    if problems:
        return problems
    try:
        attached = load_companion(plan, Path(path), lines)
    except PlanError as exc:
        return exc.problems
    companion = companion_file(Path(path))
    if source_text is not None and attached.members is not None and companion.is_file():
        members, member_lines = read_members(companion.read_text(encoding="utf-8"), str(companion))
        problems += check_member_quotes(members, normalise_text(source_text), str(companion), member_lines)
    return problems


def _bundled_dirs() -> Iterator[Path]:
    packaged = resources.files("carbonpeak").joinpath("_bundled/plans")
    if packaged.is_dir():
        yield Path(str(packaged))
    repo = Path(__file__).resolve().parents[3] / "data" / "plans"
    if repo.is_dir():
        yield repo


def bundled_plans() -> dict[str, Path]:
    """Plans shipped with carbonpeak, by id (the file name without .yaml)."""
    found: dict[str, Path] = {}
    for folder in _bundled_dirs():
        for file in sorted(folder.glob("*.yaml")):
            if not file.name.endswith(MEMBERS_SUFFIX):  # a companion file, not a plan
                found.setdefault(file.stem, file)
    return found


def resolve_plan(ref: str | None) -> Path:
    """A bundled plan id, or a path to a plan file; None means the default bundled plan."""
    ref = ref or DEFAULT_PLAN_ID
    bundled = bundled_plans()
    if ref in bundled:
        return bundled[ref]
    path = Path(ref)
    if path.is_file():
        return path
    known = ", ".join(sorted(bundled)) or "none"
    raise PlanNotFoundError(f"no plan {ref!r}: not a bundled plan id (bundled: {known}) and not a file")
