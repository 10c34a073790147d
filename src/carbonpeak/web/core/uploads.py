"""Uploads waiting for confirmation (validate → preview → confirm): the file is kept under the data
folder in a random folder named in the signed session, read again at confirmation, and removed when
the session confirms, cancels by uploading again, or the upload fails validation."""

from __future__ import annotations

import logging
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request, UploadFile

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[\w-]+")
_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class TooLarge(ValueError):
    """The upload exceeds the size limit (nothing kept)."""


@dataclass(frozen=True)
class Pending:
    """One kind of pending upload: the session key holding its token and its folder's name."""

    session_key: str
    folder_name: str
    max_bytes: int

    def _root(self, request: Request) -> Path:
        return Path(request.app.state.settings.data_dir) / "imports" / self.folder_name

    def folder(self, request: Request) -> Path | None:
        """This session's pending folder, if it has one (the token is checked, never trusted)."""
        token = request.session.get(self.session_key)
        if isinstance(token, str) and _TOKEN.fullmatch(token):
            return self._root(request) / token
        return None

    def clear(self, request: Request) -> None:
        folder = self.folder(request)
        request.session.pop(self.session_key, None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def save(self, request: Request, file: UploadFile, default_name: str) -> Path:
        """Clear any earlier upload of this session and keep this one (not yet in the session: call
        ``keep`` once it has passed validation). Raises TooLarge beyond ``max_bytes``."""
        self.clear(request)
        data = file.file.read(self.max_bytes + 1)
        name = _SAFE_NAME.sub("_", Path(file.filename or default_name).name) or default_name
        if len(data) > self.max_bytes:
            log.info("upload %s refused: larger than %d bytes", name, self.max_bytes)
            raise TooLarge(f"{name}: file larger than {self.max_bytes // (1024 * 1024)} MB")
        folder = self._root(request) / secrets.token_urlsafe(16)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        return path

    def keep(self, request: Request, path: Path) -> None:
        """Name the saved upload in the session: it waits for the confirmation."""
        request.session[self.session_key] = path.parent.name

    @staticmethod
    def discard(path: Path) -> None:
        shutil.rmtree(path.parent, ignore_errors=True)

    def file(self, request: Request, ignore: tuple[str, ...] = ()) -> Path | None:
        """The pending file of this session, or None."""
        folder = self.folder(request)
        if folder is None or not folder.is_dir():
            return None
        files = [p for p in sorted(folder.iterdir()) if p.name not in ignore]
        return files[0] if files else None
