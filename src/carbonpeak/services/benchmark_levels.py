"""Benchmark levels of the key units (issue 21): each unit's unit consumption where it reports its
product output, month by month and by year, against the national benchmark/baseline levels of the
energy review's table (``ledgers.benchmark_levels``). Drafts are left out (not the unit's figure)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine

from carbonpeak.ledgers.access import LedgerActor, check_may_read, reads_all
from carbonpeak.ledgers.benchmark_levels import LEVEL_WORDS, levels, source, year_levels
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.services.enterprises import EnterpriseService


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in frame.to_dict("records"):
        out.append(
            {
                **{str(k): (v.item() if hasattr(v, "item") else v) for k, v in r.items()},
                "attributed": bool(r["attributed"]),
                "unit": f"{r['energy_unit']}/{r['output_unit']}",
                "level_label": LEVEL_WORDS[str(r["level"])][0],
                "level_label_en": LEVEL_WORDS[str(r["level"])][1],
            }
        )
    return out


class BenchmarkLevelService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def unit_levels(self, actor: LedgerActor, enterprise_id: str) -> dict[str, Any]:
        """A unit's months with a product output and its years — one row per product — each with
        its level and the energy it was put against (the product's own, or the month's total)."""
        check_may_read(actor, enterprise_id)
        reports = [
            r
            for r in EnterpriseService(self.engine).reports(actor, enterprise_id)
            if r["status"] != "draft" and r.get("products")
        ]
        months = levels(reports)
        return {
            "enterprise_id": enterprise_id,
            "months": _records(months),
            "years": _records(year_levels(months)),
            **source(),
        }

    def district(self, actor: LedgerActor, year: int) -> list[dict[str, Any]]:
        """The office's list: every unit with a product output in ``year``, its year's level."""
        if not reads_all(actor):
            raise NotAllowedError(f"{actor.role} {actor.name} may not read every unit's benchmark levels")
        svc = EnterpriseService(self.engine)
        out = []
        for ent in svc.enterprises(actor):
            found = self.unit_levels(actor, ent.id)
            for row in found["years"]:
                if row["year"] == year:
                    out.append(
                        {
                            **row,
                            "enterprise_id": ent.id,
                            "enterprise_name": ent.name,
                            "illustrative": ent.illustrative,
                        }
                    )
        return sorted(
            out,
            key=lambda r: (list(LEVEL_WORDS).index(r["level"]) * -1, r["enterprise_name"], r["product"]),
        )


def table_source() -> dict[str, str]:
    """The benchmark table's source and edition."""
    return source()
