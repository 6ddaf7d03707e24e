"""Sign-in with passwords: hashes, first password, temporary passwords, lock-out, PIN, audit rows."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog, Staff
from kyodo_desk.domain import passwords
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import SYSTEM, PermissionDenied
from kyodo_desk.services.staff import (
    AccountLocked,
    PasswordChangeRequired,
    PasswordSetupRequired,
    WrongPassword,
)


@pytest.fixture
def quick_kdf(monkeypatch):
    monkeypatch.setattr(passwords, "DEFAULT_PARAMS", passwords.KdfParams(n=2**10))


def _audit(db, staff_id):
    with db.read() as s:
        return [
            (r.action, r.detail)
            for r in s.scalars(select(AuditLog).where(AuditLog.staff_id == staff_id).order_by(AuditLog.id))
        ]


# ---- the hash ------------------------------------------------------------------------------


def test_hash_is_salted_self_describing_and_slow_enough():
    started = time.perf_counter()
    stored = passwords.hash_secret("correct horse")
    took = time.perf_counter() - started
    assert stored.startswith("scrypt$n=32768,r=8,p=1$")
    assert "correct" not in stored
    assert stored != passwords.hash_secret("correct horse")  # a new salt each time
    assert passwords.verify_secret("correct horse", stored)
    assert not passwords.verify_secret("correct horsE", stored)
    assert not passwords.verify_secret("x", "not-a-hash") and not passwords.verify_secret("x", None)
    assert 0.02 < took < 2.0  # deliberately slow (≈0.05–0.1 s here), never a wait at the desk


def test_a_cheaper_old_hash_still_verifies_and_is_replaced_at_the_next_sign_in(services, admin, db):
    old = passwords.hash_secret("hanako-2026", passwords.KdfParams(n=2**10))
    assert passwords.needs_rehash(old) and not passwords.needs_rehash(passwords.hash_secret("x" * 8))
    with db.write() as s:
        s.get(Staff, admin.staff_id).password_hash = old
    assert services.staff.sign_in(admin.staff_id, "hanako-2026") == admin
    with db.read() as s:
        stored = s.get(Staff, admin.staff_id).password_hash
    assert stored != old and not passwords.needs_rehash(stored)
    assert services.staff.sign_in(admin.staff_id, "hanako-2026") == admin


def test_password_rules_are_explained():
    assert "8文字以上" in passwords.password_problem("1234567")
    assert "一致しません" in passwords.password_problem("kyodo-desk", "kyodo-dest")
    assert passwords.password_problem("kyodo-desk", "kyodo-desk") is None
    assert "6" in passwords.pin_problem("12345") and "連番" in passwords.pin_problem("123456")
    assert passwords.pin_problem("481592") is None
    temporary = passwords.temporary_password()
    assert len(temporary) == 10 and passwords.password_problem(temporary) is None


# ---- signing in ------------------------------------------------------------------------------


def test_account_without_password_sets_one_at_first_sign_in(services, admin, staff_actor, db, quick_kdf):
    assert not services.staff.get(staff_actor.staff_id).has_password
    with pytest.raises(PasswordSetupRequired, match="まだ設定されていません"):
        services.staff.sign_in(staff_actor.staff_id, "anything")
    with pytest.raises(ValidationError) as short:
        services.staff.sign_in(staff_actor.staff_id, new_password="short")
    assert "8文字以上" in short.value.errors["new_password"]
    assert services.staff.sign_in(staff_actor.staff_id, new_password="kenichi-2026") == staff_actor
    assert services.staff.get(staff_actor.staff_id).has_password
    with pytest.raises(WrongPassword):
        services.staff.sign_in(staff_actor.staff_id, new_password="someone-else")  # only once: then it is theirs
    assert [a for a, _d in _audit(db, staff_actor.staff_id)][-3:] == ["password", "login", "login_failed"]


def test_temporary_password_must_be_changed_at_first_use(services, admin, staff_actor, db, quick_kdf):
    temporary = services.staff.issue_temporary_password(admin, staff_actor.staff_id)
    assert services.staff.get(staff_actor.staff_id).password_temporary
    with pytest.raises(PasswordChangeRequired):
        services.staff.sign_in(staff_actor.staff_id, temporary)
    with pytest.raises(ValidationError, match="仮パスワードとは別の"):
        services.staff.sign_in(staff_actor.staff_id, temporary, new_password=temporary)
    with pytest.raises(WrongPassword):
        services.staff.sign_in(staff_actor.staff_id, "not-the-temp", new_password="kenichi-2026")
    assert services.staff.sign_in(staff_actor.staff_id, temporary, new_password="kenichi-2026") == staff_actor
    assert not services.staff.get(staff_actor.staff_id).password_temporary
    with pytest.raises(WrongPassword):
        services.staff.sign_in(staff_actor.staff_id, temporary)
    assert services.staff.sign_in(staff_actor.staff_id, "kenichi-2026") == staff_actor
    with db.read() as s:
        details = [
            d for a, d in s.execute(select(AuditLog.action, AuditLog.detail).where(AuditLog.action == "password"))
        ]
    assert details == ["temporary", "changed_temporary"]
    with pytest.raises(PermissionDenied):
        services.staff.issue_temporary_password(staff_actor, admin.staff_id)


def test_five_wrong_passwords_lock_the_account_for_five_minutes(services, admin, staff_actor, db, quick_kdf):
    services.staff.set_password(admin, staff_actor.staff_id, "kenichi-2026")
    version = services.staff.get(staff_actor.staff_id).version
    t0 = dt.datetime(2026, 12, 2, 9, 0, 0)
    services.staff.clock = lambda: t0
    left = []
    for _try in range(4):
        with pytest.raises(WrongPassword) as wrong:
            services.staff.sign_in(staff_actor.staff_id, "kenichi-2025")
        left.append(wrong.value.left)
    assert left == [4, 3, 2, 1]
    assert "あと1回" in str(wrong.value)
    with pytest.raises(AccountLocked) as locked:
        services.staff.sign_in(staff_actor.staff_id, "kenichi-2025")
    assert "09:05 までロック" in str(locked.value)
    with pytest.raises(AccountLocked):
        services.staff.sign_in(staff_actor.staff_id, "kenichi-2026")  # the right one waits too
    services.staff.clock = lambda: t0 + dt.timedelta(minutes=4, seconds=59)
    with pytest.raises(AccountLocked):
        services.staff.sign_in(staff_actor.staff_id, "kenichi-2026")
    services.staff.clock = lambda: t0 + dt.timedelta(minutes=5, seconds=1)
    assert services.staff.sign_in(staff_actor.staff_id, "kenichi-2026") == staff_actor
    # the counter starts again after a good sign-in
    with pytest.raises(WrongPassword) as wrong:
        services.staff.sign_in(staff_actor.staff_id, "kenichi-2025")
    assert wrong.value.left == 4

    rows = _audit(db, staff_actor.staff_id)
    actions = [a for a, _d in rows]
    assert actions.count("login_failed") == 8 and actions.count("lockout") == 1
    assert ("login_failed", "locked") in rows and ("lockout", "minutes=5") in rows
    with db.read() as s:
        every_detail = " ".join(s.scalars(select(AuditLog.detail)))
    assert "kenichi" not in every_detail  # never the password typed
    assert services.staff.get(staff_actor.staff_id).version == version  # an open edit form is not made stale


def test_an_administrator_clears_a_lock_out(services, admin, staff_actor, quick_kdf):
    services.staff.set_password(admin, staff_actor.staff_id, "kenichi-2026")
    for _try in range(4):
        with pytest.raises(WrongPassword):
            services.staff.sign_in(staff_actor.staff_id, "wrong-one")
    with pytest.raises(AccountLocked):
        services.staff.sign_in(staff_actor.staff_id, "wrong-one")
    assert services.staff.get(staff_actor.staff_id).locked_until is not None
    services.staff.set_password(SYSTEM, staff_actor.staff_id, "kenichi-2027")
    assert services.staff.get(staff_actor.staff_id).locked_until is None
    assert services.staff.sign_in(staff_actor.staff_id, "kenichi-2027") == staff_actor
    with pytest.raises(ValidationError):
        services.staff.set_password(admin, staff_actor.staff_id, "short")
    with pytest.raises(PermissionDenied):
        services.staff.set_password(staff_actor, admin.staff_id, "kenichi-2028")


def test_create_with_a_password(services, admin, quick_kdf):
    record = services.staff.create(admin, "sato", "佐藤 一郎", "staff", "サトウ イチロウ", password="ichiro-2026")
    assert record.has_password and not record.password_temporary
    assert services.staff.sign_in(record.id, "ichiro-2026").name == "佐藤 一郎"
    with pytest.raises(ValidationError) as bad:
        services.staff.create(admin, "suzuki", "鈴木", "staff", password="short")
    assert "8文字以上" in bad.value.errors["password"]


def test_pin_signs_in_only_when_the_center_allows_it(services, admin, staff_actor, quick_kdf):
    services.staff.set_password(admin, staff_actor.staff_id, "kenichi-2026")
    with pytest.raises(ValidationError):
        services.staff.set_pin(staff_actor, "kenichi-2026", "111111")
    with pytest.raises(WrongPassword):
        services.staff.set_pin(staff_actor, "wrong-password", "481592")
    services.staff.set_pin(staff_actor, "kenichi-2026", "481592")
    assert services.staff.get(staff_actor.staff_id).has_pin
    with pytest.raises(WrongPassword):
        services.staff.sign_in(staff_actor.staff_id, "481592")  # the setting is off by default
    settings = services.settings.get()
    services.settings.update(admin, settings.with_changes(pin_sign_in=True))
    assert services.staff.sign_in(staff_actor.staff_id, "481592") == staff_actor
    assert services.staff.sign_in(staff_actor.staff_id, "kenichi-2026") == staff_actor
    with pytest.raises(WrongPassword):
        services.staff.sign_in(staff_actor.staff_id, "481593")
    services.staff.set_pin(staff_actor, "kenichi-2026", None)
    with pytest.raises(WrongPassword):
        services.staff.sign_in(staff_actor.staff_id, "481592")


def test_own_password_change_needs_the_current_one(services, admin, staff_actor, db, quick_kdf):
    services.staff.set_password(admin, staff_actor.staff_id, "kenichi-2026")
    with pytest.raises(WrongPassword):
        services.staff.change_password(staff_actor, "kenichi-2025", "kenichi-2027")
    with pytest.raises(ValidationError):
        services.staff.change_password(staff_actor, "kenichi-2026", "short")
    services.staff.change_password(staff_actor, "kenichi-2026", "kenichi-2027")
    assert services.staff.sign_in(staff_actor.staff_id, "kenichi-2027") == staff_actor
    with pytest.raises(WrongPassword):
        services.staff.sign_in(staff_actor.staff_id, "kenichi-2026")
    assert ("password", "changed") in _audit(db, staff_actor.staff_id)


def test_upgrade_leaves_existing_accounts_to_choose_a_password(tmp_path, quick_kdf):
    """Accounts from before passwords (or a hash this version cannot check) must set one."""
    from sqlalchemy import text

    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import upgrade
    from kyodo_desk.services.container import Services

    database = Database.from_url(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(database, revision="0005")
        with database.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO staff (login_name, display_name, display_kana, role, active, password_hash, created_at, version)"
                    " VALUES ('old', '古株 太郎', 'フルカブ タロウ', 'admin', 1, 'whatever-was-here', '2025-04-01 09:00:00', 1)"
                )
            )
        upgrade(database)
        services = Services(database)
        record = services.staff.find_login("old")
        assert not record.has_password and not record.password_temporary and record.locked_until is None
        with pytest.raises(PasswordSetupRequired):
            services.staff.sign_in(record.id, "whatever-was-here")
        assert services.staff.sign_in(record.id, new_password="furukabu-2026").name == "古株 太郎"
    finally:
        database.dispose()
