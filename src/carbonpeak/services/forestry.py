"""The forestry carbon-sink database as a service: import surveys, read parcels and figures, feed
tracking (forest cover and 蓄积量 as computed indicators) and the inventory's sink line.

Who may do what: the office (双碳办) imports surveys and stores computed values; office, department
and viewer read (the figures are the district's, not one department's). Enforced here, for every
adapter.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from carbonpeak.errors import InvalidInputError, NotAllowedError, NotFoundError, Problem
from carbonpeak.forestry import (
    LandArea,
    Parameters,
    Parcel,
    WetlandFactor,
    district_outline,
    land_area,
    load_parameters,
    stock,
    vocabulary,
)
from carbonpeak.forestry.compute import group_totals
from carbonpeak.forestry.demo import DEMO_FILE, DEMO_GEOJSON, DEMO_ZONE, demo_dir, demo_wetland_factor
from carbonpeak.forestry.io import read_parcels
from carbonpeak.forestry.summary import (
    Scope,
    annual_sinks,
    indicator_metrics,
    inventory_rows,
    project_gains,
    year_figures,
)
from carbonpeak.plan import Plan
from carbonpeak.services.tracking import TrackingService
from carbonpeak.storage import forestry as repo
from carbonpeak.tracking.computed import computed_from_metrics
from carbonpeak.tracking.model import Actor, ComputedValue
from carbonpeak.units.registry import convert

log = logging.getLogger(__name__)
READERS = ("office", "department", "viewer")
GROUPINGS = ("town", "species", "age_class", "land_class")


def check_may_read(actor: Actor) -> None:
    if actor.role not in READERS:
        raise NotAllowedError(f"{actor.role} {actor.name} may not read the forestry database")


def check_may_import(actor: Actor) -> None:
    if actor.role != "office":
        raise NotAllowedError(
            f"只有双碳办可导入林业调查数据（当前：{actor.name}）",
            message_en=f"only the office imports forestry surveys, not {actor.name}",
        )


class ForestryService:
    def __init__(
        self,
        engine: Engine,
        *,
        params: Parameters | None = None,
        land: LandArea | None = None,
        wetland: WetlandFactor | None = None,
    ) -> None:
        self.engine = engine
        self.params = params or load_parameters()
        self.land = land or land_area()
        self._wetland = wetland

    @property
    def wetland(self) -> WetlandFactor | None:
        """The wetland factor given to the service, else the office's stored setting, else None."""
        if self._wetland is not None:
            return self._wetland
        stored = repo.wetland_factor(self.engine)
        return None if stored is None else stored[0]

    # --- the office's wetland factor ---
    def wetland_setting(self, actor: Actor) -> dict[str, Any] | None:
        """The stored wetland factor with its source, who set it and when (None: not set)."""
        check_may_read(actor)
        stored = repo.wetland_factor(self.engine)
        if stored is None:
            return None
        factor, who, when = stored
        return {
            "t_co2_per_ha_year": factor.t_co2_per_ha_year,
            "source": factor.source,
            "illustrative": factor.illustrative,
            "updated_by": who,
            "updated_at": when.isoformat(),
        }

    def set_wetland_factor(
        self,
        actor: Actor,
        value: str | float,
        source: str,
        *,
        file: str = "<form>",
        illustrative: bool = False,
    ) -> WetlandFactor:
        """Store the office's wetland sink factor (tCO2/hm²/yr) with the source it names (audited);
        a bad value or a missing source is refused with the field named."""
        check_may_import(actor)
        problems: list[Problem] = []
        number: float | None = None
        try:
            number = float(str(value).strip())
            if not math.isfinite(number) or number < 0:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(
                    f"湿地碳汇因子应为非负数（吨二氧化碳/公顷·年），实为“{value}”",
                    file=file,
                    field="t_co2_per_ha_year",
                    message_en=f"expected a non-negative number (tCO2 per hm² and year), got {value!r}",
                )
            )
        text = source.strip()
        if not text or len(text) > 500:
            problems.append(
                Problem(
                    "须注明因子来源（文献、标准或监测报告，500字以内）",
                    file=file,
                    field="source",
                    message_en="the factor's source is required (publication, standard or monitoring report, "
                    "at most 500 characters)",
                )
            )
        if problems or number is None:
            raise InvalidInputError(problems, summary="湿地碳汇因子有误，未保存", summary_en="not saved")
        factor = WetlandFactor(number, text, illustrative=illustrative)
        repo.save_wetland_factor(self.engine, factor, who=actor.name, source=f"wetland factor ({file})")
        log.info("%s set the wetland factor to %s tCO2/hm²/yr (%s)", actor.name, number, text)
        return factor

    # --- writing ---
    def import_file(
        self,
        actor: Actor,
        path: str | Path,
        *,
        area_name: str,
        scope: Scope,
        source: str,
        illustrative: bool = False,
        plan: Plan | None = None,
    ) -> list[repo.StoredSurvey]:
        """Read, check and store a survey file; all or nothing. With ``plan``, a district survey also
        stores its computed values (forest_cover, forest_stock) into tracking at once (``store_computed``)."""
        check_may_import(actor)
        if scope not in ("district", "zone"):
            raise InvalidInputError(
                f"范围应为 district 或 zone，实为“{scope}”", message_en="scope is district or zone"
            )
        if not source.strip():
            raise InvalidInputError("须注明数据来源", message_en="a source is required")
        parcels = read_parcels(path, self.params)
        stored = repo.store_survey(
            self.engine,
            parcels,
            area_name=area_name,
            scope=scope,
            who=actor.name,
            source=source,
            file_name=Path(path).name,
            illustrative=illustrative,
        )
        log.info("%s imported %d parcels of %s (%s)", actor.name, len(parcels), area_name, Path(path).name)
        if plan is not None and scope == "district":
            self.store_computed(actor, area_name, plan)
        return stored

    def store_computed(self, actor: Actor, area_name: str, plan: Plan) -> int:
        """Store forest_cover and forest_stock of every survey year of a district area into tracking
        (computed values win over reported ones, decision 0304); 0 for a zone."""
        check_may_import(actor)
        values = self.computed_values(actor, area_name)
        if not values:
            return 0
        _, _, illustrative = self._area(area_name)
        tracking = TrackingService(self.engine, plan, source="forestry database")
        return tracking.store_computed(
            actor, values, source=f"forestry database: {area_name}", illustrative=illustrative
        )

    # --- reading ---
    def surveys(self, actor: Actor) -> list[repo.StoredSurvey]:
        check_may_read(actor)
        return repo.surveys(self.engine)

    def _area(self, area_name: str) -> tuple[dict[int, list[Parcel]], Scope, bool]:
        stored = [s for s in repo.surveys(self.engine) if s.area_name == area_name]
        if not stored:
            raise NotFoundError(f"没有“{area_name}”的调查数据", message_en=f"no survey of {area_name}")
        scopes = {s.scope for s in stored}
        scope: Scope = "district" if scopes == {"district"} else "zone"
        return repo.parcels(self.engine, area_name), scope, any(s.illustrative for s in stored)

    def parcels(self, actor: Actor, area_name: str, **filters: str | int | None) -> list[dict[str, Any]]:
        """Parcel rows (labels in Chinese beside the codes), filtered by any of survey_year, town,
        land_class, species, age_class, project."""
        check_may_read(actor)
        surveys, _, illustrative = self._area(area_name)
        vocab = vocabulary()
        rows: list[dict[str, Any]] = []
        for _year, parcels in sorted(surveys.items()):
            for p in parcels:
                row = _parcel_dict(p, vocab, self.params)
                row["illustrative"] = illustrative
                if all(v in (None, "") or str(row.get(k)) == str(v) for k, v in filters.items()):
                    rows.append(row)
        return rows

    def figures(self, actor: Actor, area_name: str) -> dict[str, Any]:
        """Per survey year: forest area, cover (district only), 蓄积量 and stock; the annual sinks with
        their method; stock by town/species/age class; project gains."""
        check_may_read(actor)
        surveys, scope, illustrative = self._area(area_name)
        years = year_figures(surveys, self.params, self.land, scope)
        sinks = annual_sinks(surveys, self.params, self.wetland)
        by: dict[str, dict[int, dict[str, tuple[float, float]]]] = {}
        for g in GROUPINGS[:3]:
            by[g] = {y: group_totals(ps, stock(ps, self.params), g) for y, ps in surveys.items()}
        return {
            "area_name": area_name,
            "scope": scope,
            "illustrative": illustrative,
            "parameters": self.params.label(),
            "land_area": {"ha": self.land.land_area_ha, "source": self.land.source},
            "years": [f.__dict__ for f in years],
            "sinks": {
                y: {
                    "forest_t": f.co2_t_per_year,
                    "method": f.method_label(),
                    "method_en": f.method_label("en"),
                    "wetland_t": w.co2_t_per_year if w else None,
                    "wetland_source": w.parameters if w else None,
                }
                for y, (f, w) in sorted(sinks.items())
            },
            "by": by,
            "labels": {
                "species": {c: g.name_zh for c, g in self.params.groups.items()},
                "age_class": {k: v["zh"] for k, v in vocabulary()["age_classes"].items()},
            },
            "projects": [g.__dict__ for g in project_gains(surveys, self.params, self.wetland)],
        }

    def map_features(self, actor: Actor, area_name: str, year: int | None = None) -> dict[str, Any]:
        """The district outline and the area's parcels with a polygon (latest year unless ``year``), each
        with its land class and carbon density (tCO2/hm²), for the offline map."""
        check_may_read(actor)
        surveys, _, illustrative = self._area(area_name)
        chosen = year if year in surveys else max(surveys)
        parcels = [p for p in surveys[chosen] if p.geometry is not None]
        result = stock(parcels, self.params)
        co2 = dict(zip(result.ids, result.co2_t.tolist(), strict=True))
        classes = vocabulary()["classes"]
        outline, outline_source = district_outline()
        feats = [
            {
                "type": "Feature",
                "properties": {
                    "name": p.parcel_id,
                    "land_class": p.land_class,
                    "land_class_label": classes.get(p.land_class, {}).get("zh", p.land_class),
                    "co2_t_per_ha": co2.get(p.parcel_id, 0.0) / p.area_ha,
                },
                "geometry": p.geometry,
            }
            for p in parcels
        ]
        return {
            "year": chosen,
            "illustrative": illustrative,
            "outline": outline,
            "outline_source": outline_source,
            "parcels": {"type": "FeatureCollection", "features": feats},
            "land_classes": {k: v["zh"] for k, v in classes.items()},
        }

    def computed_values(self, actor: Actor, area_name: str) -> list[ComputedValue]:
        """forest_cover (%) and forest_stock (万立方米) of every survey year, for tracking; none unless
        the area's surveys cover the district."""
        check_may_read(actor)
        surveys, scope, _ = self._area(area_name)
        metrics = indicator_metrics(surveys, self.params, self.land, scope)
        inputs = {
            f.year: {"forest_area_ha": f.forest_area_ha, "land_area_ha": self.land.land_area_ha}
            for f in year_figures(surveys, self.params, self.land, scope)
        }
        label = f"forestry survey of {area_name}; {self.params.label()}; land area: {self.land.source}"
        return computed_from_metrics(metrics, factor_set=label, inputs=inputs)

    def inventory_rows(self, actor: Actor, area_name: str) -> list[dict[str, object]]:
        """The sink line's rows for the inventory's activity file, the method named (district only)."""
        check_may_read(actor)
        surveys, scope, _ = self._area(area_name)
        return inventory_rows(surveys, self.params, self.wetland, scope, f"forestry database: {area_name}")


