"""Base-year files: read one (default: the bundled illustrative Jinghai base year) and build the
:class:`~carbonpeak.scenarios.base_year.BaseYear` either from the file's own energy balance or, with an
``inventory`` section (or an activity file given), from the accounting inventory of that data
(:mod:`carbonpeak.scenarios.from_inventory`)."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from carbonpeak.scenarios.base_year import BaseYear, base_from_balance
from carbonpeak.scenarios.errors import Problem, ScenarioDataError
from carbonpeak.scenarios.from_inventory import inventory_base, resolve_demo

BUNDLED_BASE = "jinghai-base-2020.yaml"


def load_base(
    source: str | Path | None = None,
    activity: str | Path | None = None,
    macro: str | Path | None = None,
    year: int | None = None,
) -> BaseYear:
    """Load a base-year YAML (default: the bundled illustrative Jinghai base year, built from the
    accounting demo data). ``activity``/``macro``/``year``: build the base year from the inventory of
    these files instead of the file's own ``inventory`` section."""
    if source is None:
        ref = resources.files("carbonpeak.scenarios").joinpath(f"data/base/{BUNDLED_BASE}")
        text, file = ref.read_text(encoding="utf-8"), BUNDLED_BASE
    else:
        path = Path(source)
        try:
            text, file = path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise ScenarioDataError([Problem(f"cannot read: {exc}", file=str(path))]) from exc
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ScenarioDataError([Problem("a base-year file is a mapping", file=file)])
    folder = None if source is None else Path(source).parent
    return base_from_data(data, file, folder, activity, macro, year)


def base_from_data(
    data: Mapping[str, Any],
    file: str,
    folder: Path | None = None,
    activity: str | Path | None = None,
    macro: str | Path | None = None,
    year: int | None = None,
) -> BaseYear:
    """A base year from a parsed base-year file. With an ``inventory`` section (or ``activity``), the
    energy, CO2 and macro data of the base year come from the accounting inventory of that activity
    file (:mod:`carbonpeak.scenarios.from_inventory`); the file keeps only the illustrative drivers."""
    inv_spec = data.get("inventory") or {}
    from_inventory = bool(inv_spec) or activity is not None
    required = ["base_year", "branches", "fuels"]
    if not from_inventory:
        required += ["balance", "population_10k", "gdp_100m_cny", "grid_factor_t_per_mwh"]
    missing = [k for k in required if k not in data]
    if from_inventory and not inv_spec.get("sectors"):
        missing.append("inventory.sectors")
    if missing:
        raise ScenarioDataError([Problem("required field is missing", file=file, field=k) for k in missing])
    rows = [
        (b, f, float(v)) for b, per in (data.get("balance") or {}).items() for f, v in (per or {}).items()
    ]
    if from_inventory:
        data = {"population_10k": 0.0, "gdp_100m_cny": 0.0, "grid_factor_t_per_mwh": 0.0, **data}
    model = base_from_balance(data, rows, file)
    if not from_inventory:
        return model

    def where(name: str | Path | None, kind: str) -> str | None:
        ref = resolve_demo(str(name) if name is not None else None, kind)
        if ref is None or Path(ref).is_absolute() or folder is None:
            return ref
        return str(folder / ref)

    act = where(activity, "activity") if activity is not None else where(inv_spec.get("activity"), "activity")
    mac = where(macro, "macro") if activity is not None else where(inv_spec.get("macro"), "macro")
    if act is None:
        raise ScenarioDataError([Problem("required field is missing", file=file, field="inventory.activity")])
    sectors = {str(k): str(v) for k, v in (inv_spec.get("sectors") or {}).items()}
    return inventory_base(model, act, mac, year, sectors, file)
