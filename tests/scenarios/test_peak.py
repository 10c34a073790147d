"""Peak detection on hand-made trajectories."""

from __future__ import annotations

import numpy as np

from carbonpeak.scenarios.peak import peaked_by, peaks

YEARS = np.arange(2025, 2036)


def test_peak_year_value_and_fall() -> None:
    co2 = np.array([[1, 2, 3, 5, 4, 4, 3, 3, 2, 2, 1]], dtype=float)
    p = peaks(co2, YEARS)
    assert p.year[0] == 2028
    assert p.value[0] == 5
    assert p.fall_t[0] == 4
    assert p.fall_pct[0] == 80


def test_peaked_by_with_plateau_tolerance() -> None:
    # max up to 2030 is 10 (2028); 2033 reaches 10.1 — not peaked, unless 2 % plateau tolerance
    co2 = np.array([[8, 9, 9.5, 10, 9.9, 9.8, 9.9, 10.0, 10.1, 9, 8]], dtype=float)
    assert not peaked_by(co2, YEARS, 2030)[0]
    assert peaked_by(co2, YEARS, 2030, tolerance=0.02)[0]
    assert peaked_by(co2, YEARS, 2033)[0]
    assert peaked_by(co2, YEARS, 2035)[0]
