"""Staff accounts and who is at the desk.

Today the desk picks a staff member from a list (no password).  ``password_hash`` exists so that
a later full login can be added without changing callers: :meth:`StaffService.sign_in` is the one
entry point, and it will check the password when one is set.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Staff
from kyodo_desk.domain.enums import AuditAction, StaffRole
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.text import normalize_kana
from kyodo_desk.domain.validation import ValidationError, Validator
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, ServiceError, StaleEdit, audit, require

KIND = "staff"


@dataclass(frozen=True)
class StaffRecord:
    id: int
    login_name: str
    display_name: str
    display_kana: str
    role: StaffRole
    active: bool
    has_password: bool
    version: int
    created_at: dt.datetime

    def as_actor(self) -> Actor:
        return Actor(self.id, self.display_name, self.role)


def _record(row: Staff) -> StaffRecord:
    return StaffRecord(
        row.id,
        row.login_name,
        row.display_name,
        row.display_kana,
        StaffRole(row.role),
        row.active,
        row.password_hash is not None,
        row.version,
        row.created_at,
    )


class StaffService:
    def __init__(self, db: Database):
        self.db = db

    def list(self, *, include_inactive: bool = False) -> list[StaffRecord]:
        """Staff for the sign-in list (names only; no permission needed to see who can sign in)."""
        with self.db.read() as s:
            stmt = select(Staff).order_by(Staff.display_kana, Staff.id)
            if not include_inactive:
                stmt = stmt.where(Staff.active.is_(True))
            return [_record(r) for r in s.scalars(stmt)]

    def count(self) -> int:
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(Staff)) or 0

    def get(self, staff_id: int) -> StaffRecord:
        with self.db.read() as s:
            row = s.get(Staff, staff_id)
            if row is None:
                raise NotFound(_("スタッフが見つかりません。"))
            return _record(row)

    def sign_in(self, staff_id: int, password: str | None = None) -> Actor:
        """Start a desk session as *staff_id*; audited.  Passwords arrive in a later issue."""
        with self.db.write() as s:
            row = s.get(Staff, staff_id)
            if row is None or not row.active:
                raise ServiceError(_("このスタッフは利用できません。管理者に確認してください。"))
            if row.password_hash is not None:
                raise ServiceError(_("パスワードでのログインはまだ使えません。管理者に確認してください。"))
            actor = Actor(row.id, row.display_name, StaffRole(row.role))
            audit(s, actor, AuditAction.LOGIN, KIND, row.id)
            return actor

    def sign_out(self, actor: Actor) -> None:
        with self.db.write() as s:
            audit(s, actor, AuditAction.LOGOUT, KIND, actor.staff_id)

    def create(
        self, actor: Actor, login_name: str, display_name: str, role: StaffRole | str, display_kana: str = ""
    ) -> StaffRecord:
        """Add a staff member.  The very first account may be created by anyone (first-run set-up)."""
        first = self.count() == 0
        if not first:
            require(actor, Permission.STAFF_MANAGE)
        v = Validator()
        login = login_name.strip()
        v.required("display_name", _("氏名"), display_name)
        v.kana("display_kana", _("氏名(カナ)"), display_kana)
        if not re.fullmatch(r"[A-Za-z0-9._-]{2,64}", login):
            v.add("login_name", _("「ログイン名」は半角英数字と . _ - で2〜64文字にしてください(例: tanaka)。"))
        staff_role = StaffRole.STAFF
        try:
            staff_role = StaffRole(role)
        except ValueError:
            v.add("role", _("「役割」を一覧から選んでください。"))
        v.raise_if_any()
        if first and staff_role != StaffRole.ADMIN:
            raise ValidationError(
                {"role": _("最初のスタッフは「管理者」にしてください(設定を変更できる人が必要です)。")}
            )
        with self.db.write() as s:
            # Checked again under the write lock: two desks at first-run must not both skip the
            # permission check.
            if first and (s.scalar(select(func.count()).select_from(Staff)) or 0) > 0:
                require(actor, Permission.STAFF_MANAGE)
            if s.scalar(select(Staff.id).where(Staff.login_name == login)) is not None:
                raise ValidationError(
                    {
                        "login_name": _("ログイン名「{login}」はすでに使われています。別の名前にしてください。").format(
                            login=login
                        )
                    }
                )
            row = Staff(
                login_name=login,
                display_name=display_name.strip(),
                display_kana=normalize_kana(display_kana),
                role=staff_role.value,
            )
            s.add(row)
            s.flush()
            audit(
                s, actor if not first else Actor(row.id, row.display_name, staff_role), AuditAction.CREATE, KIND, row.id
            )
            return _record(row)

    def update(
        self,
        actor: Actor,
        staff_id: int,
        expected_version: int,
        *,
        display_name: str,
        display_kana: str,
        role: StaffRole | str,
        active: bool,
    ) -> StaffRecord:
        require(actor, Permission.STAFF_MANAGE)
        v = Validator()
        v.required("display_name", _("氏名"), display_name)
        v.kana("display_kana", _("氏名(カナ)"), display_kana)
        staff_role = StaffRole.STAFF
        try:
            staff_role = StaffRole(role)
        except ValueError:
            v.add("role", _("「役割」を一覧から選んでください。"))
        v.raise_if_any()
        try:
            return self._update(
                actor,
                staff_id,
                expected_version,
                display_name.strip(),
                normalize_kana(display_kana),
                staff_role,
                active,
            )
        except StaleDataError as exc:  # UPDATE ... WHERE version=? matched nothing
            raise StaleEdit(_("スタッフ")) from exc

    def _update(
        self,
        actor: Actor,
        staff_id: int,
        expected_version: int,
        display_name: str,
        display_kana: str,
        role: StaffRole,
        active: bool,
    ) -> StaffRecord:
        with self.db.write() as s:
            row = s.get(Staff, staff_id)
            if row is None:
                raise NotFound(_("スタッフが見つかりません。"))
            if row.version != expected_version:
                raise StaleEdit(_("スタッフ"))
            if row.role == StaffRole.ADMIN.value and row.active and (role != StaffRole.ADMIN or not active):
                admins = s.scalar(
                    select(func.count()).select_from(Staff).where(Staff.role == "admin", Staff.active.is_(True))
                )
                if (admins or 0) <= 1:
                    raise ValidationError(
                        {"role": _("管理者が一人もいなくなるため変更できません。先に別の管理者を作ってください。")}
                    )
            changed = [
                n
                for n, new in (
                    ("display_name", display_name),
                    ("display_kana", display_kana),
                    ("role", role.value),
                    ("active", active),
                )
                if getattr(row, n) != new
            ]
            if not changed:
                return _record(row)
            row.display_name, row.display_kana, row.role, row.active = display_name, display_kana, role.value, active
            s.flush()
            audit(s, actor, AuditAction.UPDATE, KIND, row.id, "fields=" + ",".join(changed))
            return _record(row)
