"""The admin room: accounts (用户) and one's own password, the audit log, the downloads page."""

from carbonpeak.web.admin import audit, downloads, users
from carbonpeak.web.core.auth import READERS
from carbonpeak.web.core.rooms import NavLink, Room, templates_of

ROOM = Room(
    "admin",
    routers=(downloads.router, users.router, audit.router),
    templates=templates_of(__file__),
    navigation=(
        NavLink("downloads_page", "downloads", READERS, 90),
        NavLink("users_page", "users", ("office",), 140),
        NavLink("audit_page", "audit", ("office",), 150),
    ),
)
