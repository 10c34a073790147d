"""Evidence files: stored by sha256 with size and type limits; the client's name is only displayed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from carbonpeak.tracking.errors import EvidenceError, NotAllowedError
from tests.storage.helpers import DEV_REFORM, INDUSTRY, service_for


def test_evidence_is_stored_by_hash(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    with service_for(database_url, evidence_dir=folder) as svc:
        ref = svc.record_report(DEV_REFORM, "energy.1", 2023, "Q1", "in_progress")
        content = b"%PDF-1.7\n1 0 obj\n"
        info = svc.attach_evidence(DEV_REFORM, "report", ref.id, content, "../../etc/passwd")
        digest = hashlib.sha256(content).hexdigest()
        assert info == {"sha256": digest, "size": len(content), "media_type": "application/pdf"}
        assert (folder / digest[:2] / digest).read_bytes() == content
        assert not (tmp_path / "etc").exists()
        # a file that claims to be a PDF but is an executable is refused whatever its name says
        with pytest.raises(EvidenceError, match="type unknown"):
            svc.attach_evidence(DEV_REFORM, "report", ref.id, b"MZ\x90\x00\x03\x00\x00\x00", "report.pdf")
        with pytest.raises(EvidenceError, match="empty"):
            svc.attach_evidence(DEV_REFORM, "report", ref.id, b"", "a.txt")
        svc.evidence_max_bytes = 10
        with pytest.raises(EvidenceError, match="at most 10"):
            svc.attach_evidence(DEV_REFORM, "report", ref.id, content, "a.pdf")
        with pytest.raises(NotAllowedError):
            svc.attach_evidence(INDUSTRY, "report", ref.id, content, "a.pdf")
        assert [r.evidence_count for r in svc.data().reports] == [1]
