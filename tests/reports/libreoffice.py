"""Open what we write with LibreOffice, as a user's office suite would: ``soffice --headless
--convert-to csv`` of every sheet, in a fresh user profile per call (parallel runs do not collide).
Needs Debian's ``libreoffice-calc-nogui`` (or ``libreoffice-calc``); the test fails, never skips,
when it is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# CSV export: comma, double quote, UTF-8 (76), from row 1; the last token -1 writes every sheet.
FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice is needed: apt-get install libreoffice-calc-nogui"
    return found


def convert(files: list[Path], out: Path) -> dict[Path, list[Path]]:
    """Convert every XLSX in ``files`` in one LibreOffice run; each file → the CSVs of its sheets
    (``name-Sheet.csv``). Asserts exit 0 and at least one non-empty CSV per file."""
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / "profile").as_uri()
    result = subprocess.run(
        [
            soffice(),
            "--headless",
            f"-env:UserInstallation={profile}",
            "--convert-to",
            FILTER,
            "--outdir",
            str(out),
        ]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    made: dict[Path, list[Path]] = {}
    for f in files:
        sheets = sorted(out.glob(f"{f.stem}-*.csv"))
        assert sheets, f"LibreOffice wrote nothing for {f.name}: {result.stdout} {result.stderr}"
        assert any(s.stat().st_size > 0 for s in sheets), f.name
        made[f] = sheets
    return made
