"""The 两高 room: the project ledger with filters, the energy-review form and printable sheet, API."""

from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.two_high import projects, routes

ROOM = Room(
    "two_high",
    routers=(routes.pages, projects.pages, routes.api),
    templates=templates_of(__file__),
    navigation=(NavLink("two_high_page", "two_high", ("office", "department", "viewer"), 115),),
)
