"""The scenario explorer's results as XLSX or CSV: what the planner sees on the page, with the same
lever pushes, as a table Excel opens.

``GET /scenarios/download?scenario=plan&table=trajectory|targets&format=xlsx|csv|iamc&lever=id:value…``

- ``trajectory``: the IAMC variables of the deterministic run (CO2 by source and sector, final and
  primary energy, capacities, shares, drivers) as rows, one column per year — the wide IAMC layout
  (model, scenario, region, variable, unit, years), with a title row and bilingual headers.
- ``targets``: the plan's quantified targets the scenario can check: projected value and met or not.
- ``format=iamc`` (trajectory only): the same rows as a CSV that pyam reads as it is
  (``pyam.IamDataFrame(path)``): the header ``model, scenario, region, variable, unit, 2020 …``, no
  title line; the region says 示例数据 (illustrative).

Every file says 示例数据 (illustrative) in its title or its region: the scenario base data are invented.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from carbonpeak.plan import target_text
from carbonpeak.scenarios.iamc import rows_of_run, wide_table
from carbonpeak.scenarios.lever_table import lever_table
from carbonpeak.scenarios.results import ScenarioRun, summary
from carbonpeak.tables import Column, Table
from carbonpeak.web.core.auth import READERS, Principal, permit
from carbonpeak.web.core.downloads import table_response
from carbonpeak.web.core.render import lang_of
from carbonpeak.web.scenarios.explorer import ExplorerError
from carbonpeak.web.scenarios.pages import scenario_cache

router = APIRouter()
Reader = Annotated[Principal, Depends(permit(*READERS))]

ILLUSTRATIVE = "示例数据 (illustrative)"
# the targets table: names and the target as people read it, never an indicator id or comparator code
TARGET_COLUMNS = [
    ("name", "指标", "Indicator"),
    ("clause", "条款", "Clause"),
    ("year", "目标年", "Target year"),
    ("target_text", "目标", "Target"),
    ("target", "目标值", "Target value"),
    ("projected", "情景预测值", "Projected"),
    ("unit", "单位", "Unit"),
    ("met", "达标", "Met"),
    ("aspirational", "力争", "Aspirational"),
]
MAX_LEVERS = 20


class DownloadError(ValueError):
    """A download request that cannot be answered (bad lever syntax, unknown scenario or lever)."""


def parse_levers(values: list[str]) -> dict[str, float]:
    """``["id:value", …]`` → ``{id: value}``; every malformed item is named."""
    if len(values) > MAX_LEVERS:
        raise DownloadError(f"lever: at most {MAX_LEVERS} levers, got {len(values)}")
    out: dict[str, float] = {}
    problems = []
    for item in values:
        name, sep, number = item.partition(":")
        try:
            if not sep or not name:
                raise ValueError
            out[name] = float(number)
        except ValueError:
            problems.append(f"lever {item!r}: expected lever_id:number, e.g. gas_chp:2")
    if problems:
        raise DownloadError("; ".join(problems))
    return out


HEADER_WORDS = {"model": "模型 model", "scenario": "情景 scenario", "region": "区域 region"}
HEADER_WORDS |= {"variable": "变量 variable", "unit": "单位 unit"}


def trajectory_table(run: ScenarioRun) -> tuple[list[str], list[list[Any]]]:
    """The run's IAMC rows, wide: one row per variable, one column per year, bilingual headers."""
    header, rows = wide_table(rows_of_run(run))
    shown = [HEADER_WORDS.get(h, h) for h in header]
    return shown, [[*row[:5], *(None if v is None else round(v, 6) for v in row[5:])] for row in rows]


