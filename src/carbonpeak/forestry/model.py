"""Parcels (小班), parameter sets and the vocabularies of the survey, read from the package's data."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from carbonpeak.errors import InvalidInputError, Problem
from carbonpeak.units.registry import convert

Origin = Literal["planted", "natural"]


@dataclass(frozen=True)
class Parcel:
    """One 小班 of one survey year. ``area_ha`` is in hm² (converted from 亩 on input);
    ``volume_m3_per_ha`` the stand volume (蓄积量); ``increment_m3_per_ha`` the annual volume
    increment and ``loss_m3`` the volume removed in the year (for the gain–loss method)."""

    parcel_id: str
    survey_year: int
    town: str
    area_ha: float
    land_class: str
    species: str | None = None
    origin: Origin | None = None
    age_class: str | None = None
    volume_m3_per_ha: float | None = None
    dbh_cm: float | None = None
    height_m: float | None = None
    stems_per_ha: float | None = None
    increment_m3_per_ha: float | None = None
    loss_m3: float | None = None
    survey_kind: str = "inventory_2"
    project: str | None = None
    geometry: dict[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Sourced:
    value: float
    source: str


@dataclass(frozen=True)
class RootShoot:
    """Root-to-shoot ratio by above-ground biomass class: ``bounds[i]`` is the upper bound (t d.m./ha)
    of class i (the last open, ``inf``)."""

    bounds: tuple[float, ...]
    values: tuple[float, ...]
    source: str


@dataclass(frozen=True)
class SpeciesGroup:
    code: str
    name_zh: str
    name_en: str
    wood_density: Sourced
    bef: Sourced
    root_shoot: RootShoot
    form_factor: Sourced | None = None  # breast-height form factor f1.3 (V = G × H × f)


@dataclass(frozen=True)
class Parameters:
    """A parameter set of the volume-expansion method with its edition and sources."""

    id: str
    name: str
    name_zh: str
    edition: str
    carbon_fraction: Sourced
    co2_per_c: float
    groups: dict[str, SpeciesGroup]

    def label(self) -> str:
        return f"{self.name} — {self.edition}"


@dataclass(frozen=True)
class WetlandFactor:
    """The wetland sink factor the office provides (tCO2 per hm² and year) with its source."""

    t_co2_per_ha_year: float
    source: str
    illustrative: bool = False


@dataclass(frozen=True)
class LandArea:
    district: str
    name: str
    land_area_ha: float
    source: str


def _data(name: str) -> str:
    return resources.files("carbonpeak.forestry").joinpath("data", name).read_text(encoding="utf-8")


def _bad(file: str, where: str, what: str, what_en: str) -> InvalidInputError:
    return InvalidInputError(Problem(what, file=file, field=where, message_en=what_en))


def _sourced(raw: Any, file: str, where: str) -> Sourced:
    if not isinstance(raw, dict) or not isinstance(raw.get("value"), int | float) or not raw.get("source"):
        raise _bad(file, where, "应为 {value: 数值, source: 来源}", "expected {value: number, source: text}")
    return Sourced(float(raw["value"]), str(raw["source"]))


def parse_parameters(data: Any, file: str) -> Parameters:
    """A parameter set from its YAML mapping; every value must name its source."""
    if not isinstance(data, dict):
        raise _bad(file, "", "参数文件应为映射", "a parameter file is a mapping")
    shapes: dict[str, RootShoot] = {}
    for key, rs in (data.get("root_shoot") or {}).items():
        classes = rs.get("classes") or []
        if not classes or not rs.get("source"):
            raise _bad(file, f"root_shoot.{key}", "缺少分级或来源", "classes and source are required")
        bounds = tuple(float("inf") if c.get("max") is None else float(c["max"]) for c in classes)
        shapes[key] = RootShoot(bounds, tuple(float(c["value"]) for c in classes), str(rs["source"]))
    groups: dict[str, SpeciesGroup] = {}
    for code, g in (data.get("groups") or {}).items():
        rs_key = g.get("root_shoot")
        if rs_key not in shapes:
            raise _bad(
                file,
                f"groups.{code}.root_shoot",
                f"未定义的根茎比分级“{rs_key}”",
                f"unknown root_shoot {rs_key!r}",
            )
        groups[str(code)] = SpeciesGroup(
            str(code),
            str(g.get("name_zh") or code),
            str(g.get("name_en") or code),
            _sourced(g.get("wood_density"), file, f"groups.{code}.wood_density"),
            _sourced(g.get("bef"), file, f"groups.{code}.bef"),
            shapes[rs_key],
            None
            if g.get("form_factor") is None
            else _sourced(g.get("form_factor"), file, f"groups.{code}.form_factor"),
        )
    ratio = data.get("co2_per_c") or {}
    for key in ("id", "name", "edition"):
        if not data.get(key):
            raise _bad(file, key, "必填", "required")
    return Parameters(
        id=str(data["id"]),
        name=str(data["name"]),
        name_zh=str(data.get("name_zh") or data["name"]),
        edition=str(data["edition"]),
        carbon_fraction=_sourced(data.get("carbon_fraction"), file, "carbon_fraction"),
        co2_per_c=float(ratio.get("numerator", 44)) / float(ratio.get("denominator", 12)),
        groups=groups,
    )


@functools.cache
def _default_parameters() -> Parameters:
    return parse_parameters(yaml.safe_load(_data("parameters-ipcc2006.yaml")), "parameters-ipcc2006.yaml")


def load_parameters(path: str | Path | None = None) -> Parameters:
    """The bundled IPCC 2006 set, or an office's own set from ``path``."""
    if path is None:
        return _default_parameters()
    p = Path(path)
    return parse_parameters(yaml.safe_load(p.read_text(encoding="utf-8")), p.name)


@functools.cache
def vocabulary() -> dict[str, Any]:
    """Land classes (with the forest-cover rule), age classes, origins and survey kinds."""
    data: dict[str, Any] = yaml.safe_load(_data("land-classes.yaml"))
    return data


def land_area(district: str = "120118") -> LandArea:
    """The district's land area (the denominator of 森林覆盖率) with its source."""
    d = yaml.safe_load(_data("land-area.yaml"))["districts"].get(district)
    if d is None:
        raise InvalidInputError(
            f"没有行政区 {district} 的土地面积", message_en=f"no land area for {district}"
        )
    area_ha = float(convert(float(d["land_area_km2"]), "km²", "hectare"))
    return LandArea(district, str(d["name"]), area_ha, str(d["source"]))


def district_outline(district: str = "120118") -> tuple[dict[str, Any], str]:
    """The district's outline (GeoJSON) for the map, with its source (approximate)."""
    import json

    d = yaml.safe_load(_data("land-area.yaml"))["districts"][district]
    outline: dict[str, Any] = json.loads(_data(str(d["outline"])))
    return outline, str(d["outline_source"])
