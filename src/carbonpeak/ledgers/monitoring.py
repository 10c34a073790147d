"""Online energy monitoring (重点用能单位能耗在线监测): meter readings validated, aggregated and
compared with the monthly reports.

Readings are a long table (meter, UTC time, value, unit). Validation quarantines — never drops — the
readings that cannot be used, each with its reason: ``unit`` (a unit that cannot measure the meter's
kind), ``negative``, ``duplicate`` (a second reading of the same meter and time), ``clock`` (stamped
in the future of its receipt), ``decreasing`` (a cumulative value going down that is not a reset),
``spike`` (an interval above ``spike_factor`` × the meter's median interval). Resets of cumulative
meters (a fall below ``reset_fraction`` of the value before) and gaps (missing intervals) are
listed. The rest becomes interval use → daily (China Standard Time) → monthly, in the fuel's
catalogue unit, and the meter month is compared with the reported month. Vectorized (pandas/NumPy);
thresholds in ``data/monitoring.yaml`` with their sources.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.ledgers.errors import LedgerError
from carbonpeak.units import UnitError, conversion_factor

LOCAL_TZ = "Asia/Shanghai"
REASONS = ("unit", "negative", "duplicate", "clock", "decreasing", "spike")
REASON_WORDS = {
    "unit": ("计量单位与表计类型不符", "unit does not measure the meter's kind"),
    "negative": ("读数为负、缺失或不是数字", "negative, missing or not a number"),
    "duplicate": ("同一表计同一时刻重复读数", "duplicate reading of the meter and time"),
    "clock": ("时间戳晚于接收时间（时钟偏差）", "stamped after its receipt (clock skew)"),
    "decreasing": ("累计读数减少且不是表计复位", "cumulative value decreased (not a reset)"),
    "spike": ("区间用量异常偏大（尖峰）", "interval far above the meter's usual (spike)"),
}


@functools.cache
def rules() -> dict[str, Any]:
    text = resources.files("carbonpeak.ledgers").joinpath("data/monitoring.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def check_value(name: str) -> float:
    return float(rules()["checks"][name]["value"])


@dataclass(frozen=True)
class Meter:
    """A meter of a unit: its kind, whether it reads a running total or each interval's use, the
    interval (minutes) and, for steam read by mass, the declared enthalpy (GJ/t)."""

    meter_id: str
    enterprise_id: str
    kind: str
    mode: Literal["cumulative", "interval"] = "cumulative"
    interval_minutes: int = 15
    enthalpy_gj_per_t: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in rules()["kinds"]:
            raise LedgerError(
                f"meter {self.meter_id}: kind {self.kind!r}, expected one of {', '.join(rules()['kinds'])}"
            )
        if self.mode not in ("cumulative", "interval"):
            raise LedgerError(f"meter {self.meter_id}: mode {self.mode!r}, expected cumulative or interval")
        if not 1 <= self.interval_minutes <= 1440:
            raise LedgerError(
                f"meter {self.meter_id}: interval {self.interval_minutes} min, expected 1 to 1440"
            )

    @property
    def fuel(self) -> str:
        return str(rules()["kinds"][self.kind]["fuel"])


def _factor(meter: Meter, unit: str) -> float:
    """The number turning a value in ``unit`` into the fuel's catalogue unit (NaN: cannot)."""
    target = FUELS[meter.fuel].unit
    try:
        return conversion_factor(unit, target)
    except UnitError:
        pass
    if meter.enthalpy_gj_per_t is not None:
        try:
            return conversion_factor(unit, "t") * meter.enthalpy_gj_per_t * conversion_factor("GJ", target)
        except UnitError:
            pass
    return float("nan")


@dataclass(frozen=True)
class Validated:
    """The outcome of validation: the usable interval uses, the quarantine, resets and gaps."""

    intervals: pd.DataFrame  # meter, time (UTC), use (catalogue unit of the fuel)
    quarantine: pd.DataFrame  # the input rows refused, with ``reason``
    resets: pd.DataFrame  # meter, time, value before, value after
    gaps: pd.DataFrame  # meter, after (time), before (time), missing intervals
    latest: pd.DataFrame  # meter, time, amount: each meter's last usable reading (catalogue unit)


