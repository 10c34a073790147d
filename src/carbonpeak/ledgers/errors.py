"""Domain errors of the ledgers; the adapters map them by kind (carbonpeak.errors)."""

from __future__ import annotations

from carbonpeak.errors import InvalidInputError, Problem
from carbonpeak.errors import NotAllowedError as _NotAllowed


class LedgerError(InvalidInputError):
    """Something asked of the ledgers that the rules do not allow."""


class LedgerProblems(LedgerError):
    """Every problem of an input at once; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            problems,
            summary=f"共 {len(problems)} 处问题，未保存任何数据：",
            summary_en=f"{len(problems)} problem(s), nothing stored:",
        )


class NotAllowedError(_NotAllowed):
    """The actor may not see or change this enterprise's data (an enterprise asking for another's)."""


__all__ = ["LedgerError", "LedgerProblems", "NotAllowedError", "Problem"]
