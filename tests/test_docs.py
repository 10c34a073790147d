"""Docs are tested: every command, every option and every setting is in the docs (STYLE 7)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer.main

from carbonpeak.cli.main import app
from carbonpeak.settings import Settings
from tests.conftest import REPO

DOCS = REPO / "docs"


def _docs() -> dict[str, str]:
    return {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md")}


def _commands(command: Any, path: tuple[str, ...] = ("carbonpeak",)) -> Iterator[tuple[str, Any]]:
    # typer vendors its own click: walk the tree by duck typing
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path), command


COMMANDS = sorted(_commands(typer.main.get_command(app)), key=lambda c: c[0])


def test_there_are_commands() -> None:
    assert {"carbonpeak init", "carbonpeak plan show", "carbonpeak plan validate"} <= {c for c, _ in COMMANDS}


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[c for c, _ in COMMANDS])
def test_command_and_its_options_are_documented(path: str, command: Any) -> None:
    docs = _docs()
    pages = [text for text in docs.values() if f"`{path}" in text or f"{path} " in text]
    assert pages, f"`{path}` is not documented in docs/*.md"
    assert command.help, f"`{path}` has no --help text"
    for param in command.params:
        if param.param_type_name == "option":
            names = [n for n in param.opts if n.startswith("--")] or list(param.opts)
            assert any(n in page for n in names for page in pages), (
                f"option {names[0]} of `{path}` is not described on the page documenting it"
            )


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_setting_is_documented(field: str) -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert f"`{field}`" in text and f"`CARBONPEAK_{field.upper()}`" in text, (
        f"setting {field} (CARBONPEAK_{field.upper()}) is missing from docs/settings.md"
    )


def test_readme_starts_with_the_two_commands() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```sh") + 1 : lines.index("```sh") + 3]
    assert [line.split("#")[0].strip() for line in block] == ["make run", "make test"]
