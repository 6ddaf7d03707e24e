"""What every service shares: the acting staff member, errors and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kyodo_desk.db.models import AuditLog, now
from kyodo_desk.domain.enums import AuditAction, StaffRole
from kyodo_desk.domain.permissions import Permission, allowed
from kyodo_desk.domain.validation import ValidationError  # noqa: F401  (re-exported for callers)
from kyodo_desk.i18n import _


@dataclass(frozen=True)
class Actor:
    """Who is at the desk.  ``staff_id`` None means the system (batch commands, migrations)."""

    staff_id: int | None
    name: str
    role: StaffRole

    def can(self, permission: Permission) -> bool:
        return allowed(self.role, permission)


SYSTEM = Actor(None, "system", StaffRole.ADMIN)


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


def require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied(actor, permission)


def audit(
    session: Session,
    actor: Actor,
    action: AuditAction,
    entity: str,
    entity_id: int | None = None,
    detail: str = "",
) -> None:
    """Append an audit row.  *detail* must never hold personal values — field names only."""
    session.add(
        AuditLog(
            at=now(),
            staff_id=actor.staff_id,
            action=str(action),
            entity=entity,
            entity_id=entity_id,
            detail=detail[:500],
        )
    )
