"""Ledgers (台账): the key energy-using units (重点用能单位) of the district and their monthly energy
reports — comprehensive energy consumption on both bases and CO2 with the accounting package's
factors. Pure domain: no SQL, no web, no CLI. See docs/ledgers.md."""

from __future__ import annotations

from carbonpeak.ledgers.compute import RESULT_COLUMNS, Method, compute, summary
from carbonpeak.ledgers.enterprises import Enterprise, uscc_check_char, uscc_problem
from carbonpeak.ledgers.errors import LedgerError, LedgerProblems, NotAllowedError, Problem
from carbonpeak.ledgers.report import EnergyReport, ReportLine, parse_report, reportable_fuels

__all__ = [
    "RESULT_COLUMNS",
    "EnergyReport",
    "Enterprise",
    "LedgerError",
    "LedgerProblems",
    "Method",
    "NotAllowedError",
    "Problem",
    "ReportLine",
    "compute",
    "parse_report",
    "reportable_fuels",
    "summary",
    "uscc_check_char",
    "uscc_problem",
]
