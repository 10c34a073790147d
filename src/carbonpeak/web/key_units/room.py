"""The key-units room (重点用能单位, issue 21): the review of monthly reports, their import from the
office's template, the energy budgets — pages and JSON API."""

from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.key_units import (
    benchmark_pages,
    emitters,
    meter_pages,
    meters,
    plan_pages,
    routes,
)

ROOM = Room(
    "key_units",
    routers=(
        routes.pages,
        routes.api,
        meters.api,
        emitters.pages,
        emitters.api,
        meter_pages.pages,
        plan_pages.pages,
        benchmark_pages.pages,
        benchmark_pages.api,
    ),
    templates=templates_of(__file__),
    navigation=(
        NavLink("key_review_page", "key_review", ("office", "department"), 112),
        NavLink("key_budgets_page", "key_budgets", ("office", "viewer", "enterprise"), 114),
        NavLink("key_import_page", "key_import", ("office", "enterprise"), 116),
        NavLink("key_emitters_page", "key_emitters", ("office", "department", "viewer", "enterprise"), 118),
        NavLink("key_meters_page", "key_meters", ("office", "department", "viewer", "enterprise"), 121),
        NavLink("key_plans_page", "key_plans", ("office", "viewer"), 122),
        NavLink("key_plan_page", "key_plan", ("enterprise",), 123),
        NavLink("key_benchmarks_page", "key_benchmarks", ("office", "viewer"), 124),
        NavLink("key_reconcile_page", "key_reconcile", ("office", "viewer"), 125),
    ),
)
