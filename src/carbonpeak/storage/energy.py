"""Tables and repository of the energy-project and charging-station ledgers, and the outlines the
charging analysis uses (the district boundary, the core area).

A project or station is stored as its validated domain model (JSON, ``data``) beside the columns the
office filters by (kind, status, public); every change writes an ``audit_log`` row (before/after) in
the same transaction, and an import is one transaction (all or nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Boolean, Engine, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.errors import ConflictError, NotFoundError
from carbonpeak.ledgers.charging import Station
from carbonpeak.ledgers.energy_projects import EnergyProject
from carbonpeak.storage.engine import reader
from carbonpeak.storage.tables import AuditRow, Base, EditedProvenance, utcnow
from carbonpeak.storage.tracking import row_dict


class EnergyProjectRow(EditedProvenance, Base):
    """A project; ``version`` goes up with every change (optimistic locking of the web edit, 0301)."""

    __tablename__ = "energy_projects"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class ChargingStationRow(EditedProvenance, Base):
    __tablename__ = "charging_stations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    public: Mapped[bool] = mapped_column(Boolean)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    illustrative: Mapped[bool] = mapped_column(Boolean)


class ChargingAreaRow(EditedProvenance, Base):
    """An outline in WGS-84 GeoJSON: ``district`` (the boundary) or ``core`` (the core area)."""

    __tablename__ = "charging_areas"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    geojson: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(200))
    approximate: Mapped[bool] = mapped_column(Boolean)
    illustrative: Mapped[bool] = mapped_column(Boolean)


def _audit(session: Session, *, who: str, source: str, action: str, row: Any, before: Any, kind: str) -> None:
    """Keys are text: as for enterprises, ``row_id`` is 0 and ``after["object"]`` names the object."""
    session.flush()
    session.add(
        AuditRow(
            who=who,
            source=source,
            action=action,
            table_name=row.__tablename__,
            row_id=0,
            before=before,
            after=row_dict(row) | {"object": f"{kind}:{row.id}"},
        )
    )


def _save(
    engine: Engine,
    rows: Sequence[tuple[str, dict[str, Any], dict[str, Any]]],
    cls: Any,
    kind: str,
    who: str,
    source: str,
) -> tuple[int, int]:
    added = changed = 0
    with Session(engine) as session, session.begin():
        for ident, columns, data in rows:
            row = session.get(cls, ident)
            values = {**columns, "data": data}
            if row is None:
                row = cls(id=ident, created_by=who, source=source, updated_by=who, **values)
                session.add(row)
                _audit(session, who=who, source=source, action="create", row=row, before=None, kind=kind)
                added += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                before = row_dict(row)
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_by, row.updated_at, row.source = who, utcnow(), source
                if isinstance(row, EnergyProjectRow):
                    row.version += 1
                _audit(session, who=who, source=source, action="update", row=row, before=before, kind=kind)
                changed += 1
    return added, changed


def save_projects(
    engine: Engine, projects: Sequence[EnergyProject], *, who: str, source: str
) -> tuple[int, int]:
    """Insert or update projects in one transaction; (added, changed)."""
    rows = [
        (
            p.id,
            {"kind": p.kind, "status": p.status, "illustrative": p.illustrative},
            p.model_dump(mode="json"),
        )
        for p in projects
    ]
    return _save(engine, rows, EnergyProjectRow, "energy_project", who, source)


def save_stations(engine: Engine, stations: Sequence[Station], *, who: str, source: str) -> tuple[int, int]:
    rows = [
        (s.id, {"public": s.public, "illustrative": s.illustrative}, s.model_dump(mode="json"))
        for s in stations
    ]
    return _save(engine, rows, ChargingStationRow, "charging_station", who, source)


def save_project_checked(
    engine: Engine, project: EnergyProject, *, expected_version: int, who: str, source: str
) -> tuple[bool, int]:
    """Store an edit of one existing project if nobody changed it since ``expected_version`` was
    read (one transaction, audited); (changed, the version now). Raises ConflictError otherwise."""
    with Session(engine) as session, session.begin():
        row = session.get(EnergyProjectRow, project.id, with_for_update=True)
        if row is None:
            raise NotFoundError(f"没有编号为 {project.id} 的项目", message_en=f"no project {project.id}")
        if row.version != expected_version:
            raise ConflictError(
                f"项目 {project.id} 已被 {row.updated_by} 于 {row.updated_at:%Y-%m-%d %H:%M} 修改（版本 "
                f"{row.version}，您编辑的是版本 {expected_version}），请刷新后重新修改",
                message_en=f"project {project.id} was changed by {row.updated_by} at "
                f"{row.updated_at:%Y-%m-%d %H:%M} (version {row.version}, you edited version "
                f"{expected_version}); reload and apply your change again",
            )
        values = {
            "kind": project.kind,
            "status": project.status,
            "illustrative": project.illustrative,
            "data": project.model_dump(mode="json"),
        }
        if all(getattr(row, k) == v for k, v in values.items()):
            return False, row.version
        before = row_dict(row)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_by, row.updated_at, row.source, row.version = who, utcnow(), source, row.version + 1
        _audit(
            session, who=who, source=source, action="update", row=row, before=before, kind="energy_project"
        )
        return True, row.version


def project_version(engine: Engine, project_id: str) -> tuple[int, str, str] | None:
    """(version, updated_by, updated_at ISO) of a stored project, or None."""
    with Session(reader(engine)) as session:
        row = session.get(EnergyProjectRow, project_id)
        return None if row is None else (row.version, row.updated_by, row.updated_at.isoformat())


def list_projects(engine: Engine) -> list[EnergyProject]:
    with Session(reader(engine)) as session:
        rows = session.scalars(select(EnergyProjectRow).order_by(EnergyProjectRow.id)).all()
        return [EnergyProject.model_validate(r.data) for r in rows]


def get_project(engine: Engine, project_id: str) -> EnergyProject | None:
    with Session(reader(engine)) as session:
        row = session.get(EnergyProjectRow, project_id)
        return None if row is None else EnergyProject.model_validate(row.data)


def list_stations(engine: Engine) -> list[Station]:
    with Session(reader(engine)) as session:
        rows = session.scalars(select(ChargingStationRow).order_by(ChargingStationRow.id)).all()
        return [Station.model_validate(r.data) for r in rows]


def save_area(
    engine: Engine,
    area: str,
    geojson: str,
    *,
    label: str,
    approximate: bool,
    illustrative: bool,
    who: str,
    source: str,
) -> None:
    with Session(engine) as session, session.begin():
        row = session.get(ChargingAreaRow, area)
        values = {
            "geojson": geojson,
            "label": label,
            "approximate": approximate,
            "illustrative": illustrative,
        }
        if row is None:
            row = ChargingAreaRow(id=area, created_by=who, source=source, updated_by=who, **values)
            session.add(row)
            _audit(
                session, who=who, source=source, action="create", row=row, before=None, kind="charging_area"
            )
        else:
            before = row_dict(row)
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_by, row.updated_at, row.source = who, utcnow(), source
            _audit(
                session, who=who, source=source, action="update", row=row, before=before, kind="charging_area"
            )


def get_area(engine: Engine, area: str) -> tuple[str, str, bool, bool] | None:
    """(geojson, label, approximate, illustrative) of a stored outline, or None."""
    with Session(reader(engine)) as session:
        row = session.get(ChargingAreaRow, area)
        return None if row is None else (row.geojson, row.label, row.approximate, row.illustrative)
