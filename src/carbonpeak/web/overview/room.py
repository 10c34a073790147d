"""The overview room (总览): the leaders' dashboard."""

from carbonpeak.web.core.auth import READERS
from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.overview import pages

ROOM = Room(
    "overview",
    routers=(pages.router,),
    templates=templates_of(__file__),
    navigation=(NavLink("overview", "overview", READERS, 10),),
)
