"""Jinja filters every template may use: a code's words and numbers as the office writes them.

``{{ r.grade|label('grade') }}`` shows a code of tracking/data/codes.yaml in the page's language;
``num``, ``pct``, ``qty`` and ``localtime`` format through ``carbonpeak.units.display`` (docs/units.md),
the one formatter of figures shown to people.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from carbonpeak.tracking.codes import Kind, codes
from carbonpeak.units import display


def _lang(ctx: Context) -> str:
    return "en" if ctx.get("lang") == "en" else "zh"


@pass_context
def code_label(ctx: Context, code: str | None, kind: Kind) -> str:
    """The words of ``code`` (a status, grade, task status or record state); an unknown or empty code
    reads as the missing mark, never as the raw code."""
    row = codes(kind).get(code or "")
    return row.label(_lang(ctx)) if row else display.MISSING


def number(value: float | None, decimals: int | None = None) -> str:
    return display.number(value, decimals)


def percent(value: float | None, decimals: int | None = None) -> str:
    return display.percent(value, decimals)


@pass_context
def quantity(ctx: Context, value: float | None, unit: str | None) -> str:
    if not unit:
        return display.number(value)
    return display.quantity(value, unit, lang="en" if ctx.get("lang") == "en" else "zh-CN")


def local_time(moment: dt.datetime | str | None) -> str:
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return display.local_time(moment)


def install(env: Environment) -> None:
    """Add the filters to a Jinja environment."""
    filters: dict[str, Any] = {
        "label": code_label,
        "num": number,
        "pct": percent,
        "qty": quantity,
        "localtime": local_time,
    }
    env.filters.update(filters)
