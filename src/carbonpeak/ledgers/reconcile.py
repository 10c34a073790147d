"""The key units' totals reconciled with the district inventory (issue 21): for a year, the units'
reported (and metered) use by fuel against the inventory's INDUSTRY lines of the same fuel.

统计口径 (what is comparable, docs/key-units.md "Reconciliation"):
- the key units are industrial enterprises; their monthly reports are their final consumption
  (终端消费) of each fuel, so they are compared with the inventory's ``industry|*`` lines of the
  fuel only — never with transformation (``energy|generation``), transport, buildings or households;
- amounts are physical, each in the fuel's catalogue unit (t, 万m3, kWh, GJ): the reports are
  converted through pint when they are stored, the inventory's activity rows are in those units;
- process CO2 and sinks are not fuels and are left out; energy (tce, calorific basis) is compared
  as a whole as well;
- the months counted are those a unit has submitted (drafts are not its figure); a year the units
  reported only in part is said so (months reported).
A share above 100% means the key units report more of a fuel than the inventory's industry has:
the two boundaries disagree (a unit outside the territory, a fuel booked to another sector), flagged."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

NOT_FUELS = ("process_co2", "sink_co2")


def industry_lines(tidy: pd.DataFrame, year: int) -> pd.DataFrame:
    """The inventory's industry activity of ``year`` by fuel (catalogue units): fuel, amount, unit."""
    rows = tidy[
        (tidy["year"] == year)
        & (tidy["category"] == "activity")
        & tidy["sector"].astype(str).str.startswith("industry|")
        & ~tidy["fuel"].isin(NOT_FUELS)
    ]
    out: pd.DataFrame = rows.groupby(["fuel", "unit"], as_index=False).agg(inventory=("value", "sum"))
    return out


def industry_energy(tidy: pd.DataFrame, year: int) -> float:
    rows = tidy[
        (tidy["year"] == year)
        & (tidy["category"] == "energy_calorific")
        & tidy["sector"].astype(str).str.startswith("industry|")
    ]
    return float(rows["value"].sum())


def reconcile(
    inventory: pd.DataFrame,
    reported: Mapping[str, float],
    metered: Mapping[str, float],
    units: Mapping[str, str],
) -> pd.DataFrame:
    """One row per fuel of either side: inventory industry amount, the units' reported and metered
    amounts, the share covered (reported / inventory), the difference (inventory − reported, the
    rest of industry) and the flags ``exceeds`` and ``not_in_inventory``."""
    frame = inventory.set_index("fuel")
    fuels = sorted(set(frame.index) | set(reported))
    rows = []
    for fuel in fuels:
        inv = float(frame.loc[fuel, "inventory"]) if fuel in frame.index else None  # type: ignore[arg-type]
        rep = float(reported.get(fuel, 0.0))
        met = metered.get(fuel)
        rows.append(
            {
                "fuel": fuel,
                "unit": str(frame.at[fuel, "unit"]) if fuel in frame.index else units.get(fuel, ""),
                "inventory": inv,
                "reported": rep,
                "metered": None if met is None else float(met),
                "share": rep / inv if inv else None,
                "difference": None if inv is None else inv - rep,
                "exceeds": bool(inv is not None and rep > inv),
                "not_in_inventory": inv is None,
            }
        )
    return pd.DataFrame(rows)
