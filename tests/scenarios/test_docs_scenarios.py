"""docs/scenarios.md names every scenarios command as `carbonpeak …` and every option of it."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

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


def test_every_example_in_the_docs_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    examples = [line for line in DOC.splitlines() if line.startswith("carbonpeak ")]
    assert len(examples) >= 9
    runner = CliRunner()
    for line in examples:
        args = shlex.split(line.replace("/tmp/carbonpeak-iamc.csv", str(tmp_path / "iamc.csv")))[1:]
        out = runner.invoke(app, args)
        assert out.exit_code == 0, f"{line}\n{out.output}"
    assert (tmp_path / "iamc.csv").is_file()
