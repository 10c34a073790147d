"""Scenarios: a vectorized LEAP-style projection model, peak detection, Monte Carlo, Shapley
attribution, goal seeking, LMDI decomposition and IAMC export. Pure domain code: no web, SQL or CLI."""

from carbonpeak.scenarios.errors import (
    MissingIndicatorError,
    Problem,
    ScenarioDataError,
    ScenarioNotFoundError,
)
from carbonpeak.scenarios.lmdi import Decomposition, decompose_arrays, decompose_csv, decompose_frame, logmean

__all__ = [
    "Decomposition",
    "MissingIndicatorError",
    "Problem",
    "ScenarioDataError",
    "ScenarioNotFoundError",
    "decompose_arrays",
    "decompose_csv",
    "decompose_frame",
    "logmean",
]
