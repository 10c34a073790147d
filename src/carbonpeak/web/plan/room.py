"""The plan room (实施方案): actions, tasks, indicators as the plan states them, a department's own
tasks, and the plan's JSON API."""

from carbonpeak.web.core.auth import READERS
from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.plan import api, pages

ROOM = Room(
    "plan",
    routers=(pages.router, api.router),
    templates=templates_of(__file__),
    navigation=(
        NavLink("plan_page", "plan", READERS, 20),
        NavLink("indicators_page", "indicators", READERS, 30),
        NavLink("my_tasks", "my_tasks", ("department",), 60),
    ),
)
