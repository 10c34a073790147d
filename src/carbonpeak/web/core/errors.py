"""Domain errors as HTTP: the problem document every JSON error body uses."""

from __future__ import annotations

from carbonpeak.errors import CarbonpeakError, Lang


def problem_document(exc: CarbonpeakError, lang: Lang) -> dict[str, object]:
    """The JSON body of a domain error: ``detail`` (the whole text), ``kind``, ``error`` (the class)
    and ``problems`` (each located: file, sheet, row, column, field, message)."""
    return {
        "detail": exc.describe(lang),
        "kind": exc.kind,
        "error": type(exc).__name__,
        "problems": exc.as_dicts(lang),
    }
