"""``carbonpeak scenario batch``: the same scenario set for many plan files (a city's districts)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from carbonpeak.cli.output import Format, FormatOption, emit
from carbonpeak.plan import load_plan
from carbonpeak.scenarios.batch import run_batch
from carbonpeak.scenarios.results import ILLUSTRATIVE_NOTE
from carbonpeak.scenarios.scenario_files import bundled_scenarios, load_scenario
from carbonpeak.units import conversion_factor

PlansArg = Annotated[
    list[str], typer.Argument(help="Plan files (YAML) or bundled plan ids, one per district.")
]
BatchScenarioOption = Annotated[
    list[str] | None,
    typer.Option("--scenario", "-s", help="A scenario id or file (repeatable); default: every bundled one."),
]


def batch(
    plans: PlansArg,
    scenario: BatchScenarioOption = None,
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples per run (0: none).")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator (PCG64).")] = 0,
    fmt: FormatOption = Format.table,
) -> None:
    """Run the same scenarios on every plan: peak year and value, P(peak by the plan's year) with
    --samples, and the plan targets met — one row per plan × scenario, with a progress bar."""
    loaded = [load_plan(Path(p) if Path(p).exists() else p) for p in plans]
    scns = [load_scenario(s) for s in (scenario or list(bundled_scenarios()))]
    total = len(loaded) * len(scns)
    if sys.stderr.isatty():
        with Progress(transient=True) as bar:
            task = bar.add_task("scenario batch", total=total)
            rows = run_batch(loaded, scns, samples, seed, progress=lambda k: bar.advance(task, k))
    else:
        rows = run_batch(loaded, scns, samples, seed)
    wan = conversion_factor("万tCO2", "tCO2")
    shown = [
        {
            "plan": r.district,
            "scenario": r.scenario,
            "peak_year": r.peak_year,
            "peak": round(r.peak_co2_t / wan, 1),
            "by": f"{r.by_year}: {'是' if r.peaked_by else '否'}",
            "p": None if r.p_peak_by is None else round(100 * r.p_peak_by, 1),
            "met": f"{r.targets_met}/{r.targets}",
        }
        for r in rows
    ]
    columns = [
        ("plan", "规划"),
        ("scenario", "情景"),
        ("peak_year", "峰值年"),
        ("peak", "峰值(万吨CO2)"),
        ("by", "规划达峰年前达峰"),
    ]
    if samples:
        columns.append(("p", "达峰概率(%)"))
    columns.append(("met", "达标指标"))
    illustrative = any(r.illustrative for r in rows)
    emit(
        shown,
        columns,
        fmt,
        title="多规划情景批量运行" + (" (illustrative 示例数据)" if illustrative else ""),
        json_data={
            "samples": samples,
            "seed": seed,
            "rows": [asdict(r) for r in rows],
            **({"note": ILLUSTRATIVE_NOTE} if illustrative else {}),
        },
    )
