"""Enumerations shared across the app.  Values are stable ASCII codes stored in the database;
``label()`` gives the translated Japanese/English text for the screen and for print."""

from __future__ import annotations

from enum import StrEnum

from kyodo_desk.i18n import N_, _


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a translatable label in ``_labels``."""

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {}

    def label(self) -> str:
        return _(self._label_map()[self.value])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label()) for m in cls]


class OrganizationKind(LabelledEnum):
    NEIGHBORHOOD = "neighborhood"
    CITIZEN_GROUP = "citizen_group"
    NPO = "npo"
    BUSINESS = "business"
    UNIVERSITY = "university"
    STUDENT_GROUP = "student_group"
    GOVERNMENT = "government"
    OTHER = "other"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "neighborhood": N_("町会等地域団体"),
            "citizen_group": N_("市民活動団体"),
            "npo": N_("NPO法人"),
            "business": N_("事業者"),
            "university": N_("高等教育機関"),
            "student_group": N_("学生団体"),
            "government": N_("行政"),
            "other": N_("その他"),
        }


class RegistrationStatus(LabelledEnum):
    """「協働をすすめる市民団体」 registration (the workflow is domain/registration.py)."""

    NONE = "none"
    APPLIED = "applied"
    REVIEWED = "reviewed"
    REGISTERED = "registered"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    REJECTED = "rejected"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "none": N_("未登録"),
            "applied": N_("申請中"),
            "reviewed": N_("審査済(登録待ち)"),
            "registered": N_("登録済"),
            "expired": N_("失効"),
            "withdrawn": N_("取下げ・辞退"),
            "cancelled": N_("登録取消"),
            "rejected": N_("不承認"),
        }


class StaffRole(LabelledEnum):
    STAFF = "staff"
    ICT_PROMOTER = "ict_promoter"
    ADMIN = "admin"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {"staff": N_("受付スタッフ"), "ict_promoter": N_("ICT推進員"), "admin": N_("管理者")}


class ClosedDayKind(LabelledEnum):
    PUBLIC_HOLIDAY = "public_holiday"
    YEAR_END = "year_end"
    CENTER = "center"
    WEEKLY = "weekly"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "public_holiday": N_("祝日"),
            "year_end": N_("年末年始"),
            "center": N_("センター休館日"),
            "weekly": N_("定休日"),
        }


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    VIEW = "view"  # one record opened
    LIST = "list"  # a page of records shown (their ids in the row, never their values)
    SEARCH = "search"  # search results shown (kinds, count and ids; never the query)
    EXPORT = "export"
    PRINT = "print"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"  # a wrong password or PIN (never the text typed)
    LOCKOUT = "lockout"  # too many wrong passwords: the account waits (or an administrator clears it)
    PASSWORD = "password"  # a password or PIN set, changed, or a temporary one issued
    LOGOUT = "logout"
    OVERRIDE = "override"


# Audit actions that read and change nothing: other desks need not refresh for them.
READ_ACTIONS = frozenset(
    {AuditAction.VIEW, AuditAction.LIST, AuditAction.SEARCH, AuditAction.EXPORT, AuditAction.PRINT}
)
