"""Who may do what: the one table of role × permission.

Services call :func:`kyodo_desk.services.base.require` (which asks :func:`allowed`) before every
action; the UI only mirrors it to hide buttons.  Nothing else decides by role: change a role's
rights here and everything follows (tests/services/test_permissions.py walks every service method
and fails when one is neither checked nor declared as needing no permission).
"""

from __future__ import annotations

from enum import StrEnum

from kyodo_desk.domain.enums import StaffRole


class Permission(StrEnum):
    ORGANIZATION_VIEW = "organization.view"
    ORGANIZATION_EDIT = "organization.edit"
    ORGANIZATION_DELETE = "organization.delete"
    PERSON_VIEW = "person.view"
    PERSON_EDIT = "person.edit"
    PERSON_DELETE = "person.delete"
    PRIVACY_REQUEST = "privacy.request"  # APPI 開示・訂正・利用停止・消去 for a person or an organization
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
    REGISTRATION_EDIT = "registration.edit"  # 協働をすすめる市民団体: 申請受付, 審査, 登録, 更新, 変更届, 取下げ
    REGISTRATION_CANCEL = "registration.cancel"  # 登録取消 (the center withdraws a registration)
    PRINT = "print"
    REPORT = "report"
    PROJECT_VIEW = "project.view"  # partnership projects (パートナーシップ事業)
    PROJECT_EDIT = "project.edit"
    PLAN_EDIT = "plan.edit"  # the plan's periods, targets, surveys; the list of programmes


# fmt: off
_ROLES = (StaffRole.STAFF, StaffRole.ICT_PROMOTER, StaffRole.ADMIN)
#                                         受付   ICT推進員  管理者
_TABLE: dict[Permission, tuple[bool, bool, bool]] = {
    Permission.ORGANIZATION_VIEW:       (True,  True,  True),   # ICT: who the borrower is
    Permission.ORGANIZATION_EDIT:       (True,  False, True),
    Permission.ORGANIZATION_DELETE:     (False, False, True),
    Permission.PERSON_VIEW:             (True,  False, True),
    Permission.PERSON_EDIT:             (True,  False, True),
    Permission.PERSON_DELETE:           (False, False, True),
    Permission.PRIVACY_REQUEST:         (False, False, True),
    Permission.SETTINGS_EDIT:           (False, False, True),
    Permission.STAFF_MANAGE:            (False, False, True),
    Permission.CALENDAR_EDIT:           (False, False, True),
    Permission.AUDIT_VIEW:              (False, False, True),
    Permission.CONSULTATION_VIEW:       (True,  False, True),
    Permission.CONSULTATION_EDIT:       (True,  False, True),
    Permission.CONSULTATION_DELETE:     (False, False, True),
    Permission.LENDING_OPERATE:         (True,  True,  True),
    Permission.INVENTORY_EDIT:          (True,  False, True),
    Permission.DISPATCH_EDIT:           (True,  False, True),
    Permission.REGISTRATION_EDIT:       (True,  False, True),
    Permission.REGISTRATION_CANCEL:     (False, False, True),
    Permission.PRINT:                   (True,  True,  True),   # ICT: loan slips
    Permission.REPORT:                  (True,  False, True),
    Permission.PROJECT_VIEW:            (True,  False, True),
    Permission.PROJECT_EDIT:            (True,  False, True),
    Permission.PLAN_EDIT:               (False, False, True),
}
# fmt: on

ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    role: frozenset(p for p, row in _TABLE.items() if row[i]) for i, role in enumerate(_ROLES)
}


def allowed(role: StaffRole | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[StaffRole(role)]


def roles_with(permission: Permission) -> tuple[StaffRole, ...]:
    """The roles that hold *permission* (for the 個人情報ファイル簿 and the settings screen)."""
    return tuple(r for r in StaffRole if permission in ROLE_PERMISSIONS[r])
