"""``carbonpeak report …``: the documents (annual report, period evaluation, dispatch notices, 通报
list) written by ``carbonpeak.reports`` from the results ``services.reporting`` gathers."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from carbonpeak.cli.common import PlanOption, domain_errors, get_plan, migrated_engine, settings
from carbonpeak.cli.output import language
from carbonpeak.errors import InvalidInputError
from carbonpeak.plan import find_unit
from carbonpeak.reports import documents
from carbonpeak.services import reporting
from carbonpeak.services.tracking import TrackingService
from carbonpeak.tracking.model import QUARTERS
from carbonpeak.tracking.rubric import load_rubric

app = typer.Typer(
    help="Documents: the annual evaluation report, the period evaluation, dispatch notices, 通报 list.",
    no_args_is_help=True,
)

OutOption = Annotated[Path, typer.Option("--out", "-o", help="The file to write: .pdf, .docx or .html.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Date the assessment is made on and the document dated (YYYY-MM-DD); default: today."
    ),
]
SamplesOption = Annotated[
    int,
    typer.Option("--samples", help="Monte Carlo samples of each scenario's uncertainty bands (0: none)."),
]
PERIOD = re.compile(r"(\d{4})(Q[1-4]|Y)?")


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"--as-of {text!r}: expected YYYY-MM-DD") from exc


@contextlib.contextmanager
def _service(ctx: typer.Context, plan: str | None) -> Iterator[tuple[object, TrackingService]]:
    conf = settings(ctx)
    with migrated_engine(ctx) as engine:
        yield (
            engine,
            TrackingService(engine, get_plan(ctx, plan), source="cli", rubric=load_rubric(conf.rubric)),
        )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    typer.echo(f"{path}: {len(data):,} bytes")


@app.command()
@domain_errors
def annual(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", "-y", help="The year the report evaluates.")],
    out: OutOption,
    annex: Annotated[
        Path | None, typer.Option("--annex", help="Also write every table of the report to this .xlsx file.")
    ] = None,
    as_of: AsOfOption = None,
    samples: SamplesOption = reporting.SCENARIO_SAMPLES,
    plan: PlanOption = None,
) -> None:
    """The annual evaluation report (年度碳达峰工作评估报告) of a year, as PDF, DOCX or HTML."""
    fmt = documents.document_format(out)
    with _service(ctx, plan) as (engine, svc):
        results = reporting.annual_results(engine, svc, year, _as_of(as_of), samples=samples)  # type: ignore[arg-type]
    doc = documents.annual_document(results, language())
    _write(out, documents.render(doc, fmt))
    if annex is not None:
        _write(annex, documents.annex_bytes(doc))


@app.command()
@domain_errors
def period(
    ctx: typer.Context,
    out: OutOption,
    year_from: Annotated[int, typer.Option("--from", help="First year of the period (十四五: 2021).")] = 2021,
    year_to: Annotated[
        int, typer.Option("--to", help="Last year of the period, whose targets are evaluated.")
    ] = 2025,
    annex: Annotated[
        Path | None,
        typer.Option("--annex", help="Also write every table of the evaluation to this .xlsx file."),
    ] = None,
    as_of: AsOfOption = None,
    plan: PlanOption = None,
) -> None:
    """The period evaluation (“十四五”目标完成情况评估): every target of the last year, met or not."""
    if year_to < year_from:
        raise typer.BadParameter(f"--to {year_to} is before --from {year_from}")
    fmt = documents.document_format(out)
    with _service(ctx, plan) as (engine, svc):
        results = reporting.period_results(engine, svc, year_from, year_to, _as_of(as_of))  # type: ignore[arg-type]
    doc = documents.period_document(results, language())
    _write(out, documents.render(doc, fmt))
    if annex is not None:
        _write(annex, documents.annex_bytes(doc))


def _period(text: str) -> tuple[int, str]:
    found = PERIOD.fullmatch(text.strip().upper())
    if not found:
        raise InvalidInputError(
            f"--period {text!r}：应写作 2026Q4（年份加季度）或 2026（全年）",
            message_en=f"--period {text!r}: expected e.g. 2026Q4 (year and quarter) or 2026 (the year)",
        )
    return int(found.group(1)), found.group(2) or "Y"


@app.command()
@domain_errors
def dispatch(
    ctx: typer.Context,
    period_text: Annotated[
        str, typer.Option("--period", help="The period, e.g. 2026Q4 (or 2026 for the year).")
    ],
    out: OutOption,
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="The responsible unit (id or name).")
    ] = None,
    all_units: Annotated[
        bool, typer.Option("--all", help="Every responsible unit: one file each into the folder --out.")
    ] = False,
    fmt_name: Annotated[
        str, typer.Option("--format", help="With --all: pdf, docx or html (default pdf).")
    ] = "pdf",
    as_of: AsOfOption = None,
    plan: PlanOption = None,
) -> None:
    """Dispatch notices (调度通知): one unit's tasks and indicators, what it reported, what is late or
    returned, what it must report next and by when."""
    if (unit is None) == (not all_units):
        raise typer.BadParameter("give either --unit UNIT or --all")
    year, code = _period(period_text)
    if code != "Y" and code not in QUARTERS:  # pragma: no cover - the pattern allows no other
        raise typer.BadParameter(period_text)
    lang = language()
    with _service(ctx, plan) as (_engine, svc):
        the_plan = svc.plan
        if unit is not None:
            fmt = documents.document_format(out)
            found = find_unit(the_plan, unit)
            results = reporting.dispatch_results(svc, found.id, year, code, _as_of(as_of))
            _write(out, documents.render(documents.dispatch_document(results, lang), fmt))
            return
        if fmt_name not in documents.DOCUMENT_FORMATS:
            raise typer.BadParameter(f"--format {fmt_name!r}: expected pdf, docx or html")
        bar = _progress(2 * len(the_plan.units))
        every = reporting.dispatch_all(svc, year, code, _as_of(as_of), progress=bar)
    files = documents.dispatch_files(every, fmt_name, lang, progress=bar)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    typer.echo(f"{out}: {len(files)} files")


def _progress(total: int) -> documents.ProgressHook:
    """A rich progress bar on the console (stderr), one step per unit."""
    bar = Progress(transient=True, disable=not sys.stderr.isatty())
    state = {"started": False, "task": 0}

    def step(name: str) -> None:
        if not state["started"]:
            bar.start()
            state["task"] = bar.add_task("调度通知 dispatch notices", total=total)
            state["started"] = True
        bar.update(state["task"], advance=1, description=name)  # type: ignore[arg-type]
        if bar.tasks[0].finished:
            bar.stop()

    return step


@app.command()
@domain_errors
def notices(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", "-y", help="The year assessed.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The .xlsx file to write.")],
    as_of: AsOfOption = None,
    plan: PlanOption = None,
) -> None:
    """The 通报 list: units and items proposed for 通报批评 and for 表彰, with the rubric's reasons, as
    an XLSX sheet the office edits before it is issued."""
    if out.suffix.lower() != ".xlsx":
        raise InvalidInputError(
            f"{out}：文件扩展名应为 .xlsx", message_en=f"{out}: the file name should end in .xlsx"
        )
    with _service(ctx, plan) as (engine, svc):
        results = reporting.annual_results(engine, svc, year, _as_of(as_of), samples=0)  # type: ignore[arg-type]
    _write(out, documents.notice_list_bytes(results, language()))
