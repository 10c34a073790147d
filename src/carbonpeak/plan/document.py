"""A plan document as parsed YAML with a map from each path in it to the line it starts on, so that
the loader and the consistency checks can both name the line of a problem."""

from __future__ import annotations

from typing import Any

import yaml

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
