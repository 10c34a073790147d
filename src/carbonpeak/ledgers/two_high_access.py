"""Who may see and change which 两高 project and run an energy review.

- ``office`` (双碳办): every project, imports the ledger, reviews;
- ``department``: the stages its part of 三.(一).4 covers (``data/two_high_ledger.yaml``
  ``departments``), reads and edits those; runs energy reviews (三.(一).4 names all four units for
  加强固定资产投资项目节能审查), which every responsible unit then reads;
- ``viewer``: reads every project; ``enterprise``: nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.ledgers.projects import TwoHighProject, department_may_see, vocabulary

Role = Literal["office", "department", "enterprise", "viewer"]


@dataclass(frozen=True)
class TwoHighActor:
    name: str
    role: Role
    department: str | None = None


def may_read(actor: TwoHighActor, project: TwoHighProject) -> bool:
    if actor.role in ("office", "viewer"):
        return True
    return (
        actor.role == "department"
        and actor.department is not None
        and department_may_see(actor.department, project)
    )


def check_may_write(actor: TwoHighActor, project: TwoHighProject) -> None:
    if actor.role == "office":
        return
    if actor.role == "department" and actor.department and department_may_see(actor.department, project):
        return
    raise NotAllowedError(f"{actor.role} {actor.name} may not change the two-high project {project.name}")


def check_may_import(actor: TwoHighActor) -> None:
    if actor.role != "office":
        raise NotAllowedError(f"only the office imports the two-high ledger, not {actor.role} {actor.name}")


def check_may_review(actor: TwoHighActor) -> None:
    if actor.role == "office":
        return
    if actor.role == "department" and (actor.department or "") in vocabulary()["departments"]:
        return
    raise NotAllowedError(f"{actor.role} {actor.name} does not carry out energy reviews")
