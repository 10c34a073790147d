"""Tables and repository of the forestry carbon-sink database: surveys (one per area and survey
year) and their parcels (小班).

History by survey year: each survey year of an area is kept; importing the same year again replaces
that year's parcels in one transaction, and every import writes an ``audit_log`` row (before/after
of the survey row, with the parcel count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from carbonpeak.forestry import Parcel, WetlandFactor
from carbonpeak.storage.engine import reader
from carbonpeak.storage.tables import Base, utcnow
from carbonpeak.storage.tracking import audit, row_dict


class ForestSurveyRow(Base):
    __tablename__ = "forest_surveys"
    __table_args__ = (
        UniqueConstraint("area_name", "survey_year"),
        CheckConstraint("scope IN ('district', 'zone')", name="ck_forest_surveys_scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_name: Mapped[str] = mapped_column(String(120))
    scope: Mapped[str] = mapped_column(String(12))
    survey_year: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(255))
    parcel_count: Mapped[int] = mapped_column(Integer)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class ForestParcelRow(Base):
    __tablename__ = "forest_parcels"
    __table_args__ = (UniqueConstraint("survey_id", "parcel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(Integer, ForeignKey("forest_surveys.id"), index=True)
    parcel_id: Mapped[str] = mapped_column(String(60))
    town: Mapped[str] = mapped_column(String(120))
    area_ha: Mapped[float] = mapped_column(Float)
    land_class: Mapped[str] = mapped_column(String(20))
    species: Mapped[str | None] = mapped_column(String(40), nullable=True)
    origin: Mapped[str | None] = mapped_column(String(12), nullable=True)
    age_class: Mapped[str | None] = mapped_column(String(20), nullable=True)
    volume_m3_per_ha: Mapped[float | None] = mapped_column(Float, nullable=True)
    dbh_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    height_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    stems_per_ha: Mapped[float | None] = mapped_column(Float, nullable=True)
    increment_m3_per_ha: Mapped[float | None] = mapped_column(Float, nullable=True)
    loss_m3: Mapped[float | None] = mapped_column(Float, nullable=True)
    survey_kind: Mapped[str] = mapped_column(String(20))
    project: Mapped[str | None] = mapped_column(String(80), nullable=True)
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class WetlandFactorRow(Base):
    """The office's wetland sink factor (tCO2 per hm² and year) with the source it entered; one row
    (``id`` 1). Every change is audited."""

    __tablename__ = "forest_wetland_factor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    t_co2_per_ha_year: Mapped[float] = mapped_column(Float)
    factor_source: Mapped[str] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


@dataclass(frozen=True)
class StoredSurvey:
    id: int
    area_name: str
    scope: str
    survey_year: int
    file_name: str
    parcel_count: int
    illustrative: bool
    created_by: str
    source: str


_FIELDS = [
    "parcel_id",
    "town",
    "area_ha",
    "land_class",
    "species",
    "origin",
    "age_class",
    "volume_m3_per_ha",
    "dbh_cm",
    "height_m",
    "stems_per_ha",
    "increment_m3_per_ha",
    "loss_m3",
    "survey_kind",
    "project",
    "geometry",
]


def _survey(row: ForestSurveyRow) -> StoredSurvey:
    return StoredSurvey(
        row.id, row.area_name, row.scope, row.survey_year, row.file_name, row.parcel_count,
        row.illustrative, row.created_by, row.source,
    )  # fmt: skip


def store_survey(
    engine: Engine,
    parcels: Sequence[Parcel],
    *,
    area_name: str,
    scope: str,
    who: str,
    source: str,
    file_name: str,
    illustrative: bool = False,
) -> list[StoredSurvey]:
    """Store the parcels, one survey per survey year they hold; a year already stored for the area
    is replaced. One transaction for the whole file."""
    years = sorted({p.survey_year for p in parcels})
    out: list[StoredSurvey] = []
    with Session(engine) as session, session.begin():
        for year in years:
            row = session.scalars(
                select(ForestSurveyRow).where(
                    ForestSurveyRow.area_name == area_name, ForestSurveyRow.survey_year == year
                )
            ).one_or_none()
            of_year = [p for p in parcels if p.survey_year == year]
            before = row_dict(row) if row is not None else None
            if row is None:
                row = ForestSurveyRow(area_name=area_name, survey_year=year, created_by=who)
                session.add(row)
            else:
                session.execute(delete(ForestParcelRow).where(ForestParcelRow.survey_id == row.id))
            row.scope, row.file_name, row.parcel_count = scope, file_name, len(of_year)
            row.illustrative, row.source, row.updated_by, row.updated_at = illustrative, source, who, utcnow()
            session.flush()
            session.add_all(
                ForestParcelRow(survey_id=row.id, **{f: getattr(p, f) for f in _FIELDS}) for p in of_year
            )
            audit(
                session,
                who=who,
                source=source,
                action="update" if before else "create",
                row=row,
                before=before,
            )
            out.append(_survey(row))
    return out


def surveys(engine: Engine) -> list[StoredSurvey]:
    with Session(reader(engine)) as session:
        rows = session.scalars(
            select(ForestSurveyRow).order_by(ForestSurveyRow.area_name, ForestSurveyRow.survey_year)
        )
        return [_survey(r) for r in rows]


def parcels(engine: Engine, area_name: str) -> dict[int, list[Parcel]]:
    """The parcels of every stored survey year of an area."""
    with Session(reader(engine)) as session:
        rows = session.execute(
            select(ForestSurveyRow.survey_year, ForestParcelRow)
            .join(ForestParcelRow, ForestParcelRow.survey_id == ForestSurveyRow.id)
            .where(ForestSurveyRow.area_name == area_name)
            .order_by(ForestSurveyRow.survey_year, ForestParcelRow.parcel_id)
        ).all()
        out: dict[int, list[Parcel]] = {}
        for year, r in rows:
            out.setdefault(int(year), []).append(
                Parcel(survey_year=int(year), **{f: getattr(r, f) for f in _FIELDS})
            )
        return out


def save_wetland_factor(
    engine: Engine, factor: WetlandFactor, *, who: str, source: str
) -> tuple[WetlandFactor, str, dt.datetime]:
    """Store the office's wetland factor (audited, one transaction); returns it with who and when."""
    with Session(engine) as session, session.begin():
        row = session.get(WetlandFactorRow, 1)
        before = row_dict(row) if row is not None else None
        if row is None:
            row = WetlandFactorRow(id=1, created_by=who)
            session.add(row)
        row.t_co2_per_ha_year, row.factor_source = factor.t_co2_per_ha_year, factor.source
        row.illustrative, row.source, row.updated_by, row.updated_at = (
            factor.illustrative,
            source,
            who,
            utcnow(),
        )
        audit(
            session, who=who, source=source, action="update" if before else "create", row=row, before=before
        )
        return factor, who, row.updated_at


def wetland_factor(engine: Engine) -> tuple[WetlandFactor, str, dt.datetime] | None:
    """The stored wetland factor with who set it and when, or None (not set)."""
    with Session(reader(engine)) as session:
        row = session.get(WetlandFactorRow, 1)
        if row is None:
            return None
        factor = WetlandFactor(row.t_co2_per_ha_year, row.factor_source, illustrative=row.illustrative)
        return factor, row.updated_by, row.updated_at


def heads(engine: Engine) -> tuple[tuple[Any, ...], ...]:
    """What the inventory's cache must see change: every district survey (id, area, year, last
    change) and the wetland factor's last change — one small query each."""
    with Session(reader(engine)) as session:
        rows = session.execute(
            select(
                ForestSurveyRow.id,
                ForestSurveyRow.area_name,
                ForestSurveyRow.survey_year,
                ForestSurveyRow.updated_at,
            )
            .where(ForestSurveyRow.scope == "district")
            .order_by(ForestSurveyRow.id)
        ).all()
        factor = session.scalar(select(WetlandFactorRow.updated_at).where(WetlandFactorRow.id == 1))
    return (*(tuple(str(v) for v in r) for r in rows), ("wetland", str(factor)))
