"""The illustrative Jinghai activity and macro data (示例数据), 2020–2024.

``load(engine, plan)`` is the pure variant: it validates the two demo files, computes the inventory
and returns one summary line per year, writing nothing. The loader registered in
``carbonpeak.demo.LOADERS`` is ``carbonpeak.storage.activity:load_demo``, which does the same and also
stores the activity batch (table ``activity_batches``, migration 0002); the domain package cannot
write to the database itself. The files are made by
``scripts/make_demo_accounting.py``; the calibration is in docs/decisions/0104-accounting-demo-calibration.md.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from carbonpeak.accounting.io import read_activity, read_macro
from carbonpeak.accounting.result import Inventory, inventory

ACTIVITY_FILE = "jinghai-activity-2020-2024.csv"
MACRO_FILE = "jinghai-macro-2020-2024.csv"


def demo_dir() -> Path:
    """The folder holding the demo files: packaged (_bundled/demo) or the repository's data/demo."""
    packaged = resources.files("carbonpeak").joinpath("_bundled/demo")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "data" / "demo"


def demo_inventory() -> Inventory:
    folder = demo_dir()
    return inventory(read_activity(folder / ACTIVITY_FILE), read_macro(folder / MACRO_FILE))


def summary_lines(inv: Inventory) -> list[str]:
    data = inv.to_json()
    lines = [
        f"accounting demo (示例数据 illustrative): {len(inv.years)} years from {Path(inv.source).name}, "
        f"factor set {data['factor_set']['combustion']}; validated and computed, "
        "nothing stored (no inventory tables yet)"
    ]
    for year, y in data["years"].items():
        ind = y["indicators"]
        lines.append(
            f"  {year}: CO2 {y['co2_t']['total'] / 1e4:,.1f} 万t,"
            f" energy {y['energy_tce']['coal_substitution'] / 1e4:,.1f}"
            f" 万tce (等价值), non-fossil {(ind['non_fossil_share'] or 0) * 100:.1f} %,"
            f" electricity/final {(ind['electricity_share_final'] or 0) * 100:.1f} % (示例数据)"
        )
    return lines


def load(engine: object, plan: object) -> list[str]:
    """Demo loader: validate and compute the demo inventory; write nothing (see module docstring)."""
    del engine, plan
    return summary_lines(demo_inventory())
