"""``carbonpeak scenario …`` and ``carbonpeak decompose``: thin commands over carbonpeak.scenarios."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.progress import Progress

from carbonpeak.cli.common import PlanOption, domain_errors, get_plan, migrated_engine
from carbonpeak.cli.output import Format, FormatOption, emit, write_table
from carbonpeak.errors import InvalidInputError
from carbonpeak.ledgers.access import LedgerActor
from carbonpeak.plan import Plan, PlanNotFoundError
from carbonpeak.reports import format_of
from carbonpeak.scenarios import decompose_csv
from carbonpeak.scenarios.iamc import rows_of_run, to_frame
from carbonpeak.scenarios.kaya import projection_kaya
from carbonpeak.scenarios.ledger_capacity import Basis, with_ledger_capacity
from carbonpeak.scenarios.lever_table import lever_table
from carbonpeak.scenarios.lmdi import decompose_frame
from carbonpeak.scenarios.montecarlo import MonteCarlo, monte_carlo
from carbonpeak.scenarios.plan_indicators import peak_target_year
from carbonpeak.scenarios.results import ILLUSTRATIVE_NOTE, run_scenario, summary
from carbonpeak.scenarios.scenario_files import Scenario, bundled_scenarios, load_scenario, read_file
from carbonpeak.scenarios.seek import SeekResult
from carbonpeak.scenarios.seek import seek as seek_lever
from carbonpeak.scenarios.shapley import Attribution
from carbonpeak.scenarios.shapley import attribute as shapley_attribute
from carbonpeak.services.energy import EnergyService
from carbonpeak.tables import Column, Table
from carbonpeak.units import conversion_factor

app = typer.Typer(
    help="Projections: peak year and value, Monte Carlo, attribution to levers, goal seeking.",
    no_args_is_help=True,
)

ScenariosArg = Annotated[
    list[str] | None,
    typer.Argument(help="Scenario ids (bau, plan, enhanced) or scenario files; default: all bundled."),
]
ToleranceOption = Annotated[
    float,
    typer.Option(
        "--tolerance", help="Plateau tolerance of 'peaked by': 0.01 = later years may be 1 % higher."
    ),
]
ByYearOption = Annotated[
    int | None,
    typer.Option(
        "--by-year",
        help="The year of 'peaked by' and of P(peak by year); default: the plan's co2_peak target year "
        "(2030 for a plan without one).",
    ),
]


ActivityOption = Annotated[
    Path | None,
    typer.Option(
        "--activity",
        help="Activity file (CSV/XLSX, as for carbonpeak inventory): the base year is built from its "
        "accounting inventory instead of the bundled demo data.",
    ),
]
MacroOption = Annotated[
    Path | None,
    typer.Option("--macro", help="Macro file (GDP, value added, population) that goes with --activity."),
]
BaseYearOption = Annotated[
    int | None,
    typer.Option(
        "--base-year",
        help="With --activity: the inventory year used as the base year (default: the scenario's, 2020); "
        "the projection starts there.",
    ),
]


LedgerOption = Annotated[
    str | None,
    typer.Option(
        "--capacity-from-ledger",
        help="Feed the renewable lever with the energy-project ledger's capacity by year: expected "
        "(the pipeline, by expected commissioning) or installed (grid-connected only).",
    ),
]
LEDGER_YEARS = range(2020, 2031)


def _from_ledger(ctx: typer.Context, scns: list[Scenario], basis: str | None) -> list[Scenario]:
    """The scenarios with "capacity from the project ledger" (the database's energy projects)."""
    if basis is None:
        return scns
    if basis not in ("expected", "installed"):
        raise typer.BadParameter("expected or installed", param_hint="--capacity-from-ledger")
    with migrated_engine(ctx) as engine:
        mw = EnergyService(engine).lever_capacity(
            LedgerActor("cli", "office"), LEDGER_YEARS, expected=basis == "expected"
        )
    return [with_ledger_capacity(s, mw, cast(Basis, basis)) for s in scns]


def _tag(illustrative: bool) -> str:
    return " (illustrative 示例数据)" if illustrative else ""


def _wan_t(value_t: float, digits: int = 1) -> float:
    """Tonnes of CO2 shown in 万吨 (10⁴ t), rounded."""
    return round(value_t / conversion_factor("万tCO2", "tCO2"), digits)


def _load(
    refs: list[str] | None,
    activity: Path | None = None,
    macro: Path | None = None,
    base_year: int | None = None,
) -> list[Scenario]:
    if activity is None and (macro is not None or base_year is not None):
        raise typer.BadParameter("--macro and --base-year go with --activity")
    return [load_scenario(r, activity, macro, base_year) for r in (refs or list(bundled_scenarios()))]


def _base_info(scns: list[Scenario]) -> dict[str, Any]:
    """Where the base year came from (the accounting inventory of which files, which year)."""
    base = scns[0].base
    return {"year": base.year, "source": base.source, "inventory": base.extra.get("inventory")}


def _plan_for(ctx: typer.Context, ref: str | None, scenarios: list[Scenario]) -> Plan | None:
    """The plan; when it cannot be found and no scenario reads it, run without target checks."""
    try:
        return get_plan(ctx, ref)
    except PlanNotFoundError as exc:
        if any(s.reads_plan for s in scenarios):
            raise
        sys.stderr.write(f"note: {exc}; targets are not checked\n")
        return None


# The IAMC long format that pyam reads: its own column names in every language; values at full
# precision in the CSV, shown with 2 decimals in the XLSX.
IAMC_COLUMNS = (
    *(Column(key, key) for key in ("model", "scenario", "region", "variable", "unit")),
    Column("year", "year", kind="year"),
    Column("value", "value", kind="number", decimals=2),
)


@app.command("list")
@domain_errors
def list_(fmt: FormatOption = Format.table) -> None:
    """List the bundled scenarios."""
    rows = []
    for sid, path in bundled_scenarios().items():
        file = read_file(path)
        rows.append(
            {
                "id": sid,
                "title": file.title,
                "inherits": file.inherits,
                "illustrative": file.illustrative,
                "description": file.description,
                "file": str(path),
            }
        )
    emit(
        rows,
        [
            ("id", "情景"),
            ("title", "名称"),
            ("inherits", "继承自"),
            ("illustrative", "示例数据"),
            ("description", "说明"),
        ],
        fmt,
        title="情景列表" + _tag(any(r["illustrative"] for r in rows)),
    )


@app.command()
@domain_errors
def show(
    scenario: Annotated[str, typer.Argument(help="Scenario id or file.")],
    fmt: FormatOption = Format.table,
) -> None:
    """Show a scenario's resolved levers (with their plan indicators) and key assumptions."""
    scn = load_scenario(scenario)
    rows: list[dict[str, Any]] = []
    for lever in lever_table().levers:
        settings = scn.levers.get(lever.id) or {}
        values = {k: v for k, v in settings.items() if k not in ("from_plan",)}
        rows.append(
            {
                "lever": lever.id,
                "name": lever.name.zh,
                "unit": lever.unit,
                "metric": lever.metric,
                "from_plan": settings.get("from_plan"),
                "values": values or "frozen at base year",
            }
        )
    data = {
        "id": scn.id,
        "title": scn.title,
        "description": scn.description,
        "illustrative": scn.illustrative,
        "inherits": scn.chain[1:],
        "base_year": scn.base.year,
        "years": [int(scn.years[0]), int(scn.years[-1])],
        "levers": {r["lever"]: {k: v for k, v in r.items() if k != "lever"} for r in rows},
        "assumptions": scn.assumptions,
        "uncertainty": scn.uncertainty,
    }
    emit(
        rows,
        [
            ("lever", "措施"),
            ("name", "名称"),
            ("unit", "单位"),
            ("from_plan", "方案指标"),
            ("values", "取值"),
        ],
        fmt,
        title=f"{scn.title} ({scn.id}){_tag(scn.illustrative)}",
        json_data=data,
    )


@app.command()
@domain_errors
def levers(fmt: FormatOption = Format.table) -> None:
    """List the levers of the lever table: kind, unit, plan metric, Shapley group and push."""
    table = lever_table()
    rows = [
        {
            "id": lever.id,
            "name": lever.name.zh,
            "name_en": lever.name.en,
            "kind": lever.kind,
            "input": lever.input,
            "unit": lever.unit,
            "metric": lever.metric,
            "group": lever.group_id,
            "push_unit": lever.push.unit if lever.push else None,
            "push_upper": lever.push.upper if lever.push else None,
            "meaning": lever.meaning.en,
        }
        for lever in table.levers
    ]
    emit(
        rows,
        [
            ("id", "措施"),
            ("name", "名称"),
            ("kind", "类型"),
            ("unit", "单位"),
            ("metric", "方案指标"),
            ("group", "归因组"),
            ("push_unit", "追加量单位"),
            ("push_upper", "搜索上限"),
        ],
        fmt,
        title=f"措施表 (lever table {table.version})",
        json_data={"version": table.version, "source": table.source, "levers": rows},
    )


def _monte_carlo(
    scn: Scenario, plan: Plan | None, samples: int, seed: int, tolerance: float, by_year: int
) -> MonteCarlo:
    """The Monte Carlo of one scenario, with a progress bar on a terminal."""
    if not sys.stderr.isatty():
        return monte_carlo(scn, plan, samples, seed, tolerance=tolerance, by_year=by_year)
    with Progress(transient=True) as bar:
        task = bar.add_task(f"Monte Carlo {scn.id}", total=samples)
        return monte_carlo(
            scn,
            plan,
            samples,
            seed,
            tolerance=tolerance,
            by_year=by_year,
            progress=lambda k: bar.advance(task, k),
        )


def _run_row(scn: Scenario, data: dict[str, Any], by_year: int) -> dict[str, Any]:
    targets = data["targets"]
    return {
        "id": scn.id,
        "peak_year": data["peak_year"],
        "peak_kind": "观测" if data["peak_observed"] else "预测",
        "peak": _wan_t(data["peak_co2_t"]),
        "by": data[f"peaked_by_{by_year}"],
        "fall": round(data["fall_to_end_pct"], 1),
        "p": data.get(f"p_peak_by_{by_year}"),
        "met": f"{sum(t['met'] for t in targets)}/{len(targets)}" if targets else "",
    }


def _emit_bands_and_sensitivity(out: dict[str, Any], samples: int, seed: int, by_year: int) -> None:
    tag = _tag(out["illustrative"])
    for sid, d in out["scenarios"].items():
        bands = d["percentiles"]
        years = [y for y in bands["p50"] if int(y) % 5 == 0]
        brows = [{"year": y, **{p: _wan_t(bands[p][y]) for p in bands}} for y in years]
        emit(
            brows,
            [("year", "年份"), *[(p, f"{p} (万吨)") for p in bands]],
            Format.table,
            title=f"{sid}: 蒙特卡洛分位数 ({samples} 样本, seed {seed})" + tag,
        )
        srows = [
            {
                "input": r["input"],
                "swing": _wan_t(r["peak_co2_swing_t"]),
                "rho_year": round(r["spearman_peak_year"], 3),
                "rho_co2": round(r["spearman_peak_co2"], 3),
                "p_lo": r[f"p_peak_by_{by_year}_low_decile"],
                "p_hi": r[f"p_peak_by_{by_year}_high_decile"],
            }
            for r in d["sensitivity"]
        ]
        emit(
            srows,
            [
                ("input", "不确定输入"),
                ("swing", "峰值摆幅(万吨)"),
                ("rho_year", "与峰值年秩相关"),
                ("rho_co2", "与峰值秩相关"),
                ("p_lo", f"低10%时P({by_year})"),
                ("p_hi", f"高10%时P({by_year})"),
            ],
            Format.table,
            title=f"{sid}: 敏感性 (哪个输入最影响峰值)" + tag,
        )


def _emit_target_checks(out: dict[str, Any]) -> None:
    trows = [
        {"scenario": sid, **t, "projected": round(t["projected"], 4)}
        for sid, d in out["scenarios"].items()
        for t in d["targets"]
    ]
    emit(
        trows,
        [
            ("scenario", "情景"),
            ("id", "指标"),
            ("year", "年份"),
            ("comparator", "比较"),
            ("target", "目标值"),
            ("projected", "预测值"),
            ("unit", "单位"),
            ("met", "达标"),
        ],
        Format.table,
        title="规划目标检查" + _tag(out["illustrative"]),
    )


@app.command()
@domain_errors
def run(
    ctx: typer.Context,
    scenarios: ScenariosArg = None,
    plan: PlanOption = None,
    samples: Annotated[
        int, typer.Option("--samples", help="Monte Carlo samples (0: deterministic only).")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator (PCG64).")] = 0,
    tolerance: ToleranceOption = 0.0,
    by_year: ByYearOption = None,
    activity: ActivityOption = None,
    macro: MacroOption = None,
    base_year: BaseYearOption = None,
    capacity_from_ledger: LedgerOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Run scenarios: peak year and value, trajectory, plan targets met, and with --samples the
    percentile bands and P(peak by 2030)."""
    scns = _from_ledger(ctx, _load(scenarios, activity, macro, base_year), capacity_from_ledger)
    the_plan = _plan_for(ctx, plan, scns)
    year = peak_target_year(the_plan) if by_year is None else by_year
    out: dict[str, Any] = {
        "illustrative": any(s.illustrative for s in scns),
        "plan": the_plan.plan.id if the_plan else None,
        "base_year": _base_info(scns),
        "by_year": year,
        "scenarios": {},
    }
    rows = []
    for scn in scns:
        data = summary(run_scenario(scn, the_plan), the_plan, tolerance, by_year=year)
        if samples > 0:
            data.update(_monte_carlo(scn, the_plan, samples, seed, tolerance, year).to_dict())
        out["scenarios"][scn.id] = data
        rows.append(_run_row(scn, data, year))
    if out["illustrative"]:
        out["note"] = ILLUSTRATIVE_NOTE
    columns = [
        ("id", "情景"),
        ("peak_year", "峰值年"),
        ("peak_kind", "峰值来自"),
        ("peak", "峰值(万吨CO2)"),
        ("by", f"{year}年前达峰"),
        ("fall", "峰值后至末年降幅%"),
    ]
    if samples > 0:
        columns.append(("p", f"P({year}年前达峰)"))
    columns.append(("met", "达标指标"))
    emit(rows, columns, fmt, title="情景结果" + _tag(out["illustrative"]), json_data=out)
    if fmt is Format.table and samples > 0:
        _emit_bands_and_sensitivity(out, samples, seed, year)
    if fmt is Format.table and the_plan is not None:
        _emit_target_checks(out)


@app.command()
@domain_errors
def compare(
    ctx: typer.Context,
    scenarios: ScenariosArg = None,
    plan: PlanOption = None,
    step: Annotated[int, typer.Option("--step", help="Show every STEP-th year in the table.")] = 5,
    tolerance: ToleranceOption = 0.0,
    by_year: ByYearOption = None,
    activity: ActivityOption = None,
    macro: MacroOption = None,
    base_year: BaseYearOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Compare scenarios side by side: CO2 by year, peak, cumulative CO2 and targets met."""
    scns = _load(scenarios, activity, macro, base_year)
    the_plan = _plan_for(ctx, plan, scns)
    year = peak_target_year(the_plan) if by_year is None else by_year
    data = {
        s.id: summary(run_scenario(s, the_plan), the_plan, tolerance, detail=False, by_year=year)
        for s in scns
    }
    years = list(next(iter(data.values()))["trajectory"])
    shown = [y for i, y in enumerate(years) if i % max(step, 1) == 0 or y == years[-1]]
    rows: list[dict[str, Any]] = []
    for y in shown:
        rows.append({"row": y, **{sid: _wan_t(d["trajectory"][y]) for sid, d in data.items()}})
    rows.append({"row": "峰值年", **{sid: d["peak_year"] for sid, d in data.items()}})
    rows.append({"row": "峰值(万吨)", **{sid: _wan_t(d["peak_co2_t"]) for sid, d in data.items()}})
    rows.append(
        {"row": "累计(万吨)", **{sid: _wan_t(sum(d["trajectory"].values())) for sid, d in data.items()}}
    )
    rows.append(
        {
            "row": "达标指标",
            **{sid: f"{sum(t['met'] for t in d['targets'])}/{len(d['targets'])}" for sid, d in data.items()},
        }
    )
    illustrative = any(s.illustrative for s in scns)
    out = {
        "illustrative": illustrative,
        "plan": the_plan.plan.id if the_plan else None,
        "base_year": _base_info(scns),
        "by_year": year,
        "scenarios": {
            sid: {**d, "cumulative_co2_t": sum(d["trajectory"].values())} for sid, d in data.items()
        },
    }
    emit(
        rows,
        [("row", "年份/项目"), *[(s.id, f"{s.id} (万吨CO2)") for s in scns]],
        fmt,
        title="情景对比" + _tag(illustrative),
        json_data=out,
    )


def _attribution(
    a: Scenario, b: Scenario, plan: Plan | None, order: list[str] | None, metric: str
) -> Attribution:
    """The Shapley attribution of b − a, with a progress bar on a terminal."""
    if not sys.stderr.isatty():
        return shapley_attribute(a, b, plan, order=order, metric=metric)
    with Progress(transient=True) as bar:
        task = bar.add_task("Shapley", total=None)
        return shapley_attribute(
            a,
            b,
            plan,
            order=order,
            metric=metric,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


@app.command()
@domain_errors
def attribute(
    ctx: typer.Context,
    scenario_from: Annotated[str, typer.Option("--from", help="The reference scenario, e.g. bau.")] = "bau",
    scenario_to: Annotated[
        str, typer.Option("--to", help="The scenario whose gap is attributed, e.g. plan.")
    ] = "plan",
    year: Annotated[
        int, typer.Option("--year", help="The year of the gap (cumulative CO2 runs to it).")
    ] = 2030,
    metric: Annotated[
        str, typer.Option("--metric", help="co2_total (without sinks) or co2_net.")
    ] = "co2_total",
    order: Annotated[
        str | None, typer.Option("--order", help="Comma-separated order of the groups for the wedges.")
    ] = None,
    plan: PlanOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Split the CO2 gap between two scenarios among the lever groups: exact Shapley values (2^k runs)
    and the ordered wedges."""
    if metric not in ("co2_total", "co2_net"):
        raise InvalidInputError("--metric must be co2_total or co2_net")
    a, b = load_scenario(scenario_from), load_scenario(scenario_to)
    the_plan = _plan_for(ctx, plan, [a, b])
    seq = [g.strip() for g in order.split(",")] if order else None
    result = _attribution(a, b, the_plan, seq, metric)
    data = result.to_dict(year)
    data["illustrative"] = a.illustrative or b.illustrative
    wedge = {w["group"]: w for w in data["wedges"]}

    def kt(value: float) -> float:
        return _wan_t(value, 2)

    rows = [
        {
            "group": g["group"],
            "name": g["name"],
            "shapley": kt(g["shapley_t"]),
            "share": None if g["share_of_gap_pct"] is None else round(g["share_of_gap_pct"], 1),
            "cumulative": kt(g["cumulative_shapley_t"]),
            "wedge": kt(wedge[g["group"]]["wedge_t"]),
        }
        for g in data["groups"]
    ]
    rows.append(
        {
            "group": "total",
            "name": "合计",
            "shapley": kt(data["gap_t"]),
            "share": 100.0,
            "cumulative": kt(data["cumulative_gap_t"]),
            "wedge": kt(data["gap_t"]),
        }
    )
    emit(
        rows,
        [
            ("group", "措施组"),
            ("name", "名称"),
            ("shapley", f"Shapley {year} (万吨CO2)"),
            ("share", "占差距%"),
            ("cumulative", f"累计至{year} (万吨CO2)"),
            ("wedge", "楔形(按顺序, 万吨CO2)"),
        ],
        fmt,
        title=f"{b.id} 相对 {a.id} 的减排归因 ({data['runs']} 次运行)" + _tag(data["illustrative"]),
        json_data=data,
    )


@app.command()
@domain_errors
def seek(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="Scenario id or file to push, e.g. bau or plan.")],
    lever: Annotated[
        str,
        typer.Option(
            "--lever", help="The lever to push: one with a push in the lever table (scenario levers)."
        ),
    ],
    probability: Annotated[float, typer.Option("--probability", help="The P(peak by year) to reach.")] = 0.9,
    by_year: ByYearOption = None,
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples per trial.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator (PCG64).")] = 0,
    start: Annotated[
        int | None,
        typer.Option(
            "--start",
            help="First year of the extra push (default and earliest: after the latest inventory year).",
        ),
    ] = None,
    upper: Annotated[
        float | None, typer.Option("--upper", help="Upper bound of the search (default per lever).")
    ] = None,
    tolerance: ToleranceOption = 0.0,
    plan: PlanOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The smallest extra push of one lever that makes P(peak by year) reach the chosen level."""
    scn = load_scenario(scenario)
    the_plan = _plan_for(ctx, plan, [scn])
    kwargs: dict[str, Any] = {
        "target_p": probability,
        "by_year": peak_target_year(the_plan) if by_year is None else by_year,
        "samples": samples,
        "seed": seed,
        "start": start,
        "upper": upper,
        "tolerance": tolerance,
    }
    result = _seek(scn, the_plan, lever, kwargs)
    data = result.to_dict()
    data["illustrative"] = scn.illustrative
    rows = [{"extra": d, "p": p} for d, p in result.trials]
    verdict = (
        f"最小追加 {result.extra:.6g} {result.unit}"
        if result.reachable and result.extra is not None
        else "在搜索范围内无法达到"
    )
    emit(
        rows,
        [("extra", f"追加量 ({result.unit})"), ("p", f"P({result.by_year}年前达峰)")],
        fmt,
        title=f"{scn.id}: {lever} → P≥{probability}: {verdict}" + _tag(scn.illustrative),
        json_data=data,
    )


def _seek(scn: Scenario, plan: Plan | None, lever: str, kwargs: dict[str, Any]) -> SeekResult:
    """The goal seek, with a progress bar on a terminal."""
    if not sys.stderr.isatty():
        return seek_lever(scn, plan, lever, **kwargs)
    with Progress(transient=True) as bar:
        task = bar.add_task(f"seek {lever}", total=None)
        return seek_lever(scn, plan, lever, progress=lambda k: bar.advance(task, k), **kwargs)


@app.command()
@domain_errors
def export(
    ctx: typer.Context,
    scenarios: ScenariosArg = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="CSV or XLSX file to write; default: CSV on stdout.")
    ] = None,
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples for percentile bands.")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator (PCG64).")] = 0,
    plan: PlanOption = None,
    activity: ActivityOption = None,
    macro: MacroOption = None,
    base_year: BaseYearOption = None,
) -> None:
    """Export every result in the IAMC long format (model, scenario, region, variable, unit, year,
    value) that pyam reads."""
    scns = _load(scenarios, activity, macro, base_year)
    the_plan = _plan_for(ctx, plan, scns)
    rows: list[dict[str, Any]] = []
    for scn in scns:
        mc = monte_carlo(scn, the_plan, samples, seed) if samples > 0 else None
        rows += rows_of_run(run_scenario(scn, the_plan), mc=mc)
    frame = to_frame(rows)
    illustrative = any(s.illustrative for s in scns)
    table = Table(
        "数据（示例数据）" if illustrative else "数据",
        IAMC_COLUMNS,
        tuple(frame[[c.key for c in IAMC_COLUMNS]].itertuples(index=False, name=None)),
        name_en="data (illustrative)" if illustrative else "data",
    )
    fmt = format_of(output) if output is not None else "csv"
    write_table(table, fmt, output)


@domain_errors
def decompose(
    ctx: typer.Context,
    year_from: Annotated[int, typer.Option("--from", help="The start year of the decomposition.")],
    year_to: Annotated[int, typer.Option("--to", help="The end year of the decomposition.")],
    data: Annotated[
        Path | None, typer.Option("--data", help="CSV with columns year, group and one column per factor.")
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", help="Instead of --data: Kaya decomposition of a scenario's energy CO2."),
    ] = None,
    plan: PlanOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """LMDI-I decomposition of a sum over groups of a product of factors (Ang 2005)."""
    if (data is None) == (scenario is None):
        raise InvalidInputError("give exactly one of --data FILE.csv or --scenario ID")
    illustrative = False
    if data is not None:
        result = decompose_csv(data, year_from, year_to)
        name = data.name
    else:
        scn = load_scenario(str(scenario))
        the_plan = _plan_for(ctx, plan, [scn])
        result = decompose_frame(projection_kaya(run_scenario(scn, the_plan)), year_from, year_to, scn.id)
        name, illustrative = f"{scn.id} (Kaya)", scn.illustrative
    rows: list[dict[str, Any]] = [
        {"factor": f, "additive": result.additive[f], "multiplicative": result.multiplicative[f]}
        for f in result.factors
    ]
    out = result.to_dict()
    if illustrative:
        out["illustrative"] = True
    rows.append({"factor": "total", "additive": result.total_change, "multiplicative": out["ratio"]})
    emit(
        rows,
        [("factor", "因素"), ("additive", "加法分解 (变化量)"), ("multiplicative", "乘法分解 (倍数)")],
        fmt,
        title=f"LMDI 分解 {year_from}—{year_to}: {name}" + _tag(illustrative),
        json_data=out,
    )


def _register_batch() -> None:
    from carbonpeak.cli.scenario_batch import batch

    app.command("batch")(domain_errors(batch))


_register_batch()
