"""PostgreSQL: a write transaction that appends change audit rows announces them with NOTIFY.

Installed on the write sessions by :class:`kyodo_desk.db.engine.Database` (PostgreSQL only).

* ``before_flush``: a flush that inserts audit rows first makes sure the transaction has its
  transaction id (``pg_current_xact_id()``), *before* the rows take their ids from the sequence.
  The change feed's catch-up read relies on this order (:mod:`kyodo_desk.services.changes`: an
  audit id that is missing from a snapshot belongs to a transaction whose xid is older than any
  xid handed out after that snapshot).
* ``after_flush``: ``pg_notify('kyodo_desk_changes', 'entity:entity_id:audit_id')`` for every
  inserted audit row that records a change (reads are audited too; they are not changes).  NOTIFY
  is transactional: listeners receive it when — and only if — the transaction commits, in commit
  order.  The payload holds names and ids only, never values.

Audit rows inserted with a Core ``insert()`` (the reads' audit writer) pass through neither hook;
they are reads, which the feed does not announce.
"""

from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.enums import READ_ACTIONS

CHANNEL = "kyodo_desk_changes"
_READS = frozenset(str(a) for a in READ_ACTIONS)
_XID_TAKEN = "kyodo_xid_taken"


def payload(entity: str, entity_id: int | None, audit_id: int) -> str:
    return f"{entity}:{'' if entity_id is None else entity_id}:{audit_id}"


def parse_payload(raw: str) -> tuple[str, int | None, int] | None:
    """``(entity, entity_id, audit_id)`` of a notification, None when it is not one of ours."""
    parts = raw.rsplit(":", 2)
    if len(parts) != 3 or not parts[0] or not parts[2].isdigit():
        return None
    entity_id = int(parts[1]) if parts[1].lstrip("-").isdigit() else None
    return parts[0], entity_id, int(parts[2])


def _new_audit_rows(session: Session) -> list[AuditLog]:
    return [o for o in session.new if isinstance(o, AuditLog)]


def _before_flush(session: Session, _context, _instances) -> None:
    if session.info.get(_XID_TAKEN) or not _new_audit_rows(session):
        return
    session.connection().execute(text("SELECT pg_current_xact_id()"))
    session.info[_XID_TAKEN] = True


def _after_flush(session: Session, _context) -> None:
    notes = [payload(r.entity, r.entity_id, r.id) for r in _new_audit_rows(session) if r.action not in _READS]
    if notes:
        session.connection().execute(
            text("SELECT pg_notify(:channel, p) FROM unnest(CAST(:payloads AS text[])) AS p"),
            {"channel": CHANNEL, "payloads": notes},
        )


def _after_transaction_end(session: Session, _transaction) -> None:
    session.info.pop(_XID_TAKEN, None)


def install(factory: sessionmaker) -> None:
    """Hook the write sessions of a PostgreSQL database (see module doc)."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_transaction_end", _after_transaction_end)
