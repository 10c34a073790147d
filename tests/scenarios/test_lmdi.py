"""LMDI-I against hand-computed worked examples, zero handling, and exactness on random data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from carbonpeak.cli.main import app
from carbonpeak.scenarios import ScenarioDataError, decompose_arrays, decompose_csv, logmean


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_logmean_limits() -> None:
    assert float(logmean(np.array(3.0), np.array(3.0))) == 3.0
    assert float(logmean(np.array(2.0), np.array(1.0))) == pytest.approx(1 / math.log(2))
    assert float(logmean(np.array(0.0), np.array(1.0))) == 0.0


def test_worked_example(tmp_path: Path) -> None:
    # g1: a 2→4, b 3 (V 6→12); g2: a 1, b 1→2 (V 1→2). By hand: L(12,6)·ln2 = 6 to a;
    # L(2,1)·ln2 = 1 to b; total 7. Multiplicative: D_a = 2^(6/7), D_b = 2^(1/7), product 2.
    path = _write(tmp_path, "year,group,a,b\n2020,g1,2,3\n2020,g2,1,1\n2025,g1,4,3\n2025,g2,1,2\n")
    result = decompose_csv(path, 2020, 2025)
    assert result.total_change == pytest.approx(7.0)
    assert result.additive["a"] == pytest.approx(6.0)
    assert result.additive["b"] == pytest.approx(1.0)
    assert result.multiplicative["a"] == pytest.approx(2 ** (6 / 7))
    assert result.multiplicative["b"] == pytest.approx(2 ** (1 / 7))
    assert result.by_group["g1"]["a"] == pytest.approx(6.0)
    assert result.by_group["g2"]["b"] == pytest.approx(1.0)


def test_zero_values_follow_the_limits(tmp_path: Path) -> None:
    # g3 appears (a 0→1, b 5): its change 5 goes to a; g4 vanishes (a 2, b 1→0): −2 to b.
    path = _write(
        tmp_path,
        "year,group,a,b\n2020,g1,1,1\n2020,g3,0,5\n2020,g4,2,1\n2030,g1,1,1\n2030,g3,1,5\n2030,g4,2,0\n",
    )
    result = decompose_csv(path, 2020, 2030)
    assert result.total_change == pytest.approx(3.0)
    assert result.additive == pytest.approx({"a": 5.0, "b": -2.0})
    assert set(result.zero_groups) == {"g3", "g4"}
    assert result.multiplicative["a"] * result.multiplicative["b"] == pytest.approx(6 / 3)


def test_group_missing_in_a_year_is_zero(tmp_path: Path) -> None:
    path = _write(tmp_path, "year,group,a,b\n2020,g1,1,2\n2021,g1,1,2\n2021,new,2,2\n")
    result = decompose_csv(path, 2020, 2021)
    assert result.additive["a"] + result.additive["b"] == pytest.approx(4.0)
    assert result.additive["a"] == pytest.approx(2.0)  # split equally: both factors were zero


def test_bad_rows_are_all_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "year,group,a,b\n2020,g1,-1,2\n2021,g1,x,2\n")
    with pytest.raises(ScenarioDataError) as info:
        decompose_csv(path, 2020, 2021)
    located = {(p.row, p.field) for p in info.value.problems}
    assert {(2, "a"), (3, "a")} <= located


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(*[st.floats(0.01, 1e4) for _ in range(6)]),
        min_size=1,
        max_size=6,
    )
)
@example([(13.0, 7032.5, 7038.4375, 13.0, 7025.46875, 7045.46875)])  # close values: needs log1p
@example([(7031.46875, 7039.46875, 50.0, 50.0, 7030.46875, 7040.46875)])
@example([(3.0, 345.0, 2583.0, 1.0, 0.5, 0.01171875)])  # far apart: log1p near −1 loses digits
def test_additive_effects_sum_to_the_change(rows: list[tuple[float, ...]]) -> None:
    data = np.array(rows)
    x0, x1 = data[:, :3], data[:, 3:]
    result = decompose_arrays(x0, x1, ["p", "q", "r"], [f"g{i}" for i in range(len(rows))])
    v0, v1 = x0.prod(axis=1).sum(), x1.prod(axis=1).sum()
    # exact up to float rounding of the aggregate itself
    assert sum(result.additive.values()) == pytest.approx(v1 - v0, rel=1e-9, abs=1e-12 * max(v0, v1))
    product = math.prod(v for v in result.multiplicative.values() if v is not None)
    assert product == pytest.approx(x1.prod(axis=1).sum() / x0.prod(axis=1).sum(), rel=1e-9)


def test_cli_decompose_json(tmp_path: Path) -> None:
    path = _write(tmp_path, "year,group,a,b\n2020,g1,2,3\n2020,g2,1,1\n2025,g1,4,3\n2025,g2,1,2\n")
    out = CliRunner().invoke(
        app, ["decompose", "--data", str(path), "--from", "2020", "--to", "2025", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["total_change"] == pytest.approx(7.0)
    assert data["additive"]["a"] == pytest.approx(6.0)
    assert data["groups"]["g2"]["b"] == pytest.approx(1.0)


def test_cli_decompose_bad_file_exits_nonzero(tmp_path: Path) -> None:
    path = _write(tmp_path, "year,grp,a\n2020,g1,1\n")
    out = CliRunner().invoke(app, ["decompose", "--data", str(path), "--from", "2020", "--to", "2021"])
    assert out.exit_code == 2
    assert "group" in out.output
