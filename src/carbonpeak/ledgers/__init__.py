"""Ledgers (台账): the key energy-using units (重点用能单位) of the district and their monthly energy
reports — comprehensive energy consumption on both bases and CO2 with the accounting package's
factors —, the 两高 project ledger and the energy review (节能审查) against the district's headroom.
Pure domain: no SQL, no web, no CLI. See docs/ledgers.md and docs/two-high.md."""

from __future__ import annotations

from carbonpeak.ledgers.compute import RESULT_COLUMNS, Method, compute, summary
from carbonpeak.ledgers.enterprises import Enterprise, uscc_check_char, uscc_problem
from carbonpeak.ledgers.errors import LedgerError, LedgerProblems, NotAllowedError, Problem
from carbonpeak.ledgers.headroom import Headroom
from carbonpeak.ledgers.projects import TwoHighProject
from carbonpeak.ledgers.proposed import ProposedProject, parse_project
from carbonpeak.ledgers.report import EnergyReport, ReportLine, parse_report, reportable_fuels
from carbonpeak.ledgers.review import review, review_many
from carbonpeak.ledgers.rules import Prohibition, rulebook

__all__ = [
    "RESULT_COLUMNS",
    "EnergyReport",
    "Enterprise",
    "Headroom",
    "LedgerError",
    "LedgerProblems",
    "Method",
    "NotAllowedError",
    "Problem",
    "Prohibition",
    "ProposedProject",
    "ReportLine",
    "TwoHighProject",
    "compute",
    "parse_project",
    "parse_report",
    "reportable_fuels",
    "review",
    "review_many",
    "rulebook",
    "summary",
    "uscc_check_char",
    "uscc_problem",
]
