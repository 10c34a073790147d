"""Online energy monitoring over the API: an enterprise registers its meters and submits readings
by batch (``Authorization: Bearer <token>``, JSON) or CSV file; the quarantine and the comparison
with the reported months. The office and viewers read any enterprise's comparison."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi import Path as FastPath
from pydantic import BaseModel, Field

from carbonpeak.errors import CarbonpeakError
from carbonpeak.services.firm_plans import FirmPlanService
from carbonpeak.services.meters import MeterService
from carbonpeak.web.core.auth import Principal, permit
from carbonpeak.web.key_units.routes import _error, actor_of

api = APIRouter(prefix="/api/v1", tags=["online energy monitoring"])
Firm = Annotated[Principal, Depends(permit("enterprise", scoped=True))]
DistrictReader = Annotated[Principal, Depends(permit("office", "viewer"))]
EnterprisePath = Annotated[str, FastPath(max_length=18, min_length=18, description="统一社会信用代码")]


class MeterIn(BaseModel):
    code: str = Field(min_length=1, max_length=40, description="the enterprise's own meter number")
    kind: Literal["electricity", "natural_gas", "heat", "steam"]
    mode: Literal["cumulative", "interval"] = "cumulative"
    interval_minutes: int = Field(15, ge=1, le=1440)
    enthalpy_gj_per_t: float | None = Field(None, gt=0, description="steam read by mass: declared GJ/t")


class ReadingIn(BaseModel):
    meter: str = Field(max_length=40)
    time: str = Field(max_length=40, description="ISO 8601 with offset, e.g. 2025-03-01T00:15:00+08:00")
    value: float | None = None
    unit: str = Field(max_length=40, description="kWh, MWh, m3, 万立方米, GJ, t (steam) …")


class BatchIn(BaseModel):
    readings: list[ReadingIn] = Field(max_length=20_000)


def _svc(request: Request) -> MeterService:
    return MeterService(request.app.state.engine)


@api.get("/enterprise/meters", summary="The caller's meters")
def own_meters(request: Request, who: Firm) -> list[dict[str, Any]]:
    return _svc(request).meters(actor_of(who), who.enterprise_id or "")


@api.post("/enterprise/meters", summary="Register (or describe again) one of the caller's meters")
def register_meter(request: Request, who: Firm, body: MeterIn) -> Any:
    try:
        _svc(request).register(actor_of(who), who.enterprise_id or "", body.model_dump(), source="api")
    except CarbonpeakError as exc:
        return _error(request, exc)
    return {"code": body.code}


@api.post("/enterprise/meters/readings", summary="Submit a batch of meter readings (quarantine listed)")
def submit_readings(request: Request, who: Firm, body: BatchIn) -> Any:
    try:
        return _svc(request).ingest_rows(
            actor_of(who), who.enterprise_id or "", [r.model_dump() for r in body.readings], source="api"
        )
    except CarbonpeakError as exc:
        return _error(request, exc)


@api.post("/enterprise/meters/readings/file", summary="Submit meter readings as CSV (meter,time,value,unit)")
def submit_file(request: Request, who: Firm, file: Annotated[UploadFile, File()]) -> Any:
    name = Path(file.filename or "readings.csv").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "readings.csv"
        path.write_bytes(file.file.read())
        try:
            return _svc(request).ingest_file(
                actor_of(who),
                who.enterprise_id or "",
                path,
                limits=request.app.state.settings.sheet_limits(),
                name=name,
            )
        except CarbonpeakError as exc:
            return _error(request, exc)


@api.get("/enterprise/meters/quarantine", summary="The caller's quarantined readings, with reasons")
def own_quarantine(request: Request, who: Firm) -> list[dict[str, Any]]:
    return _svc(request).quarantine(actor_of(who), who.enterprise_id or "")


@api.get("/enterprise/meters/comparison", summary="The caller's meter months against its reported months")
def own_comparison(request: Request, who: Firm) -> list[dict[str, Any]]:
    return _svc(request).comparison(actor_of(who), who.enterprise_id or "")


@api.get(
    "/key-units/meters/{enterprise_id}/comparison", summary="An enterprise's meter months against its reports"
)
def comparison(request: Request, who: DistrictReader, enterprise_id: EnterprisePath) -> list[dict[str, Any]]:
    return _svc(request).comparison(actor_of(who), enterprise_id)


# -- one plan per firm (一企一策) ------------------------------------------------------------------


class MeasureIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    expected_saving_tce: float = Field(ge=0)
    expected_co2_t: float = Field(0.0, ge=0)
    start: str = Field(max_length=10, description="YYYY-MM-DD")
    due: str = Field(max_length=10, description="YYYY-MM-DD")
    status: Literal["planned", "in_progress", "done", "dropped"] = "planned"


class FirmPlanIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    document: str = Field(min_length=1, max_length=255, description="the plan document's file name or 文号")
    adopted_on: str = Field(max_length=10, description="YYYY-MM-DD")
    measures: list[MeasureIn] = Field(min_length=1, max_length=200)


def _plans(request: Request) -> FirmPlanService:
    return FirmPlanService(request.app.state.engine)


@api.get("/enterprise/plan", summary="The caller's own plan (一企一策), or null")
def own_plan(request: Request, who: Firm) -> Any:
    return _plans(request).plan(actor_of(who), who.enterprise_id or "")


@api.put("/enterprise/plan", summary="Save (replace) the caller's own plan: document and measures")
def save_own_plan(request: Request, who: Firm, body: FirmPlanIn) -> Any:
    try:
        return _plans(request).save(actor_of(who), who.enterprise_id or "", body.model_dump(), source="api")
    except CarbonpeakError as exc:
        return _error(request, exc)


@api.get("/key-units/plans", summary="Units with and without their own plan, measures overdue")
def plans_overview(request: Request, who: DistrictReader) -> dict[str, Any]:
    return _plans(request).overview(actor_of(who))
