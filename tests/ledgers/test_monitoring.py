"""Meter readings, hand-computed: every quarantine reason, a reset counted from zero, gaps, the
interval → daily (China Standard Time) → monthly sums in catalogue units, the comparison with the
reported months."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonpeak.ledgers.errors import LedgerError
from carbonpeak.ledgers.monitoring import Meter, compare, daily, monthly, validate

A = "91120118EXAMP0001Y"
METERS = {
    "E1": Meter("E1", A, "electricity", "cumulative", 15),
    "G1": Meter("G1", A, "natural_gas", "interval", 15),
    "S1": Meter("S1", A, "steam", "interval", 60, enthalpy_gj_per_t=2.8),
}
RECEIVED = pd.Timestamp("2025-04-02 00:00", tz="Asia/Shanghai")


def _t(local: str) -> pd.Timestamp:
    return pd.Timestamp(local, tz="Asia/Shanghai")


def _readings() -> pd.DataFrame:
    rows = [
        ("E1", "2025-03-01 00:00", 1000, "kWh"),
        ("E1", "2025-03-01 00:15", 1010, "kWh"),
        ("E1", "2025-03-01 00:30", 1020, "kWh"),
        ("E1", "2025-03-01 00:30", 1021, "kWh"),  # duplicate
        ("E1", "2025-03-01 00:45", 1005, "kWh"),  # decreasing, not a reset
        ("E1", "2025-03-01 01:00", 1030, "kWh"),
        ("E1", "2025-03-01 01:15", -5, "kWh"),  # negative
        ("E1", "2025-03-01 01:30", 1035, "m3"),  # unit
        ("E1", "2025-03-01 02:00", 1040, "kWh"),  # after a gap of 3 intervals
        ("E1", "2025-03-01 02:15", 5, "kWh"),  # reset: counted from zero
        ("E1", "2025-03-01 02:30", 0.015, "MWh"),  # 15 kWh: 10 more
        ("E1", "2025-03-01 02:45", 500, "kWh"),  # spike: 485 > 10 × median 10
        ("E1", "2025-04-02 04:00", 600, "kWh"),  # clock: after the receipt
        ("G1", "2025-03-31 23:00", 100, "m3"),
        ("G1", "2025-04-01 00:30", 200, "立方米"),
        ("S1", "2025-03-01 01:00", 2, "t"),  # 2 t of steam × 2.8 GJ/t = 5.6 GJ
    ]
    return pd.DataFrame([(m, _t(t), v, u) for m, t, v, u in rows], columns=["meter", "time", "value", "unit"])


def test_quarantine_resets_and_gaps() -> None:
    out = validate(_readings(), METERS, RECEIVED)
    reasons = dict(zip(out.quarantine["row"], out.quarantine["reason"], strict=True))
    assert reasons == {3: "duplicate", 4: "decreasing", 6: "negative", 7: "unit", 11: "spike", 12: "clock"}
    assert len(out.intervals) + len(out.quarantine) + 1 == len(_readings())  # + E1's first reading
    assert out.resets[["before", "after"]].values.tolist() == [[1040.0, 5.0]]
    # E1 00:30 → 01:00 and 01:00 → 02:00; G1 23:00 → 00:30 (five 15-minute readings missing)
    assert out.gaps["missing"].tolist() == [1, 3, 5]
    e1 = out.intervals[out.intervals["meter"] == "E1"]["use"].tolist()
    assert e1 == pytest.approx([10, 10, 10, 10, 5, 10])


def test_daily_monthly_and_comparison() -> None:
    out = validate(_readings(), METERS, RECEIVED)
    days = daily(out.intervals, METERS)
    got = {(r.fuel, r.day): r.use for r in days.itertuples()}
    assert got[("electricity", "2025-03-01")] == pytest.approx(55.0)
    assert got[("natural_gas", "2025-03-31")] == pytest.approx(0.01)  # 100 m3 = 0.01 万m3
    assert got[("natural_gas", "2025-04-01")] == pytest.approx(0.02)
    assert got[("heat", "2025-03-01")] == pytest.approx(5.6)
    months = monthly(days)
    reported = pd.DataFrame(
        [
            (A, "electricity", "2025-03", 50.0),
            (A, "natural_gas", "2025-03", 0.0101),
            (A, "heat", "2025-03", 5.6),
        ],
        columns=["enterprise_id", "fuel", "period", "amount"],
    )
    table = compare(months, reported)
    flags = {(r.fuel, r.period): (r.flagged, r.deviation) for r in table.itertuples()}
    assert flags[("electricity", "2025-03")][0] and flags[("electricity", "2025-03")][1] == pytest.approx(0.1)
    assert not flags[("natural_gas", "2025-03")][0]  # −1% within 5%
    assert flags[("natural_gas", "2025-04")][0]  # metered, not reported
    assert not flags[("heat", "2025-03")][0]


def test_unknown_meter_and_bad_meter() -> None:
    frame = pd.DataFrame(
        [("X", _t("2025-03-01 00:00"), 1, "kWh")], columns=["meter", "time", "value", "unit"]
    )
    with pytest.raises(LedgerError, match="unknown meter"):
        validate(frame, METERS, RECEIVED)
    with pytest.raises(LedgerError):
        Meter("B", A, "coal")
