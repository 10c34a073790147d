"""Domain errors of the accounting package (the adapters map them by kind)."""

from __future__ import annotations

from carbonpeak.errors import InvalidInputError, NotFoundError, Problem


class AccountingError(InvalidInputError):
    """Input that the accounting method cannot use (a bad option, a missing factor)."""


class FactorSetNotFoundError(NotFoundError):
    """No factor set of that name."""


class ImportProblems(AccountingError):
    """Every problem found in an input file; nothing was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            problems,
            summary=f"共 {len(problems)} 处问题，未导入任何数据：",
            summary_en=f"{len(problems)} problem(s), nothing imported:",
        )


__all__ = ["AccountingError", "FactorSetNotFoundError", "ImportProblems", "Problem"]
