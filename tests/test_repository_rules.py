"""Rules over the whole repository: no package registry host named anywhere; no test that skips.

A package is named by name, version and checksum (docs/decisions/0400-web-assets.md), never by the
host of the registry it came from. The suite runs whole everywhere: a missing part fails, saying what
it is (docs/decisions/0004-tests-start-their-servers.md), so no test may skip or expect to fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from tests.conftest import REPO, require

# The hosts of package registries and their mirrors and CDNs, as patterns: this file names none itself.
REGISTRY_HOST = re.compile(
    r"""(?ix)\b(?:[a-z0-9-]+\.)*(?:
        npmjs\.(?:org|com) | yarnpkg\.com | npmmirror\.com | unpkg\.com | jsdelivr\.(?:net|com)
        | cdnjs\.cloudflare\.com
        | pypi\.(?:org|io|python\.org) | pythonhosted\.org
        | debian\.org | ubuntu\.com
        | anaconda\.(?:org|com) | conda\.io | crates\.io | rubygems\.org | maven\.org | nuget\.org
        | packagist\.org | proxy\.golang\.org
        | mirrors\.aliyun\.com | mirrors\.cloud\.tencent\.com | (?:mirrors|repo)\.huaweicloud\.com
        | tuna\.tsinghua\.edu\.cn | mirrors\.ustc\.edu\.cn
    )\b"""
)
SKIP = re.compile(r"pytest\.(?:skip|importorskip|xfail)\b|mark\.(?:skip|skipif|xfail)\b")


def tracked_files() -> list[str]:
    git = shutil.which("git")
    require(git is not None and (REPO / ".git").exists(), "a git checkout of the repository (git ls-files)")
    assert git is not None
    listed = subprocess.run([git, "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    return [name for name in listed.stdout.decode().split("\0") if name]


def test_the_patterns_catch_registry_hosts() -> None:
    dot = "."
    for host in [f"registry{dot}npmjs{dot}org", f"files{dot}pythonhosted{dot}org", f"deb{dot}debian{dot}org"]:
        assert REGISTRY_HOST.search(f"from https://{host}/x.tgz"), host
    assert not REGISTRY_HOST.search("echarts 5.5.1 from the npm package tarball echarts-5.5.1.tgz")


def test_no_tracked_file_names_a_package_registry_host() -> None:
    found = []
    for name in tracked_files():
        path = REPO / name
        if not path.is_file():
            continue  # deleted in the work tree, not yet committed
        text = path.read_bytes().decode("utf-8", errors="replace")
        for m in REGISTRY_HOST.finditer(text):
            found.append(f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}")
    listing = "\n".join(found)
    assert found == [], f"name the package, version and checksum, not the registry's host:\n{listing}"


def test_no_test_skips() -> None:
    this = "tests/test_repository_rules.py"
    found = [
        f"{name}:{line_no}: {line.strip()}"
        for name in tracked_files()
        if name.startswith("tests/") and name.endswith(".py") and name != this
        for line_no, line in enumerate((REPO / name).read_text(encoding="utf-8").splitlines(), 1)
        if SKIP.search(line)
    ]
    listing = "\n".join(found)
    assert found == [], f"a missing part must fail with what is missing, not skip:\n{listing}"


def test_vendored_echarts_matches_its_checksum() -> None:
    import hashlib

    folder = REPO / "src" / "carbonpeak" / "web" / "static" / "vendor" / "echarts"
    version = (folder / "VERSION").read_text(encoding="utf-8")
    match = re.search(r"^echarts\.min\.js sha256 ([0-9a-f]{64})$", version, re.MULTILINE)
    assert match is not None, version
    assert hashlib.sha256((folder / "echarts.min.js").read_bytes()).hexdigest() == match.group(1)
    assert re.match(r"echarts \d+\.\d+\.\d+ \(Apache-2\.0\)", version)
    assert re.search(r"^tarball sha256 [0-9a-f]{64}$", version, re.MULTILINE)
