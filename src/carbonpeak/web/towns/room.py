"""The townships room (乡镇园区): members, decomposition of district targets, member status."""

from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.towns import routes

ROOM = Room(
    "towns",
    routers=(routes.pages, routes.api),
    templates=templates_of(__file__),
    navigation=(NavLink("towns_page", "towns", ("office", "department", "viewer"), 125),),
)
