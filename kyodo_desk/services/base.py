"""What every service shares: the acting staff member, errors and the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import AuditLog, now
from kyodo_desk.domain.enums import AuditAction, StaffRole
from kyodo_desk.domain.permissions import Permission, allowed
from kyodo_desk.domain.validation import ValidationError  # noqa: F401  (re-exported for callers)
from kyodo_desk.i18n import _


@dataclass(frozen=True)
class Actor:
    """Who is at the desk.  ``staff_id`` None means the system (batch commands, migrations);
    ``batch`` then names the command (``kyodo-desk retention``), recorded in its audit rows."""

    staff_id: int | None
    name: str
    role: StaffRole
    batch: str = ""

    def can(self, permission: Permission) -> bool:
        return allowed(self.role, permission)


SYSTEM = Actor(None, "system", StaffRole.ADMIN)


def batch_actor(command: str) -> Actor:
    """The named system actor a batch command acts as: 「バッチ処理(kyodo-desk retention)」."""
    label = f"kyodo-desk {command}".strip()
    return Actor(None, batch_label(label), StaffRole.ADMIN, batch=label)


def batch_label(command: str) -> str:
    return _("バッチ処理({command})").format(command=command)


class ServiceError(Exception):
    """An error whose message is meant for the person at the desk."""


class PermissionDenied(ServiceError):
    def __init__(self, actor: Actor, permission: Permission):
        self.permission = permission
        super().__init__(
            _("{name} さんの権限({role})ではこの操作はできません。管理者に依頼してください。").format(
                name=actor.name, role=actor.role.label()
            )
        )


class NotFound(ServiceError):
    pass


class StaleEdit(ServiceError):
    """Another desk saved the same record after this one loaded it."""

    def __init__(self, what: str):
        super().__init__(
            _(
                "この{what}は、開いた後に別の窓口で変更されました。入力内容は残してあります。"
                "内容を控えてから開き直し、もう一度保存してください。"
            ).format(what=what)
        )


class DatabaseBusy(ServiceError):
    """Another desk held the database longer than this desk waits (SQLite's busy timeout, a
    PostgreSQL lock timeout, serialization failure or deadlock): nothing was saved; try again."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "データベースが混み合っています(別の窓口が大きな取り込みなどをしています)。"
                "保存されていません。入力内容は残してあります。しばらく待ってから、もう一度保存してください。"
            )
        )


_BUSY_PG_CODES = {"55P03", "40001", "40P01", "57014"}  # lock_not_available, serialization, deadlock, timeout


