"""One output layer for every command that prints data: ``--format table|json|csv|xlsx`` and
``-o/--output FILE``.

Tables are rich tables on a terminal; JSON is UTF-8 (Chinese unescaped) and indented; CSV and XLSX
are written by ``carbonpeak.reports`` — the same file as the web's download of the same table (CSV:
UTF-8 with BOM, headers in the chosen language, ``--lang`` or the ``language`` setting). XLSX needs
``-o FILE``; with ``-o`` and no ``--format`` the format follows the file's suffix. Commands pass rows
as dicts and the columns to show, or a ready ``carbonpeak.tables.Table``/``Book``.

``install(app)`` gives every command that has ``--format`` (and no ``--output`` of its own) the
``--output/-o`` option, in one place (``carbonpeak.cli.main`` calls it).
"""

from __future__ import annotations

import contextvars
import enum
import functools
import inspect
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable

from carbonpeak.errors import Lang
from carbonpeak.reports import file_bytes, format_of, write_file
from carbonpeak.tables import Book, Table


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table (for people), json or csv (for programs), xlsx (for spreadsheets; "
        "needs -o FILE).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the output to FILE (csv, xlsx or json); without --format the suffix decides.",
        dir_okay=False,
    ),
]

Column = tuple[str, str]  # (key in the row, header shown)

_OUTPUT: contextvars.ContextVar[Path | None] = contextvars.ContextVar("carbonpeak_output", default=None)
_LANGUAGE: contextvars.ContextVar[Lang] = contextvars.ContextVar("carbonpeak_language", default="zh-CN")


def use_language(lang: Lang) -> None:
    """The language of the files and headers of this invocation (the main callback sets it)."""
    _LANGUAGE.set(lang)


def language() -> Lang:
    return _LANGUAGE.get()


def _cell(value: Any) -> str:
    """A value as the terminal table shows it (the files keep full precision)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "、".join(_cell(v) for v in value)
    return str(value)


def console() -> Console:
    return Console(soft_wrap=False)


def print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    output = _OUTPUT.get()
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        sys.stderr.write(f"written {output}\n")
        return
    sys.stdout.write(text)


def fail(message: str, code: int = 2) -> typer.Exit:
    sys.stderr.write(message.rstrip() + "\n")
    return typer.Exit(code)


def write_table(content: Table | Book, fmt: Format | str, output: Path | None = None) -> None:
    """``content`` as CSV or XLSX to ``output`` (default: the command's ``-o``) or, CSV only, to
    standard output. XLSX without a file is refused with the fix."""
    fmt = Format(fmt)
    output = output or _OUTPUT.get()
    if output is None:
        if fmt is Format.xlsx:
            raise fail("error: --format xlsx writes a file: add -o FILE.xlsx (错误：xlsx 格式需要 -o 文件名)")
        typer.echo(file_bytes(content, fmt.value, language()), nl=False)
        return
    write_file(content, output, fmt.value, language())
    sys.stderr.write(f"written {output}\n")


def emit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    fmt: Format,
    *,
    title: str | None = None,
    json_data: Any = None,
    table: Table | Book | None = None,
) -> None:
    """Print rows in the chosen format. ``json_data`` (default: the rows) is what JSON prints;
    ``table`` (default: the rows under ``columns``, titled ``title``) is what CSV and XLSX write."""
    if fmt is Format.json:
        print_json(rows if json_data is None else json_data)
    elif fmt in (Format.csv, Format.xlsx):
        content = table or Table.of(title or "carbonpeak", columns, rows, title=title)
        write_table(content, fmt)
    else:
        shown = RichTable(title=title, show_lines=False, header_style="bold")
        for _, header in columns:
            shown.add_column(header, overflow="fold")
        for row in rows:
            shown.add_row(*(_cell(row.get(key)) for key, _ in columns))
        console().print(shown)


def with_output(callback: Callable[..., Any]) -> Callable[..., Any]:
    """``callback`` with an ``--output/-o`` option: the path is kept for ``emit`` while the command
    runs; with ``-o`` and the default ``--format table``, the file's suffix chooses csv, xlsx or json."""
    signature = inspect.signature(callback, eval_str=True)

    @functools.wraps(callback)
    def wrapper(*args: Any, output: Path | None = None, **kwargs: Any) -> Any:
        if output is not None and kwargs.get("fmt") is Format.table:
            suffix = output.suffix.lower()
            kwargs["fmt"] = Format.json if suffix == ".json" else Format(format_of(output))
        token = _OUTPUT.set(output)
        try:
            return callback(*args, **kwargs)
        finally:
            _OUTPUT.reset(token)

    option = inspect.Parameter(
        "output", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=OutputOption
    )
    params = list(signature.parameters.values())
    wrapper.__signature__ = signature.replace(parameters=[*params, option])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**{p.name: p.annotation for p in params}, "output": OutputOption}
    return wrapper


def install(app: typer.Typer) -> None:
    """Give every command of ``app`` (and its groups) that takes ``fmt: Format`` and has no
    ``output`` parameter of its own the ``--output/-o`` option."""
    for info in app.registered_commands:
        callback = info.callback
        if callback is None or getattr(callback, "_carbonpeak_output", False):
            continue
        params = inspect.signature(callback, eval_str=True).parameters
        fmt = params.get("fmt")
        if fmt is None or "output" in params or fmt.default not in tuple(Format):
            continue
        wrapped = with_output(callback)
        wrapped._carbonpeak_output = True  # type: ignore[attr-defined]
        info.callback = wrapped
    for group in app.registered_groups:
        if group.typer_instance is not None:
            install(group.typer_instance)
