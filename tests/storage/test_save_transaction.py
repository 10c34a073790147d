"""``TrackingService.save``: a value or report, its evidence file and the submission in one
transaction — the API, the reporting form and (``save_all``) the sheet import call it."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonpeak.services.tracking import Evidence, ReportEntry, ValueEntry
from carbonpeak.tracking.errors import EvidenceError, WorkflowError
from tests.storage.helpers import DEV_REFORM, OFFICE, service_for

PDF = b"%PDF-1.7\n1 0 obj\n"


def test_save_attach_and_submit_in_one_call(database_url: str, tmp_path: Path) -> None:
    with service_for(database_url, evidence_dir=tmp_path / "evidence") as svc:
        entry = ReportEntry("energy.1", 2024, "Q1", "in_progress", narrative="开工")
        ref = svc.save(DEV_REFORM, entry, evidence=Evidence(PDF, "进展.pdf"), submit=True)
        assert (ref.kind, ref.state) == ("report", "submitted")
        record = svc.get("report", ref.id)
        assert (record["narrative"], record["version"]) == ("开工", ref.version)
        files = svc.evidence_files([("report", ref.id)])[("report", ref.id)]
        assert [f["name"] for f in files] == ["进展.pdf"]
        assert [a["action"] for a in svc.histories([("report", ref.id)])[("report", ref.id)]] == [
            "insert",
            "submit",
        ]
        value = svc.save(OFFICE, ValueEntry("non_fossil_share_2025", 2024, 12.5, data_source="统计公报"))
        assert (value.kind, value.state) == ("value", "draft")


def test_a_refused_file_saves_nothing(database_url: str, tmp_path: Path) -> None:
    with service_for(database_url, evidence_dir=tmp_path / "evidence") as svc:
        entry = ReportEntry("energy.1", 2024, "Q1", "in_progress", narrative="开工")
        with pytest.raises(EvidenceError, match="type unknown"):
            svc.save(DEV_REFORM, entry, evidence=Evidence(b"MZ\x90\x00", "a.pdf"), submit=True)
        assert svc.records() == []


def test_a_locked_record_keeps_its_content_and_files(database_url: str, tmp_path: Path) -> None:
    with service_for(database_url, evidence_dir=tmp_path / "evidence") as svc:
        entry = ReportEntry("energy.1", 2024, "Q1", "in_progress", narrative="first")
        ref = svc.save(DEV_REFORM, entry, evidence=Evidence(PDF, "a.pdf"), submit=True)
        again = ReportEntry("energy.1", 2024, "Q1", "done", narrative="second", expected_version=ref.version)
        with pytest.raises(WorkflowError):
            svc.save(DEV_REFORM, again, evidence=Evidence(b"plain text\n", "b.txt"), submit=True)
        assert svc.get("report", ref.id)["narrative"] == "first"
        assert len(svc.evidence_files([("report", ref.id)])[("report", ref.id)]) == 1
