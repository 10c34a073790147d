"""The forestry room (林业碳汇基础数据库): parcels, stock and sink, forest cover."""

from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.forestry import routes

ROOM = Room(
    "forestry",
    routers=(routes.pages, routes.api),
    templates=templates_of(__file__),
    navigation=(NavLink("forestry_page", "forestry", ("office", "department", "viewer"), 120),),
)
