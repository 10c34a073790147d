"""Assert helpers for users of the inventory (as pyam and linopy ship theirs): compare two inventories'
JSON with a relative tolerance and get every difference named by its path."""

from __future__ import annotations

import math
from typing import Any


def differences(
    actual: Any, expected: Any, rel: float = 1e-9, abs_tol: float = 1e-9, path: str = ""
) -> list[str]:
    """Every place where ``actual`` differs from ``expected`` (numbers within tolerance are equal)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for key in sorted(set(expected) | set(actual), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                out.append(f"{where}: missing")
            elif key not in expected:
                out.append(f"{where}: unexpected")
            else:
                out += differences(actual[key], expected[key], rel, abs_tol, where)
        return out
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers) and not isinstance(expected, bool):
        if math.isclose(float(actual), float(expected), rel_tol=rel, abs_tol=abs_tol):
            return []
        return [f"{path}: {actual!r} != {expected!r}"]
    return [] if actual == expected else [f"{path}: {actual!r} != {expected!r}"]


def assert_inventory_close(actual: dict[str, Any], expected: dict[str, Any], rel: float = 1e-9) -> None:
    """Raise AssertionError listing every differing field of two ``Inventory.to_json()`` results."""
    found = differences(actual.get("years"), expected.get("years"), rel=rel, path="years")
    if found:
        raise AssertionError("inventories differ:\n" + "\n".join(found[:50]))
