"""docs/scenarios.md names every scenarios command as `carbonpeak …` and every option of it."""

from __future__ import annotations

from typing import Any

import typer.main

from carbonpeak.cli.main import app
from tests.conftest import REPO

DOC = (REPO / "docs" / "scenarios.md").read_text(encoding="utf-8")


def _commands() -> dict[str, Any]:
    root: Any = typer.main.get_command(app)
    group = root.commands["scenario"]
    found = {f"carbonpeak scenario {name}": cmd for name, cmd in group.commands.items()}
    found["carbonpeak decompose"] = root.commands["decompose"]
    return found


def test_every_command_and_option_is_documented() -> None:
    missing = []
    for path, cmd in _commands().items():
        if path not in DOC:
            missing.append(path)
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help" and f"`{opt}" not in DOC:
                    missing.append(f"{path} {opt}")
    assert not missing, f"undocumented in docs/scenarios.md: {missing}"
