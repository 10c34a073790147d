"""Every benchmark module imports against the current package (a refactor that renames what a
benchmark uses fails here, not months later when someone runs `make bench`)."""

from __future__ import annotations

import importlib
import pkgutil

import benchmarks
import pytest

NAMES = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_"))


def test_there_are_benchmarks() -> None:
    assert len(NAMES) >= 5


@pytest.mark.parametrize("name", NAMES)
def test_benchmark_imports_and_has_main(name: str) -> None:
    module = importlib.import_module(f"benchmarks.{name}")
    assert callable(module.main)
