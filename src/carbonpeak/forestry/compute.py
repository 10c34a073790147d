"""Carbon stock and sink of parcels, vectorized over parcels (NumPy).

Volume-expansion method (蓄积量扩展法), per parcel i:
    AGB_i = V_i × BEF_g × WD_g                         (t d.m./hm², above ground)
    B_i   = AGB_i × (1 + R_g(AGB_i))                    (R by above-ground biomass class)
    C_i   = A_i × B_i × CF ;   CO2_i = C_i × 44/12
Stock-difference (IPCC 2006 Vol. 4 Eq. 2.8): ΔC = (C_t2 − C_t1) / (t2 − t1), the annual sink.
Gain–loss (IPCC 2006 Vol. 4 Eq. 2.7, 2.9–2.12 with the expansion factors of the stock method):
    gain = A × I_v × BEF × WD × (1 + R) × CF ; loss = L_v × BEF × WD × (1 + R) × CF.
Wetland sinks: area × the office's factor, reported apart from forests.
Stand volume where only diameter and height were measured (form-factor method):
    V = N × (π/4) × (D/100)² × H × f1.3                 (m³/hm²; N stems/hm², D cm, H m)
with the breast-height form factor f1.3 of the species group, a parameter with its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from carbonpeak.errors import InvalidInputError, Problem
from carbonpeak.forestry.model import LandArea, Parameters, Parcel, WetlandFactor, vocabulary

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ParcelArrays:
    """The parcels of one survey as columns."""

    ids: tuple[str, ...]
    area_ha: Array
    volume: Array  # m³/hm², 0 where not measured
    increment: Array  # m³/hm²/yr, NaN where not known
    loss_m3: Array
    bef: Array
    wd: Array
    r_table: NDArray[np.int64]  # index of each parcel's root-to-shoot table in r_tables
    r_tables: list[tuple[tuple[float, ...], tuple[float, ...]]]  # (upper bounds, ratios)
    has_params: NDArray[np.bool_]

    @classmethod
    def of(cls, parcels: Sequence[Parcel], params: Parameters) -> ParcelArrays:
        n = len(parcels)
        volume, _ = stand_volume(parcels, params)
        bef, wd = np.zeros(n), np.zeros(n)
        has = np.zeros(n, dtype=bool)
        tables: dict[tuple[tuple[float, ...], tuple[float, ...]], int] = {((float("inf"),), (0.0,)): 0}
        table = np.zeros(n, dtype=np.int64)
        for i, p in enumerate(parcels):
            g = params.groups.get(p.species or "")
            if g is not None:
                bef[i], wd[i], has[i] = g.bef.value, g.wood_density.value, True
                key = (g.root_shoot.bounds, g.root_shoot.values)
                table[i] = tables.setdefault(key, len(tables))
        return cls(
            ids=tuple(p.parcel_id for p in parcels),
            area_ha=np.array([p.area_ha for p in parcels], dtype=float),
            volume=volume,
            increment=np.array(
                [np.nan if p.increment_m3_per_ha is None else p.increment_m3_per_ha for p in parcels],
                dtype=float,
            ),
            loss_m3=np.array([p.loss_m3 or 0.0 for p in parcels], dtype=float),
            bef=bef,
            wd=wd,
            r_table=table,
            r_tables=list(tables),
            has_params=has,
        )

    def root_shoot(self, agb: Array) -> Array:
        """R of each parcel for its above-ground biomass density (vectorized per distinct class table)."""
        out = np.zeros_like(agb)
        for k, (b, v) in enumerate(self.r_tables):
            mask = self.r_table == k
            idx = np.searchsorted(np.asarray(b), agb[mask], side="right")
            out[mask] = np.asarray(v)[np.minimum(idx, len(v) - 1)]
        return out


def _measured_only(p: Parcel) -> bool:
    """No volume given, but diameter and height (the form-factor method applies)."""
    return p.volume_m3_per_ha is None and p.dbh_cm is not None and p.height_m is not None


def stand_volume(parcels: Sequence[Parcel], params: Parameters) -> tuple[Array, NDArray[np.bool_]]:
    """Stand volume (m³/hm²) of each parcel: as surveyed, else from mean DBH, mean height and stems
    per hm² with the group's form factor (V = N·π/4·D²·H·f1.3); 0 where neither is known. The second
    array marks the parcels whose volume was derived."""
    n = len(parcels)
    given = np.array([p.volume_m3_per_ha or 0.0 for p in parcels], dtype=float)
    derived = np.array([_measured_only(p) for p in parcels], dtype=bool)
    if not derived.any():
        return given, derived
    dbh = np.array([p.dbh_cm or 0.0 for p in parcels], dtype=float)
    height = np.array([p.height_m or 0.0 for p in parcels], dtype=float)
    stems = np.array([p.stems_per_ha or 0.0 for p in parcels], dtype=float)
    factor = np.zeros(n)
    for i, p in enumerate(parcels):
        g = params.groups.get(p.species or "")
        if derived[i] and g is not None and g.form_factor is not None:
            factor[i] = g.form_factor.value
    basal_area = stems * (np.pi / 4.0) * (dbh / 100.0) ** 2  # m²/hm²
    return np.where(derived, basal_area * height * factor, given), derived


@dataclass(frozen=True)
class StockResult:
    """Per-parcel stock of one survey: biomass (t d.m.), carbon (tC) and CO2 (tCO2), and the totals."""

    ids: tuple[str, ...]
    volume_m3: Array  # parcel growing stock (m³)
    biomass_t: Array
    carbon_t: Array
    co2_t: Array
    method: str
    parameters: str

    @property
    def total_co2_t(self) -> float:
        return float(self.co2_t.sum())

    @property
    def total_volume_m3(self) -> float:
        return float(self.volume_m3.sum())


STOCK_METHOD = "volume_expansion"
METHOD_LABELS = {
    "volume_expansion": ("蓄积量扩展法", "volume-expansion method"),
    "stock_difference": (
        "储量变化法（IPCC 2006 第4卷 式2.8）",
        "stock-difference method (IPCC 2006 Vol. 4 Eq. 2.8)",
    ),
    "gain_loss": ("增量—损失法（IPCC 2006 第4卷 式2.7）", "gain–loss method (IPCC 2006 Vol. 4 Eq. 2.7)"),
    "wetland_factor": ("湿地面积×碳汇因子", "wetland area × sink factor"),
}


def _forest_parcels(parcels: Sequence[Parcel]) -> list[Parcel]:
    classes = vocabulary()["classes"]
    return [p for p in parcels if classes.get(p.land_class, {}).get("kind") == "forest"]


def _check_params(parcels: Sequence[Parcel], arrays: ParcelArrays, params: Parameters) -> None:
    missing = [
        Problem(
            f"小班 {p.parcel_id} 的树种组“{p.species}”在参数集“{params.name_zh}”中没有参数",
            field="species",
            message_en=f"parcel {p.parcel_id}: species group {p.species!r} has no parameters in {params.id}",
        )
        for p, ok in zip(parcels, arrays.has_params, strict=True)
        if not ok and (p.volume_m3_per_ha or p.increment_m3_per_ha or _measured_only(p))
    ]
    for p, ok in zip(parcels, arrays.has_params, strict=True):
        if not (ok and _measured_only(p)):
            continue
        group = params.groups[p.species or ""]
        if group.form_factor is None:
            missing.append(
                Problem(
                    f"小班 {p.parcel_id} 只有胸径和树高：参数集“{params.name_zh}”中树种组“{group.name_zh}”"
                    "没有形数（form_factor），无法计算蓄积量",
                    field="species",
                    message_en=f"parcel {p.parcel_id} has only diameter and height: species group "
                    f"{p.species!r} has no form_factor in {params.id}",
                )
            )
        if not p.stems_per_ha:
            missing.append(
                Problem(
                    f"小班 {p.parcel_id} 只有胸径和树高，须填写每公顷株数",
                    field="stems_per_ha",
                    message_en=f"parcel {p.parcel_id} has only diameter and height: stems per hm² needed",
                )
            )
    if missing:
        raise InvalidInputError(missing, summary="缺少参数", summary_en="parameters missing")


def stock(parcels: Sequence[Parcel], params: Parameters) -> StockResult:
    """Carbon stock of the forest parcels of one survey (wetlands are left out)."""
    forest = _forest_parcels(parcels)
    a = ParcelArrays.of(forest, params)
    _check_params(forest, a, params)
    agb = a.volume * a.bef * a.wd
    biomass_per_ha = agb * (1.0 + a.root_shoot(agb))
    biomass = a.area_ha * biomass_per_ha
    carbon = biomass * params.carbon_fraction.value
    return StockResult(
        ids=a.ids,
        volume_m3=a.area_ha * a.volume,
        biomass_t=biomass,
        carbon_t=carbon,
        co2_t=carbon * params.co2_per_c,
        method=STOCK_METHOD,
        parameters=params.label(),
    )


@dataclass(frozen=True)
class SinkResult:
    """An annual sink (tCO2 per year, positive = removal) with its method and years."""

    co2_t_per_year: float
    method: str
    parameters: str
    years: tuple[int, ...]

    def method_label(self, lang: str = "zh-CN") -> str:
        zh, en = METHOD_LABELS[self.method]
        return en if lang == "en" else zh


def stock_difference_sink(
    first: Sequence[Parcel], second: Sequence[Parcel], params: Parameters
) -> SinkResult:
    """ΔC = (C_t2 − C_t1)/(t2 − t1) over the whole of two surveys (parcels may be re-delineated)."""
    years = {p.survey_year for p in first}, {p.survey_year for p in second}
    if len(years[0]) != 1 or len(years[1]) != 1:
        raise InvalidInputError(
            "每次调查的小班须属于同一调查年度", message_en="each survey's parcels must share one survey year"
        )
    t1, t2 = next(iter(years[0])), next(iter(years[1]))
    if t2 <= t1:
        raise InvalidInputError(
            f"第二次调查（{t2}）须晚于第一次（{t1}）",
            message_en=f"the second survey ({t2}) must follow the first ({t1})",
        )
    c1, c2 = stock(first, params).total_co2_t, stock(second, params).total_co2_t
    return SinkResult((c2 - c1) / (t2 - t1), "stock_difference", params.label(), (t1, t2))


def gain_loss_sink(parcels: Sequence[Parcel], params: Parameters) -> SinkResult:
    """Annual gain from the parcels' volume increment minus the loss of the volume removed."""
    forest = [p for p in _forest_parcels(parcels) if p.increment_m3_per_ha is not None or p.loss_m3]
    a = ParcelArrays.of(forest, params)
    _check_params(forest, a, params)
    agb = a.volume * a.bef * a.wd
    expansion = a.bef * a.wd * (1.0 + a.root_shoot(agb)) * params.carbon_fraction.value * params.co2_per_c
    gain = a.area_ha * np.nan_to_num(a.increment) * expansion
    loss = a.loss_m3 * expansion
    years = tuple(sorted({p.survey_year for p in forest}))
    return SinkResult(float((gain - loss).sum()), "gain_loss", params.label(), years)


