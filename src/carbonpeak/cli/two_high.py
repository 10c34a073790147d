"""``carbonpeak ledger …``: the 两高 project ledger's energy review (节能审查和碳排放评价) of a
proposed project against the district's headroom."""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from carbonpeak.cli.common import domain_errors, get_plan, migrated_engine
from carbonpeak.cli.output import Format, FormatOption, emit
from carbonpeak.ledgers.projects import label
from carbonpeak.ledgers.review import review
from carbonpeak.ledgers.review_files import read_headroom_file, read_project_file
from carbonpeak.ledgers.rules import prohibitions_of_plan
from carbonpeak.ledgers.two_high_access import TwoHighActor
from carbonpeak.ledgers.two_high_file import template
from carbonpeak.reports import documents, write_file
from carbonpeak.services.headroom import plan_headroom
from carbonpeak.services.two_high import TwoHighService
from carbonpeak.settings import Settings
from carbonpeak.units.display import number, percent, quantity

app = typer.Typer(
    help="两高 project ledger (两高项目台账) and the energy review (节能审查).", no_args_is_help=True
)

WORDS = {
    "zh-CN": {
        "result": "审查结论",
        "edition": "适用办法",
        "exempt": "免于单独节能审查",
        "tier": "审查层级",
        "calorific": "综合能耗（当量值）",
        "coal_substitution": "综合能耗（等价值）",
        "coal": "煤炭消费量",
        "co2": "二氧化碳排放量",
        "benchmark": "能效水平",
        "no_benchmark": "无对应标杆（no benchmark）",
        "headroom": "区域剩余能耗空间",
        "share": "项目占剩余空间",
        "headroom_co2": "区域剩余碳排放空间",
        "effect": "能耗强度累计下降（无项目/有项目/目标）",
        "source": "空间测算依据",
        "reason": "理由",
        "yes": "是",
        "no": "否",
        "field": "项目",
        "value": "内容",
        "illustrative": "（示例数据）",
        "bench": "标杆",
        "base": "基准",
    },
    "en": {
        "result": "result",
        "edition": "rules",
        "exempt": "exempt from separate review",
        "tier": "review tier",
        "calorific": "energy (calorific basis)",
        "coal_substitution": "energy (coal-substitution basis)",
        "coal": "coal use",
        "co2": "CO2 emissions",
        "benchmark": "efficiency level",
        "no_benchmark": "no benchmark",
        "headroom": "district's remaining energy room",
        "share": "project's share of the room",
        "headroom_co2": "district's remaining CO2 room",
        "effect": "energy intensity cut (without/with/target)",
        "source": "how the room was computed",
        "reason": "reason",
        "yes": "yes",
        "no": "no",
        "field": "item",
        "value": "value",
        "illustrative": " (示例数据, illustrative)",
        "bench": "benchmark",
        "base": "baseline",
    },
}


def _lang(ctx: typer.Context) -> str:
    obj = ctx.find_root().obj
    return obj.language if isinstance(obj, Settings) else "zh-CN"


