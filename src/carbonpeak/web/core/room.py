"""The core room: app-wide routes (sign-in, health, the caller) and the base, error and login
templates every page extends."""

from carbonpeak.web.core import routes
from carbonpeak.web.core.rooms import Room, templates_of

ROOM = Room("core", routers=(routes.pages, routes.api), templates=templates_of(__file__))
