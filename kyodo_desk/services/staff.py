"""Staff accounts and who is at the desk.

Every account signs in with its password (domain/passwords.py: scrypt, a self-describing hash).
:meth:`StaffService.sign_in` is the one entry point and answers with an Actor or says why not:

* no password yet (an account from before passwords, or made without one): the person chooses one
  now (:class:`PasswordSetupRequired`, then ``sign_in(id, new_password=...)``);
* a temporary password issued by an administrator: it must be changed at first use
  (:class:`PasswordChangeRequired`, then ``sign_in(id, temporary, new_password=...)``);
* a wrong password or PIN: :class:`WrongPassword`; the fifth in a row locks the account for
  five minutes (:class:`AccountLocked`).  Failures and lock-outs are audited, never the text typed.

The slow hash runs outside the write transaction (the write lock is held for one short UPDATE),
and sign-in bookkeeping never bumps the row's edit version (an administrator editing the
account at the same time is not told it was changed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Staff, now
from kyodo_desk.domain import passwords
from kyodo_desk.domain.enums import AuditAction, StaffRole
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.text import normalize_kana
from kyodo_desk.domain.validation import ValidationError, Validator
from kyodo_desk.i18n import _
from kyodo_desk.services.base import (
    Actor,
    NotFound,
    ServiceError,
    StaleEdit,
    audit,
    no_permission_needed,
    require,
)
from kyodo_desk.services.conflict_retry import conflict_retrying

KIND = "staff"
MAX_FAILED_SIGN_INS = 5
LOCKOUT = dt.timedelta(minutes=5)
_STAFF: Table = Staff.__table__  # type: ignore[assignment]  # plain UPDATEs: sign-in bookkeeping leaves the edit version alone


class SignInRefused(ServiceError):
    """Sign-in did not happen; the message says why and what to do."""


class WrongPassword(SignInRefused):
    def __init__(self, left: int):
        self.left = left
        super().__init__(
            _("パスワードが違います。もう一度入力してください(あと{n}回間違えると5分間ロックされます)。").format(n=left)
        )


class AccountLocked(SignInRefused):
    def __init__(self, name: str, until: dt.datetime, at: dt.datetime):
        self.until = until
        minutes = max(1, -(-int((until - at).total_seconds()) // 60))
        super().__init__(
            _(
                "パスワードを{n}回続けて間違えたため、{name} さんのアカウントは {time} までロックされています"
                "(あと約{m}分)。時間をおいてからもう一度入力するか、管理者に連絡してください。"
            ).format(n=MAX_FAILED_SIGN_INS, name=name, time=until.strftime("%H:%M"), m=minutes)
        )


class PasswordSetupRequired(SignInRefused):
    def __init__(self, name: str):
        super().__init__(
            _(
                "{name} さんのパスワードはまだ設定されていません。新しいパスワードを決めて、2回入力してください。"
            ).format(name=name)
        )


class PasswordChangeRequired(SignInRefused):
    def __init__(self):
        super().__init__(_("仮パスワードです。続けるには、新しいパスワードを決めて2回入力してください。"))


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
    password_temporary: bool = False
    has_pin: bool = False
    locked_until: dt.datetime | None = None

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
        bool(row.password_temporary),
        row.pin_hash is not None,
        row.locked_until,
    )


@dataclass(frozen=True)
class _Account:
    """What sign-in needs of a row, read before the slow hash (no session held meanwhile)."""

    id: int
    name: str
    role: StaffRole
    active: bool
    password_hash: str | None
    temporary: bool
    pin_hash: str | None
    locked_until: dt.datetime | None


@conflict_retrying
class StaffService:
    def __init__(self, db: Database, clock: Callable[[], dt.datetime] = now):
        self.db = db
        self.clock = clock  # injectable: tests move time past a lock-out without waiting

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

    @no_permission_needed("a staff member's id by login name, for `kyodo-desk staff passwd LOGIN` (no personal data)")
    def find_login(self, login_name: str) -> StaffRecord | None:
        with self.db.read() as s:
            row = s.scalar(select(Staff).where(Staff.login_name == login_name.strip()))
            return _record(row) if row is not None else None

    # ---- signing in ----------------------------------------------------------------------
    def _account(self, staff_id: int) -> _Account:
        with self.db.read() as s:
            row = s.get(Staff, staff_id)
            if row is None or not row.active:
                raise SignInRefused(_("このスタッフは利用できません。管理者に確認してください。"))
            return _Account(
                row.id,
                row.display_name,
                StaffRole(row.role),
                row.active,
                row.password_hash,
                bool(row.password_temporary),
                row.pin_hash,
                row.locked_until,
            )

    def _pin_allowed(self) -> bool:
        from kyodo_desk.services.settings import SettingsService

        return bool(SettingsService(self.db).get().pin_sign_in)

    def sign_in(self, staff_id: int, password: str | None = None, *, new_password: str | None = None) -> Actor:
        """Start a desk session as *staff_id* with its password (or PIN, when the center allows
        it); *new_password* sets the first password or replaces a temporary one.  Audited."""
        if new_password is not None:
            problem = passwords.password_problem(new_password)
            if problem:
                raise ValidationError({"new_password": problem})
        account = self._account(staff_id)
        at = self.clock()
        if account.locked_until is not None and account.locked_until > at:
            self._failed(account, at, "locked")
        used_pin = False
        if account.password_hash is None:
            if new_password is None:
                raise PasswordSetupRequired(account.name)
            how = "first"
        else:
            secret = password or ""
            if not passwords.verify_secret(secret, account.password_hash):
                pin_ok = (
                    account.pin_hash is not None
                    and not account.temporary
                    and secret.isdigit()
                    and self._pin_allowed()
                    and passwords.verify_secret(secret, account.pin_hash)
                )
                if not pin_ok:
                    self._failed(account, at, "wrong")
                used_pin = True
            if account.temporary and new_password is None:
                raise PasswordChangeRequired()
            if account.temporary and new_password == password:
                raise ValidationError({"new_password": _("仮パスワードとは別の、新しいパスワードにしてください。")})
            how = "changed_temporary" if account.temporary else ""
        new_hash = None
        if new_password is not None and (how or new_password != password):
            new_hash = passwords.hash_secret(new_password)
            how = how or "changed"
        elif not used_pin and account.password_hash and passwords.needs_rehash(account.password_hash):
            new_hash = passwords.hash_secret(password or "")  # the cost was raised since it was set
        actor = Actor(account.id, account.name, account.role)
        with self.db.write() as s:
            current = s.execute(
                select(_STAFF.c.password_hash, _STAFF.c.active).where(_STAFF.c.id == staff_id).with_for_update()
            ).one()
            if current.password_hash != account.password_hash or not current.active:
                raise SignInRefused(_("この間に別の窓口でパスワードが変更されました。もう一度入力してください。"))
            values: dict = {"failed_sign_ins": 0, "locked_until": None}
            if new_hash is not None:
                values.update(password_hash=new_hash, password_temporary=False)
            s.execute(update(_STAFF).where(_STAFF.c.id == staff_id).values(**values))
            if how:
                audit(s, actor, AuditAction.PASSWORD, KIND, staff_id, how)
            audit(s, actor, AuditAction.LOGIN, KIND, staff_id, "pin" if used_pin else "")
        return actor

    def _failed(self, account: _Account, at: dt.datetime, reason: str) -> NoReturn:
        """Count a wrong password (the fifth locks the account) and refuse; a try while locked is
        only recorded.  Written and committed before the refusal is raised."""
        actor = Actor(account.id, account.name, account.role)
        locked_until = None
        with self.db.write() as s:
            row = s.execute(
                select(_STAFF.c.failed_sign_ins, _STAFF.c.locked_until)
                .where(_STAFF.c.id == account.id)
                .with_for_update()
            ).one()
            if reason == "locked" or (row.locked_until is not None and row.locked_until > at):
                audit(s, actor, AuditAction.LOGIN_FAILED, KIND, account.id, "locked")
                locked_until = row.locked_until
            else:
                failures = (row.failed_sign_ins or 0) + 1
                audit(s, actor, AuditAction.LOGIN_FAILED, KIND, account.id, f"wrong_password attempt={failures}")
                if failures >= MAX_FAILED_SIGN_INS:
                    locked_until = at + LOCKOUT
                    values = {"failed_sign_ins": 0, "locked_until": locked_until}
                    audit(
                        s, actor, AuditAction.LOCKOUT, KIND, account.id, f"minutes={int(LOCKOUT.total_seconds() // 60)}"
                    )
                else:
                    values = {"failed_sign_ins": failures}
                s.execute(update(_STAFF).where(_STAFF.c.id == account.id).values(**values))
        if locked_until is not None:
            raise AccountLocked(account.name, locked_until, at)
        raise WrongPassword(MAX_FAILED_SIGN_INS - failures)

    def sign_out(self, actor: Actor) -> None:
        with self.db.write() as s:
            audit(s, actor, AuditAction.LOGOUT, KIND, actor.staff_id)

    # ---- passwords and PINs -------------------------------------------------------------------
    def issue_temporary_password(self, actor: Actor, staff_id: int) -> str:
        """A new random password for *staff_id*, to be changed at first use; clears a lock-out and
        the PIN.  Returns the password to hand over (it is shown once and never stored in clear)."""
        require(actor, Permission.STAFF_MANAGE)
        temporary = passwords.temporary_password()
        self._store_password(actor, staff_id, passwords.hash_secret(temporary), temporary=True, how="temporary")
        return temporary

    def set_password(self, actor: Actor, staff_id: int, new_password: str) -> None:
        """An administrator sets *staff_id*'s password (``kyodo-desk staff passwd``); clears a lock-out."""
        require(actor, Permission.STAFF_MANAGE)
        problem = passwords.password_problem(new_password)
        if problem:
            raise ValidationError({"new_password": problem})
        self._store_password(actor, staff_id, passwords.hash_secret(new_password), temporary=False, how="reset")

    def _store_password(self, actor: Actor, staff_id: int, hashed: str, *, temporary: bool, how: str) -> None:
        with self.db.write() as s:
            if s.get(Staff, staff_id) is None:
                raise NotFound(_("スタッフが見つかりません。"))
            s.execute(
                update(_STAFF)
                .where(_STAFF.c.id == staff_id)
                .values(
                    password_hash=hashed,
                    password_temporary=temporary,
                    pin_hash=None,
                    failed_sign_ins=0,
                    locked_until=None,
                )
            )
            audit(s, actor, AuditAction.PASSWORD, KIND, staff_id, how)

    @no_permission_needed("one's own password: the actor must be that staff member and give the current one")
    def change_password(self, actor: Actor, current: str, new_password: str) -> None:
        """The signed-in person replaces their own password (the current one is checked first)."""
        if actor.staff_id is None:
            raise ServiceError(_("パスワードはスタッフ本人だけが変更できます。"))
        problem = passwords.password_problem(new_password)
        if problem:
            raise ValidationError({"new_password": problem})
        self._check_own_password(actor.staff_id, current)
        hashed = passwords.hash_secret(new_password)
        with self.db.write() as s:
            s.execute(
                update(_STAFF)
                .where(_STAFF.c.id == actor.staff_id)
                .values(password_hash=hashed, password_temporary=False, failed_sign_ins=0)
            )
            audit(s, actor, AuditAction.PASSWORD, KIND, actor.staff_id, "changed")

    def _check_own_password(self, staff_id: int, password: str) -> None:
        account = self._account(staff_id)
        at = self.clock()
        if account.locked_until is not None and account.locked_until > at:
            self._failed(account, at, "locked")
        if not passwords.verify_secret(password, account.password_hash):
            self._failed(account, at, "wrong")

    @no_permission_needed("one's own PIN: the actor must be that staff member and give their password")
    def set_pin(self, actor: Actor, password: str, pin: str | None) -> None:
        """Set (or with None remove) the signed-in person's own quick-交代 PIN."""
        if actor.staff_id is None:
            raise ServiceError(_("PINはスタッフ本人だけが設定できます。"))
        if pin is not None:
            problem = passwords.pin_problem(pin)
            if problem:
                raise ValidationError({"pin": problem})
        self._check_own_password(actor.staff_id, password)
        hashed = passwords.hash_secret(pin) if pin is not None else None
        with self.db.write() as s:
            s.execute(update(_STAFF).where(_STAFF.c.id == actor.staff_id).values(pin_hash=hashed, failed_sign_ins=0))
            audit(s, actor, AuditAction.PASSWORD, KIND, actor.staff_id, "pin" if pin is not None else "pin_removed")

    def create(
        self,
        actor: Actor,
        login_name: str,
        display_name: str,
        role: StaffRole | str,
        display_kana: str = "",
        *,
        password: str | None = None,
        temporary: bool = False,
        request_key: str | None = None,
    ) -> StaffRecord:
        """Add a staff member.  The very first account may be created by anyone (first-run set-up).

        *password*: the account's password (``temporary``: to be changed at first use); None leaves
        it unset, and the person chooses one at their first sign-in.  *request_key* (a UUID4 the
        form made): a retry after a lost connection whose first try was stored returns that account
        (what :meth:`get` shows anyone) instead of 「ログイン名はすでに使われています」 — looked up
        before the first-run check, which the stored account would otherwise turn into a refusal."""
        if request_key:
            with self.db.read() as s:
                done = s.scalar(select(Staff).where(Staff.request_key == request_key))
                if done is not None:
                    return _record(done)
        first = self.count() == 0
        if not first:
            require(actor, Permission.STAFF_MANAGE)
        v = Validator()
        if password is not None:
            problem = passwords.password_problem(password)
            if problem:
                v.add("password", problem)
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
        hashed = passwords.hash_secret(password) if password is not None else None  # slow: before the write lock
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
                password_hash=hashed,
                password_temporary=bool(hashed and temporary),
                request_key=request_key or None,
            )
            s.add(row)
            s.flush()
            audit(
                s,
                actor if not first else Actor(row.id, row.display_name, staff_role),
                AuditAction.CREATE,
                KIND,
                row.id,
                ("password=temporary" if temporary else "password=set") if hashed else "",
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
