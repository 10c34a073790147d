"""Tracking (pure domain): actual values against targets and the path to them, task progress and
milestones, alerts, and the annual assessment (考核) of each responsible unit. No SQL, no web."""

from carbonpeak.tracking.errors import (
    ConflictError,
    EvidenceError,
    ImportProblems,
    NotAllowedError,
    Problem,
    TrackingError,
    WorkflowError,
)
from carbonpeak.tracking.model import Actor, ComputedValue, Observation, TaskReport, TrackingData

__all__ = [
    "Actor",
    "ComputedValue",
    "ConflictError",
    "EvidenceError",
    "ImportProblems",
    "NotAllowedError",
    "Observation",
    "Problem",
    "TaskReport",
    "TrackingData",
    "TrackingError",
    "WorkflowError",
]
