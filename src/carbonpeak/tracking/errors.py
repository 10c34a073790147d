"""Domain errors of tracking; the adapters map them by kind (carbonpeak.errors)."""

from __future__ import annotations

from typing import ClassVar

from carbonpeak.errors import CarbonpeakError, InvalidInputError, Kind, Problem
from carbonpeak.errors import ConflictError as _Conflict
from carbonpeak.errors import NotAllowedError as _NotAllowed


class TrackingError(InvalidInputError):
    """Something asked of tracking that the rules do not allow."""


class NotAllowedError(TrackingError, _NotAllowed):
    """The actor may not do this (e.g. a department editing another unit's indicator)."""

    kind: ClassVar[Kind] = "not_allowed"


class WorkflowError(TrackingError, _Conflict):
    """The record is not in a state where this step is possible (e.g. approving a draft)."""

    kind: ClassVar[Kind] = "conflict"


class ConflictError(TrackingError, _Conflict):
    """Optimistic locking: the record changed since the editor read it; nothing was overwritten."""

    kind: ClassVar[Kind] = "conflict"


class VersionRequiredError(ConflictError):
    """An edit of a record that exists, made without the version it was made on: refused like a
    stale version (``record`` is "kind #id", ``version`` the stored one, for the caller's hint)."""

    def __init__(self, message: str, *, record: str, version: int, message_en: str | None = None) -> None:
        super().__init__(message, message_en=message_en)
        self.record, self.version = record, version


class EvidenceError(TrackingError):
    """An evidence file was refused: too large, a type not allowed, or empty."""


class EntryRefused(TrackingError):
    """A value the checks at entry keep out (``carbonpeak.tracking.entry``): refused by a rule, or
    asked about by a rule whose action is ``confirm`` and not confirmed (then ``asks``)."""

    @property
    def asks(self) -> bool:
        return bool(self.problems) and all(getattr(p, "action", "") == "confirm" for p in self.problems)


class ImportProblems(TrackingError):
    """An import refused as a whole, with every problem found (nothing was written)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            problems,
            summary=f"共 {len(problems)} 处问题，未导入任何数据：",
            summary_en=f"{len(problems)} problem(s), nothing imported:",
        )


__all__ = [
    "CarbonpeakError",
    "ConflictError",
    "EntryRefused",
    "EvidenceError",
    "ImportProblems",
    "NotAllowedError",
    "Problem",
    "TrackingError",
    "WorkflowError",
]
