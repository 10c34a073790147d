"""Domain errors of tracking; the CLI maps them to exit codes (they subclass ValueError/LookupError)."""

from __future__ import annotations

from dataclasses import dataclass


class TrackingError(ValueError):
    """Something asked of tracking that the rules do not allow."""


class NotAllowedError(TrackingError):
    """The actor may not do this (e.g. a department editing another unit's indicator)."""


class WorkflowError(TrackingError):
    """The record is not in a state where this step is possible (e.g. approving a draft)."""


class ConflictError(TrackingError):
    """Optimistic locking: the record changed since the editor read it; nothing was overwritten."""


class EvidenceError(TrackingError):
    """An evidence file was refused: too large, a type not allowed, or empty."""


@dataclass(frozen=True)
class SheetProblem:
    """One problem in an imported sheet, located by file, sheet, row and column."""

    file: str
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: sheet {self.sheet!r}, row {self.row}, column {self.column!r}: {self.message}"


class ImportProblems(TrackingError):
    """An import refused as a whole, with every problem found (nothing was written)."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s), nothing imported:\n" + "\n".join(map(str, problems)))
