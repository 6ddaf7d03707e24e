"""Center settings, the closed-days calendar, and the global search box."""

from __future__ import annotations

import datetime as dt

import pytest

from kyodo_desk.domain.enums import ClosedDayKind
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import PermissionDenied
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.people import PersonInput

D = dt.date

# ---------------------------------------------------------------- settings


def test_defaults_are_the_contact_details_on_the_plans_back_page(services):
    cfg = services.settings.get()
    assert cfg.center_name == "金沢市市民活動サポートセンター"
    assert cfg.phone == "076-220-2026" and cfg.fax == "076-260-1178"
    assert cfg.email == "kyoudou@city.kanazawa.lg.jp"
    assert cfg.postal_code == "920-8577" and cfg.address == "金沢市広坂1丁目1番1号"


def test_admin_updates_settings_and_every_desk_sees_them(services, admin, db):
    from kyodo_desk.services.settings import SettingsService

    cfg = services.settings.get()
    saved = services.settings.update(
        admin,
        cfg.with_changes(
            phone="０７６ー２２０ー２０２７", weekly_closed_days=(0, 0, 6), email="ｋｙｏｕｄｏｕ＠example.jp"
        ),
    )
    assert saved.phone == "076-220-2027" and saved.weekly_closed_days == (0, 6) and saved.email == "kyoudou@example.jp"
    assert SettingsService(db).get() == saved  # another desk reading the same database


@pytest.mark.parametrize("who", ["staff_actor", "ict_actor"])
def test_only_admins_change_settings(services, request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.settings.update(actor, services.settings.get().with_changes(phone="076-220-2027"))
    assert services.settings.get().phone == "076-220-2026"


def test_settings_validation_names_fields(services, admin):
    cfg = services.settings.get().with_changes(
        center_name="", phone="12-34", fax="abc", email="x", postal_code="1", retention_years=0
    )
    with pytest.raises(ValidationError) as err:
        services.settings.update(admin, cfg)
    errors = err.value.errors
    assert {"center_name", "phone", "fax", "email", "postal_code", "retention_years"} <= set(errors)
    assert "「FAX番号」" in errors["fax"] and "「センター名」" in errors["center_name"]


# ---------------------------------------------------------------- calendar


def test_calendar_combines_rules_settings_and_center_days(services, admin):
    services.calendar.add_center_day(admin, D(2026, 6, 15), "館内設備点検")
    services.settings.update(admin, services.settings.get().with_changes(weekly_closed_days=(0,)))
    cal = services.calendar.calendar()
    assert cal.reason(D(2026, 6, 15)).reason == "館内設備点検"
    assert cal.reason(D(2026, 6, 22)).kind == ClosedDayKind.WEEKLY
    assert cal.reason(D(2026, 1, 2)).kind == ClosedDayKind.YEAR_END
    # Friday 2026-06-12 is open; a due date on Monday 6/15 (center day) moves to Tuesday 6/16
    assert cal.next_open_day(D(2026, 6, 15)) == D(2026, 6, 16)
    kinds = {d.kind for d in services.calendar.closed_days(D(2026, 6, 1), D(2026, 6, 30))}
    assert kinds == {ClosedDayKind.CENTER, ClosedDayKind.WEEKLY}


def test_center_days_are_listed_removed_and_not_doubled(services, admin, staff_actor):
    services.calendar.add_center_day(admin, D(2026, 11, 10), "館内清掃")
    with pytest.raises(ValidationError, match="すでに休館日"):
        services.calendar.add_center_day(admin, D(2026, 11, 10), "重複")
    with pytest.raises(PermissionDenied):
        services.calendar.add_center_day(staff_actor, D(2026, 11, 11), "x")
    assert [(d.day, d.reason) for d in services.calendar.center_days()] == [(D(2026, 11, 10), "館内清掃")]
    services.calendar.remove_center_day(admin, D(2026, 11, 10))
    assert services.calendar.center_days() == [] and not services.calendar.calendar().is_closed(D(2026, 11, 10))


# ---------------------------------------------------------------- search service


@pytest.fixture
def records(services, staff_actor):
    org = services.organizations.create(
        staff_actor, OrganizationInput(kind="neighborhood", name="金石町会", name_kana="カナイワチョウカイ")
    )
    person = services.people.create(
        staff_actor, PersonInput(name="金田 花子", name_kana="カネダ ハナコ", organization_id=org.id)
    )
    return org, person


def test_search_finds_organizations_and_people_for_staff(services, staff_actor, records):
    hits = services.search.search(staff_actor, "金")
    assert {(h.kind, h.title) for h in hits} == {("organization", "金石町会"), ("person", "金田 花子")}
    assert {h.kind_label for h in hits} == {"団体", "個人"}


def test_search_hides_people_from_ict_promoters(services, ict_actor, records):
    assert [(h.kind, h.title) for h in services.search.search(ict_actor, "金")] == [("organization", "金石町会")]
    assert services.search.search(ict_actor, "カネダ") == []


def test_scanned_code_opens_the_record(services, staff_actor, ict_actor, records):
    org, _person = records
    hit = services.search.resolve_code(staff_actor, org.code.lower())
    assert (hit.kind, hit.ref_id) == ("organization", org.id)
    assert services.search.resolve_code(ict_actor, org.code).ref_id == org.id
    assert services.search.resolve_code(staff_actor, "ORG-99999") is None
