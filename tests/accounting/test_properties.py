"""Property: every breakdown sums to its total, whatever the rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonpeak.accounting import FUELS, InventoryOptions, inventory, read_activity, sector_codes
from carbonpeak.accounting.catalog import UNIT_CHOICES
from tests.accounting.helpers import write_csv

SECTORS = [s for s in sector_codes() if "|" in s]
ROW = st.tuples(
    st.sampled_from([2020, 2021, 2022]),
    st.sampled_from(SECTORS),
    st.sampled_from(sorted(FUELS)),
    st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10_000),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=60), share=st.floats(min_value=0, max_value=100))
def test_breakdowns_sum_to_total(rows: list[tuple[int, str, str, float, int]], share: float) -> None:
    lines = [(y, s, f, f"{a:.6f}", UNIT_CHOICES[FUELS[f].unit][0], f"n{n}") for y, s, f, a, n in rows]
    lines = list({(r[0], r[1], r[2], r[5]): r for r in lines}.values())  # no duplicate rows
    with tempfile.TemporaryDirectory() as tmp:
        act = read_activity(write_csv(Path(tmp) / "a.csv", lines))
    data = inventory(act, options=InventoryOptions(grid=0.6, grid_non_fossil_share=share)).to_json()
    for year in data["years"].values():
        co2, energy = year["co2_t"], year["energy_tce"]
        total = co2["total"]
        assert sum(co2["by_sector"].values()) == pytest.approx(total, rel=1e-9, abs=1e-6)
        assert sum(co2["by_fuel"].values()) == pytest.approx(total, rel=1e-9, abs=1e-6)
        parts = co2["combustion"] + co2["electricity"] + co2["heat"] + co2["process"]
        assert parts == pytest.approx(total, rel=1e-9, abs=1e-6)
        assert sum(co2["combustion_by_sector"].values()) == pytest.approx(
            co2["combustion"], rel=1e-9, abs=1e-6
        )
        assert co2["net"] == pytest.approx(total - co2["sinks"])
        assert sum(energy["by_sector_calorific"].values()) == pytest.approx(
            energy["calorific"], rel=1e-9, abs=1e-6
        )
        assert sum(energy["by_fuel_calorific"].values()) == pytest.approx(
            energy["calorific"], rel=1e-9, abs=1e-6
        )
        assert energy["non_fossil_coal_substitution"] <= energy["coal_substitution"] * (1 + 1e-9) + 1e-9
        share_ = year["indicators"]["non_fossil_share"]
        assert share_ is None or 0 <= share_ <= 1 + 1e-9
