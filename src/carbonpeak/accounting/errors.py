"""Domain errors of the accounting package (the CLI maps them to exit codes)."""

from __future__ import annotations

from dataclasses import dataclass


class AccountingError(ValueError):
    """Input that the accounting method cannot use (a bad option, a missing factor)."""


class FactorSetNotFoundError(LookupError):
    """No factor set of that name."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file: where, and what was expected."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


class ImportProblems(AccountingError):
    """Every problem found in an input file; nothing was imported."""

    max_shown = 100

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[: self.max_shown])
        more = len(problems) - self.max_shown
        if more > 0:
            shown += f"\n  … and {more} more (use --format json to see all)"
        super().__init__(f"{len(problems)} problem(s), nothing imported:\n{shown}")
