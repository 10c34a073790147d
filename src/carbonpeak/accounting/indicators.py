"""The official indicators and the reduction arithmetic (reference/emission-factors.md, Methods).

- cumulative reduction over a period: 1 − I_end / I_base
- average annual rate achieved over n years: 1 − (I_end / I_base) ** (1 / n)
- average annual rate a cumulative reduction target R over n years implies: 1 − (1 − R) ** (1 / n)
  (a 20 % five-year cut is 4.3648 % a year)
"""

from __future__ import annotations

from carbonpeak.errors import InvalidInputError


def cumulative_reduction(i_end: float, i_base: float) -> float | None:
    """1 − I_end/I_base (a fraction; positive means the intensity fell)."""
    if i_base == 0:
        return None
    return 1.0 - i_end / i_base


def average_annual_rate(i_end: float, i_base: float, years: int) -> float | None:
    """1 − (I_end/I_base)^(1/n): the constant yearly reduction that gives the same cumulative one."""
    if i_base == 0 or years <= 0 or i_end / i_base < 0:
        return None
    return float(1.0 - (i_end / i_base) ** (1.0 / years))


def implied_annual_rate(total_reduction: float, years: int) -> float:
    """The average annual rate k with 1 − (1 − k)^n = R: k = 1 − (1 − R)^(1/n)."""
    if years <= 0:
        raise InvalidInputError("the number of years must be positive")
    if not 0 <= total_reduction < 1:
        raise InvalidInputError("a reduction must be a fraction in [0, 1)")
    return float(1.0 - (1.0 - total_reduction) ** (1.0 / years))


def required_rate(i_now: float, i_base: float, total_reduction: float, years_left: int) -> float | None:
    """The yearly reduction still needed from now to reach I_base·(1 − R) in ``years_left`` years."""
    if years_left <= 0 or i_now <= 0:
        return None
    return float(1.0 - (i_base * (1.0 - total_reduction) / i_now) ** (1.0 / years_left))
