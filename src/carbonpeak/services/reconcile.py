"""The key units reconciled with the stored district inventory (issue 21, ``ledgers.reconcile``):
their reported and metered totals of a year by fuel against the inventory's industry lines, the
share the key units cover, the differences, in words and as a table (office, viewer)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.access import LedgerActor, reads_all
from carbonpeak.ledgers.errors import NotAllowedError
from carbonpeak.ledgers.monitoring import fuel_days, monthly
from carbonpeak.ledgers.reconcile import industry_energy, industry_lines, reconcile
from carbonpeak.services import inventory as inventory_service
from carbonpeak.storage import meters as meter_repo
from carbonpeak.storage import month_review as review_repo


class ReconcileService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def reconcile(self, actor: LedgerActor, year: int) -> dict[str, Any]:
        """The units' totals of ``year`` against the inventory's industry by fuel, with the words."""
        if not reads_all(actor):
            raise NotAllowedError(f"{actor.role} {actor.name} may not read the district reconciliation")
        stored = inventory_service.current(self.engine)
        if stored is None or year not in stored.inventory.years:
            raise NotFoundError(
                f"清单中没有 {year} 年的数据", message_en=f"the stored inventory has no year {year}"
            )
        tidy = stored.inventory.to_frame()
        from carbonpeak.services.enterprises import EnterpriseService

        reports = review_repo.counted_reports(self.engine, years={year})
        figures = EnterpriseService(self.engine)._rows(reports)
        reported: dict[str, float] = {}
        for s in reports:
            for line in s.report.lines:
                reported[line.fuel] = reported.get(line.fuel, 0.0) + line.catalogue_amount
        months = monthly(fuel_days(meter_repo.meter_days(self.engine, year=year)))
        metered = {str(k): float(v) for k, v in months.groupby("fuel")["use"].sum().items()}
        table = reconcile(
            industry_lines(tidy, year), reported, metered, {k: f.unit for k, f in FUELS.items()}
        )
        energy = industry_energy(tidy, year)
        units_energy = float(sum(r["tce_calorific"] for r in figures))
        rows = [
            {
                **{str(k): v for k, v in r.items()},
                "name": FUELS[r["fuel"]].name_zh if r["fuel"] in FUELS else r["fuel"],
            }
            for r in table.to_dict("records")
        ]
        return {
            "year": year,
            "units": len({s.report.enterprise_id for s in reports}),
            "months": len(reports),
            "inventory_illustrative": stored.illustrative,
            "illustrative": stored.illustrative or any(s.illustrative for s in reports),
            "energy": {
                "inventory_industry_tce": energy,
                "key_units_tce": units_energy,
                "share": units_energy / energy if energy else None,
            },
            "fuels": rows,
            "words": _words(year, rows, units_energy, energy, len(reports)),
        }


def _words(
    year: int, rows: list[dict[str, Any]], units: float, industry: float, months: int
) -> dict[str, list[str]]:
    """The reconciliation in sentences, zh-CN and English."""
    zh: list[str] = []
    en: list[str] = []
    share = units / industry if industry else None
    if share is not None:
        zh.append(
            f"{year} 年重点用能单位已报综合能耗 {units:,.1f} tce（当量值，{months} 个单位月），"
            f"占清单工业能耗 {industry:,.1f} tce 的 {share:.1%}。"
        )
        en.append(
            f"In {year} the key units reported {units:,.1f} tce (calorific, {months} unit-months), "
            f"{share:.1%} of the inventory's industrial energy of {industry:,.1f} tce."
        )
    for r in rows:
        if r["not_in_inventory"]:
            zh.append(
                f"{r['name']}：重点用能单位报送 {r['reported']:,.1f} {r['unit']}，"
                "清单工业部门无此品种，口径不一致。"
            )
            en.append(
                f"{r['fuel']}: the key units report {r['reported']:,.1f} {r['unit']}; "
                "the inventory's industry has none."
            )
        elif r["exceeds"]:
            zh.append(
                f"{r['name']}：重点用能单位报送 {r['reported']:,.1f} {r['unit']}，超过清单工业部门的 "
                f"{r['inventory']:,.1f} {r['unit']}（{r['share']:.1%}），请核对统计口径。"
            )
            en.append(
                f"{r['fuel']}: the key units report {r['reported']:,.1f} {r['unit']}, more than the "
                f"inventory's industry ({r['inventory']:,.1f}, {r['share']:.1%}): check the boundaries."
            )
        elif r["reported"] > 0:
            zh.append(
                f"{r['name']}：重点用能单位覆盖清单工业部门的 {r['share']:.1%}，"
                f"其余 {r['difference']:,.1f} {r['unit']} 为其他工业企业。"
            )
            en.append(
                f"{r['fuel']}: the key units cover {r['share']:.1%} of the inventory's industry; "
                f"the other {r['difference']:,.1f} {r['unit']} is other industry."
            )
    return {"zh-CN": zh, "en": en}
