"""The energy room: the project pipeline (timeline, capacity against the target) and the charging map."""

from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.energy import routes

ROOM = Room(
    "energy",
    routers=(routes.pages, routes.api),
    templates=templates_of(__file__),
    navigation=(
        NavLink("energy_page", "energy", ("office", "department", "viewer"), 120),
        NavLink("charging_page", "charging", ("office", "department", "viewer"), 125),
    ),
)
