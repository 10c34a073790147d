"""The inventory's sink line from a sink database (the forestry carbon-sink database): rows of the
activity data replaced year by year, the method named in each row's note.

For every year the database gives, the activity's ``land_use|forest`` and ``land_use|wetland`` sink
rows (fuel ``sink_co2``, tCO2) are removed and the database's rows put in their place; years the
activity data does not hold are not added (an inventory year needs its energy data), and the other
land-use rows (cropland, grassland, urban green) stay as entered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from carbonpeak.accounting.catalog import sector_key
from carbonpeak.accounting.io import Activity

REPLACED_SECTORS = ("land_use|forest", "land_use|wetland")
SINK_FUEL = "sink_co2"


@dataclass(frozen=True)
class SinkLine:
    """One row of the sink line: year, sector (``land_use|forest`` or ``land_use|wetland``), the
    removal in tCO2 (positive), and the note naming the method and parameters."""

    year: int
    sector: str
    amount_t: float
    note: str


def _in_order(values: pd.Series) -> pd.Series:
    return pd.Series(pd.Categorical(values, categories=pd.unique(values)), index=values.index)


def replace_sink_line(activity: Activity, lines: Sequence[SinkLine]) -> tuple[Activity, dict[int, str]]:
    """The activity with its forest and wetland sink rows replaced by ``lines`` in the years both
    hold; and year → the note of the forest row used (what the inventory page names)."""
    years = set(activity.years) & {line.year for line in lines}
    if not years:
        return activity, {}
    frame = activity.frame
    drop = (
        frame["year"].isin(sorted(years)).to_numpy()
        & frame["sector_key"].astype(str).isin(REPLACED_SECTORS).to_numpy()
        & (frame["fuel"].astype(str) == SINK_FUEL).to_numpy()
    )
    kept = frame[~drop]
    chosen = [line for line in lines if line.year in years]
    added = pd.DataFrame(
        {
            "year": [line.year for line in chosen],
            "sector": [line.sector for line in chosen],
            "sector_key": [sector_key(line.sector) for line in chosen],
            "fuel": [SINK_FUEL] * len(chosen),
            "amount": [float(line.amount_t) for line in chosen],
            "note": [line.note for line in chosen],
        }
    )
    merged = pd.concat(
        [kept.astype({c: "object" for c in ("sector", "sector_key", "fuel", "note")}), added],
        ignore_index=True,
    )
    out = pd.DataFrame(
        {
            "year": merged["year"].astype("int64"),
            "sector": _in_order(merged["sector"]),
            "sector_key": merged["sector_key"].astype("category"),
            "fuel": _in_order(merged["fuel"]),
            "amount": merged["amount"].astype("float64"),
            "note": _in_order(merged["note"]),
        }
    )
    used = {line.year: line.note for line in chosen if line.sector == "land_use|forest"}
    return replace(activity, frame=out), used
