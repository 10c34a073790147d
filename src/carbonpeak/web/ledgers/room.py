"""The ledgers room (重点用能单位台账): an enterprise's own page and API, the office's ledger."""

from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.ledgers import routes

ROOM = Room(
    "ledgers",
    routers=(routes.pages, routes.api),
    templates=templates_of(__file__),
    navigation=(
        NavLink("enterprise_page", "enterprise", ("enterprise",), 100),
        NavLink("enterprises_page", "enterprises", ("office", "viewer"), 110),
    ),
)
