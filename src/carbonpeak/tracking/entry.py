"""Checks at entry of a reported value: the number as people type it, and the plausibility rules of
``data/entry_checks.yaml`` (negatives, shares above 100 %, a value ten times off the year before, a
unit that does not convert). Pure domain: every problem is a located ``Problem`` (field ``value``,
``unit``) in Chinese with its English, and nothing here knows of forms or HTTP."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, Literal

import yaml

from carbonpeak.errors import InvalidInputError, Lang, Problem
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


Action = Literal["refuse", "confirm", "flag"]
ACTIONS: tuple[Action, ...] = ("refuse", "confirm", "flag")
RULES = ("negative", "share_max", "jump")
RULES_FILE = "tracking/data/entry_checks.yaml"
# what each rule is called where a user reads it (the review queue, an API answer)
RULE_WORDS: dict[str, tuple[str, str]] = {
    "negative": ("不能为负数", "no negative value"),
    "share_max": ("占比上限", "share at most its maximum"),
    "jump": ("与上年相差过大", "far off the year before"),
}


@dataclass(frozen=True)
class EntryRules:
    """The rules of ``entry_checks.yaml``: the limits and, for each rule, its action."""

    version: int
    source: str
    no_negative: frozenset[str]
    share_max: float
    share_units: frozenset[str]
    jump_factor: float
    actions: dict[str, Action]


def rules_of(raw: dict[str, Any]) -> EntryRules:
    """Entry rules from the parsed YAML of ``entry_checks.yaml`` (an unknown rule or action is refused)."""
    rules = raw["rules"]
    unknown = sorted(set(rules) - set(RULES))
    if unknown:
        raise InvalidInputError(
            Problem(
                f"未知的规则 {', '.join(unknown)}；应为 {'、'.join(RULES)}", file=RULES_FILE, field="rules"
            )
        )
    actions: dict[str, Action] = {}
    for name in RULES:
        action = rules[name]["action"]
        if action not in ACTIONS:
            raise InvalidInputError(
                Problem(
                    f"规则 {name} 的 action 为 {action!r}，应为 {' | '.join(ACTIONS)}",
                    message_en=f"rule {name}: action {action!r}, expected one of {' | '.join(ACTIONS)}",
                    file=RULES_FILE,
                    field=f"rules.{name}.action",
                )
            )
        actions[name] = action
    return EntryRules(
        version=int(raw["version"]),
        source=str(raw["source"]),
        no_negative=frozenset(rules["negative"]["kinds"]),
        share_max=float(rules["share_max"]["max"]),
        share_units=frozenset(rules["share_max"]["units"]),
        jump_factor=float(rules["jump"]["factor"]),
        actions=actions,
    )


@functools.cache
def entry_rules() -> EntryRules:
    """The rules of ``tracking/data/entry_checks.yaml`` (read once)."""
    text = resources.files("carbonpeak.tracking").joinpath("data/entry_checks.yaml").read_text("utf-8")
    return rules_of(yaml.safe_load(text))


@dataclass(frozen=True)
class EntryProblem(Problem):
    """A value a rule of ``entry_checks.yaml`` does not accept as it is: the rule, its action
    (``refuse``, or ``confirm`` when confirming lets it through) and what was expected."""

    rule: str = ""
    action: Action = "refuse"
    expected: str = ""
    expected_en: str = ""

    def as_dict(self, lang: Lang = "zh-CN") -> dict[str, object]:
        out = super().as_dict(lang)
        zh, en = RULE_WORDS.get(self.rule, (self.rule, self.rule))
        out.update(
            rule=self.rule,
            rule_name=en if lang == "en" else zh,
            action=self.action,
            expected=self.expected_en if lang == "en" and self.expected_en else self.expected,
            confirmable=self.action == "confirm",
        )
        return out


@dataclass(frozen=True)
class Flag:
    """What the reviewer is shown about a stored value: the rule, its action (``confirm``: the unit
    confirmed it; ``flag``: stored without a question) and the reason in words."""

    rule: str
    action: Action
    message: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "action": self.action,
            "message": self.message,
            "message_en": self.message_en,
        }

    def text(self, lang: Lang = "zh-CN") -> str:
        return self.message_en if lang == "en" else self.message


@dataclass(frozen=True)
class EntryCheck:
    """The verdict on a value: ``problems`` keep it from being stored (a refusal, or a question
    not yet confirmed: then ``asks``), ``flags`` are stored with it for the reviewer."""

    problems: tuple[EntryProblem, ...] = ()
    flags: tuple[Flag, ...] = ()

    @property
    def asks(self) -> bool:
        """Only questions stand in the way: confirming them lets the value through."""
        return bool(self.problems) and all(p.action == "confirm" for p in self.problems)


def flags_of(stored: object) -> list[Flag]:
    """The flags stored with a value (the column ``entry_flags``), tolerant of an empty column."""
    if not isinstance(stored, list):
        return []
    return [
        Flag(
            str(f.get("rule", "")),
            f.get("action", "flag"),
            str(f.get("message", "")),
            str(f.get("message_en", "")),
        )
        for f in stored
        if isinstance(f, dict)
    ]


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


Channel = Literal["form", "api", "sheet"]
# how a user confirms a value a rule asks about, by the way it was entered
_HOW_TO_CONFIRM: dict[Channel, tuple[str, str]] = {
    "form": ("勾选“确认数值无误”后再保存", "tick 'the value is right' to save it"),
    "api": ('在请求中加上 "confirm": true 后再提交', 'send it again with "confirm": true'),
    "sheet": ("在“确认数值无误”列填“是”后再导入", "write 是 in the column 确认数值无误 and import again"),
}


def _finding(
    rule: str, message: str, message_en: str, expected: str, expected_en: str, rules: EntryRules | None = None
) -> EntryProblem:
    action = (rules or entry_rules()).actions[rule]
    return EntryProblem(
        message,
        message_en=message_en,
        file=FORM,
        field="value",
        rule=rule,
        action=action,
        expected=expected,
        expected_en=expected_en,
    )


def value_problems(value: float, indicator: Indicator, rules: EntryRules | None = None) -> list[EntryProblem]:
    """What the rules find about a value in the indicator's unit on its own: negative where its kind
    forbids, a share above the rules' maximum (each with the rule's action)."""
    rules = rules or entry_rules()
    out = []
    if value < 0 and indicator.kind in rules.no_negative:
        out.append(
            _finding(
                "negative",
                "本指标的数值不能为负数",
                "this indicator's value cannot be negative",
                "不小于 0 的数",
                "a number of at least 0",
                rules,
            )
        )
    if indicator.kind == "share" and (indicator.unit or "") in rules.share_units and value > rules.share_max:
        limit = f"{rules.share_max:g}"
        out.append(
            _finding(
                "share_max",
                f"占比不能超过 {limit}%",
                f"a share cannot exceed {limit} %",
                f"0 至 {limit} 之间的百分数",
                f"a percentage from 0 to {limit}",
                rules,
            )
        )
    return out


def jump(value: float, previous: float | None, rules: EntryRules | None = None) -> float | None:
    """The factor by which ``value`` differs from the year before when it is at least the rules'
    ``jump_factor`` (either way), else None. No previous value, or zero on either side, is no jump."""
    if previous is None or previous == 0 or value == 0 or (value < 0) != (previous < 0):
        return None
    ratio = abs(value / previous)
    factor = ratio if ratio >= 1 else 1 / ratio
    return factor if factor >= (rules or entry_rules()).jump_factor else None


def jump_problem(
    value: float,
    previous: float,
    factor: float,
    unit: str | None,
    channel: Channel = "form",
    rules: EntryRules | None = None,
) -> EntryProblem:
    """What the jump rule says of a value ``factor`` times off the year before (asked before it is
    saved when the rule's action is ``confirm``)."""
    shown_unit = f" {unit}" if unit else ""
    shown = display.number(previous)
    rules = rules or entry_rules()
    limit = f"{rules.jump_factor:g}"
    found = _finding(
        "jump",
        f"与上年数值 {shown}{shown_unit} 相差约 {factor:.0f} 倍，请核对",
        f"about {factor:.0f} times off last year's {shown}{shown_unit}: check it",
        f"与上年相差不到 {limit} 倍，或确认数值无误",
        f"less than {limit} times off the year before, or a confirmation that the value is right",
        rules,
    )
    if found.action != "confirm":
        return found
    how, how_en = _HOW_TO_CONFIRM[channel]
    return replace(
        found,
        message=f"{found.message}；确认无误请{how}",
        message_en=f"{found.message_en}, and {how_en}",
    )


def ruled(found: EntryProblem) -> EntryProblem:
    """The problem with its rule and what was expected written out (an import's list of problems,
    where no field sits next to the message)."""
    zh, en = RULE_WORDS.get(found.rule, (found.rule, found.rule))
    return replace(
        found,
        message=f"{found.message}（规则“{zh}”，应为{found.expected}）",
        message_en=f"{found.message_en} (rule '{en}': expected {found.expected_en})",
    )


def _reason(found: EntryProblem, confirmed: bool) -> Flag:
    """The reason the reviewer reads for a stored value a rule found something about."""
    base, base_en = found.message.split("，请核对")[0], (found.message_en or "").split(": check it")[0]
    if found.action == "confirm" and confirmed:
        return Flag(found.rule, "confirm", f"{base}（填报单位已确认）", f"{base_en} (confirmed by the unit)")
    return Flag(found.rule, "flag", f"{base}（请审核）", f"{base_en} (for the reviewer)")


def check_value(
    value: float,
    indicator: Indicator,
    previous: float | None,
    *,
    confirmed: bool = False,
    channel: Channel = "form",
    rules: EntryRules | None = None,
) -> EntryCheck:
    """The one decision on a value (in the indicator's unit) entered by form, API or template:
    each rule of ``entry_checks.yaml`` that finds something acts as it declares — ``refuse`` keeps
    the value out, ``confirm`` keeps it out until ``confirmed`` and then flags it, ``flag`` flags it.
    ``previous`` is the same unit's value of the year before (None: none)."""
    found = value_problems(value, indicator, rules)
    factor = jump(value, previous, rules)
    if factor is not None and previous is not None:
        found.append(jump_problem(value, previous, factor, indicator.unit, channel, rules))
    problems = [f for f in found if f.action == "refuse" or (f.action == "confirm" and not confirmed)]
    if any(p.action == "refuse" for p in problems):
        # a refusal stands: the questions are asked once the value is one that could be stored
        problems = [p for p in problems if p.action == "refuse"]
    flags = [] if problems else [_reason(f, confirmed) for f in found if f.action != "refuse"]
    return EntryCheck(tuple(problems), tuple(flags))


def narrative_problem(narrative: str) -> Problem | None:
    """A progress report needs its narrative (进展情况)."""
    if narrative.strip():
        return None
    return Problem("请填写进展情况", message_en="write the progress narrative", file=FORM, field="narrative")
