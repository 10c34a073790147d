"""Domain errors of the plan package: each problem names the file, line and field."""

from __future__ import annotations

from carbonpeak.errors import InvalidInputError, NotFoundError, Problem


class PlanError(InvalidInputError):
    """A plan file that cannot be used; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            problems,
            summary=f"方案文件有 {len(problems)} 处问题：",
            summary_en=f"the plan has {len(problems)} problem(s):",
        )


class PlanNotFoundError(NotFoundError):
    """Neither a bundled plan id nor an existing file."""


__all__ = ["PlanError", "PlanNotFoundError", "Problem"]
