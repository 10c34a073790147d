"""Checks at entry of a reported value: the number as people type it, and the plausibility rules of
``data/entry_checks.yaml`` (negatives, shares above 100 %, a value ten times off the year before, a
unit that does not convert). Pure domain: every problem is a located ``Problem`` (field ``value``,
``unit``) in Chinese with its English, and nothing here knows of forms or HTTP."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

import yaml

from carbonpeak.errors import Problem
from carbonpeak.plan import Indicator
from carbonpeak.units import UnitError, convert, display

FORM = "<form>"
# digits in groups of three separated by commas (1,234 or 12,345,678.5): thousands separators
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# one comma between digits, not followed by exactly three digits (12,5 or 0,25): a decimal comma
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,(\d{1,2}|\d{4,})$")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u3000']")
# digits in groups of three separated by spaces (1 234 or 1 234,5): the only place a space may be
_SPACED = re.compile(r"^[+-]?\d{1,3}([\s\u00a0\u2009\u202f\u3000']\d{3})+([.,]\d+)?$")


@dataclass(frozen=True)
class EntryRules:
    version: int
    source: str
    no_negative: frozenset[str]
    share_max: float
    share_units: frozenset[str]
    jump_factor: float


@functools.cache
def entry_rules() -> EntryRules:
    """The rules of ``tracking/data/entry_checks.yaml`` (read once)."""
    text = resources.files("carbonpeak.tracking").joinpath("data/entry_checks.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return EntryRules(
        version=int(raw["version"]),
        source=str(raw["source"]),
        no_negative=frozenset(raw["no_negative"]),
        share_max=float(raw["share_max"]),
        share_units=frozenset(raw["share_units"]),
        jump_factor=float(raw["jump_factor"]),
    )


@dataclass(frozen=True)
class Parsed:
    """A number read from what was typed; ``note`` says how it was read when that was not plain."""

    value: float
    note: str | None = None
    note_en: str | None = None


def parse_number(text: str, field: str = "value") -> Parsed | Problem:
    """What a person typed as a number: full-width digits, spaces or commas between groups of three
    (``1 234``, ``1,234``) and a decimal comma (``12,5``) are understood; anything else is a problem
    that names the field and says what is expected. A blank is a problem too (a value is required)."""
    raw = text
    text = unicodedata.normalize("NFKC", text).strip().rstrip("%").strip()
    if not text:
        return Problem("请填写数值", message_en="enter a value", file=FORM, field=field)
    grouped = _SPACES.sub("", text) if _SPACED.match(text) else text
    note = note_en = None
    if grouped != text:
        note, note_en = f"“{raw.strip()}”已按千位分隔读作 {grouped}", f"'{raw.strip()}' read as {grouped}"
    if _THOUSANDS.match(grouped):
        grouped = grouped.replace(",", "")
    elif _DECIMAL_COMMA.match(grouped):
        grouped = grouped.replace(",", ".")
        note = f"“{raw.strip()}”中的逗号已按小数点读作 {grouped}"
        note_en = f"the comma in '{raw.strip()}' was read as a decimal point: {grouped}"
    try:
        value = float(grouped)
    except ValueError:
        return Problem(
            f"“{raw.strip()}”不是数字：请填写数字，如 12.5 或 1234（千位可用空格或逗号分隔）",
            message_en=f"'{raw.strip()}' is not a number: write e.g. 12.5 or 1234 (groups of three may be "
            "separated by spaces or commas)",
            file=FORM,
            field=field,
        )
    if value != value or value in (float("inf"), float("-inf")):
        return Problem("请填写有限的数字", message_en="enter a finite number", file=FORM, field=field)
    return Parsed(value, note, note_en)


def in_unit(value: float, typed_unit: str, indicator: Indicator) -> float | Problem:
    """``value`` typed in ``typed_unit`` expressed in the indicator's unit (the same when either is
    blank or they are equal); a unit that does not convert is a problem on field ``unit``."""
    typed, target = typed_unit.strip(), (indicator.unit or "").strip()
    if not typed or not target or typed == target:
        return value
    try:
        return float(convert(value, typed, target))
    except UnitError:
        return Problem(
            f"单位“{typed}”不能换算为本指标的单位“{target}”",
            message_en=f"unit '{typed}' does not convert to the indicator's unit '{target}'",
            file=FORM,
            field="unit",
        )


def value_problems(value: float, indicator: Indicator) -> list[Problem]:
    """What a value in the indicator's unit may not be: negative where its kind forbids, a share above
    the rules' maximum."""
    rules = entry_rules()
    out = []
    if value < 0 and indicator.kind in rules.no_negative:
        out.append(
            Problem(
                "本指标的数值不能为负数",
                message_en="this indicator's value cannot be negative",
                file=FORM,
                field="value",
            )
        )
    if indicator.kind == "share" and (indicator.unit or "") in rules.share_units and value > rules.share_max:
        limit = f"{rules.share_max:g}"
        out.append(
            Problem(
                f"占比不能超过 {limit}%",
                message_en=f"a share cannot exceed {limit} %",
                file=FORM,
                field="value",
            )
        )
    return out


def jump(value: float, previous: float | None) -> float | None:
    """The factor by which ``value`` differs from the year before when it is at least the rules'
    ``jump_factor`` (either way), else None. No previous value, or zero on either side, is no jump."""
    if previous is None or previous == 0 or value == 0 or (value < 0) != (previous < 0):
        return None
    ratio = abs(value / previous)
    factor = ratio if ratio >= 1 else 1 / ratio
    return factor if factor >= entry_rules().jump_factor else None


def jump_problem(value: float, previous: float, factor: float, unit: str | None) -> Problem:
    """The question asked before a value ``factor`` times off the year before is saved."""
    shown_unit = f" {unit}" if unit else ""
    shown = display.number(previous)
    return Problem(
        f"与上年数值 {shown}{shown_unit} 相差约 {factor:.0f} 倍，请核对；"
        "确认无误请勾选“确认数值无误”后再保存",
        message_en=f"about {factor:.0f} times off last year's {shown}{shown_unit}: check it, and tick "
        "'the value is right' to save it",
        file=FORM,
        field="value",
    )


def narrative_problem(narrative: str) -> Problem | None:
    """A progress report needs its narrative (进展情况)."""
    if narrative.strip():
        return None
    return Problem("请填写进展情况", message_en="write the progress narrative", file=FORM, field="narrative")
