"""Key emitters (重点排放单位, 方案 五.(三)): for each unit in the national carbon market
(全国碳排放权交易市场) or the city's list of key emitters, per year, its annual emission report
(排放报告), the verification (核查) and the compliance (履约/清缴); the verified tonnes reconciled
with the ledger's own CO2 of the unit and year; and the alerts, each with its reason in words.

Pure: the deadlines, the ledger basis of each programme and the tolerance are data
(``data/emitters.yaml``) with their sources; a date marked there as an assumption is the office's."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from carbonpeak.ledgers.enterprises import uscc_problem

Program = Literal["national_ets", "city_list"]
Compliance = Literal["fulfilled", "unfulfilled", "partial"]
STEPS = ("report", "verification", "compliance")
LEDGER_PARTS = ("co2_combustion", "co2_electricity", "co2_heat")


@functools.cache
def rules() -> dict[str, Any]:
    text = resources.files("carbonpeak.ledgers").joinpath("data/emitters.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def program_label(program: str, lang: str = "zh-CN") -> str:
    entry = rules()["programs"][program]
    return str(entry["en"] if lang == "en" else entry["zh"])


def compliance_label(status: str | None, lang: str = "zh-CN") -> str:
    if status is None:
        return "未记录" if lang != "en" else "not recorded"
    entry = rules()["compliance"][status]
    return str(entry["en"] if lang == "en" else entry["zh"])


class EmitterYear(BaseModel):
    """One key emitter's year: its listing (programme), report, verification and compliance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enterprise_id: str
    year: int = Field(ge=2013, le=2100, description="the reporting year (the emissions' year)")
    program: Program = Field(description="national_ets 全国碳市场, city_list 市重点排放单位名录")
    sector: str = Field("", max_length=100, description="the market's sector, e.g. 发电")
    report_submitted_on: dt.date | None = None
    report_document: str = Field("", max_length=255, description="the report's file name or 文号")
    reported_t: float | None = Field(None, ge=0, description="emissions in the report, tCO2")
    verifier: str = Field("", max_length=200, description="the verification body (核查机构)")
    verified_on: dt.date | None = None
    verification_document: str = Field("", max_length=255)
    verified_t: float | None = Field(None, ge=0, description="verified emissions, tCO2")
    allocated_t: float | None = Field(None, ge=0, description="allowances allocated, tCO2 (配额)")
    surrendered_t: float | None = Field(None, ge=0, description="allowances surrendered, tCO2 (清缴)")
    surrendered_on: dt.date | None = None
    compliance: Compliance | None = Field(None, description="已履约 fulfilled / 未履约 / 部分履约 partial")
    note: str = Field("", max_length=2000)
    illustrative: bool = False

    @field_validator("enterprise_id")
    @classmethod
    def _uscc(cls, value: str) -> str:
        value = value.strip().upper()
        problem = uscc_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> EmitterYear:
        after = dt.date(self.year, 12, 31)
        for name, day in (
            ("report_submitted_on", self.report_submitted_on),
            ("verified_on", self.verified_on),
            ("surrendered_on", self.surrendered_on),
        ):
            if day is not None and day <= after:
                raise ValueError(f"{name}：{day} 应在 {self.year} 年之后（报告的是 {self.year} 年的排放）")
        if self.reported_t is not None and self.report_submitted_on is None:
            raise ValueError("report_submitted_on：填写了报告排放量，须填写报送日期")
        if self.verified_t is not None and (self.verified_on is None or not self.verifier.strip()):
            raise ValueError("verified_on：填写了核查排放量，须填写核查机构和核查日期")
        if self.surrendered_t is not None and self.surrendered_on is None:
            raise ValueError("surrendered_on：填写了清缴量，须填写清缴日期")
        return self


@dataclass(frozen=True)
class LedgerCO2:
    """The ledger's own CO2 of a unit and year: the months counted and the parts (tCO2)."""

    months: int
    co2_combustion: float
    co2_electricity: float
    co2_heat: float

    def on_basis(self, parts: list[str]) -> float:
        return sum(float(getattr(self, p)) for p in parts)


