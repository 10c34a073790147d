"""Domain errors of the ledgers; the CLI maps them to exit codes, the web to 403/404/422."""

from __future__ import annotations

from dataclasses import dataclass


class LedgerError(ValueError):
    """Something asked of the ledgers that the rules do not allow."""


@dataclass(frozen=True)
class Problem:
    """One problem of an input, located: ``where`` is a field path (``lines[2].unit``) or
    ``file:row:column`` for an imported file."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"loc": self.where, "msg": self.message}


class LedgerProblems(LedgerError):
    """Every problem of an input at once; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s):\n" + "\n".join(f"  {p}" for p in problems))


class NotAllowedError(PermissionError):
    """The actor may not see or change this enterprise's data (an enterprise asking for another's)."""
