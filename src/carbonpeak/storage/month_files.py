"""Storing many monthly reports at once (a file import): one transaction for the whole file, each
report written as a single submission is (lines replaced, version bumped, review state moved,
history kept, audited) — a problem in any report leaves nothing stored."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers import EnergyReport
from carbonpeak.storage.ledgers import EnterpriseRow, _write


def save_reports(
    engine: Engine, reports: Sequence[EnergyReport], *, status: str, who: str, source: str, role: str
) -> int:
    """Store every report in ONE transaction; the number stored."""
    with Session(engine) as session, session.begin():
        for report in reports:
            if session.get(EnterpriseRow, report.enterprise_id) is None:
                raise NotFoundError(f"enterprise {report.enterprise_id} is not in the registry")
            _write(session, report, status, who, source, False, role)
    return len(reports)
