"""Online energy monitoring of key energy-using units (重点用能单位能耗在线监测): meters, the ingest of
readings by API batches or file (validated by ``carbonpeak.ledgers.monitoring``: bad readings
quarantined and listed, never dropped), the monthly meter use against the reported months.

A batch continues where the meter's last batch ended: the last stored reading of each cumulative
meter is put before the new ones, so the first new interval, a reset or a gap across two batches is
seen; a reading at or before the meter's last stored time is quarantined as a duplicate."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from carbonpeak.accounting.catalog import FUELS
from carbonpeak.errors import NotFoundError
from carbonpeak.ledgers.access import LedgerActor, check_may_read, reads_all
from carbonpeak.ledgers.errors import LedgerError, LedgerProblems, NotAllowedError, Problem
from carbonpeak.ledgers.monitoring import REASON_WORDS, Meter, compare, fuel_days, monthly, validate
from carbonpeak.services.enterprises import EnterpriseService
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimitError, SheetLimits, read_csv_rows
from carbonpeak.storage import ledgers as ledger_repo
from carbonpeak.storage import meters as repo
from carbonpeak.storage.month_review import supervisors

log = logging.getLogger(__name__)
COLUMNS = ("meter", "time", "value", "unit")


def _check_write(
    actor: LedgerActor, enterprise_id: str, engine: Engine | None = None, unit_id: str | None = None
) -> None:
    """The office and the enterprise itself write its meter data; a supervising department
    (``unit_id``, named by the office; ``engine`` to look it up) uploads readings for its units."""
    if actor.role == "office" or (actor.role == "enterprise" and actor.enterprise_id == enterprise_id):
        return
    supervised = engine is not None and bool(unit_id) and supervisors(engine).get(enterprise_id) == unit_id
    if actor.role == "department" and supervised:
        return
    raise NotAllowedError(
        f"{actor.name} 不能提交企业 {enterprise_id} 的计量数据",
        message_en=f"{actor.role} {actor.name} may not submit meter data of enterprise {enterprise_id}",
    )


class MeterService:
    def __init__(self, engine: Engine, *, now: dt.datetime | None = None) -> None:
        self.engine = engine
        self.now = now

    def check_read(self, actor: LedgerActor, enterprise_id: str, unit_id: str | None = None) -> None:
        """The office and viewers read every unit, an enterprise its own, a department (``unit_id``)
        the units it supervises (主管部门, named by the office)."""
        if actor.role == "department":
            if unit_id and supervisors(self.engine).get(enterprise_id) == unit_id:
                return
            raise NotAllowedError(
                f"{actor.name} 不是企业 {enterprise_id} 的主管部门",
                message_en=f"department {unit_id} does not supervise enterprise {enterprise_id}",
            )
        check_may_read(actor, enterprise_id)

    def unit(self, actor: LedgerActor, enterprise_id: str, unit_id: str | None = None) -> dict[str, Any]:
        """The name of a unit the actor reads (and whether it is demo data)."""
        self.check_read(actor, enterprise_id, unit_id)
        ent = ledger_repo.get_enterprise(self.engine, enterprise_id)
        if ent is None:
            raise NotFoundError(f"enterprise {enterprise_id} is not in the registry")
        return {"id": ent.id, "name": ent.name, "illustrative": ent.illustrative}

    def overview(self, actor: LedgerActor, unit_id: str | None = None) -> list[dict[str, Any]]:
        """Each unit the actor reads (a department: those it supervises): its meters, the latest
        reading, the readings quarantined."""
        if actor.role == "department":
            mine = {e for e, u in supervisors(self.engine).items() if unit_id and u == unit_id}
        elif reads_all(actor):
            mine = None
        else:
            raise NotAllowedError(f"{actor.role} {actor.name} may not read every unit's meters")
        counts, held = repo.meter_counts(self.engine), repo.quarantine_counts(self.engine)
        return [
            {
                "enterprise_id": e.id,
                "enterprise_name": e.name,
                "illustrative": e.illustrative,
                "meters": counts.get(e.id, (0, None))[0],
                "last_time": (lambda t: t.isoformat() if t else None)(counts.get(e.id, (0, None))[1]),
                "quarantined": held.get(e.id, 0),
            }
            for e in ledger_repo.list_enterprises(self.engine)
            if mine is None or e.id in mine
        ]

    def register(
        self, actor: LedgerActor, enterprise_id: str, data: Mapping[str, Any], *, source: str
    ) -> int:
        """Register (or describe again) a meter of the enterprise."""
        _check_write(actor, enterprise_id)
        try:
            meter = Meter(
                str(data.get("code") or "").strip(),
                enterprise_id,
                str(data.get("kind") or ""),
                data.get("mode") or "cumulative",
                int(data.get("interval_minutes") or 15),
                None if data.get("enthalpy_gj_per_t") in (None, "") else float(data["enthalpy_gj_per_t"]),
            )
        except (TypeError, ValueError) as exc:
            raise LedgerError(f"meter: {exc}") from exc
        if not meter.meter_id or len(meter.meter_id) > 40:
            raise LedgerError("表计编号须为 1–40 个字符", message_en="meter code: 1 to 40 characters")
        return repo.save_meter(self.engine, meter, who=actor.name, source=source)

    def meters(
        self, actor: LedgerActor, enterprise_id: str, unit_id: str | None = None
    ) -> list[dict[str, Any]]:
        self.check_read(actor, enterprise_id, unit_id)
        return [
            {
                "code": s.meter.meter_id,
                "kind": s.meter.kind,
                "fuel": s.meter.fuel,
                "mode": s.meter.mode,
                "interval_minutes": s.meter.interval_minutes,
                "enthalpy_gj_per_t": s.meter.enthalpy_gj_per_t,
                "last_time": s.last_time.isoformat() if s.last_time else None,
            }
            for s in repo.meters(self.engine, enterprise_id)
        ]

    def ingest(
        self,
        actor: LedgerActor,
        enterprise_id: str,
        readings: pd.DataFrame,
        *,
        source: str,
        file: str = "<api>",
        first_row: int = 0,
        unit_id: str | None = None,
    ) -> dict[str, Any]:
        """Validate and store a batch (columns meter, time, value, unit); a structural problem
        (unknown meter, a time that is not a time) refuses the whole batch, located; a bad value is
        quarantined with its reason. ``unit_id``: the department of a supervising department's upload."""
        _check_write(actor, enterprise_id, self.engine, unit_id)
        received = pd.Timestamp(self.now or dt.datetime.now(dt.UTC))
        stored = {s.meter.meter_id: s for s in repo.meters(self.engine, enterprise_id)}
        frame = readings.reset_index(drop=True).copy()
        frame["meter"] = frame["meter"].astype(str).str.strip()
        frame["time"] = pd.to_datetime(frame["time"], utc=True, errors="coerce", format="ISO8601")
        frame["value"] = pd.to_numeric(frame["value"], errors="coerce")  # not a number: quarantined
        unknown = frame.index[~frame["meter"].isin(list(stored))][:200]
        problems = [
            Problem(
                f"未登记的表计 {frame.at[i, 'meter']!r}",
                message_en=f"unknown meter {frame.at[i, 'meter']!r}",
                file=file,
                row=first_row + int(i),
                column="meter",
            )
            for i in unknown
        ]
        problems += [
            Problem(
                "应为 ISO 8601 时间，如 2025-03-01T00:15:00+08:00",
                message_en="expected an ISO 8601 time such as 2025-03-01T00:15:00+08:00",
                file=file,
                row=first_row + i,
                column="time",
            )
            for i in frame.index[frame["time"].isna()]
        ]
        if problems:
            raise LedgerProblems(problems[:200])
        frame["row"] = frame.index + first_row
        last_time = frame["meter"].map({k: s.last_time for k, s in stored.items()})
        old = frame["time"] <= pd.to_datetime(last_time, utc=True)
        before = frame.loc[old, ["row", "meter", "time", "value", "unit"]].assign(reason="duplicate")
        fresh = frame.loc[~old]
        sent = set(fresh["meter"].unique())  # once: not per stored meter (quadratic on big batches)
        carry = pd.DataFrame(
            [
                {
                    "meter": k,
                    "time": s.last_time,
                    "value": s.last_amount,
                    "unit": FUELS[s.meter.fuel].unit,
                    "row": -1,
                }
                for k, s in stored.items()
                if s.meter.mode == "cumulative" and s.last_time is not None and k in sent
            ],
            columns=["meter", "time", "value", "unit", "row"],
        )
        batch = pd.concat([carry, fresh[["meter", "time", "value", "unit", "row"]]], ignore_index=True)
        meters = {k: s.meter for k, s in stored.items()}
        checked = validate(batch[list(COLUMNS)], meters, received)
        source_rows = batch["row"].to_numpy()
        quarantine = checked.quarantine.assign(row=source_rows[checked.quarantine["row"].to_numpy()])
        quarantine = pd.concat([before, quarantine[quarantine["row"] >= 0]], ignore_index=True).sort_values(
            "row"
        )
        ids = {k: s.id for k, s in stored.items()}
        intervals = checked.intervals.assign(meter_id=checked.intervals["meter"].map(ids))[
            ["meter_id", "time", "use"]
        ]
        last = {
            ids[r["meter"]]: (pd.Timestamp(r["time"]).to_pydatetime(), float(r["amount"]))
            for r in checked.latest.to_dict("records")
        }
        batch_id = repo.store_batch(
            self.engine,
            enterprise_id,
            intervals=intervals,
            quarantine=quarantine,
            last=last,
            readings=len(frame),
            resets=len(checked.resets),
            gaps=len(checked.gaps),
            received_at=received.to_pydatetime(),
            who=actor.name,
            source=source,
        )
        log.info(
            "%s: batch %d of %s, %d readings, %d quarantined",
            actor.name,
            batch_id,
            enterprise_id,
            len(frame),
            len(quarantine),
        )
        return {
            "batch": batch_id,
            "readings": len(frame),
            "stored": len(intervals),
            "quarantined": [
                {
                    **q,
                    "time": q["time"].isoformat() if not pd.isna(q["time"]) else None,
                    "value": None if pd.isna(q["value"]) else float(q["value"]),
                    "row": int(q["row"]),
                    "message": REASON_WORDS[q["reason"]][0],
                }
                for q in quarantine.to_dict("records")
            ],
            "resets": [
                {
                    "meter": r["meter"],
                    "time": pd.Timestamp(r["time"]).isoformat(),
                    "before": r["before"],
                    "after": r["after"],
                }
                for r in checked.resets.to_dict("records")
            ],
            "gaps": [
                {
                    "meter": g["meter"],
                    "after": pd.Timestamp(g["after"]).isoformat(),
                    "before": pd.Timestamp(g["before"]).isoformat(),
                    "missing": int(g["missing"]),
                }
                for g in checked.gaps.to_dict("records")
            ],
        }

    def ingest_rows(
        self, actor: LedgerActor, enterprise_id: str, rows: Sequence[Mapping[str, Any]], *, source: str
    ) -> dict[str, Any]:
        frame = pd.DataFrame([{k: r.get(k) for k in COLUMNS} for r in rows], columns=list(COLUMNS))
        return self.ingest(actor, enterprise_id, frame, source=source, file="<api>", first_row=0)

    def ingest_file(
        self,
        actor: LedgerActor,
        enterprise_id: str,
        path: str | Path,
        *,
        limits: SheetLimits = DEFAULT_LIMITS,
        name: str | None = None,
        unit_id: str | None = None,
    ) -> dict[str, Any]:
        """A CSV of readings (header meter, time, value, unit), read through the bounded reader. The
        enterprise uploads its own; the office, or the supervising department (``unit_id``), uploads
        one for the unit — the batch's source then names who uploaded it."""
        _check_write(actor, enterprise_id, self.engine, unit_id)  # refused before the file is read
        path = Path(path)
        file = name or path.name
        source = f"file {file}"
        if actor.role != "enterprise":
            source += f", uploaded by {actor.role} {actor.name}"
        try:
            rows = read_csv_rows(path, limits, file, skip_comments=True)
        except SheetLimitError as exc:
            raise LedgerProblems(exc.problems) from exc
        if not rows or [c.strip() for c in rows[0][:4]] != list(COLUMNS):
            raise LedgerProblems(
                [
                    Problem(
                        "表头应为 meter,time,value,unit",
                        message_en="expected the header meter,time,value,unit",
                        file=file,
                        row=1,
                    )
                ]
            )
        frame = pd.DataFrame([list(r[:4]) + [""] * (4 - len(r[:4])) for r in rows[1:]], columns=list(COLUMNS))
        return self.ingest(
            actor, enterprise_id, frame, source=source, file=file, first_row=2, unit_id=unit_id
        )

    def batches(
        self, actor: LedgerActor, enterprise_id: str, unit_id: str | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        """The unit's latest batches (newest first): when, who sent them and from where, counts."""
        self.check_read(actor, enterprise_id, unit_id)
        return [
            {**b, "received_at": b["received_at"].isoformat()}
            for b in repo.batches(self.engine, enterprise_id, limit)
        ]

    def quarantine(
        self, actor: LedgerActor, enterprise_id: str, unit_id: str | None = None
    ) -> list[dict[str, Any]]:
        self.check_read(actor, enterprise_id, unit_id)
        return [
            {**q, "message": REASON_WORDS[q["reason"]][0], "message_en": REASON_WORDS[q["reason"]][1]}
            for q in repo.quarantined(self.engine, enterprise_id)
        ]

    def comparison(
        self,
        actor: LedgerActor,
        enterprise_id: str,
        tolerance: float | None = None,
        unit_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Each metered fuel and month: meter use, reported amount (catalogue units), difference, flag.
        The days are summed in the database (``storage.meters.meter_days``)."""
        self.check_read(actor, enterprise_id, unit_id)
        stored = repo.meters(self.engine, enterprise_id)
        if not stored:
            raise NotFoundError(f"enterprise {enterprise_id} has no meters")
        meters = {s.meter.meter_id: s.meter for s in stored}
        metered = monthly(fuel_days(repo.meter_days(self.engine, [enterprise_id])))
        fuels = {m.fuel for m in meters.values()}
        reader = actor if actor.role != "department" else LedgerActor(actor.name, "viewer")  # checked above
        reports = EnterpriseService(self.engine).reports(reader, enterprise_id)
        reported = pd.DataFrame(
            [
                (enterprise_id, line["fuel"], r["period"], line["amount"] * _factor(line))
                for r in reports
                for line in r["lines"]
                if line["fuel"] in fuels
            ],
            columns=["enterprise_id", "fuel", "period", "amount"],
        )
        reported = reported[reported["period"].isin(set(metered["period"]))]
        table = compare(metered, reported, tolerance)
        return [
            {
                "fuel": r["fuel"],
                "unit": FUELS[r["fuel"]].unit,
                "period": r["period"],
                "metered": None if pd.isna(r["use"]) else float(r["use"]),
                "days": None if pd.isna(r["days"]) else int(r["days"]),
                "reported": None if pd.isna(r["reported"]) else float(r["reported"]),
                "difference": None if pd.isna(r["difference"]) else float(r["difference"]),
                "deviation": None if pd.isna(r["deviation"]) else float(r["deviation"]),
                "flagged": bool(r["flagged"]),
            }
            for r in table.to_dict("records")
        ]


def _factor(line: Mapping[str, Any]) -> float:
    from carbonpeak.units import conversion_factor

    return conversion_factor(str(line["unit"]), FUELS[str(line["fuel"])].unit)
