"""Townships, streets and parks (pure domain): decomposing district targets into member targets
(协同分解), each member against its own share, and carbon dual control (强度为主、总量为辅).
Who the members are is plan data (``carbonpeak.plan.members``). No SQL, no web."""

from carbonpeak.townships.decompose import (
    METHODS,
    MemberRow,
    MemberTarget,
    Quantity,
    adds_up,
    decompose,
    quantity,
    rollup,
    rules,
)
from carbonpeak.townships.status import DualControl, dual_control, dual_status, required, share_status

__all__ = [
    "METHODS",
    "DualControl",
    "MemberRow",
    "MemberTarget",
    "Quantity",
    "adds_up",
    "decompose",
    "dual_control",
    "dual_status",
    "quantity",
    "required",
    "rollup",
    "rules",
    "share_status",
]
