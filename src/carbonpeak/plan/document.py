"""A plan document as parsed YAML with a map from each path in it to the line it starts on, so that
the loader and the consistency checks can both name the line of a problem."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from carbonpeak.plan.errors import PlanError, Problem

Path_ = tuple[str | int, ...]


class LineMap:
    """Maps a path into the document (('tasks', 3, 'lead')) to the 1-based line it starts on."""

    def __init__(self, lines: dict[Path_, int]) -> None:
        self._lines = lines

    def line(self, path: Path_) -> int | None:
        for end in range(len(path), -1, -1):
            found = self._lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return None


def _walk(node: yaml.Node, path: Path_, out: dict[Path_, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            out[child] = key.start_mark.line + 1
            _walk(value, child, out)
            out[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), out)


def parse_document(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse YAML (JSON is YAML) into plain data plus a line map; syntax errors become PlanError."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise PlanError([Problem(f"not valid YAML: {exc.problem}", file=file, row=line)]) from exc
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, LineMap(lines)


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
