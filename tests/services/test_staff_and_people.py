"""Staff accounts (who is at the desk) and people (optional, minimal, every view audited)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import SYSTEM, Actor, PermissionDenied, ServiceError, StaleEdit
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.people import PersonInput

# ---------------------------------------------------------------- staff


def test_first_account_must_be_an_administrator(services):
    with pytest.raises(ValidationError) as err:
        services.staff.create(SYSTEM, "tanaka", "田中 健一", "staff")
    assert "最初のスタッフは「管理者」" in err.value.errors["role"]
    assert services.staff.count() == 0
    first = services.staff.create(Actor(None, "", StaffRole.STAFF), "admin", "山田 花子", "admin", "やまだ はなこ")
    assert first.role == StaffRole.ADMIN and first.display_kana == "ヤマダ ハナコ"


def test_only_admins_add_staff_after_the_first(services, admin, staff_actor):
    with pytest.raises(PermissionDenied):
        services.staff.create(staff_actor, "nakamura", "中村 美咲", "staff")
    rec = services.staff.create(admin, "nakamura", "中村 美咲", "ict_promoter", "ナカムラ ミサキ")
    assert rec.role.label() == "ICT推進員"


def test_duplicate_login_and_bad_fields_are_refused(services, admin):
    with pytest.raises(ValidationError) as err:
        services.staff.create(admin, "admin", "別の 人", "staff")
    assert "ログイン名「admin」はすでに使われています" in err.value.errors["login_name"]
    with pytest.raises(ValidationError) as err:
        services.staff.create(admin, "田中", "", "boss", "Tanaka")
    assert set(err.value.errors) == {"login_name", "display_name", "display_kana", "role"}


def test_the_last_administrator_cannot_be_demoted_or_disabled(services, admin):
    rec = services.staff.get(admin.staff_id)
    for role, active in (("staff", True), ("admin", False)):
        with pytest.raises(ValidationError) as err:
            services.staff.update(
                admin,
                rec.id,
                rec.version,
                display_name=rec.display_name,
                display_kana=rec.display_kana,
                role=role,
                active=active,
            )
        assert "管理者が一人もいなくなる" in err.value.errors["role"]
    second = services.staff.create(admin, "sato", "佐藤 恵", "admin")
    demoted = services.staff.update(
        admin,
        rec.id,
        rec.version,
        display_name=rec.display_name,
        display_kana=rec.display_kana,
        role="staff",
        active=True,
    )
    assert demoted.role == StaffRole.STAFF and demoted.version == rec.version + 1
    assert [s.login_name for s in services.staff.list() if s.role == StaffRole.ADMIN] == [second.login_name]


def test_staff_update_is_refused_when_stale(services, admin, staff_actor):
    rec = services.staff.get(staff_actor.staff_id)
    services.staff.update(
        admin, rec.id, rec.version, display_name="田中 健一", display_kana="タナカ ケンイチ", role="staff", active=False
    )
    with pytest.raises(StaleEdit):
        services.staff.update(
            admin, rec.id, rec.version, display_name="田中 健", display_kana="", role="staff", active=True
        )


def test_sign_in_list_and_disabled_staff(services, admin, staff_actor):
    assert [s.login_name for s in services.staff.list()] == ["tanaka", "admin"]  # by reading: タナカ < ヤマダ
    services.staff.set_password(admin, staff_actor.staff_id, "kenichi-2026")
    actor = services.staff.sign_in(staff_actor.staff_id, "kenichi-2026")
    assert actor == staff_actor
    rec = services.staff.get(staff_actor.staff_id)
    services.staff.update(
        admin,
        rec.id,
        rec.version,
        display_name=rec.display_name,
        display_kana=rec.display_kana,
        role="staff",
        active=False,
    )
    with pytest.raises(ServiceError, match="利用できません"):
        services.staff.sign_in(staff_actor.staff_id, "kenichi-2026")
    assert [s.login_name for s in services.staff.list()] == ["admin"]
    assert len(services.staff.list(include_inactive=True)) == 2


def test_sign_in_and_out_are_audited(services, admin, staff_actor, db):
    services.staff.set_password(admin, staff_actor.staff_id, "kenichi-2026")
    services.staff.sign_out(services.staff.sign_in(staff_actor.staff_id, "kenichi-2026"))
    with db.read() as s:
        actions = s.scalars(select(AuditLog.action).where(AuditLog.staff_id == staff_actor.staff_id)).all()
    assert actions[-2:] == ["login", "logout"]


# ---------------------------------------------------------------- people


@pytest.fixture
def org(services, staff_actor):
    return services.organizations.create(
        staff_actor, OrganizationInput(kind="neighborhood", name="広坂町会", name_kana="ヒロサカチョウカイ")
    )


def test_person_create_and_view_is_audited_without_values(services, staff_actor, org, db):
    p = services.people.create(
        staff_actor,
        PersonInput(
            name="北村 誠",
            name_kana="きたむら まこと",
            phone="０９０１２３４５６７８",
            email="kitamura@example.jp",
            organization_id=org.id,
        ),
    )
    assert (p.name_kana, p.phone, p.organization_name) == ("キタムラ マコト", "09012345678", "広坂町会")
    seen = services.people.get(staff_actor, p.id)
    assert seen.email == "kitamura@example.jp"
    with db.read() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.entity == "person")).all()
    assert [(r.action, r.entity_id, r.staff_id) for r in rows] == [
        ("create", p.id, staff_actor.staff_id),
        ("view", p.id, staff_actor.staff_id),
    ]
    assert not any(v in r.detail for r in rows for v in ("北村", "090", "kitamura"))


def test_person_validation_and_stale_edit(services, staff_actor, admin):
    with pytest.raises(ValidationError) as err:
        services.people.create(staff_actor, PersonInput(name="", name_kana="Kitamura", phone="12-34", email="x"))
    assert set(err.value.errors) == {"name", "name_kana", "phone", "email"} and "「氏名」" in err.value.errors["name"]
    p = services.people.create(staff_actor, PersonInput(name="林 由美"))
    services.people.update(admin, p.id, p.version, PersonInput(name="林 由美", phone="076-220-2026"))
    with pytest.raises(StaleEdit):
        services.people.update(staff_actor, p.id, p.version, PersonInput(name="林 ゆみ"))


def test_people_of_an_organization(services, staff_actor, org):
    for name, kana in (("山本 修", "ヤマモト オサム"), ("浅野 恵", "アサノ メグミ")):
        services.people.create(staff_actor, PersonInput(name=name, name_kana=kana, organization_id=org.id))
    services.people.create(staff_actor, PersonInput(name="無所属 太郎"))
    assert [p.name for p in services.people.for_organization(staff_actor, org.id)] == ["浅野 恵", "山本 修"]


def test_ict_promoter_cannot_see_people(services, staff_actor, ict_actor):
    p = services.people.create(staff_actor, PersonInput(name="谷口 千尋"))
    with pytest.raises(PermissionDenied):
        services.people.get(ict_actor, p.id)
    with pytest.raises(PermissionDenied):
        services.people.create(ict_actor, PersonInput(name="辻 拓也"))
