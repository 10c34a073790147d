"""What the overview (总览) shows beyond the plan's rows: each headline target's tracking status and
trend, the office's alerts, and the plan scenario's peak card with the CO2 trend.

The tracking part is kept per app until the tracking data change (``TrackingService.change_stamp``)
or the day turns: the overview is the most requested page and the evaluation reads every record.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from fastapi import Request

from carbonpeak.services.inventory import current
from carbonpeak.services.tracking import TrackingService
from carbonpeak.tracking.evaluate import Evaluation
from carbonpeak.tracking.model import TrackingData
from carbonpeak.web.core.auth import Principal
from carbonpeak.web.core.tracking_service import default_year
from carbonpeak.web.scenarios.pages import app_cache, words
from carbonpeak.web.tracking.views import alert_rows, as_of_for, service


def trend_years(data: TrackingData, year: int, span: int = 6) -> list[int]:
    """The years the overview's trend lines cover: those with a value, up to ``year``, the last ``span``."""
    years = {o.year for o in data.observations} | {c.year for c in data.computed} | {year}
    return sorted(y for y in years if y <= year)[-span:]


def trend_series(evaluations: list[Evaluation], years: list[int]) -> dict[str, dict[str, Any]]:
    """Per indicator: the actual (approved reported or computed) value of each year, ``None`` where
    there is none, and the required value on the path to the target; only indicators with at least
    two actual values have a trend."""
    by_id: dict[str, dict[int, Evaluation]] = {}
    for e in evaluations:
        by_id.setdefault(e.indicator_id, {})[e.year] = e
    out: dict[str, dict[str, Any]] = {}
    for indicator_id, per_year in by_id.items():
        actual = [per_year[y].actual if y in per_year else None for y in years]
        if sum(v is not None for v in actual) < 2:
            continue
        required = [per_year[y].required if y in per_year else None for y in years]
        out[indicator_id] = {"years": years, "actual": actual, "required": required}
    return out


def sparkline(trend: dict[str, Any], width: int = 180, height: int = 40, pad: int = 4) -> dict[str, Any]:
    """SVG coordinates of one trend for a target card (drawn by the server, no script): the actual
    values as a polyline with a dot per year, the required path dashed; the y range spans both."""
    years: list[int] = trend["years"]
    series = {k: trend[k] for k in ("actual", "required")}
    values = [v for vs in series.values() for v in vs if v is not None]
    low, high = min(values), max(values)
    span = (high - low) or abs(high) or 1.0
    step = (width - 2 * pad) / max(len(years) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return round(pad + i * step, 1), round(height - pad - (v - low) / span * (height - 2 * pad), 1)

    out: dict[str, Any] = {"width": width, "height": height, "first_year": years[0], "last_year": years[-1]}
    for key, vs in series.items():
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        out[key] = " ".join(f"{x},{y}" for x, y in points)
        out[key + "_dots"] = points if key == "actual" else []
    out["title"] = ", ".join(
        f"{y}: {v:g}" for y, v in zip(years, series["actual"], strict=True) if v is not None
    )
    return out


def overview_tracking(request: Request, who: Principal, year: int | None = None) -> dict[str, Any]:
    """What the overview shows from tracking: each indicator's evaluated status for the latest year
    with data, and (for the office) the alerts; ``illustrative`` when demo data are stored.

    Kept per app until the tracking data change (``change_stamp``) or the day turns: the overview is
    the most requested page and the evaluation reads every record."""
    svc = service(request)
    stamp = svc.change_stamp()
    shown = year or default_year(request)
    key = (stamp, dt.date.today(), shown)
    cached = getattr(request.app.state, "overview_tracking", None)
    if cached is None or cached[0] != key:
        with _OVERVIEW_LOCK:  # many first requests at once: one evaluation, the others wait for it
            cached = getattr(request.app.state, "overview_tracking", None)
            if cached is None or cached[0] != key:
                cached = (key, _overview_result(svc, shown))
                request.app.state.overview_tracking = cached
    result = dict(cached[1])
    if who.role != "office":
        result["alerts"] = []
    return result


_OVERVIEW_LOCK = threading.Lock()


def _overview_result(svc: TrackingService, year: int) -> dict[str, Any]:
    """The overview's tracking part for ``year``, computed from the stored records."""
    data = svc.data()
    years = trend_years(data, year)
    evaluations = svc.evaluate(years, data)
    statuses = {e.indicator_id: e.status for e in evaluations if e.year == year}
    alerts = alert_rows(svc.plan, svc.alerts(year, as_of_for(year), data))
    return {
        "year": year,
        "statuses": statuses,
        "trends": trend_series(evaluations, years),
        "alerts": alerts,
        "illustrative": svc.is_illustrative(),
    }


def overview_projection(app: Any, lang: str) -> dict[str, Any]:
    """The overview's peak card and CO2 trend (history of the current stored inventory + plan
    projection, illustrative; no history when nothing is imported).

    Shown by the template ``_peak_card.html``; the Monte Carlo behind it runs once per process
    (``ScenarioCache.peak_card``)."""
    card = dict(app_cache(app).peak_card())
    stored = current(app.state.engine)
    history = dict(stored.co2_history()) if stored is not None else {}
    projection = card.get("trajectory", {})
    years = sorted({*history, *projection}, key=int)
    card["trend"] = {
        "years": years,
        "history": [history.get(y) for y in years],
        "projection": [projection.get(y) for y in years],
    }
    cache = app_cache(app)
    card["x"] = dict(words(lang, cache.by_year, cache.push_start() if card.get("ok") else cache.by_year))
    if stored is None:
        card["x"]["history"] = card["x"]["history_empty"]
    elif stored.illustrative:
        card["x"]["history"] = card["x"]["history_illustrative"]
    return card
