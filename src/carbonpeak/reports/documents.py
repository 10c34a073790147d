"""The documents' entry points for the adapters (CLI and web call the same functions, so a download
and the CLI's file of the same data are the same bytes)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from carbonpeak.errors import InvalidInputError, Lang
from carbonpeak.reports import annual, dispatch, notices, period, review_sheet
from carbonpeak.reports.document import Document
from carbonpeak.reports.render import DOCUMENT_FORMATS, MEDIA, document_bytes
from carbonpeak.reports.xlsx import workbook_bytes
from carbonpeak.services.reporting import AnnualResults, DispatchResults, PeriodResults
from carbonpeak.tables import Book

ProgressHook = Callable[[str], None]
ZIP_MEDIA = "application/zip"

annual_document = annual.document
period_document = period.document
dispatch_document = dispatch.document
review_document = review_sheet.document


def document_format(path: Path) -> str:
    """pdf, docx or html from a file name; anything else is refused with the name."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in DOCUMENT_FORMATS:
        raise InvalidInputError(
            f"{path}：文件扩展名应为 .pdf、.docx 或 .html",
            message_en=f"{path}: the file name should end in .pdf, .docx or .html",
        )
    return suffix


def render(doc: Document, fmt: str) -> bytes:
    return document_bytes(doc, fmt)


def annex_bytes(doc: Document) -> bytes:
    """Every table of the document as one XLSX workbook (the one table writer)."""
    return workbook_bytes(Book(doc.tables(), title=doc.title), doc.lang)


def notice_list_bytes(results: AnnualResults, lang: Lang) -> bytes:
    """The 通报 list as an XLSX sheet the office edits before it is issued."""
    return workbook_bytes(notices.notice_book(results, lang), lang)


def dispatch_name(r: DispatchResults, fmt: str, lang: Lang) -> str:
    """The file of one unit's notice: the unit's name (as the plan writes it) and the period."""
    name = (r.meta.units_en if lang == "en" else r.meta.units).get(r.unit_id, r.unit_id)
    safe = "".join("-" if c in '\\/:*?"<>|' else c for c in name)
    return f"{r.year}{r.period if r.period != 'Y' else ''}-{safe}.{fmt}"


def dispatch_files(
    results: Sequence[DispatchResults], fmt: str, lang: Lang, progress: ProgressHook | None = None
) -> dict[str, bytes]:
    """One file per unit, by file name."""
    out: dict[str, bytes] = {}
    for r in results:
        out[dispatch_name(r, fmt, lang)] = render(dispatch.document(r, lang), fmt)
        if progress is not None:
            progress(r.meta.units.get(r.unit_id, r.unit_id))
    return out


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """The files as one ZIP, names sorted, every entry at one fixed time (same files, same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.flag_bits |= 0x800  # UTF-8 file names
            archive.writestr(info, files[name])
    return out.getvalue()


__all__ = [
    "DOCUMENT_FORMATS",
    "MEDIA",
    "ZIP_MEDIA",
    "AnnualResults",
    "PeriodResults",
    "annex_bytes",
    "dispatch_files",
    "document_format",
    "notice_list_bytes",
    "render",
    "review_document",
    "zip_bytes",
]