def is_database_busy(exc: BaseException) -> bool:
    """True when *exc* (or what it wraps) says the database was busy, not that something is wrong."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DatabaseBusy):
            return True
        orig = getattr(exc, "orig", None)
        code = getattr(orig, "sqlstate", None) or getattr(exc, "sqlstate", None)
        if code in _BUSY_PG_CODES:
            return True
        text = str(orig if orig is not None else exc).lower()
        if type(exc).__name__ == "OperationalError" and ("database is locked" in text or "database is busy" in text):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied(actor, permission)


# Public service methods that check no permission, each with the reason.  Everything else a service
# offers must call require() (tests/services/test_permissions.py calls every public method as a
# staff member whose role holds no permission and expects PermissionDenied).  New code marks such
# a method with @no_permission_needed("reason") instead of listing it here.
NO_PERMISSION_NEEDED: dict[str, str] = {
    "SettingsService.get": "the center's name, rules and desk settings every screen needs; no personal data",
    "CalendarService.calendar": "closed days are public (holidays, 年末年始, the center's own days)",
    "CalendarService.center_days": "closed days are public",
    "CalendarService.closed_days": "closed days are public",
    "StaffService.list": "the sign-in picker lists staff names before anyone is signed in",
    "StaffService.count": "first-run set-up asks whether any account exists before anyone is signed in",
    "StaffService.get": "a staff member's name and role (the sign-in picker, who entered a record)",
    "StaffService.sign_in": "signing in is how an actor comes to exist; audited (login)",
    "StaffService.sign_out": "anyone may end their own session; audited (logout)",
    "ChangeService.marker": "the newest audit id only, so a desk notices other desks' writes",
    "ChangeService.changed_entities_since": "kinds and ids of changed records (no values), to refresh screens",
    "CategoryService.for_year": "the consultation categories of a fiscal year (a public classification)",
    "BookingMixin.booking_problems": "a helper taking the caller's open session; its callers check DISPATCH_EDIT",
    "PrintingService.documents": "the catalogue of printable documents (titles only)",
    "PrintingService.document": "one entry of the catalogue of printable documents",
    "PrintingService.handbook_source": "which handbook text is in use (a folder name)",
    "PrintingService.center": "the center's own name and address for document headers",
    "LabelService.templates": "label sheet layouts (sizes in mm)",
    "LabelService.calibration": "a test page of empty label outlines; no records",
    "RetentionService.years": "the retention period from the center's settings (a number of years)",
}


def no_permission_needed(reason: str):
    """Mark a public service method that deliberately checks no permission (say why)."""

    def mark(fn):
        NO_PERMISSION_NEEDED[fn.__qualname__] = reason
        return fn

    return mark


# ---- audit -------------------------------------------------------------------------------

MAX_RECORD_IDS = 500  # ids kept in one audit row; a longer list keeps the first ones and says how many


def record_ids_text(ids: Iterable[int | None]) -> tuple[str, int]:
    """``",12,15,16,"`` for the audit row (ids only, bounded) and how many ids there were."""
    unique = list(dict.fromkeys(int(i) for i in ids if i is not None))
    kept = unique[:MAX_RECORD_IDS]
    return ("," + ",".join(map(str, kept)) + ",") if kept else "", len(unique)


def audit_row(
    actor: Actor,
    action: AuditAction | str,
    entity: str,
    entity_id: int | None = None,
    detail: str = "",
    *,
    record_ids: Iterable[int | None] = (),
) -> dict:
    """The column values of one audit row (see :func:`audit`)."""
    ids_text, n = record_ids_text(record_ids)
    if n > MAX_RECORD_IDS:
        detail = f"{detail} ids_kept={MAX_RECORD_IDS}/{n}".strip()
    return {
        "at": now(),
        "staff_id": actor.staff_id,
        "actor": (actor.batch or "")[:80] if actor.staff_id is None else "",
        "action": str(action),
        "entity": entity,
        "entity_id": entity_id,
        "detail": detail[:500],
        "record_ids": ids_text,
    }


def audit(
    session: Session,
    actor: Actor,
    action: AuditAction | str,
    entity: str,
    entity_id: int | None = None,
    detail: str = "",
    *,
    record_ids: Iterable[int | None] = (),
) -> None:
    """Append an audit row in the caller's transaction.  *detail* must never hold personal
    values — field names, counts and codes only.  *record_ids*: the records a list, search,
    print or export showed."""
    session.add(AuditLog(**audit_row(actor, action, entity, entity_id, detail, record_ids=record_ids)))


def audit_shown(
    db: Database,
    actor: Actor,
    action: AuditAction,
    entity: str,
    record_ids: Iterable[int | None],
    detail: str = "",
    *,
    entity_id: int | None = None,
) -> None:
    """Record that *actor* was shown these records (after the read's session is closed).

    One INSERT in a short write transaction of its own: a list page is one row carrying the
    page's ids, not a row per record, and the read itself never holds SQLite's write lock.  When
    another desk holds the lock for longer than a moment (a purge, an import), the row is not
    waited for: it is queued and written by a background thread as soon as the lock is free, so
    reading never stalls behind another desk's write (see :mod:`kyodo_desk.services.audit_writer`).
    """
    from kyodo_desk.services.audit_writer import write_audit_row

    ids = list(record_ids)
    if action == AuditAction.LIST and not any(i is not None for i in ids):
        return  # an empty list showed nobody (a search with no result is still recorded)
    if ids or action in (AuditAction.LIST, AuditAction.SEARCH):
        detail = f"{detail} n={len([i for i in ids if i is not None])}".strip()
    write_audit_row(db, audit_row(actor, action, entity, entity_id, detail, record_ids=ids))
