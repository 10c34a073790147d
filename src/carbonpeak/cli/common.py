"""What every command shares: settings from the global options, and domain errors as exit codes."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError

from carbonpeak.errors import EXIT_CODE, CarbonpeakError, Lang, NotFoundError
from carbonpeak.plan import Plan, load_plan
from carbonpeak.settings import Settings
from carbonpeak.storage import Engine, current, head, make_engine, upgrade

F = TypeVar("F", bound=Callable[..., Any])

PlanOption = Annotated[
    str | None,
    typer.Option("--plan", "-p", help="Bundled plan id (e.g. jinghai-2023) or path to a plan file."),
]


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    if not isinstance(obj, Settings):
        raise RuntimeError("settings were not initialised by the main callback")
    return obj


@contextlib.contextmanager
def migrated_engine(ctx: typer.Context) -> Iterator[Engine]:
    """An engine on the configured database, which must be at the latest schema (else a
    ``NotFoundError`` naming the fix, exit code of ``domain_errors``); disposed afterwards."""
    url = settings(ctx).resolved_database_url()
    if current(url) != head():
        raise NotFoundError(
            f"database {url} is not at the latest schema; run carbonpeak init or carbonpeak db upgrade"
        )
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextlib.contextmanager
def upgraded_engine(ctx: typer.Context) -> Iterator[Engine]:
    """An engine on the configured database, migrated to the latest schema first (as ``carbonpeak
    init`` does); disposed afterwards."""
    url = settings(ctx).resolved_database_url()
    upgrade(url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def fail(message: str, code: int = 1) -> typer.Exit:
    sys.stderr.write(message.rstrip() + "\n")
    return typer.Exit(code)


def domain_errors(func: F) -> F:
    """Turn domain errors into a message on stderr (in the configured language) and the exit code of
    their kind (carbonpeak.errors.EXIT_CODE), instead of a traceback. Anything else is a bug and
    keeps its traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CarbonpeakError as exc:
            lang = _language(args, kwargs)
            head = "错误" if lang == "zh-CN" else "error"
            raise fail(f"{head}: {exc.describe(lang)}", EXIT_CODE[exc.kind]) from exc
        except ValidationError as exc:  # a file the library validated with pydantic (rubric, settings)
            raise fail(f"error: {exc}", EXIT_CODE["invalid"]) from exc

    return wrapper  # type: ignore[return-value]


def _language(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Lang:
    """The language of the command's messages: the settings of its context, else zh-CN."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, typer.Context):
            obj = value.find_root().obj
            if isinstance(obj, Settings):
                return obj.language
    return "zh-CN"


def get_plan(ctx: typer.Context, ref: str | None) -> Plan:
    return load_plan(ref or settings(ctx).plan)
