"""The accounting room (清单): the inventory of the stored batches, its downloads and JSON, and the
import of activity and macro data."""

from carbonpeak.web.accounting import routes
from carbonpeak.web.core.auth import READERS
from carbonpeak.web.core.rooms import NavLink, Room, templates_of

ROOM = Room(
    "accounting",
    routers=(routes.router,),
    templates=templates_of(__file__),
    navigation=(NavLink("inventory_page", "inventory", READERS, 40),),
)
