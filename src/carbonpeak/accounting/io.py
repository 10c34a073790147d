"""Reading activity and macro files (CSV or XLSX) with validation before anything is produced.

Every check is vectorized over the rows; every problem names the file, the row as the user sees it
(the header is row 1, leading ``#`` comment lines of a CSV count), the column and what was expected.
All problems are collected and raised together (:class:`ImportProblems`); no partial result.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from carbonpeak.accounting.catalog import FUELS, MACRO_VARIABLES, sector_key
from carbonpeak.accounting.errors import ImportProblems, Problem
from carbonpeak.accounting.plausibility import Range, plausible
from carbonpeak.sheetfile import (
    DEFAULT_LIMITS,
    SheetLimitError,
    SheetLimits,
    check_frame,
    csv_encoding,
    xlsx_frame,
)
from carbonpeak.units import UnitError, conversion_factor

ACTIVITY_COLUMNS = ("year", "sector", "fuel", "amount", "unit")
MACRO_COLUMNS = ("year", "variable", "value", "unit")
ILLUSTRATIVE_MARKS = ("示例数据", "illustrative")
# The template's Chinese sheet names and headers (carbonpeak.accounting.template), read as the codes.
SHEETS = {"activity": ("活动数据", "activity"), "macro": ("宏观数据", "macro")}
HEADERS = {
    "年份": "year",
    "部门代码": "sector",
    "能源品种代码": "fuel",
    "实物量": "amount",
    "计量单位": "unit",
    "变量代码": "variable",
    "数值": "value",
    "单位": "unit",
    "备注": "note",
}
YEAR_RANGE = (1990, 2100)


@dataclass
class Activity:
    """Validated activity data: one row per input row, amounts in the fuel's catalogue unit."""

    source: str
    frame: (
        pd.DataFrame
    )  # year:int64, sector:str, sector_key:category, fuel:category, amount:float64, note:str
    illustrative: bool = False
    comments: list[str] = field(default_factory=list)
    sha256: str = ""  # of the file's bytes, to recognise a file imported before

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].unique())


@dataclass
class Macro:
    """Validated macro data: variable -> year -> value in the variable's catalogue unit."""

    source: str
    values: dict[str, dict[int, float]]
    illustrative: bool = False

    def get(self, variable: str, year: int) -> float | None:
        return self.values.get(variable, {}).get(year)