def wetland_sink(parcels: Sequence[Parcel], factor: WetlandFactor) -> SinkResult:
    """Wetland sink = wetland area × the office's factor; shown apart from forests."""
    area = np.array([p.area_ha for p in parcels if p.land_class == "wetland"], dtype=float)
    years = tuple(sorted({p.survey_year for p in parcels if p.land_class == "wetland"}))
    return SinkResult(float(area.sum() * factor.t_co2_per_ha_year), "wetland_factor", factor.source, years)


@dataclass(frozen=True)
class Cover:
    year: int
    forest_area_ha: float
    land_area_ha: float
    percent: float
    source: str


def forest_cover(parcels: Sequence[Parcel], land: LandArea) -> Cover:
    """森林覆盖率 = area of the land classes that count as forest / the district's land area (%)."""
    classes = vocabulary()["classes"]
    years = {p.survey_year for p in parcels}
    if len(years) != 1:
        raise InvalidInputError(
            "覆盖率按一个调查年度计算", message_en="cover is computed for one survey year"
        )
    area = np.array([p.area_ha for p in parcels if classes.get(p.land_class, {}).get("forest")], dtype=float)
    forest = float(area.sum())
    return Cover(
        next(iter(years)), forest, land.land_area_ha, 100.0 * forest / land.land_area_ha, land.source
    )


def group_totals(parcels: Sequence[Parcel], result: StockResult, by: str) -> dict[str, tuple[float, float]]:
    """(growing stock m³, CO2 t) of a stock result summed by a parcel attribute (town, species, age_class)."""
    keyed = {p.parcel_id: str(getattr(p, by) or "") for p in parcels}
    keys = np.array([keyed[i] for i in result.ids], dtype=object)
    out: dict[str, tuple[float, float]] = {}
    for k in sorted(set(keys.tolist())):
        m = keys == k
        out[k] = (float(result.volume_m3[m].sum()), float(result.co2_t[m].sum()))
    return out
