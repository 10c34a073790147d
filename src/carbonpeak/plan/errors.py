"""Domain errors of the plan package: each problem names the file, line and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanProblem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class PlanError(ValueError):
    """A plan file that cannot be used; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: list[PlanProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PlanNotFoundError(LookupError):
    """Neither a bundled plan id nor an existing file."""
