"""The tracking room (调度与考核): the indicator page over time, reporting by form and by Excel,
review, the annual assessment, the tracking export, and publishing to the public."""

from carbonpeak.web.core.auth import ALL_ROLES, READERS
from carbonpeak.web.core.rooms import NavLink, Room, templates_of
from carbonpeak.web.tracking import (
    api,
    assessment,
    export,
    indicator,
    publishing,
    reporting,
    review,
    sheets,
    years,
)

ROOM = Room(
    "tracking",
    routers=(
        indicator.pages,
        indicator.api,
        export.router,
        sheets.router,
        reporting.router,
        review.router,
        years.router,
        assessment.router,
        api.router,
        publishing.router,
        publishing.api,
    ),
    templates=templates_of(__file__),
    navigation=(
        NavLink("review_page", "review", ("office",), 70),
        NavLink("years_page", "closing_years", ("office",), 75),
        NavLink("assessment_page", "assessment", READERS, 80),
        NavLink("public_page", "public", ALL_ROLES, 120),
        NavLink("publishing_page", "publishing", ("office",), 130),
    ),
)