def deadline(program: str, step: str, year: int) -> dt.date:
    """The deadline of ``step`` (report, verification, compliance) of reporting year ``year``."""
    d = rules()["programs"][program]["deadlines"][step]
    return dt.date(year + int(d["year_offset"]), int(d["month"]), int(d["day"]))


def _date(day: dt.date, lang: str) -> str:
    return day.isoformat() if lang == "en" else f"{day.year}年{day.month}月{day.day}日"


def _alert(code: str, zh: str, en: str) -> dict[str, str]:
    return {"code": code, "zh": zh, "en": en}


def assess(
    record: EmitterYear,
    ledger: LedgerCO2 | None,
    today: dt.date,
    tolerance: float | None = None,
) -> dict[str, Any]:
    """The state of each step of ``record`` on ``today``, the reconciliation of the verified (or,
    before verification, the reported) tonnes with the ledger's CO2 on the programme's basis, and
    the alerts, each with its reason in Chinese and English."""
    tol = float(rules()["gap_tolerance"]["share"] if tolerance is None else tolerance)
    due = {s: deadline(record.program, s, record.year) for s in STEPS}
    alerts: list[dict[str, str]] = []
    y = record.year

    # report
    if record.report_submitted_on is not None:
        report = "submitted"
        if record.report_submitted_on > due["report"]:
            report = "late"
            alerts.append(
                _alert(
                    "report_late",
                    f"{y}年度排放报告于{_date(record.report_submitted_on, 'zh')}报送，"
                    f"晚于截止日{_date(due['report'], 'zh')}",
                    f"the {y} emission report came on {record.report_submitted_on}, "
                    f"after its deadline {due['report']}",
                )
            )
    elif today > due["report"]:
        report = "missing"
        alerts.append(
            _alert(
                "report_missing",
                f"{y}年度排放报告未报送，已过截止日{_date(due['report'], 'zh')}",
                f"the {y} emission report is missing after its deadline {due['report']}",
            )
        )
    else:
        report = "pending"

    # verification
    if record.verified_t is not None:
        verification = "verified"
    elif today > due["verification"]:
        verification = "missing"
        alerts.append(
            _alert(
                "verification_missing",
                f"{y}年度排放核查结果未录入，已过核查截止日{_date(due['verification'], 'zh')}",
                f"the {y} verification is missing after its deadline {due['verification']}",
            )
        )
    else:
        verification = "pending"

    # compliance: the allowances due are the verified emissions (the reported ones before verification)
    owed = record.verified_t if record.verified_t is not None else record.reported_t
    shortfall = None
    if owed is not None and record.surrendered_t is not None:
        shortfall = max(owed - record.surrendered_t, 0.0)
    if record.compliance is None and record.surrendered_t is None:
        compliance = "missing" if today > due["compliance"] else "pending"
        if compliance == "missing":
            alerts.append(
                _alert(
                    "compliance_missing",
                    f"{y}年度配额清缴（履约）未记录，已过截止日{_date(due['compliance'], 'zh')}",
                    f"the {y} compliance (surrender) is not recorded after its deadline {due['compliance']}",
                )
            )
    else:
        compliance = record.compliance or (
            "fulfilled" if shortfall == 0 else "partial" if record.surrendered_t else "unfulfilled"
        )
        if shortfall:
            alerts.append(
                _alert(
                    "compliance_short",
                    f"{y}年度清缴配额 {record.surrendered_t:,.0f} t，"
                    f"少于应清缴的 {owed:,.0f} t（差 {shortfall:,.0f} t）",
                    f"{y}: {record.surrendered_t:,.0f} t surrendered, "
                    f"short of the {owed:,.0f} t due by {shortfall:,.0f} t",
                )
            )
        elif compliance in ("unfulfilled", "partial"):
            alerts.append(
                _alert(
                    "compliance_short",
                    f"{y}年度履约状态为“{compliance_label(compliance)}”",
                    f"{y}: compliance is '{compliance_label(compliance, 'en')}'",
                )
            )

    # reconciliation with the ledger
    parts = list(rules()["programs"][record.program]["ledger_basis"])
    figure, basis = (
        (record.verified_t, "verified") if record.verified_t is not None else (record.reported_t, "reported")
    )
    recon: dict[str, Any] = {
        "basis": basis if figure is not None else None,
        "figure_t": figure,
        "ledger_parts": parts,
        "ledger_months": ledger.months if ledger else 0,
        "ledger_t": ledger.on_basis(parts) if ledger else None,
        "gap_t": None,
        "gap_share": None,
        "tolerance": tol,
        "state": "no_figure",
    }
    if figure is not None:
        if ledger is None or ledger.months < 12:
            months = ledger.months if ledger else 0
            recon["state"] = "ledger_incomplete"
            recon["reason_zh"] = f"台账仅有 {months} 个月（须 12 个月已报送），未比对"
            recon["reason_en"] = f"the ledger has {months} month(s) of the year (12 needed): not compared"
        else:
            ledger_t = float(recon["ledger_t"])
            gap = figure - ledger_t
            share = gap / ledger_t if ledger_t > 0 else (0.0 if figure == 0 else float("inf"))
            recon |= {"gap_t": gap, "gap_share": share if share != float("inf") else None}
            recon["state"] = "gap" if abs(share) > tol else "agrees"
            if recon["state"] == "gap":
                which_zh = "核查" if basis == "verified" else "报告"
                pct = f"{share * 100:+.1f}%" if share != float("inf") else "—"
                alerts.append(
                    _alert(
                        "gap",
                        f"{y}年度{which_zh}排放量 {figure:,.0f} t 与台账CO2 {ledger_t:,.0f} t "
                        f"相差 {gap:+,.0f} t（{pct}），超过允许偏差 {tol * 100:.0f}%",
                        f"{y}: the {basis} {figure:,.0f} t differs from the ledger's {ledger_t:,.0f} t "
                        f"by {gap:+,.0f} t ({pct}), above the {tol * 100:.0f}% tolerance",
                    )
                )
    return {
        "deadlines": {s: due[s].isoformat() for s in STEPS},
        "assumed": [s for s in STEPS if rules()["programs"][record.program]["deadlines"][s]["assumption"]],
        "report_state": report,
        "verification_state": verification,
        "compliance_state": compliance,
        "owed_t": owed,
        "shortfall_t": shortfall,
        "reconciliation": recon,
        "alerts": alerts,
    }


