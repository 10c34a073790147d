"""One table gives one file whatever path produced it: the CLI's ``-o`` and the web's download of
the same table are byte-identical (the inventory workbook and its tables, the tracking evaluation,
the enterprise ledger), and so are two downloads made at different times."""

from __future__ import annotations

import time

import pytest

from tests.reports.conftest import Product


@pytest.mark.parametrize(
    ("cli", "web"),
    [
        (["inventory", "-f", "xlsx"], "/inventory/download?table=all&format=xlsx"),
        (["inventory", "--table", "co2_by_sector", "-f", "xlsx"], "/inventory/download?table=co2_by_sector"),
        (["inventory", "--table", "indicators"], "/inventory/download?table=indicators&format=xlsx"),
        (
            ["inventory", "--table", "energy_by_fuel", "-f", "csv"],
            "/inventory/download?table=energy_by_fuel&format=csv",
        ),
        (["track", "export", "--year", "2024"], "/tracking/export?year=2024&format=xlsx"),
        (["track", "export", "--year", "2023"], "/tracking/export?year=2023&format=csv"),
        (["enterprises", "list", "-f", "xlsx"], "/enterprises/export?format=xlsx"),
    ],
    ids=[
        "inventory-all",
        "inventory-co2",
        "inventory-indicators",
        "inventory-csv",
        "tracking-xlsx",
        "tracking-csv",
        "ledger",
    ],
)
def test_cli_and_web_give_the_same_bytes(product: Product, cli: list[str], web: str) -> None:
    suffix = "csv" if "format=csv" in web else "xlsx"
    from_cli = product.cli_file(f"same.{suffix}", *cli)
    from_web = product.web(web)
    assert from_cli == from_web


def test_a_download_later_gives_the_same_bytes(product: Product) -> None:
    first = product.web("/inventory/download?table=all&format=xlsx")
    time.sleep(2.1)  # ZIP times have a resolution of two seconds
    assert product.web("/inventory/download?table=all&format=xlsx") == first
