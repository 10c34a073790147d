"""Read a plan file (YAML or JSON), validate it, and locate every problem by file, line and field."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from carbonpeak.plan.checks import check_plan, check_quotes
from carbonpeak.plan.document import LineMap, Path_, parse_document
from carbonpeak.plan.errors import PlanError, PlanNotFoundError, Problem
from carbonpeak.plan.schema import Plan
from carbonpeak.plan.upgrade import upgrade

DEFAULT_PLAN_ID = "jinghai-2023"


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _field_path(loc: tuple[Any, ...]) -> Path_:
    # pydantic puts validator names such as 'function-after[...]' in loc for model validators
    return tuple(p for p in loc if isinstance(p, int) or not str(p).startswith(("function-", "tagged-")))


def validation_problems(exc: ValidationError, file: str, lines: LineMap) -> list[Problem]:
    problems = []
    for err in exc.errors():
        path = _field_path(tuple(err["loc"]))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field (not in the plan schema)"
        elif err["type"] == "missing":
            message = "required field is missing"
        problems.append(Problem(message, file=file, row=lines.line(path), field=_dotted(path)))
    return problems


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
    return plan


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
