"""``carbonpeak scenario …`` and ``carbonpeak decompose``: thin commands over carbonpeak.scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from carbonpeak.cli.common import domain_errors
from carbonpeak.cli.output import Format, FormatOption, emit
from carbonpeak.scenarios import decompose_csv

app = typer.Typer(
    help="Projections: peak year and value, Monte Carlo, attribution to levers, goal seeking.",
    no_args_is_help=True,
)


@domain_errors
def decompose(
    data: Annotated[
        Path, typer.Option("--data", help="CSV with columns year, group and one column per factor.")
    ],
    year_from: Annotated[int, typer.Option("--from", help="The start year of the decomposition.")],
    year_to: Annotated[int, typer.Option("--to", help="The end year of the decomposition.")],
    fmt: FormatOption = Format.table,
) -> None:
    """LMDI-I decomposition of a sum over groups of a product of factors (Ang 2005)."""
    result = decompose_csv(data, year_from, year_to)
    rows: list[dict[str, Any]] = [
        {"factor": f, "additive": result.additive[f], "multiplicative": result.multiplicative[f]}
        for f in result.factors
    ]
    rows.append(
        {"factor": "total", "additive": result.total_change, "multiplicative": result.to_dict()["ratio"]}
    )
    emit(
        rows,
        [("factor", "因素"), ("additive", "加法分解 (变化量)"), ("multiplicative", "乘法分解 (倍数)")],
        fmt,
        title=f"LMDI 分解 {year_from}—{year_to}: {data.name}",
        json_data=result.to_dict(),
    )
