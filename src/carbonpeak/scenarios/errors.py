"""Domain errors of the scenarios package: each problem names the file, row or line, and the field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataProblem:
    file: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ScenarioDataError(ValueError):
    """Input data (a CSV, a scenario or base-year file) that cannot be used; lists every problem."""

    def __init__(self, problems: list[DataProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class MissingIndicatorError(LookupError):
    """A scenario reads a lever from a plan indicator that the plan does not have."""


class ScenarioNotFoundError(LookupError):
    """Neither a bundled scenario name nor a scenario file."""