def sheet_rows(result: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """The review as item/value rows in ``lang`` (the terminal table and the CSV/XLSX)."""
    w = WORDS["zh-CN" if lang == "zh-CN" else "en"]
    key = "zh" if lang == "zh-CN" else "en"
    bench = result["benchmark"]
    level = w["no_benchmark"]
    if bench is not None:
        levels = f"{w['bench']} {number(bench['benchmark'])} / {w['base']} {number(bench['baseline'])}"
        level = f"{number(bench['value'])} {bench['unit']}（{levels}）"
    rows = [
        (w["result"], result["result_label"][key]),
        (w["edition"], result["edition"]["title"]),
        (w["exempt"], w["yes"] if result["exempt"] else w["no"]),
        (w["tier"], result["tier_label"][key]),
        (w["calorific"], quantity(result["energy_tce"]["calorific"], "tce", lang=lang)),
        (w["coal_substitution"], quantity(result["energy_tce"]["coal_substitution"], "tce", lang=lang)),
        (w["coal"], quantity(result["coal_t"], "t", lang=lang)),
        (w["co2"], quantity(result["co2_t"], "tCO2", lang=lang)),
        (w["benchmark"], level),
    ]
    room = result["headroom"]
    if room is not None:
        mark = w["illustrative"] if room["illustrative"] else ""
        rows.append((w["headroom"] + mark, quantity(room["remaining_energy_tce"], "tce", lang=lang)))
        share = room["energy_share"]
        rows.append((w["share"], percent(None if share is None else share * 100.0)))
        rows.append((w["headroom_co2"] + mark, quantity(room["remaining_co2_t"], "tCO2", lang=lang)))
        e = room["effect"]
        rows.append(
            (
                w["effect"],
                " / ".join(
                    percent(e[f"energy_intensity_reduction_{k}"] * 100) for k in ("without", "with", "target")
                ),
            )
        )
        rows.append((w["source"], str(room["source"])))
    rows += [(w["reason"], f"{r[key]}（{r['source']}）") for r in result["reasons"]]
    return [{"field": a, "value": b} for a, b in rows]


@app.command("review")
@domain_errors
def review_command(
    ctx: typer.Context,
    project: Annotated[
        Path, typer.Option("--project", "-p", help="Proposed project (YAML: name, industry, energy, …).")
    ],
    headroom: Annotated[
        Path | None,
        typer.Option("--headroom", help="District headroom (YAML); default: the bundled 示例数据 one."),
    ] = None,
    from_inventory: Annotated[
        bool,
        typer.Option(
            "--from-inventory",
            help="Headroom from the stored inventory and the plan scenario (the database); --headroom "
            "FILE gives the stand-ins for targets still 待下达.",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the review sheet (.pdf, .docx or .html) to this file."),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Review a proposed project: energy on both bases, coal, CO2, benchmark, exemption, tier, result."""
    lang = _lang(ctx)
    plan = get_plan(ctx, None)
    sheet_format = documents.document_format(out) if out is not None else None
    proposed = read_project_file(project)
    room = read_headroom_file(headroom)
    if from_inventory:
        with migrated_engine(ctx) as engine:
            room = plan_headroom(engine, plan, room)
    result = review(proposed, headroom=room, prohibitions=prohibitions_of_plan(plan))
    if out is not None and sheet_format is not None:
        doc = documents.review_document(result, plan.plan.district, "en" if lang == "en" else "zh-CN")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(documents.render(doc, sheet_format))
        typer.echo(f"written {out}", err=True)
    w = WORDS["zh-CN" if lang == "zh-CN" else "en"]
    title = f"节能审查 {result['name']}" if lang == "zh-CN" else f"Energy review: {result['name']}"
    emit(
        sheet_rows(result, lang),
        [("field", w["field"]), ("value", w["value"])],
        fmt,
        title=title,
        json_data=result,
    )


UserOption = Annotated[
    str | None, typer.Option("--user", help="Who acts, as office (default: the login name).")
]
StageOption = Annotated[
    str | None, typer.Option("--stage", help="Only this stage: planned, under_construction, existing.")
]
IndustryOption = Annotated[
    str | None, typer.Option("--industry", help="Only GB/T 4754 codes starting so, e.g. 32.")
]


def _office(user: str | None) -> TwoHighActor:
    return TwoHighActor(user or getpass.getuser(), "office")


@contextlib.contextmanager
def _service(ctx: typer.Context) -> Iterator[TwoHighService]:
    with migrated_engine(ctx) as engine:
        yield TwoHighService(engine)


@app.command("list")
@domain_errors
def list_(
    ctx: typer.Context,
    stage: StageOption = None,
    industry: IndustryOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The 两高 project ledger (as the office sees it); -o FILE.xlsx writes the importable workbook."""
    lang = _lang(ctx)
    with _service(ctx) as svc:
        stored = svc.projects(_office(None), stage=stage, industry=industry)
        table = svc.export(_office(None), stage=stage, industry=industry)
    rows = [
        {
            "name": s.project.name,
            "company": s.project.company_name,
            "industry": s.project.industry,
            "stage": label("stages", s.project.stage, lang),
            "disposal": label("disposals", s.project.disposal_category, lang),
        }
        for s in stored
    ]
    data = [{"id": s.id, **s.project.model_dump(mode="json")} for s in stored]
    columns = [(k, k) for k in ("name", "company", "industry", "stage", "disposal")]
    emit(rows, columns, fmt, title=table.title, json_data=data, table=table)


@app.command("import")
@domain_errors
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The ledger workbook (.xlsx, sheet 两高项目).")],
    user: UserOption = None,
) -> None:
    """Import the 两高 ledger, all or nothing: every problem is printed with sheet, row and column."""
    with _service(ctx) as svc:
        ids = svc.import_file(_office(user), file, source=f"cli import {file.name}")
    typer.echo(f"{file}: {len(ids)} project(s) added")


@app.command("template")
@domain_errors
def template_(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the template (.xlsx).")],
) -> None:
    """Write the import template with its drop-downs."""
    write_file(template(), output, "xlsx")
    typer.echo(f"written {output}")
