"""The reports room: the documents as downloads."""

from carbonpeak.web.core.rooms import Room, templates_of
from carbonpeak.web.reports import downloads

ROOM = Room("reports", routers=(downloads.router,), templates=templates_of(__file__))
