"""Docs are tested: every accounting command and each of its options appears in docs/accounting.md."""

from __future__ import annotations

from typing import Any

import typer.main

from carbonpeak.cli.main import app
from tests.conftest import REPO

DOC = (REPO / "docs" / "accounting.md").read_text(encoding="utf-8")


def _commands() -> dict[str, Any]:
    root = typer.main.get_command(app)
    found: dict[str, Any] = {"carbonpeak inventory": root.commands["inventory"]}
    for group in ("factors", "activity"):
        sub: Any = root.commands[group]
        for name, cmd in sub.commands.items():
            found[f"carbonpeak {group} {name}"] = cmd
    return found


def test_every_command_and_option_is_documented() -> None:
    commands = _commands()
    assert set(commands) == {
        "carbonpeak inventory",
        "carbonpeak factors list",
        "carbonpeak factors show",
        "carbonpeak activity template",
        "carbonpeak activity validate",
        "carbonpeak activity import",
        "carbonpeak activity batches",
    }
    for path, cmd in commands.items():
        assert path in DOC, path
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert opt in DOC, f"{path} {opt}"


def test_every_fuel_code_and_factor_set_is_documented() -> None:
    from carbonpeak.accounting import FUELS, bundled_sets

    for code in FUELS:
        assert code in DOC, code
    for fs in bundled_sets().values():
        assert fs.label in DOC, fs.label
