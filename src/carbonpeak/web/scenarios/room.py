"""The scenarios room (情景): the explorer, its run API and its downloads."""

from carbonpeak.web.core.auth import READERS
from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.scenarios import downloads, pages

ROOM = Room(
    "scenarios",
    routers=(pages.router, downloads.router),
    templates=templates_of(__file__),
    navigation=(NavLink("scenarios_page", "scenarios", READERS, 50),),
)
