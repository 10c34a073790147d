"""Domain errors of the scenarios package: each problem names the file, row or line, and the field."""

from __future__ import annotations

from carbonpeak.errors import InvalidInputError, NotFoundError, Problem


class ScenarioDataError(InvalidInputError):
    """Input data (a CSV, a scenario or base-year file) that cannot be used; lists every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            problems,
            summary=f"情景数据有 {len(problems)} 处问题：",
            summary_en=f"the scenario data have {len(problems)} problem(s):",
        )


class MissingIndicatorError(NotFoundError):
    """A scenario reads a lever from a plan indicator that the plan does not have."""


class ScenarioNotFoundError(NotFoundError):
    """Neither a bundled scenario name nor a scenario file."""


__all__ = ["MissingIndicatorError", "Problem", "ScenarioDataError", "ScenarioNotFoundError"]
