"""Who may see and change which enterprise's data (decision 0500).

- ``enterprise``: reads and writes its own enterprise only;
- ``office``: reads every enterprise, imports the registry; does not write an enterprise's reports;
- ``viewer``: reads every enterprise;
- ``department``: nothing (the 责任单位 work on tasks and indicators, not on enterprise data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from carbonpeak.errors import InvalidInputError
from carbonpeak.ledgers.errors import NotAllowedError

LedgerRole = Literal["office", "department", "enterprise", "viewer"]


@dataclass(frozen=True)
class LedgerActor:
    name: str
    role: LedgerRole
    enterprise_id: str | None = None

    def __post_init__(self) -> None:
        if self.role == "enterprise" and not self.enterprise_id:
            raise InvalidInputError("an enterprise actor needs the enterprise id it acts for")


def reads_all(actor: LedgerActor) -> bool:
    return actor.role in ("office", "viewer")


def check_may_read(actor: LedgerActor, enterprise_id: str) -> None:
    if reads_all(actor) or (actor.role == "enterprise" and actor.enterprise_id == enterprise_id):
        return
    raise NotAllowedError(f"{actor.role} {actor.name} may not read the data of enterprise {enterprise_id}")


def check_may_write(actor: LedgerActor, enterprise_id: str) -> None:
    if actor.role == "enterprise" and actor.enterprise_id == enterprise_id:
        return
    raise NotAllowedError(f"{actor.role} {actor.name} may not report for enterprise {enterprise_id}")


def check_may_import(actor: LedgerActor) -> None:
    if actor.role != "office":
        raise NotAllowedError(f"only the office imports the enterprise registry, not {actor.role}")


# The energy-project and charging ledgers (issue 19): the office keeps them; departments, leaders and
# viewers read them (the 责任单位 of 三.(三) and 三.(六).4 follow the pipeline); enterprises do not.
def check_may_read_energy(actor: LedgerActor) -> None:
    if actor.role == "enterprise":
        raise NotAllowedError(f"enterprise {actor.name} may not read the energy and charging ledgers")


def check_may_edit_energy(actor: LedgerActor) -> None:
    if actor.role != "office":
        raise NotAllowedError(f"only the office edits the energy and charging ledgers, not {actor.role}")
