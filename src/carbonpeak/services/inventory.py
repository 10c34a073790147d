"""The current inventory, rebuilt from the stored batches (docs/decisions/0107-accounting-stored-activity.md).

Which rows count: for every year, the activity batch confirmed **last** that covers the year (a new
file for 2025 adds a year; a revised file for 2023 replaces 2023 and leaves the other years alone);
for every (macro variable, year), the macro batch confirmed last that holds it. Batches stored before
migration 0026 have no rows and take no part. ``batch=N`` asks for one activity batch alone (with the
current macro data): the way to look at an older file.

The inventory is cached by the ids and content hashes of the batches it reads: one small query per
request (``batch_heads``) sees whether anything changed; the inventory is recomputed only then.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine

from carbonpeak.accounting import (
    Activity,
    ImportProblems,
    Inventory,
    Macro,
    inventory,
    read_activity,
    read_macro,
)
from carbonpeak.accounting.sinks import replace_sink_line
from carbonpeak.errors import NotFoundError, Problem
from carbonpeak.services.forestry_sink import district_sink_lines
from carbonpeak.sheetfile import DEFAULT_LIMITS, SheetLimits
from carbonpeak.storage.activity import (
    BatchHead,
    StoredBatch,
    activity_batches,
    batch_heads,
    load_activity,
    load_macro,
    store_activity_batch,
    store_macro_batch,
)
from carbonpeak.storage.forestry import heads as forest_heads

log = logging.getLogger(__name__)

CACHE_SIZE = 8
Kind = Literal["activity", "macro"]


@dataclass(frozen=True)
class StoredInputs:
    """The activity and macro data rebuilt from the database, and the batches they come from
    (each batch dict as ``activity_batches`` gives it, plus ``years_used``)."""

    activity: Activity | None
    macro: Macro | None
    batches: list[dict[str, Any]]


@dataclass
class StoredInventory:
    """The inventory computed from stored batches (default options), with its batches."""

    inventory: Inventory
    batches: list[dict[str, Any]]
    key: tuple[Any, ...]
    # year → the note of the forest sink row used where the forestry database replaced the entered one
    sink_from_database: dict[int, str] = field(default_factory=dict)
    _history: tuple[tuple[str, float], ...] | None = field(default=None, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def illustrative(self) -> bool:
        return self.inventory.illustrative

    def memo(self, name: str, make: Callable[[Inventory], Any]) -> Any:
        """``make(inventory)`` once per cached inventory (e.g. the page's charts and tables, which
        serialise the inventory: ~180 ms for the demo); callers must not change the result."""
        if name not in self._memo:
            self._memo[name] = make(self.inventory)
        return self._memo[name]

    def co2_history(self) -> tuple[tuple[str, float], ...]:
        """(year, total CO2 t), computed once per inventory (serialising costs ~90 ms)."""
        if self._history is None:
            years = self.inventory.to_json()["years"]
            self._history = tuple((str(y), float(d["co2_t"]["total"])) for y, d in years.items())
        return self._history


def _picks(heads: list[BatchHead], batch: int | None) -> tuple[dict[int, list[int]], list[int]]:
    """Activity batch id → years taken from it; the macro batch ids (oldest first)."""
    usable = [h for h in heads if h.rows_stored]
    macro_ids = [h.id for h in usable if h.kind == "macro"]
    if batch is not None:
        chosen = next((h for h in heads if h.id == batch and h.kind == "activity"), None)
        if chosen is None:
            raise NotFoundError(f"no activity batch #{batch}")
        if not chosen.rows_stored:
            raise NotFoundError(
                f"activity batch #{batch} was stored before its rows were kept (migration 0026); "
                "import its file again to store them"
            )
        return {chosen.id: list(chosen.years)}, macro_ids
    winner: dict[int, int] = {}
    for h in usable:
        if h.kind == "activity":
            for year in h.years:
                winner[year] = h.id  # later batches overwrite: the last confirmed wins
    picks: dict[int, list[int]] = {}
    for year, batch_id in sorted(winner.items()):
        picks.setdefault(batch_id, []).append(year)
    return picks, macro_ids


def stored_inputs(engine: Engine, batch: int | None = None) -> StoredInputs:
    """Activity and macro data as the current inventory reads them (or activity batch ``batch``)."""
    return _inputs(engine, batch_heads(engine), batch)


def _inputs(engine: Engine, heads: list[BatchHead], batch: int | None) -> StoredInputs:
    picks, macro_ids = _picks(heads, batch)
    activity = load_activity(engine, picks) if picks else None
    macro = load_macro(engine, macro_ids) if macro_ids else None
    used = {i: years for i, years in picks.items()}
    macro_years: dict[int, list[int]] = {}
    if macro is not None:
        for h in heads:
            if h.id in macro_ids:
                macro_years[h.id] = list(h.years)
    batches = []
    for b in activity_batches(engine):
        if b["id"] in used:
            batches.append({**b, "years_used": used[b["id"]]})
        elif b["id"] in macro_years and activity is not None:
            batches.append({**b, "years_used": macro_years[b["id"]]})
    return StoredInputs(activity, macro, batches)


_cache: OrderedDict[tuple[Any, ...], StoredInventory | None] = OrderedDict()
_lock = threading.Lock()


def current(engine: Engine, batch: int | None = None) -> StoredInventory | None:
    """The current inventory (or the one of activity batch ``batch``), ``None`` when no activity
    batch with stored rows exists. Raises LookupError for an unknown ``batch``."""
    heads = batch_heads(engine)
    key = (
        engine.url.render_as_string(hide_password=True),
        batch,
        tuple((h.id, h.kind, h.content_sha256, h.rows_stored) for h in heads),
        () if batch is not None else forest_heads(engine),
    )
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    inputs = _inputs(engine, heads, batch)
    result = None
    if inputs.activity is not None:
        activity = inputs.activity
        used: dict[int, str] = {}
        if batch is None:  # the current inventory: the forestry database's sink line (district surveys)
            activity, used = replace_sink_line(activity, district_sink_lines(engine))
        result = StoredInventory(inventory(activity, inputs.macro), inputs.batches, key, used)
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def current_inventory(engine: Engine, batch: int | None = None) -> Inventory | None:
    """The inventory rebuilt from the stored batches; ``None`` when nothing is stored."""
    stored = current(engine, batch)
    return None if stored is None else stored.inventory


def co2_history(engine: Engine) -> tuple[tuple[str, float], ...]:
    """(year, total CO2 t) of the current inventory; empty when nothing is stored."""
    stored = current(engine)
    return () if stored is None else stored.co2_history()


def batches(engine: Engine, kind: str | None = None) -> list[dict[str, Any]]:
    """Every stored batch (of ``kind``: activity or macro), oldest first."""
    return activity_batches(engine, kind)


def read_file(path: Path, kind: Kind, limits: SheetLimits = DEFAULT_LIMITS) -> Activity | Macro:
    """Read and validate an activity or macro file. Every problem is raised at once
    (``ImportProblems``); a file that is no readable CSV or XLSX (a broken workbook, say) is one
    problem naming the file."""
    try:
        return read_macro(path, limits) if kind == "macro" else read_activity(path, limits)
    except ImportProblems:
        raise
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportProblems([Problem(f"cannot read as CSV/XLSX: {exc}", file=path.name)]) from exc


def store_activity(
    engine: Engine, activity: Activity, *, file_name: str, who: str, source: str
) -> StoredBatch:
    """Store a validated activity file as a batch with its rows and inventory totals (once: the same
    bytes again are recognised); a new batch is audited (``activity.import``)."""
    inv = inventory(activity, stored_inputs(engine).macro)
    after = {
        "file": file_name,
        "rows": len(activity.frame),
        "years": activity.years,
        "sha256": activity.sha256,
    }
    stored = store_activity_batch(engine, activity, inv, who=who, source=source, audit_after=after)
    _imported("activity", stored, after, who=who)
    return stored


def store_macro(engine: Engine, macro: Macro, path: Path, *, who: str, source: str) -> StoredBatch:
    """Store a validated macro file (``path``: its bytes identify it) as a macro batch (once)."""
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    after = {"file": path.name, "variables": sorted(macro.values), "sha256": sha256}
    stored = store_macro_batch(
        engine, macro, content_sha256=sha256, who=who, source=source, audit_after=after
    )
    _imported("macro", stored, after, who=who)
    return stored


def _imported(kind: Kind, stored: StoredBatch, after: dict[str, Any], *, who: str) -> None:
    """Log the import; its audit row was written by the storage in the batch's transaction."""
    if not stored.created:
        log.info("%s file %s was stored before as batch #%d", kind, after["file"], stored.id)
        return
    log.info("%s stored %s file %s as batch #%d", who, kind, after["file"], stored.id)
