"""The reports room: the reports page (the year selector and every download) and the documents."""

from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.reports import downloads, page

ROOM = Room(
    "reports",
    routers=(page.router, downloads.router),
    templates=templates_of(__file__),
    navigation=(NavLink("reports_page", "reports", ("office", "viewer", "department"), 85),),
)