def _read_table(path: Path, sheet: str, limits: SheetLimits) -> tuple[pd.DataFrame, int, list[str]]:
    """All cells as text; the number of lines before the header; the leading comment lines. Within
    the caps of ``limits`` (carbonpeak.sheetfile: the archive checked first, rows streamed)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return xlsx_frame(path, SHEETS.get(sheet, (sheet,)), limits, str(path)), 0, []
    comments: list[str] = []
    encoding = csv_encoding(path, str(path))
    with path.open(encoding=encoding) as fh:
        for line in fh:
            if not line.lstrip().startswith("#"):
                break
            comments.append(line.strip().lstrip("#").strip())
    frame = pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        skiprows=len(comments),
        encoding=encoding,
        engine="c",
        nrows=limits.max_rows + 1,
    )
    check_frame(frame, limits, file=str(path), first_row=len(comments) + 2)
    return frame, len(comments), comments


def _clean(column: pd.Series) -> pd.Series:
    """Stripped text as a categorical: strip each distinct value once (fast on repetitive columns)."""
    codes, uniques = pd.factorize(column.astype(str), sort=False)
    stripped = pd.Index(uniques.astype(str)).str.strip()
    if stripped.is_unique:
        cat = pd.Categorical.from_codes(codes, categories=stripped)
    else:
        cat = pd.Categorical(stripped.take(codes))
    return pd.Series(cat, index=column.index)


def _open(
    path: str | Path, sheet: str, required: tuple[str, ...], numeric: str, limits: SheetLimits
) -> tuple[pd.DataFrame, int, list[str]]:
    p = Path(path)
    if not p.is_file():
        raise ImportProblems([Problem("no such file", file=str(path), row=None, column=None)])
    try:
        frame, skipped, comments = _read_table(p, sheet, limits)
    except SheetLimitError as exc:
        raise ImportProblems(exc.problems) from exc
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise ImportProblems(
            [Problem(f"cannot read as CSV/XLSX: {exc}", file=str(path), row=None, column=None)]
        ) from exc
    headers = [str(c).strip() for c in frame.columns]
    frame.columns = [HEADERS.get(h, h) for h in headers]
    frame.attrs["headers"] = {HEADERS[h]: h for h in headers if h in HEADERS}
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ImportProblems(
            [
                Problem(
                    f"missing column (expected {', '.join(required)})",
                    file=str(path),
                    row=skipped + 1,
                    column=c,
                )
                for c in missing
            ]
        )
    frame = frame.fillna("")  # short rows and empty XLSX cells
    for col in frame.columns:
        frame[col] = frame[col].astype(str) if col == numeric else _clean(frame[col])
    return frame, skipped, comments


def _flag(
    problems: list[Problem], file: str, rows: np.ndarray, column: str, messages: pd.Series | str
) -> None:
    if isinstance(messages, str):
        problems.extend(Problem(messages, file=file, row=int(r), column=column) for r in rows)
    else:
        problems.extend(
            Problem(str(m), file=file, row=int(r), column=column) for r, m in zip(rows, messages, strict=True)
        )


def _implausible(
    problems: list[Problem], file: str, rowno: np.ndarray, column: str, values: pd.Series, rule: Range
) -> None:
    """A problem for each row whose value lies outside the field's plausibility range (vectorized;
    a negative value has its own problem already)."""
    raw = values.to_numpy(dtype="float64")
    bad = rule.outside(np.where(raw < 0, np.nan, raw))
    for row, value in zip(rowno[bad], values.to_numpy()[bad], strict=True):
        zh, en = rule.message(f"{float(value):g}")
        problems.append(Problem(zh, file=file, row=int(row), column=column, message_en=en))


def _years(frame: pd.DataFrame, rowno: np.ndarray, file: str, problems: list[Problem]) -> pd.Series:
    text = frame["year"]
    cats = pd.Series(text.cat.categories)
    year = pd.Series(
        pd.to_numeric(cats, errors="coerce").to_numpy()[text.cat.codes.to_numpy()], index=text.index
    )
    empty = (text == "").to_numpy()
    _flag(problems, file, rowno[empty], "year", "missing year")
    out_of_range = (
        year.isna() | (year % 1 != 0) | (year < YEAR_RANGE[0]) | (year > YEAR_RANGE[1])
    ).to_numpy()
    bad = ~empty & out_of_range
    _flag(
        problems,
        file,
        rowno[bad],
        "year",
        "expected a year " + "–".join(map(str, YEAR_RANGE)) + ", got " + text[bad].astype(str).map(repr),
    )
    return year


def _numbers(
    frame: pd.DataFrame, col: str, rowno: np.ndarray, file: str, problems: list[Problem]
) -> pd.Series:
    text = frame[col]
    value = pd.to_numeric(text, errors="coerce")
    retry = value.isna().to_numpy()
    if retry.any():  # only the cells that did not parse: strip spaces and try again
        value[retry] = pd.to_numeric(text[retry].str.strip(), errors="coerce")
    bad = (value.isna() | ~np.isfinite(value.fillna(0))).to_numpy()
    _flag(problems, file, rowno[bad], col, "expected a number, got " + text[bad].astype(str).map(repr))
    neg = (value < 0).to_numpy()
    _flag(problems, file, rowno[neg], col, "expected a number ≥ 0, got " + text[neg])
    return value


def _units(
    frame: pd.DataFrame,
    key: str,
    target: dict[str, str],
    rowno: np.ndarray,
    file: str,
    problems: list[Problem],
) -> pd.Series:
    """Factor from each row's unit to its key's unit (fuel or variable); NaN where it does not convert."""
    kcol, ucol = frame[key], frame["unit"]
    kcats, ucats = list(kcol.cat.categories), list(ucol.cat.categories)
    width = len(ucats) + 1
    combined = kcol.cat.codes.to_numpy().astype(np.int64) * width + ucol.cat.codes.to_numpy()
    pairs, inverse = np.unique(combined, return_inverse=True)
    factors = np.full(len(pairs), np.nan)
    for i, c in enumerate(pairs):
        k, unit = kcats[c // width], ucats[c % width]
        if k not in target:
            continue
        try:
            factors[i] = conversion_factor(unit, target[k])
        except UnitError as exc:
            _flag(
                problems,
                file,
                rowno[inverse == i],
                "unit",
                f"{exc}; expected a unit convertible to {target[k]}",
            )
    return pd.Series(factors[inverse], index=frame.index)


def _duplicates(
    frame: pd.DataFrame, keys: list[str], rowno: np.ndarray, file: str, problems: list[Problem]
) -> None:
    dup = frame.duplicated(subset=keys, keep="first").to_numpy()
    if dup.any():
        group = frame.groupby(keys, sort=False).ngroup().to_numpy()
        first = pd.Series(rowno).groupby(group).transform("min").to_numpy()
        msg = "duplicate of row " + pd.Series(first[dup]).astype(str) + " (same " + ", ".join(keys) + ")"
        _flag(problems, file, rowno[dup], "+".join(keys), msg)


def _illustrative(comments: list[str], frame: pd.DataFrame) -> bool:
    texts = [*comments, *(frame["note"].unique().tolist() if "note" in frame.columns else [])]
    return any(mark in t for t in texts for mark in ILLUSTRATIVE_MARKS)


def _located(problems: list[Problem], frame: pd.DataFrame) -> ImportProblems:
    """The problems in row order, each column named as the file's header names it."""
    shown = frame.attrs.get("headers", {})
    problems = [replace(p, column=shown.get(p.column, p.column)) for p in problems]
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return ImportProblems(problems)


