"""What every command shares: settings from the global options, and domain errors as exit codes."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy import Engine

from carbonpeak.plan import Plan, PlanError, PlanNotFoundError, load_plan
from carbonpeak.settings import Settings
from carbonpeak.units import UnitError

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
    """An engine on the configured database, which must be at the latest schema (LookupError, exit
    code of ``domain_errors``, naming the fix otherwise); disposed afterwards."""
    from carbonpeak.storage import current, head, make_engine

    url = settings(ctx).resolved_database_url()
    if current(url) != head():
        raise LookupError(
            f"database {url} is not at the latest schema; run carbonpeak init or carbonpeak db upgrade"
        )
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def fail(message: str, code: int = 1) -> typer.Exit:
    sys.stderr.write(message.rstrip() + "\n")
    return typer.Exit(code)


def domain_errors(func: F) -> F:
    """Turn domain errors into a message on stderr and a non-zero exit, instead of a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PlanError as exc:
            raise fail(f"error: the plan has {len(exc.problems)} problem(s):\n{exc}") from exc
        except PlanNotFoundError as exc:
            raise fail(f"error: {exc}", 2) from exc
        except (LookupError, UnitError, ValueError) as exc:
            raise fail(f"error: {exc}", 2) from exc

    return wrapper  # type: ignore[return-value]


def get_plan(ctx: typer.Context, ref: str | None) -> Plan:
    return load_plan(ref or settings(ctx).plan)