def targets_table(run: ScenarioRun, request: Request) -> tuple[list[str], list[list[Any]]]:
    plan = request.app.state.plan
    en = lang_of(request) == "en"
    by_id = {ind.id: ind for ind in plan.indicators}
    checks = summary(run, plan, detail=False)["targets"]
    rows = []
    for check in checks:
        ind = by_id[check["id"]]
        named = {
            **check,
            "name": (ind.name_en or ind.name) if en else ind.name,
            "clause": ind.clause,
            "target_text": target_text(ind, "en" if en else "zh"),
        }
        rows.append([_cell(named.get(key), en) for key, _, _ in TARGET_COLUMNS])
    return [_header(zh, english, en) for _, zh, english in TARGET_COLUMNS], rows


def _header(zh: str, english: str, en: bool) -> str:
    return english if en else zh


def _cell(value: Any, en: bool = False) -> Any:
    if isinstance(value, bool):
        return ("yes" if value else "no") if en else ("是" if value else "否")
    return value


@router.get("/scenarios/download", summary="A scenario run (with lever pushes) as XLSX or CSV")
def scenario_download(
    request: Request,
    who: Reader,
    scenario: Annotated[Literal["bau", "plan", "enhanced"], Query()] = "plan",
    table: Annotated[Literal["trajectory", "targets"], Query()] = "trajectory",
    format: Annotated[Literal["xlsx", "csv", "iamc"], Query()] = "xlsx",
    lever: Annotated[list[str] | None, Query(max_length=MAX_LEVERS)] = None,
) -> Response:
    del who
    try:
        levers = parse_levers(lever or [])
        prep, inputs = scenario_cache(request).pushed(scenario, levers)
    except (DownloadError, ExplorerError) as exc:
        return JSONResponse({"detail": str(exc)}, 422)
    if format == "iamc" and table != "trajectory":
        return JSONResponse({"detail": "format=iamc is the trajectory table (table=trajectory)"}, 422)
    run = ScenarioRun(prep.scenario, prep.engine, inputs, prep.engine.run(inputs, keep_energy=True))
    lang = lang_of(request)
    names = {lever.id: lever.name.of(lang) for lever in lever_table().levers}
    pushed = [f"{names.get(k, k)} +{v:g}" for k, v in levers.items() if v]
    if lang == "en":
        pushes = ", ".join(pushed) or "no lever push"
        title = f"Scenario: {prep.scenario.title_of('en')} · {pushes} · {ILLUSTRATIVE}"
    else:
        title = f"情景：{prep.scenario.title} · {'，'.join(pushed) or '无杠杆调整'} · {ILLUSTRATIVE}"
    if format == "iamc":  # pyam reads the header in the first line: no title line
        named = ", ".join(f"{k} +{v:g}" for k, v in levers.items() if v)
        iamc_rows = [
            {**r, "scenario": f"{r['scenario']} ({named})"} if named else r for r in rows_of_run(run)
        ]
        header, rows = wide_table(iamc_rows)
        name = f"scenario-{scenario}-iamc"
        iamc = Table("data", _columns(header), tuple(map(tuple, rows)), title=title, csv_title=False)
        return table_response("csv", iamc, name)
    header, rows = trajectory_table(run) if table == "trajectory" else targets_table(run, request)
    sheet = {"trajectory": "情景结果", "targets": "目标检查"}[table]
    if lang == "en":
        sheet = {"trajectory": "Scenario results", "targets": "Target checks"}[table]
    content = Table(sheet, _columns(header), tuple(map(tuple, rows)), title=title, csv_title=True)
    return table_response(format, content, f"scenario-{scenario}-{table}")


_NUMBERS = {"目标值", "情景预测值", "Target value", "Projected"}
_YEARS = {"目标年", "Target year"}


def _columns(header: list[str]) -> tuple[Column, ...]:
    """The file's columns: the years of the trajectory and the values of the targets are numbers."""
    out = []
    for i, name in enumerate(header):
        if name.isdigit() or name in _NUMBERS:
            out.append(Column(f"c{i}", name, kind="number", decimals=2))
        elif name in _YEARS:
            out.append(Column(f"c{i}", name, kind="year"))
        else:
            out.append(Column(f"c{i}", name))
    return tuple(out)