STATE_WORDS: Mapping[str, tuple[str, str]] = {
    "submitted": ("已报送", "submitted"),
    "late": ("逾期报送", "submitted late"),
    "missing": ("缺失", "missing"),
    "pending": ("未到期", "not yet due"),
    "verified": ("已核查", "verified"),
    "fulfilled": ("已履约", "fulfilled"),
    "unfulfilled": ("未履约", "not fulfilled"),
    "partial": ("部分履约", "partly fulfilled"),
    "agrees": ("一致", "agrees"),
    "gap": ("偏差超限", "gap above tolerance"),
    "ledger_incomplete": ("台账不全", "ledger incomplete"),
    "no_figure": ("无排放量", "no figure"),
}


def state_label(state: str, lang: str = "zh-CN") -> str:
    zh, en = STATE_WORDS[state]
    return en if lang == "en" else zh


ALERT_WORDS: Mapping[str, tuple[str, str]] = {
    "report_missing": ("排放报告缺失", "report missing"),
    "report_late": ("排放报告逾期", "report late"),
    "verification_missing": ("核查缺失", "verification missing"),
    "compliance_missing": ("履约未记录", "compliance not recorded"),
    "compliance_short": ("清缴不足", "surrender short"),
    "gap": ("与台账偏差超限", "gap with the ledger"),
}


def alert_label(code: str, lang: str = "zh-CN") -> str:
    zh, en = ALERT_WORDS[code]
    return en if lang == "en" else zh
