"""Docs are tested: every tracking/db command and option, and every setting, is documented."""

from __future__ import annotations

from typing import Any

import typer

from carbonpeak.cli.main import app
from carbonpeak.settings import Settings
from tests.conftest import REPO

DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").glob("*.md")))


def _commands(command: Any, path: list[str]) -> list[tuple[str, Any]]:
    if hasattr(command, "commands"):
        return [c for name, sub in command.commands.items() for c in _commands(sub, [*path, name])]
    return [(" ".join(path), command)]


def test_tracking_and_db_commands_and_options_are_documented() -> None:
    commands = _commands(typer.main.get_command(app), ["carbonpeak"])
    mine = [(p, c) for p, c in commands if p.split()[1] in ("track", "assess", "db")]
    assert len(mine) >= 18
    missing = [p for p, _ in mine if f"`{p}" not in DOCS]
    options = [
        f"{p} {opt}"
        for p, c in mine
        for param in c.params
        if param.param_type_name == "option"
        for opt in param.opts
        if opt.startswith("--") and opt not in DOCS
    ]
    assert missing == []
    assert options == []


def test_every_setting_is_in_settings_md() -> None:
    text = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    assert [name for name in Settings.model_fields if f"`{name}`" not in text] == []
