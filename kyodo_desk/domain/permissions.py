"""Who may do what.  Services call :func:`allowed` before every change; the UI only mirrors it."""

from __future__ import annotations

from enum import StrEnum

from kyodo_desk.domain.enums import StaffRole


class Permission(StrEnum):
    ORGANIZATION_VIEW = "organization.view"
    ORGANIZATION_EDIT = "organization.edit"
    ORGANIZATION_DELETE = "organization.delete"
    PERSON_VIEW = "person.view"
    PERSON_EDIT = "person.edit"
    PERSON_DELETE = "person.delete"  # admin: remove a person record
    PRIVACY_REQUEST = "privacy.request"  # admin: APPI 開示・訂正・利用停止・消去, retention purge
    SETTINGS_EDIT = "settings.edit"
    STAFF_MANAGE = "staff.manage"
    CALENDAR_EDIT = "calendar.edit"
    AUDIT_VIEW = "audit.view"
    CONSULTATION_VIEW = "consultation.view"
    CONSULTATION_EDIT = "consultation.edit"
    CONSULTATION_DELETE = "consultation.delete"
    LENDING_OPERATE = "lending.operate"  # checkout, return, reserve
    INVENTORY_EDIT = "inventory.edit"
    DISPATCH_EDIT = "dispatch.edit"
    PRINT = "print"
    REPORT = "report"


_STAFF = {
    Permission.ORGANIZATION_VIEW,
    Permission.ORGANIZATION_EDIT,
    Permission.PERSON_VIEW,
    Permission.PERSON_EDIT,
    Permission.CONSULTATION_VIEW,
    Permission.CONSULTATION_EDIT,
    Permission.LENDING_OPERATE,
    Permission.INVENTORY_EDIT,
    Permission.DISPATCH_EDIT,
    Permission.PRINT,
    Permission.REPORT,
}

# ICT推進員: lending only (plus looking up who the borrower is and printing slips).
_ICT = {
    Permission.ORGANIZATION_VIEW,
    Permission.LENDING_OPERATE,
    Permission.PRINT,
}

ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.STAFF: frozenset(_STAFF),
    StaffRole.ICT_PROMOTER: frozenset(_ICT),
    StaffRole.ADMIN: frozenset(Permission),
}


def allowed(role: StaffRole | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[StaffRole(role)]
