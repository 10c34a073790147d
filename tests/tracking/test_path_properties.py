"""Properties of the required path and of the assessment arithmetic (hypothesis)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonpeak.tracking.assess import Item, score_items
from carbonpeak.tracking.path import TargetPath
from carbonpeak.tracking.rubric import load_rubric

RUBRIC = load_rubric()
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)


@given(
    base=positive, target=positive, span=st.integers(1, 30), method=st.sampled_from(["linear", "geometric"])
)
def test_path_starts_at_base_ends_at_target_and_is_monotonic(
    base: float, target: float, span: int, method: str
) -> None:
    path = TargetPath(method, 2020, base, 2020 + span, target, 1)  # type: ignore[arg-type]
    assert path.required(2020) == pytest.approx(base)
    assert path.required(2020 + span) == pytest.approx(target)
    values = [path.required(2020 + k) for k in range(span + 1)]
    steps = [b - a for a, b in itertools.pairwise(values)]
    assert all(s >= -1e-9 * max(base, target) for s in steps) or all(
        s <= 1e-9 * max(base, target) for s in steps
    )


@given(x=st.floats(min_value=0.1, max_value=90), span=st.integers(1, 15))
def test_reduction_path_has_a_constant_annual_rate(x: float, span: int) -> None:
    path = TargetPath("reduction", 2020, 0.0, 2020 + span, x, 1)
    index = [1 - path.required(2020 + k) / 100 for k in range(span + 1)]
    ratios = [b / a for a, b in itertools.pairwise(index)]
    assert ratios == pytest.approx([(1 - x / 100) ** (1 / span)] * span)


items = st.lists(
    st.builds(
        Item,
        component=st.sampled_from(["indicators", "tasks", "timeliness", "quality"]),
        item=st.text(min_size=1, max_size=5),
        weight=st.sampled_from([1.0, 0.5]),
        points=st.floats(min_value=0, max_value=1),
        reason=st.just("r"),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200)
@given(items)
def test_score_plus_deductions_is_100(unit_items: list[Item]) -> None:
    result = score_items("u", "单位", unit_items, RUBRIC)
    assert 0 <= result.score <= 100 + 1e-9
    assert result.score + sum(d.points_lost for d in result.deductions) == pytest.approx(100)
    if all(i.points == 1 for i in unit_items):
        assert result.deductions == []
