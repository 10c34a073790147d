"""Codes and their labels: indicator statuses, grades, task statuses and record states.

Ids are English codes (``met``, ``excellent`` …); the Chinese and English words come from one table,
``data/codes.yaml``, and nowhere else. Pure domain: no web, no SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from carbonpeak.errors import InvalidInputError

CODES_FILE = Path(__file__).parent / "data" / "codes.yaml"
Kind = Literal["indicator_status", "grade", "task_status", "record_state", "dual_control"]
_CODE = r"^[a-z][a-z0-9_]*$"


class _Label(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    source: str
    indicator_status: dict[str, _Label]
    grade: dict[str, _Label]
    task_status: dict[str, _Label]
    record_state: dict[str, _Label]
    dual_control: dict[str, _Label]


@dataclass(frozen=True)
class Code:
    """One code of a kind with its words in Chinese and English."""

    kind: str
    code: str
    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@cache
def _table() -> dict[str, dict[str, Code]]:
    table = _Table.model_validate(yaml.safe_load(CODES_FILE.read_text(encoding="utf-8")))
    out: dict[str, dict[str, Code]] = {}
    for kind in ("indicator_status", "grade", "task_status", "record_state", "dual_control"):
        rows: dict[str, _Label] = getattr(table, kind)
        for code in rows:
            if not re.match(_CODE, code):
                raise InvalidInputError(f"{CODES_FILE}: {kind}.{code}: a code is lower-case ASCII")
        out[kind] = {c: Code(kind, c, lab.zh, lab.en) for c, lab in rows.items()}
    return out


def codes(kind: Kind) -> dict[str, Code]:
    """Every code of ``kind`` in display order."""
    return _table()[kind]


def code_of(kind: Kind, code: str) -> Code:
    """The code ``code`` of ``kind``, or InvalidInputError naming the known codes."""
    found = codes(kind).get(code)
    if found is None:
        raise InvalidInputError(f"{kind} {code!r}: expected one of {', '.join(codes(kind))}")
    return found


def label(kind: Kind, code: str, lang: str = "zh") -> str:
    """The words for ``code`` in ``lang`` (zh or en)."""
    return code_of(kind, code).label(lang)


def labels(kind: Kind, lang: str = "zh") -> dict[str, str]:
    """Code → words in ``lang``, in display order."""
    return {c: row.label(lang) for c, row in codes(kind).items()}


def code_by_label(kind: Kind, text: str) -> str | None:
    """The code whose Chinese or English words are ``text`` (input written in words), else None."""
    for c, row in codes(kind).items():
        if text in (row.zh, row.en, c):
            return c
    return None
