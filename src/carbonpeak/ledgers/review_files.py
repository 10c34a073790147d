"""Reading a proposed project and a headroom from YAML files, every problem named by file and field."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from carbonpeak.ledgers.errors import LedgerProblems, Problem
from carbonpeak.ledgers.headroom import Headroom
from carbonpeak.ledgers.proposed import ProposedProject, parse_project

DEMO_HEADROOM = "data/headroom-jinghai-demo.yaml"


def _yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LedgerProblems([Problem(f"cannot read the file: {exc}", file=str(path))]) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise LedgerProblems([Problem(f"not valid YAML: {exc}", file=str(path), row=row)]) from exc


def read_project_file(path: str | Path) -> ProposedProject:
    """A proposed project from YAML (``name, industry, product, annual_output, start_year, energy``)."""
    path = Path(path)
    data = _yaml(path)
    if not isinstance(data, dict):
        raise LedgerProblems([Problem("expected a mapping of name, industry, energy, …", file=str(path))])
    return parse_project(data, file=str(path))


def headroom_from(data: Any, file: str) -> Headroom:
    if not isinstance(data, dict):
        raise LedgerProblems([Problem("expected a mapping (district, target_year, …)", file=file)])
    try:
        return Headroom.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(str(e["msg"]), file=file, field=".".join(str(x) for x in e["loc"])) for e in exc.errors()
        ]
        raise LedgerProblems(problems) from exc


def read_headroom_file(path: str | Path | None = None) -> Headroom:
    """The district's headroom from a YAML file; without one, the bundled illustrative one (示例数据)."""
    if path is None:
        text = resources.files("carbonpeak.ledgers").joinpath(DEMO_HEADROOM).read_text(encoding="utf-8")
        return headroom_from(yaml.safe_load(text), DEMO_HEADROOM)
    return headroom_from(_yaml(Path(path)), str(path))