def read_activity(path: str | Path, limits: SheetLimits = DEFAULT_LIMITS) -> Activity:
    """Read and validate an activity file (CSV or XLSX sheet ``activity``) within the caps of
    ``limits``; raise ImportProblems."""
    file = str(path)
    frame, skipped, comments = _open(path, "activity", ACTIVITY_COLUMNS, "amount", limits)
    problems: list[Problem] = []
    rowno = np.arange(len(frame)) + 2 + skipped
    if "note" not in frame.columns:
        frame["note"] = pd.Categorical([""] * len(frame))
    year = _years(frame, rowno, file, problems)

    fuel_ok = frame["fuel"].isin(FUELS).to_numpy()
    _flag(
        problems,
        file,
        rowno[~fuel_ok],
        "fuel",
        "unknown fuel "
        + frame["fuel"][~fuel_ok].astype(str).map(repr)
        + " (see carbonpeak activity template for the codes)",
    )

    sectors = frame["sector"].astype("category")
    keys = {code: sector_key(code) for code in sectors.cat.categories}
    mapped = np.array([keys[c] or "" for c in sectors.cat.categories] or [""], dtype=object)
    skey = pd.Series(mapped[sectors.cat.codes.to_numpy()], index=frame.index)
    sector_bad = (skey == "").to_numpy()
    _flag(
        problems,
        file,
        rowno[sector_bad],
        "sector",
        "unknown sector "
        + frame["sector"][sector_bad].astype(str).map(repr)
        + " (expected top or top|sub from the catalogue, e.g. industry|metal_products)",
    )

    amount = _numbers(frame, "amount", rowno, file, problems)
    factor = _units(frame, "fuel", {c: f.unit for c, f in FUELS.items()}, rowno, file, problems)
    valid = year.where((year >= YEAR_RANGE[0]) & (year <= YEAR_RANGE[1]))  # others have their problem
    _implausible(problems, file, rowno, "year", valid, plausible("activity.year"))
    in_unit = pd.Series(
        amount.to_numpy(dtype="float64") * factor.to_numpy(dtype="float64"), index=frame.index
    )
    catalogue_unit = frame["fuel"].map({c: f.unit for c, f in FUELS.items()}).astype(object)
    for unit in sorted({f.unit for f in FUELS.values()}):
        rows = (catalogue_unit == unit).to_numpy()
        if rows.any():
            _implausible(
                problems, file, rowno[rows], "amount", in_unit[rows], plausible("activity.amount", unit)
            )
    _duplicates(frame, ["year", "sector", "fuel", "note"], rowno, file, problems)
    if problems:
        raise _located(problems, frame)
    out = pd.DataFrame(
        {
            "year": year.astype("int64"),
            "sector": frame["sector"],
            "sector_key": skey.astype("category"),
            "fuel": frame["fuel"].cat.remove_unused_categories(),
            "amount": amount.to_numpy(dtype="float64") * factor.to_numpy(dtype="float64"),
            "note": frame["note"],
        }
    )
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return Activity(file, out, _illustrative(comments, frame), comments, digest)


def read_macro(path: str | Path, limits: SheetLimits = DEFAULT_LIMITS) -> Macro:
    """Read and validate a macro file (CSV or XLSX sheet ``macro``): ``year, variable, value, unit``,
    within the caps of ``limits``."""
    file = str(path)
    frame, skipped, comments = _open(path, "macro", MACRO_COLUMNS, "value", limits)
    problems: list[Problem] = []
    rowno = np.arange(len(frame)) + 2 + skipped
    year = _years(frame, rowno, file, problems)
    ok = frame["variable"].isin(MACRO_VARIABLES).to_numpy()
    _flag(
        problems,
        file,
        rowno[~ok],
        "variable",
        "unknown variable "
        + frame["variable"][~ok].astype(str).map(repr)
        + " (expected one of "
        + ", ".join(MACRO_VARIABLES)
        + ")",
    )
    value = _numbers(frame, "value", rowno, file, problems)
    factor = _units(frame, "variable", {k: v[0] for k, v in MACRO_VARIABLES.items()}, rowno, file, problems)
    _duplicates(frame, ["year", "variable"], rowno, file, problems)
    if problems:
        raise _located(problems, frame)
    values: dict[str, dict[int, float]] = {}
    for y, var, v in zip(year.astype(int), frame["variable"], value * factor, strict=True):
        values.setdefault(str(var), {})[int(y)] = float(v)
    return Macro(file, values, _illustrative(comments, frame))
