"""Forestry carbon sinks (三.(七).2 林业碳汇基础数据库): parcels (小班), carbon stock by the
volume-expansion method, the annual sink by stock difference or gain–loss, wetland sinks apart,
forest cover and growing stock. Pure domain: no SQL, web or CLI."""

from carbonpeak.forestry.compute import (
    ParcelArrays,
    StockResult,
    forest_cover,
    gain_loss_sink,
    stock,
    stock_difference_sink,
    wetland_sink,
)
from carbonpeak.forestry.model import (
    LandArea,
    Parameters,
    Parcel,
    WetlandFactor,
    district_outline,
    land_area,
    load_parameters,
    vocabulary,
)

__all__ = [
    "LandArea",
    "Parameters",
    "Parcel",
    "ParcelArrays",
    "StockResult",
    "WetlandFactor",
    "district_outline",
    "forest_cover",
    "gain_loss_sink",
    "land_area",
    "load_parameters",
    "stock",
    "stock_difference_sink",
    "vocabulary",
    "wetland_sink",
]
