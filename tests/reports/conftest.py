"""A live server on the bundled Jinghai plan with every capability's demo data (as
``carbonpeak init --demo``), and the CLI on the same database, for the tests of the files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.demo import load_demo
from carbonpeak.plan import load_plan
from tests.web.conftest import LiveServer, login, start
from tests.web.explorer_server import JINGHAI


@dataclass
class Product:
    """The web app and the CLI on one database with the demo data."""

    server: LiveServer
    office: httpx.Client
    url: str
    folder: Path

    def web(self, path: str) -> bytes:
        response = self.office.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.content

    def cli(self, *args: str) -> str:
        result = CliRunner().invoke(app, ["--database", self.url, *args])
        assert result.exit_code == 0, (args, result.output)
        return result.output

    def cli_bytes(self, *args: str) -> bytes:
        """What the command writes to stdout, byte for byte (``output`` folds CRLF)."""
        result = CliRunner().invoke(app, ["--database", self.url, *args])
        assert result.exit_code == 0, (args, result.output)
        return result.stdout_bytes

    def cli_file(self, name: str, *args: str) -> bytes:
        path = self.folder / name
        self.cli(*args, "-o", str(path))
        return path.read_bytes()


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Product]:
    folder = tmp_path_factory.mktemp("files")
    for server in start(folder, plan=str(JINGHAI), secret_key="f" * 40):
        load_demo(server.engine, load_plan(JINGHAI))
        office = login(server, "office")
        out = folder / "out"
        out.mkdir()
        try:
            yield Product(server, office, server.settings.resolved_database_url(), out)
        finally:
            office.close()
