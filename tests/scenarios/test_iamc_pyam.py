"""The IAMC export of every bundled scenario read back with pyam: the variable tree adds up
(``check_aggregate`` passes for every variable that has children), CSV and XLSX alike, and the
Monte Carlo percentile bands are scenarios of their own."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.scenarios.scenario_files import bundled_scenarios

PLAN = Path(__file__).parent / "plan-small.yaml"


def import_pyam() -> ModuleType:
    """pyam, imported with the one deprecation warning its ixmp4 dependency raises on import under
    SQLAlchemy 2 silenced (the suite turns warnings into errors)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="This parameter is supported only by Oracle")
        import pyam

    return pyam


def parents(variables: list[str]) -> list[str]:
    """The variables that have at least one child variable (``v|…``)."""
    return sorted({v for v in variables if any(w.startswith(v + "|") for w in variables)})


def assert_tree_adds_up(df: object) -> list[str]:
    checked = parents(list(df.variable))  # type: ignore[attr-defined]
    assert checked, "no variable has children"
    for variable in checked:
        failed = df.check_aggregate(variable)  # type: ignore[attr-defined]
        assert failed is None or failed.empty, f"{variable} is not the sum of its children:\n{failed}"
    return checked


# pyam 4.0 still passes ``inplace=`` to pandas, which pandas 3.1 deprecates (Pandas4Warning): ignored
# where pyam's own code raises it, nowhere else.
@pytest.mark.filterwarnings(r"ignore::pandas.errors.Pandas4Warning:pyam")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_of_every_bundled_scenario_reads_in_pyam_and_adds_up(tmp_path: Path, suffix: str) -> None:
    pyam = import_pyam()
    out = tmp_path / f"iamc{suffix}"
    scenarios = list(bundled_scenarios())
    args = ["scenario", "export", *scenarios, "--plan", str(PLAN), "--samples", "40", "--output", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    # the export has no "meta" sheet; pyam's look for one leaves the workbook open (ResourceWarning)
    df = pyam.IamDataFrame(out, meta_sheet_name=None)
    assert set(df.scenario) == {*scenarios, *(f"{s}|p{p}" for s in scenarios for p in (5, 25, 50, 75, 95))}
    checked = assert_tree_adds_up(df)
    for level in ("Emissions|CO2|Energy|Demand|Industry", "Final Energy|Industry", "Capacity|Electricity"):
        assert level in checked  # the intermediate levels are there
    assert {"Secondary Energy|Electricity|Solar", "Gross Emissions|CO2"} <= set(df.variable)
    bands = df.filter(scenario="*|p*")
    assert list(bands.variable) == ["Gross Emissions|CO2"]
    p5, p95 = (bands.filter(scenario=f"plan|p{p}").timeseries().iloc[0] for p in (5, 95))
    assert (p5 <= p95 + 1e-12).all()
