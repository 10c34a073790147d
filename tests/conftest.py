"""Shared fixtures: paths to the repo, the shared folder and the seed text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_8f0cb15813cef04d.txt"
EXAMPLE_PLAN = REPO / "docs" / "examples" / "minimal-plan.yaml"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip on a developer's laptop, fail under CI=true: CI must have every part the tests need."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"required for the test suite under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def seed_text() -> str:
    require(SEED.is_file(), f"the seed text {SEED} (../shared beside the repo)")
    return SEED.read_text(encoding="utf-8")