def validate(readings: pd.DataFrame, meters: Mapping[str, Meter], received_at: pd.Timestamp) -> Validated:
    """Check ``readings`` (columns meter, time — tz-aware or UTC —, value, unit) of known ``meters``."""
    frame = readings.reset_index(drop=True).copy()
    frame["row"] = np.arange(len(frame))
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    unknown = sorted(set(frame["meter"].unique().tolist()) - set(meters))
    if unknown:
        raise LedgerError(f"unknown meter(s): {', '.join(map(str, unknown[:5]))}")
    pairs = frame[["meter", "unit"]].drop_duplicates()
    factors = {(m, u): _factor(meters[m], u) for m, u in pairs.itertuples(index=False)}
    keys = pd.MultiIndex.from_frame(frame[["meter", "unit"]])
    frame["factor"] = pd.Series(factors).reindex(keys).to_numpy(dtype="float64")
    frame["reason"] = pd.Series([None] * len(frame), dtype="object")
    # each meter as an integer key in the codes' sorted order: sorting and grouping on integers, not
    # on the meter code strings (the hot path of a big batch); same order as sorting by the codes
    keys_of, names = pd.factorize(frame["meter"], sort=True)
    frame["key"] = keys_of
    by_key = [meters[str(m)] for m in names]

    def mark(mask: np.ndarray | pd.Series, reason: str) -> None:
        free = frame["reason"].isna().to_numpy()
        frame.loc[np.asarray(mask) & free, "reason"] = reason

    mark(~np.isfinite(frame["factor"].to_numpy()), "unit")
    mark(~np.isfinite(frame["value"].to_numpy()) | (frame["value"].to_numpy() < 0), "negative")
    frame = frame.sort_values(["key", "time", "row"], kind="stable").reset_index(drop=True)
    key = frame["key"].to_numpy()
    mark(frame.duplicated(["key", "time"], keep="first").to_numpy(), "duplicate")
    skew = pd.Timedelta(minutes=check_value("future_minutes"))
    mark((frame["time"] > received_at + skew).to_numpy(), "clock")
    frame["amount"] = frame["value"] * frame["factor"]
    cumulative = np.array([m.mode == "cumulative" for m in by_key], dtype=bool)[key]
    resets = pd.DataFrame(columns=["meter", "time", "before", "after"])
    use = np.where(cumulative, np.nan, frame["amount"].to_numpy())
    # cumulative meters: the use is the difference to the previous usable reading of the meter; a
    # decrease is a reset (counted from zero) or quarantined; repeat until no new quarantine
    for _ in range(3):
        ok = frame["reason"].isna().to_numpy() & cumulative
        sub = frame.loc[ok, ["meter", "key", "time", "amount"]]
        prev = sub.groupby("key")["amount"].shift()
        diff = sub["amount"] - prev
        fall = (diff < 0).to_numpy()
        is_reset = fall & (sub["amount"] < prev * check_value("reset_fraction")).to_numpy()
        bad = fall & ~is_reset
        if not bad.any():
            d = np.where(is_reset, sub["amount"].to_numpy(), diff.to_numpy())
            use[ok] = d
            resets = pd.DataFrame(
                {
                    "meter": sub["meter"].to_numpy()[is_reset],
                    "time": sub["time"].array[is_reset],
                    "before": prev.to_numpy()[is_reset],
                    "after": sub["amount"].to_numpy()[is_reset],
                }
            )
            break
        idx = sub.index.to_numpy()[bad]
        frame.loc[idx, "reason"] = "decreasing"
    frame["use"] = use
    # spikes: an interval use above spike_factor × the meter's median positive interval use
    usable = frame["reason"].isna() & frame["use"].notna()
    median = frame.loc[usable & (frame["use"] > 0)].groupby("key")["use"].median()
    limit = (median * check_value("spike_factor")).reindex(key).to_numpy(dtype="float64")
    mark(usable.to_numpy() & (frame["use"].to_numpy() > limit), "spike")
    good = frame["reason"].isna()
    quarantine = frame.loc[~good, ["row", "meter", "time", "value", "unit", "reason"]].sort_values("row")
    kept = frame.loc[good, ["meter", "key", "time", "use"]]
    step = np.array([m.interval_minutes for m in by_key], dtype="float64")[kept["key"].to_numpy()]
    later = kept.groupby("key")["time"].shift(-1)
    minutes = (later - kept["time"]).dt.total_seconds() / 60.0
    missing = (minutes / step).round() - 1
    has_gap = (missing > 0).to_numpy()
    gaps = pd.DataFrame(
        {
            "meter": kept["meter"].to_numpy()[has_gap],
            "after": kept["time"].array[has_gap],
            "before": later.array[has_gap],
            "missing": missing.to_numpy()[has_gap].astype("int64"),
        }
    )
    intervals = kept.dropna(subset=["use"])[["meter", "time", "use"]].reset_index(drop=True)
    latest = (
        frame.loc[good, ["meter", "key", "time", "amount"]]
        .groupby("key")
        .tail(1)[["meter", "time", "amount"]]
        .reset_index(drop=True)
    )
    return Validated(intervals, quarantine.reset_index(drop=True), resets, gaps, latest)


