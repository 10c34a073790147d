"""The one error type of carbonpeak and its one problem type.

Every domain package raises a subclass of ``CarbonpeakError``; each error carries the ``Problem``\\ s
it found (all of them, not only the first), each located by file, sheet, row, column and field as far
as the input has them. The adapters map the error's ``kind`` once: the web to an HTTP status and a
problem document (``carbonpeak.web.core.errors``), the CLI to an exit code and a message on stderr
(``carbonpeak.cli.common``). Nothing else becomes a 404 or a clean exit: a ``KeyError`` of a bug
stays a bug (500, traceback).

Messages are written for the person at the desk: ``message`` in the product's first language
(zh-CN), ``message_en`` in English where the code gives one (otherwise ``message`` serves both).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

Kind = Literal["invalid", "not_found", "not_allowed", "conflict", "unavailable"]
Lang = Literal["zh-CN", "en"]

_FORMS: dict[Lang, dict[str, str]] = {
    "zh-CN": {
        "sheet": "工作表“{}”",
        "row": "第{}行",
        "column": "{}列",
        "field": "字段 {}",
        "sep": "，",
        "colon": "：",
    },
    "en": {
        "sheet": "sheet '{}'",
        "row": "row {}",
        "column": "column {}",
        "field": "field {}",
        "sep": ", ",
        "colon": ": ",
    },
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as far as the input allows.

    ``file`` is the file name (or ``<form>``, ``<api>``), ``sheet`` a workbook sheet, ``row`` the
    1-based row or line as the user sees it in their editor, ``column`` the column header or letter,
    ``field`` a dotted field path (``indicators[3].value``, ``lines[2].unit``)."""

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    message_en: str | None = None

    def text(self, lang: Lang = "zh-CN") -> str:
        """The message alone, in ``lang``."""
        return self.message_en if lang == "en" and self.message_en else self.message

    def location(self, lang: Lang = "zh-CN") -> str:
        """Where, in the words of ``lang``: ``file, sheet 'S', row 3, column B, field f`` in English,
        ``file，工作表“S”，第3行，B列，字段 f`` in Chinese (the parts the problem has)."""
        forms = _FORMS[lang]
        parts = [self.file] if self.file else []
        for part in ("sheet", "row", "column", "field"):
            value = getattr(self, part)
            if value is not None and value != "":
                parts.append(forms[part].format(value))
        return forms["sep"].join(parts)

    def describe(self, lang: Lang = "zh-CN") -> str:
        where = self.location(lang)
        return f"{where}{_FORMS[lang]['colon']}{self.text(lang)}" if where else self.text(lang)

    def __str__(self) -> str:
        return self.describe("en")

    def as_dict(self, lang: Lang = "zh-CN") -> dict[str, object]:
        """The problem document's item (web and CLI JSON): the location parts and the message."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.text(lang),
        }


class CarbonpeakError(Exception):
    """Base of every error the product raises for its users. ``kind`` decides the HTTP status and
    the exit code; ``problems`` says what is wrong and where (at least one)."""

    kind: ClassVar[Kind] = "invalid"
    max_shown: ClassVar[int] = 100

    def __init__(
        self,
        problems: str | Problem | Iterable[Problem],
        *,
        summary: str | None = None,
        summary_en: str | None = None,
        message_en: str | None = None,
    ) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, message_en=message_en)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        self.summary = summary
        self.summary_en = summary_en or summary
        super().__init__(self.describe("en"))

    def describe(self, lang: Lang = "zh-CN") -> str:
        """The whole error as text: the summary (if any), then each problem on its own line."""
        lines = [p.describe(lang) for p in self.problems[: self.max_shown]]
        more = len(self.problems) - self.max_shown
        if more > 0:
            lines.append(f"… 另有 {more} 处" if lang == "zh-CN" else f"… and {more} more")
        summary = self.summary_en if lang == "en" else self.summary
        if summary is None:
            return "\n".join(lines)
        return "\n".join([summary, *(f"  - {line}" for line in lines)])

    def as_dicts(self, lang: Lang = "zh-CN") -> list[dict[str, object]]:
        return [p.as_dict(lang) for p in self.problems]


class InvalidInputError(CarbonpeakError, ValueError):
    """Input that cannot be used as it is: a file, a form, an option (HTTP 422, exit code 2)."""

    kind: ClassVar[Kind] = "invalid"


class NotFoundError(CarbonpeakError, LookupError):
    """The thing asked for does not exist: a plan, an indicator id, a record (HTTP 404, exit 2)."""

    kind: ClassVar[Kind] = "not_found"


class NotAllowedError(CarbonpeakError, PermissionError):
    """The actor may not do this (HTTP 403, exit code 3)."""

    kind: ClassVar[Kind] = "not_allowed"


class ConflictError(CarbonpeakError):
    """The state does not allow it now: a stale version, a record in the wrong workflow state
    (HTTP 409, exit code 4)."""

    kind: ClassVar[Kind] = "conflict"


class UnavailableError(CarbonpeakError):
    """The service cannot do it right now (the database is locked, overloaded): try again later
    (HTTP 503, exit code 5)."""

    kind: ClassVar[Kind] = "unavailable"


HTTP_STATUS: dict[Kind, int] = {
    "invalid": 422,
    "not_found": 404,
    "not_allowed": 403,
    "conflict": 409,
    "unavailable": 503,
}
EXIT_CODE: dict[Kind, int] = {"invalid": 2, "not_found": 2, "not_allowed": 3, "conflict": 4, "unavailable": 5}


# Control characters XML 1.0 forbids: a text holding one cannot be written into an XLSX file, so no
# input may bring one in (tab, line feed and carriage return are allowed).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def control_character_problems(fields: dict[str, str | None], file: str = "<form>") -> list[Problem]:
    """A problem for each field whose text holds a control character (named by its position)."""
    out = []
    for name, value in fields.items():
        found = CONTROL_CHARACTERS.search(value or "")
        if found:
            at, code = found.start() + 1, f"U+{ord(found.group()):04X}"
            out.append(
                Problem(
                    f"第 {at} 个字符是不可见的控制字符 ({code})，请删除后再保存",
                    message_en=f"character {at} is an invisible control character ({code}); remove it",
                    file=file,
                    field=name,
                )
            )
    return out


def problems_of(errors: Sequence[CarbonpeakError]) -> list[Problem]:
    """Every problem of several errors, in order."""
    return [p for e in errors for p in e.problems]


__all__ = [
    "EXIT_CODE",
    "HTTP_STATUS",
    "CarbonpeakError",
    "ConflictError",
    "InvalidInputError",
    "Kind",
    "Lang",
    "NotAllowedError",
    "NotFoundError",
    "Problem",
    "UnavailableError",
    "control_character_problems",
    "problems_of",
]
