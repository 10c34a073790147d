"""The documents from the web: the same bytes as ``carbonpeak report …`` for the same data and date,
the office and viewers download every document, a department only its own dispatch notice."""

from __future__ import annotations

import io
import zipfile

import pytest

from carbonpeak.plan import load_plan
from tests.reports.conftest import Product
from tests.web.conftest import login
from tests.web.explorer_server import JINGHAI

AS_OF = "2025-03-01"


@pytest.mark.parametrize(
    ("cli", "web"),
    [
        (["report", "annual", "--year", "2024", "--samples", "20", "--as-of", AS_OF, "--out"],
         f"/reports/annual?year=2024&format=html&samples=20&as_of={AS_OF}"),
        (["report", "annual", "--year", "2024", "--samples", "20", "--as-of", AS_OF, "--out"],
         f"/reports/annual?year=2024&format=docx&samples=20&as_of={AS_OF}"),
        (["report", "dispatch", "--unit", "dev_reform", "--period", "2024Q4", "--as-of", AS_OF, "--out"],
         f"/reports/dispatch?unit=dev_reform&period=2024Q4&format=pdf&as_of={AS_OF}"),
        (["report", "notices", "--year", "2024", "--as-of", AS_OF, "--out"], f"/reports/notices?year=2024&as_of={AS_OF}"),
    ],
    ids=["annual-html", "annual-docx", "dispatch-pdf", "notices"],
)  # fmt: skip
def test_web_and_cli_give_the_same_bytes(product: Product, cli: list[str], web: str) -> None:
    suffix = "xlsx" if "notices" in web else web.split("format=")[1].split("&")[0]
    path = product.folder / f"doc.{suffix}"
    product.cli(*cli, str(path))
    assert product.web(web) == path.read_bytes()


def test_annex_download_is_the_cli_annex(product: Product) -> None:
    annex = product.folder / "annex.xlsx"
    product.cli("report", "annual", "--year", "2024", "--samples", "0", "--as-of", AS_OF,
                "--out", str(product.folder / "a.html"), "--annex", str(annex))  # fmt: skip
    assert product.web(f"/reports/annual?year=2024&format=xlsx&samples=0&as_of={AS_OF}") == annex.read_bytes()


def test_dispatch_zip_has_every_unit(product: Product) -> None:
    data = product.web(f"/reports/dispatch.zip?period=2024Q4&format=html&as_of={AS_OF}")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(names) == len(load_plan(JINGHAI).units)
    assert "2024Q4-区发改委.html" in names


def test_roles(product: Product) -> None:
    server = product.server
    dept = login(server, "dept_a")  # 区发改委 (dev_reform)
    viewer = login(server, "viewer")
    try:
        own = dept.get(f"/reports/dispatch?period=2024Q4&format=html&as_of={AS_OF}")
        assert own.status_code == 200 and "区发改委" in own.text
        assert dept.get("/reports/dispatch?period=2024Q4&unit=industry_it&format=html").status_code == 403
        for path in ("/reports/annual?year=2024&samples=0&format=html", "/reports/period?format=html",
                     "/reports/notices?year=2024", "/reports/dispatch.zip?period=2024Q4"):  # fmt: skip
            assert dept.get(path).status_code == 403, path
        assert viewer.get("/reports/annual?year=2024&samples=0&format=html").status_code == 200
        assert viewer.get("/reports/dispatch?period=2024Q4&unit=industry_it&format=html").status_code == 200
        with server.client() as anonymous:
            assert anonymous.get("/reports/annual?year=2024&format=html").status_code in (303, 401, 403)
        missing = product.office.get("/reports/annual?year=2019&format=html")
        assert missing.status_code == 404 and "2019" in missing.text
        assert product.office.get("/reports/dispatch?period=2024Q4&unit=nope").status_code == 404
    finally:
        dept.close()
        viewer.close()
