"""Evidence files: type detected from the content, size limited, stored by sha256 (never by the
client's file name, which is kept for display only, cleaned)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from carbonpeak.tracking.errors import EvidenceError

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
    "txt": "text/plain",
}


def sniff(content: bytes) -> str | None:
    """The type of ``content`` from its bytes: pdf, png, jpeg, xlsx, docx, csv, txt, or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return None
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("word/") for n in names):
            return "docx"
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    first = text.splitlines()[0] if text else ""
    return "csv" if "," in first else "txt"


def clean_name(name: str) -> str:
    """A display name: the last path part, no control characters, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().lstrip(".")
    return base[:120] or "evidence"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    kind: str
    media_type: str
    path: Path


def store_file(content: bytes, folder: Path, *, max_bytes: int, allowed: list[str]) -> StoredFile:
    """Check and store ``content`` under ``folder/<sha[:2]>/<sha>``; identical files are stored once."""
    if not content:
        raise EvidenceError("佐证材料文件为空", message_en="the evidence file is empty")
    if len(content) > max_bytes:
        raise EvidenceError(
            f"佐证材料文件有 {len(content)} 字节，最多接受 {max_bytes} 字节",
            message_en=f"the evidence file has {len(content)} bytes; at most {max_bytes} are accepted",
        )
    kind = sniff(content)
    if kind is None or kind not in allowed:
        raise EvidenceError(
            f"不接受 {kind or '未知'} 类型的佐证材料；可接受：{', '.join(allowed)}",
            message_en=f"evidence of type {kind or 'unknown'} is not accepted; "
            f"accepted: {', '.join(allowed)}",
        )
    digest = hashlib.sha256(content).hexdigest()
    path = folder / digest[:2] / digest
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(content)
        tmp.replace(path)
    return StoredFile(digest, len(content), kind, MEDIA_TYPES[kind], path)
