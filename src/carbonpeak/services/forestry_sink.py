"""The inventory's sink line from the forestry carbon-sink database (三.(七).2): when surveys cover the
whole district (scope ``district``), their annual forest sink (stock difference, or gain–loss for a
single survey) and the wetland sink (the office's factor) replace the hand-entered ``land_use|forest``
and ``land_use|wetland`` rows of the activity data, year by year, the method named in each row.

Kept apart from ``services.forestry`` so that the inventory service can use it without importing
tracking (which reads the inventory)."""

from __future__ import annotations

from sqlalchemy import Engine

from carbonpeak.accounting.sinks import SinkLine
from carbonpeak.forestry import load_parameters
from carbonpeak.forestry.summary import inventory_rows
from carbonpeak.storage import forestry as repo


def district_sink_lines(engine: Engine) -> list[SinkLine]:
    """The sink rows of the district's surveys (the area whose surveys are all of the district; with
    several, the one surveyed last); empty when no survey covers the district."""
    stored = repo.surveys(engine)
    areas = {s.area_name for s in stored}
    district = [a for a in areas if all(s.scope == "district" for s in stored if s.area_name == a)]
    if not district:
        return []
    area = max(district, key=lambda a: max(s.survey_year for s in stored if s.area_name == a))
    wetland = repo.wetland_factor(engine)
    rows = inventory_rows(
        repo.parcels(engine, area),
        load_parameters(),
        None if wetland is None else wetland[0],
        "district",
        f"林业碳汇数据库 forestry database: {area}",
    )
    return [
        SinkLine(int(str(r["year"])), str(r["sector"]), float(str(r["amount"])), str(r["note"])) for r in rows
    ]
