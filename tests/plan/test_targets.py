"""One rule decides whether a target is met: tracking, scenarios and the public page agree."""

from __future__ import annotations

import pytest
from tests.tracking.plans import indicator, make_plan, task

from carbonpeak.errors import InvalidInputError
from carbonpeak.plan import load_plan, target_met
from carbonpeak.plan.targets import compare, target_rule
from carbonpeak.scenarios.results import check_targets, run_scenario
from carbonpeak.scenarios.scenario_files import load_scenario
from carbonpeak.tracking.evaluate import evaluate_plan
from carbonpeak.tracking.model import Observation
from carbonpeak.tracking.rubric import load_rubric

THRESHOLDS = load_rubric().thresholds


def test_the_rule_is_data_with_its_source() -> None:
    rule = target_rule()
    assert rule.version == 1 and "carbonpeak" in rule.source
    assert 0 < rule.rel_tolerance < 1e-6


@pytest.mark.parametrize(
    ("value", "comparator", "target", "met"),
    [
        (10.0, ">=", 10.0, True),
        (10.0 - 1e-12, ">=", 10.0, True),  # float noise of a computed share counts as reaching it
        (9.99, ">=", 10.0, False),
        (10.0, ">", 10.0, False),  # strict: no tolerance
        (10.01, ">", 10.0, True),
        (10.0, "<", 10.0, False),
        (10.0 + 1e-12, "<=", 10.0, True),
        (10.01, "<=", 10.0, False),
        (0.1 + 0.2, "=", 0.3, True),
        (10.5, "=", 10.0, False),  # "=" is the value itself, not "at least"
        (9.5, "=", 10.0, False),
        (15.5, "reduce_by", 15.5, True),  # the cumulative reduction in percent reaches the target
        (15.4, "reduce_by", 15.5, False),
    ],
)
def test_compare(value: float, comparator: str, target: float, met: bool) -> None:
    assert compare(value, comparator, target) is met


def test_increase_range_and_unset_targets() -> None:
    inc = indicator("forest", comparator="increase", value=None, base_year=2020)
    assert target_met(inc, 9.5, base_value=9.0) and not target_met(inc, 9.0, base_value=9.0)
    assert not target_met(inc, 9.5)  # no base value: cannot say
    ranged = indicator("parks", kind="count", unit="个", comparator=">=", value=2, upper=3)
    assert target_met(ranged, 2) and target_met(ranged, 4) and not target_met(ranged, 1)
    unset = indicator("city", comparator="<=", value=None, note="按市下达")
    assert not target_met(unset, 0.0)
    with pytest.raises(InvalidInputError, match="unknown comparator '~'"):
        compare(1.0, "~", 1.0)


def test_tracking_uses_the_rule_for_an_equal_target() -> None:
    # tracking once read "=" as "at least": 10.5 against "= 10" is not met
    eq = indicator("coverage", comparator="=", value=10, base_value=5, base_year=2020)
    plan = make_plan([eq], [task("t1", "dev_reform", [], ["coverage"])])
    for value, expected in ((10.5, False), (10.0, True)):
        (ev,) = evaluate_plan(
            plan, [Observation("coverage", 2025, value, "dev_reform")], [], [2025], THRESHOLDS
        )
        assert (ev.status == "met") is expected


def test_scenario_checks_and_tracking_agree_on_every_bundled_target() -> None:
    """Each target the scenario checks, given the projected value as the year's actual value, gets
    the status met in tracking exactly when the scenario says met."""
    plan = load_plan("jinghai-2023")
    run = run_scenario(load_scenario("plan"), plan)
    checks = [c for c in check_targets(run, plan) if c["comparator"] != "peak_by"]
    assert len(checks) >= 5
    by_id = {i.id: i for i in plan.indicators}
    owner_of = {i.id: (i.responsible or ["dev_reform"])[0] for i in plan.indicators}
    seen = {True: 0, False: 0}
    for c in checks:
        ind = by_id[c["id"]]
        observations = [Observation(ind.id, ind.year, c["projected"], owner_of[ind.id])]
        if ind.comparator == "increase":
            observations.append(Observation(ind.id, ind.base_year or 2020, c["target"], owner_of[ind.id]))
        single = plan.model_copy(update={"indicators": [ind]})
        (ev,) = evaluate_plan(single, observations, [], [ind.year], THRESHOLDS)
        assert (ev.status == "met") is c["met"], (c, ev.status)
        seen[c["met"]] += 1
    assert seen[True] and seen[False]  # both outcomes are exercised