def daily(intervals: pd.DataFrame, meters: Mapping[str, Meter]) -> pd.DataFrame:
    """Use per enterprise, fuel and local day (the interval ending at the reading's time is counted
    on the day the interval ended, China Standard Time)."""
    frame = intervals.assign(
        enterprise_id=intervals["meter"].map({k: m.enterprise_id for k, m in meters.items()}),
        fuel=intervals["meter"].map({k: m.fuel for k, m in meters.items()}),
        day=intervals["time"].dt.tz_convert(LOCAL_TZ).dt.strftime("%Y-%m-%d"),
    )
    out: pd.DataFrame = frame.groupby(["enterprise_id", "fuel", "day"], as_index=False).agg(
        use=("use", "sum")
    )
    return out


def fuel_days(meter_days: pd.DataFrame) -> pd.DataFrame:
    """The database's sums by meter and local day (columns enterprise_id, meter, kind, day, use) →
    use per enterprise, fuel and day, as ``daily`` gives it from the intervals."""
    kinds = {k: str(v["fuel"]) for k, v in rules()["kinds"].items()}
    frame = meter_days.assign(fuel=meter_days["kind"].map(kinds))
    out: pd.DataFrame = frame.groupby(["enterprise_id", "fuel", "day"], as_index=False).agg(
        use=("use", "sum")
    )
    return out


def monthly(days: pd.DataFrame) -> pd.DataFrame:
    """Daily use → monthly (``period`` YYYY-MM) per enterprise and fuel."""
    frame = days.assign(period=days["day"].str[:7])
    return frame.groupby(["enterprise_id", "fuel", "period"], as_index=False).agg(
        use=("use", "sum"), days=("day", "nunique")
    )


def compare(
    meter_months: pd.DataFrame, reported: pd.DataFrame, tolerance: float | None = None
) -> pd.DataFrame:
    """Meter month against reported month per enterprise, fuel and period (both in catalogue units):
    the difference, the relative deviation and whether it exceeds ``tolerance`` (default: the data's
    ``month_deviation``). A month metered but not reported (or reported but not metered) is flagged."""
    tol = check_value("month_deviation") if tolerance is None else tolerance
    merged = meter_months.merge(
        reported.rename(columns={"amount": "reported"}), on=["enterprise_id", "fuel", "period"], how="outer"
    )
    merged["difference"] = merged["use"] - merged["reported"]
    with np.errstate(invalid="ignore", divide="ignore"):
        merged["deviation"] = merged["difference"] / merged["reported"]
    merged["flagged"] = ~(merged["deviation"].abs() <= tol)
    return merged.sort_values(["enterprise_id", "period", "fuel"]).reset_index(drop=True)