def _parcel_dict(p: Parcel, vocab: dict[str, Any], params: Parameters) -> dict[str, Any]:
    group = params.groups.get(p.species or "")
    return {
        "survey_year": p.survey_year,
        "parcel_id": p.parcel_id,
        "town": p.town,
        "area_ha": p.area_ha,
        "area_mu": float(convert(p.area_ha, "hectare", "亩")),
        "land_class": p.land_class,
        "land_class_label": vocab["classes"].get(p.land_class, {}).get("zh", p.land_class),
        "species": p.species,
        "species_label": group.name_zh if group else (p.species or ""),
        "origin": p.origin,
        "age_class": p.age_class,
        "age_class_label": vocab["age_classes"].get(p.age_class or "", {}).get("zh", ""),
        "volume_m3_per_ha": p.volume_m3_per_ha,
        "survey_kind": p.survey_kind,
        "project": p.project,
        "has_polygon": p.geometry is not None,
    }


def load_demo(engine: Engine, plan: object) -> list[str]:
    """The illustrative parcel set (示例数据) of 林海循环经济示范区, as a zone, and the demo's
    illustrative wetland factor stored as the office's setting (示例数据, shown so)."""
    svc = ForestryService(engine)
    factor = demo_wetland_factor()
    svc.set_wetland_factor(
        Actor("demo", "office"), factor.t_co2_per_ha_year, factor.source, file="demo", illustrative=True
    )
    stored = svc.import_file(
        Actor("demo", "office"),
        demo_dir() / DEMO_FILE,
        area_name=DEMO_ZONE,
        scope="zone",
        source="示例数据 illustrative: scripts/make_demo_forestry.py",
        illustrative=True,
    )
    stored += svc.import_file(
        Actor("demo", "office"),
        demo_dir() / DEMO_GEOJSON,
        area_name=DEMO_ZONE,
        scope="zone",
        source="示例数据 illustrative polygons (placement illustrative): scripts/make_demo_forestry.py",
        illustrative=True,
    )
    return [f"forestry: {s.parcel_count} parcels of {s.area_name} {s.survey_year} (示例数据)" for s in stored]


def surveys_of(rows: Sequence[repo.StoredSurvey]) -> list[dict[str, Any]]:
    return [s.__dict__ for s in rows]
