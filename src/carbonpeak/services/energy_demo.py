"""The illustrative energy and charging ledgers (示例数据): statuses of the bundled plan's 专栏4/5
projects, a charging network of stations placed at random inside the shipped outline (a fixed seed),
and a core-area disc around 静海镇, from ``data/demo/energy.yaml``. Registered in
``carbonpeak.demo.LOADERS``; every row is marked illustrative."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import shapely
import yaml
from sqlalchemy import Engine

from carbonpeak.accounting.demo import demo_dir
from carbonpeak.ledgers import geo
from carbonpeak.ledgers.charging import PileGroup, Station
from carbonpeak.ledgers.energy_projects import EnergyProject, projects_from_plan
from carbonpeak.plan import Plan
from carbonpeak.storage import energy as repo

WHO = "carbonpeak init --demo"
NOTE = "示例数据（illustrative）"


def demo_spec() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((demo_dir() / "energy.yaml").read_text(encoding="utf-8"))
    return data


def demo_projects(plan: Plan) -> list[EnergyProject]:
    spec = demo_spec()
    out = []
    for p in projects_from_plan(plan):
        extra = dict(spec["projects"].get(p.plan_project_id or "", {}))
        dates = {"approved": extra.pop("approved_on")} if "approved_on" in extra else {}
        if "actual_commissioning" in extra:
            dates["connected"] = extra["actual_commissioning"]
        data = p.model_dump() | extra | {"status_dates": dates, "illustrative": True, "note": NOTE}
        out.append(EnergyProject.model_validate(data))
    for e in spec["extra_projects"]:
        dates = {"connected": e["actual_commissioning"]} if "actual_commissioning" in e else {}
        out.append(
            EnergyProject.model_validate({**e, "status_dates": dates, "illustrative": True, "note": NOTE})
        )
    return out


def demo_stations() -> list[Station]:
    spec = demo_spec()["stations"]
    outline = geo.shipped_boundary().geometry
    rng = np.random.default_rng(int(spec["seed"]))
    x0, y0, x1, y1 = outline.bounds
    lon, lat = rng.uniform(x0, x1, 20 * spec["count"]), rng.uniform(y0, y1, 20 * spec["count"])
    inside = shapely.contains_xy(outline, lon, lat)
    lon, lat = lon[inside][: spec["count"]], lat[inside][: spec["count"]]
    out = []
    for i, (lo, la) in enumerate(zip(lon, lat, strict=True)):
        pilot = i < int(spec["pilot"])
        dc, ac = int(rng.integers(1, 7)), int(rng.integers(0, 5))
        piles = [PileGroup(count=dc, power_kw=120, current="DC")]
        if ac:
            piles.append(PileGroup(count=ac, power_kw=7, current="AC"))
        out.append(
            Station(
                id=f"demo-cs-{i + 1:03d}",
                name=f"示例充电站{i + 1:03d}",
                lon=round(float(lo), 6),
                lat=round(float(la), 6),
                crs="WGS84",
                piles=tuple(piles),
                public=bool(rng.random() < float(spec["public_share"])),
                operator="示例运营商",
                commissioned=dt.date(2020 + int(rng.integers(0, 6)), 6, 30),
                in_pilot=pilot,
                flexible_kw=float(dc * 60) if pilot else None,
                illustrative=True,
            )
        )
    return out


def demo_core() -> bytes:
    spec = demo_spec()["core"]
    lon, lat = geo.gcj02_to_wgs84(*spec["center"])
    proj = geo.LocalProjection(float(lon), float(lat))
    disc = proj.unproject_geometry(shapely.Point(0, 0).buffer(float(spec["radius_m"]), quad_segs=32))
    return shapely.to_geojson(disc).encode()


def load(engine: Engine, plan: Plan) -> list[str]:
    projects = demo_projects(plan)
    stations = demo_stations()
    repo.save_projects(engine, projects, who=WHO, source="demo")
    repo.save_stations(engine, stations, who=WHO, source="demo")
    if repo.get_area(engine, "core") is None:
        repo.save_area(
            engine,
            "core",
            demo_core().decode(),
            label="静海核心区（示例数据）",
            approximate=True,
            illustrative=True,
            who=WHO,
            source="demo",
        )
    return [
        f"energy ledgers (示例数据): {len(projects)} projects, {len(stations)} charging stations, a core area"
    ]
