"""CSV files in the encodings Chinese Excel writes (issue 13): "CSV" on Chinese Windows is GBK, "Unicode
text" is UTF-16 with a BOM, "CSV UTF-8" has a BOM. Each reads the same as the UTF-8 file, in every
reader (the activity import, the enterprise registry, the tracking sheet import, the energy ledger,
the forest survey); bytes in none of them are refused naming the file, the byte offset and what to
do."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonpeak.accounting import read_activity
from carbonpeak.accounting.demo import ACTIVITY_FILE, demo_dir
from carbonpeak.accounting.errors import ImportProblems as AccountingProblems
from carbonpeak.ledgers.enterprises_file import read_registry
from carbonpeak.ledgers.errors import LedgerProblems
from carbonpeak.sheetfile import SheetLimitError, csv_encoding, read_csv_rows

# (Python codec that writes the file, what csv_encoding must answer)
ENCODINGS = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "utf-16": "utf-16",  # Python writes the BOM first, as Excel does
}
REGISTRY = (
    "id,name,industry,town,two_high\n"
    "91120118EXAMP0001Y,天津市静海区示例钢管有限公司（示例数据）,33,大邱庄镇,否\n"
    "91120118EXAMP00022,示例乙（示例数据）,31,,是\n"
)


def _write(path: Path, text: str, codec: str) -> Path:
    path.write_bytes(text.encode(codec))
    return path


@pytest.mark.parametrize("codec", sorted(ENCODINGS))
def test_each_encoding_is_detected_and_reads_the_same(codec: str, tmp_path: Path) -> None:
    path = _write(tmp_path / "registry.csv", REGISTRY, codec)
    assert csv_encoding(path) == ENCODINGS[codec]
    assert read_csv_rows(path) == read_csv_rows(_write(tmp_path / "utf8.csv", REGISTRY, "utf-8"))
    names = [e.name for e in read_registry(path)]
    assert names == ["天津市静海区示例钢管有限公司（示例数据）", "示例乙（示例数据）"]


@pytest.mark.parametrize("codec", ["gbk", "utf-16", "utf-8-sig"])
def test_the_activity_import_reads_excel_encodings(codec: str, tmp_path: Path) -> None:
    text = (demo_dir() / ACTIVITY_FILE).read_text(encoding="utf-8")
    path = _write(tmp_path / ACTIVITY_FILE, text, codec)
    got, want = read_activity(path), read_activity(demo_dir() / ACTIVITY_FILE)
    assert got.frame.equals(want.frame)
    assert got.comments == want.comments and "示例数据" in " ".join(got.comments)


def test_bytes_in_no_known_encoding_are_refused_with_the_offset(tmp_path: Path) -> None:
    # Latin-1 (a Western Windows "CSV"): é before a comma is neither UTF-8 nor GB18030
    path = tmp_path / "western.csv"
    path.write_bytes("id,name,industry\n1,Caf\u00e9,33\n".encode("latin-1"))
    with pytest.raises(SheetLimitError) as err:
        read_csv_rows(path)
    problem = err.value.problems[0]
    assert (problem.file, problem.row) == ("western.csv", 2)
    assert "第 22 字节" in problem.message and "GBK" in problem.message and "CSV UTF-8" in problem.message
    assert problem.message_en is not None and "byte 22" in problem.message_en
    with pytest.raises(LedgerProblems) as ledger:
        read_registry(path)
    assert "byte 22" in (ledger.value.problems[0].message_en or "")
    with pytest.raises(AccountingProblems) as activity:
        read_activity(path)
    assert "字节" in activity.value.problems[0].message


def test_utf16_without_its_bom_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path / "nobom.csv", REGISTRY, "utf-16-le")
    with pytest.raises(SheetLimitError) as err:
        csv_encoding(path)
    assert "UTF-16" in err.value.problems[0].message and err.value.problems[0].file == "nobom.csv"


def test_a_broken_utf16_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes(REGISTRY.encode("utf-16") + b"\x00")  # an odd byte at the end
    with pytest.raises(SheetLimitError) as err:
        csv_encoding(path)
    assert "UTF-16" in err.value.problems[0].message and "字节" in err.value.problems[0].message
