"""A long import on SQLite, written in short write transactions that can all be taken back.

SQLite has one write lock for the whole file, and the search index's triggers make every new row
cost about half a millisecond under it: one transaction for a 12,000-row 団体名簿 kept every other
desk from saving for several seconds.  So on SQLite an import of more than :data:`BATCH_ROWS` rows
commits in batches (each well under a second of the lock), and remembers what each batch did: the
ids it inserted (every table it writes; the lock guarantees nobody else inserted in between) and
the rows it updated as they were before.  When a later batch fails, :func:`undo` deletes the
inserted rows and puts the updated ones back in one more short transaction, so the person still
gets all or nothing.  PostgreSQL needs none of this: a long transaction there blocks no other
desk's writes to other rows, so it keeps the single transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, delete, func, select, update
from sqlalchemy.orm import Session

from kyodo_desk.db.dispatch_models import Advisor
from kyodo_desk.db.lending_models import Device, DeviceModel, DeviceStateChange
from kyodo_desk.db.models import Organization, SearchDocument
from kyodo_desk.services.imports.plan import UPDATE, Planned

BATCH_ROWS = 400  # rows per write transaction (≈0.3 s of SQLite's lock on this machine)
# After each batch the import lets go for a moment: SQLite's busy handler has a waiting desk retry
# every ≤100 ms, so without the pause the import takes the lock back first, batch after batch
# (measured: a save waited 4.9 s behind a 12,000-row import made of 0.4 s batches).
PAUSE_BETWEEN_BATCHES = 0.15  # seconds

# the tables each kind writes, children first (the order rows are deleted in when undone)
_TABLES: dict[str, tuple[Any, ...]] = {
    "organizations": (SearchDocument, Organization),
    "devices": (SearchDocument, DeviceStateChange, Device, DeviceModel),
    "advisors": (SearchDocument, Advisor),
}
_SEARCH_KIND = {"organizations": "organization", "devices": "device", "advisors": "advisor"}


def tables_of(kind: str) -> tuple[Any, ...]:
    """The models an import of *kind* writes."""
    return _TABLES[kind]


def _updated_ids(kind: str, chunk: list[Planned]) -> list[int]:
    out = []
    for p in chunk:
        if p.row.action != UPDATE:
            continue
        out.append(p.data.device_id if kind == "devices" else p.extra["id"])
    return [i for i in out if i is not None]


@dataclass
class Undo:
    """What the committed batches did, enough to take them back."""

    kind: str
    created: dict[str, list[int]] = field(default_factory=dict)  # table name → inserted ids
    before: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (table name, row as it was)

    @property
    def empty(self) -> bool:
        return not any(self.created.values()) and not self.before


@dataclass
class Mark:
    """Taken at the start of a batch's transaction: the largest ids and the rows about to change."""

    largest: dict[str, int]
    before: list[tuple[str, dict[str, Any]]]


def _table(model: Any) -> Table:
    return model.__table__


def mark(session: Session, kind: str, chunk: list[Planned]) -> Mark:
    largest = {
        _table(m).name: int(session.scalar(select(func.coalesce(func.max(m.id), 0))) or 0) for m in _TABLES[kind]
    }
    ids = _updated_ids(kind, chunk)
    before: list[tuple[str, dict[str, Any]]] = []
    if ids:
        record = _TABLES[kind][-1] if kind != "devices" else Device
        for row in session.execute(select(_table(record)).where(_table(record).c.id.in_(ids))).mappings():
            before.append((_table(record).name, dict(row)))
        docs = _table(SearchDocument)
        where = and_(docs.c.kind == _SEARCH_KIND[kind], docs.c.ref_id.in_(ids))
        for row in session.execute(select(docs).where(where)).mappings():
            before.append((docs.name, dict(row)))
    return Mark(largest, before)


def record(session: Session, kind: str, at: Mark) -> Undo:
    """After the batch's writes, in its transaction: the ids it inserted (returned as a new Undo to
    merge once the transaction has committed)."""
    done = Undo(kind)
    for m in _TABLES[kind]:
        t = _table(m)
        done.created[t.name] = list(session.scalars(select(t.c.id).where(t.c.id > at.largest[t.name])))
    done.before = list(at.before)
    return done


def merge(into: Undo, done: Undo) -> None:
    for name, ids in done.created.items():
        into.created.setdefault(name, []).extend(ids)
    into.before.extend(done.before)


def undo(session: Session, work: Undo) -> None:
    """Delete what the batches inserted and put back what they updated (one transaction)."""
    tables = {_table(m).name: _table(m) for m in _TABLES[work.kind]}
    for name, t in tables.items():  # children first
        ids = work.created.get(name, [])
        for start in range(0, len(ids), 500):
            session.execute(delete(t).where(t.c.id.in_(ids[start : start + 500])))
    first_seen: dict[tuple[str, int], dict[str, Any]] = {}
    for name, row in work.before:
        first_seen.setdefault((name, row["id"]), row)  # the oldest copy of a row updated twice
    for (name, row_id), row in first_seen.items():
        t = tables[name]
        values = {k: v for k, v in row.items() if k not in ("id", "version")}
        if "version" in t.c:  # a new version, so a desk that saw the imported values cannot save over them
            values["version"] = t.c.version + 1
        session.execute(update(t).where(t.c.id == row_id).values(**values))
