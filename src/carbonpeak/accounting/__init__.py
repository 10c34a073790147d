"""Emission accounting (区级碳排放统计核算): factor sets with provenance, activity data, the CO2
inventory and the official indicators. Pure domain: no SQL, no web, no CLI. See docs/accounting.md."""

from __future__ import annotations

from carbonpeak.accounting.catalog import FUELS, SECTORS, Fuel, sector_codes, sector_key
from carbonpeak.accounting.errors import (
    AccountingError,
    FactorSetNotFoundError,
    ImportProblems,
    Problem,
)
from carbonpeak.accounting.factors import (
    FactorSet,
    UserFactors,
    bundled_sets,
    combustion_co2,
    fuel_factors,
    get_set,
    read_user_factors,
)
from carbonpeak.accounting.indicators import (
    average_annual_rate,
    cumulative_reduction,
    implied_annual_rate,
    required_rate,
)
from carbonpeak.accounting.inventory import InventoryOptions
from carbonpeak.accounting.io import Activity, Macro, read_activity, read_macro
from carbonpeak.accounting.result import Inventory, Target, inventory

__all__ = [
    "FUELS",
    "SECTORS",
    "AccountingError",
    "Activity",
    "FactorSet",
    "FactorSetNotFoundError",
    "Fuel",
    "ImportProblems",
    "Inventory",
    "InventoryOptions",
    "Macro",
    "Problem",
    "Target",
    "UserFactors",
    "average_annual_rate",
    "bundled_sets",
    "combustion_co2",
    "cumulative_reduction",
    "fuel_factors",
    "get_set",
    "implied_annual_rate",
    "inventory",
    "read_activity",
    "read_macro",
    "read_user_factors",
    "required_rate",
    "sector_codes",
    "sector_key",
]
