"""Advisor dispatch: conflicts, quotas across the fiscal year, the workflow's required fields, .ics."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from icalendar import Calendar
from sqlalchemy import select

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.advisors import AdvisorInput, ExceptionDay, Window
from kyodo_desk.services.container import Services
from kyodo_desk.services.dispatch import ApplicationInput, BookingConflict
from kyodo_desk.services.ics import advisor_ics, dispatch_ics, session_uid
from kyodo_desk.services.organizations import OrganizationInput

T = dt.time


def saturday(after: dt.date) -> dt.date:
    """The first Saturday after *after* that is not a holiday (fixtures need an ordinary day)."""
    import holidays

    day = after + dt.timedelta(days=(5 - after.weekday()) % 7 or 7)
    while day in holidays.Japan(years=day.year):
        day += dt.timedelta(days=7)
    return day


def at(day: dt.date, h: int, m: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, T(h, m))


@pytest.fixture
def setup(services, admin):
    org = services.organizations.create(
        admin,
        OrganizationInput(kind="npo", name="NPO法人 かなざわ子育てサポート", name_kana="カナザワコソダテサポート"),
    )
    other = services.organizations.create(
        admin, OrganizationInput(kind="neighborhood", name="森山町会", name_kana="モリヤマチョウカイ")
    )
    advisor = services.advisors.save(
        admin,
        AdvisorInput(
            name="浅野 修",
            name_kana="アサノ オサム",
            fields=("accounting", "npo_law"),
            dispatch_types=("advisor",),
            fee=10000,
            travel_cost=1000,
            windows=(Window(1, T(18), T(21)), Window(5, T(13), T(17))),
        ),
    )  # Tue evening, Sat afternoon
    return org, other, advisor


def _app(services, actor, org, sat, **kw):
    kw.setdefault("preferred", ((at(sat, 10), at(sat, 17)),))
    kw.setdefault("venue", "公民館")
    return services.dispatch.create(
        actor,
        ApplicationInput(
            organization_id=org.id,
            dispatch_type="advisor",
            field="accounting",
            topic="会計の基礎",
            expected_participants=12,
            support=("childcare",),
            **kw,
        ),
    )


def test_suggestions_fall_inside_availability_and_preferred_dates(services, admin, setup):
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    slots = services.dispatch.suggest(admin, app.id)
    assert slots and slots[0].advisor_id == advisor.id
    assert slots[0].start == at(sat, 13) and slots[0].end == at(sat, 15)


def test_conflicts_overlap_buffer_closed_day_availability_and_override(services, admin, setup, db):
    org, other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    first = _app(services, admin, org, sat)
    services.dispatch.book(admin, first.sessions[0].id, advisor.id, at(sat, 13), at(sat, 15))
    second = _app(services, admin, other, sat, venue="金沢市市民活動サポートセンター 研修室")  # at the center
    sid = second.sessions[0].id
    with pytest.raises(BookingConflict) as err:  # 15:30 is inside the 60-minute travel buffer
        services.dispatch.book(admin, sid, advisor.id, at(sat, 15, 30), at(sat, 17))
    assert "別の派遣" in err.value.problems[0] and "60分" in err.value.problems[0]
    services.dispatch.book(admin, sid, advisor.id, at(sat, 16), at(sat, 17))  # exactly one hour later: fine
    monday = sat + dt.timedelta(days=2)
    with pytest.raises(BookingConflict) as err:
        services.dispatch.book(admin, sid, advisor.id, at(monday, 18), at(monday, 20))
    assert any("対応できる時間帯の外" in p for p in err.value.problems)
    next_sat = sat + dt.timedelta(days=7)
    services.calendar.add_center_day(admin, next_sat, "館内点検")
    with pytest.raises(BookingConflict) as err:
        services.dispatch.book(admin, sid, advisor.id, at(next_sat, 13), at(next_sat, 15))
    assert any("休館日" in p for p in err.value.problems)
    booked = services.dispatch.book(
        admin, sid, advisor.id, at(monday, 18), at(monday, 20), override_reason="講師の都合で特別に月曜"
    )
    assert booked.override_reason == "講師の都合で特別に月曜"
    with db.read() as s:
        assert s.scalar(select(AuditLog.detail).where(AuditLog.action == "override")).endswith("講師の都合で特別に月曜")


def test_exception_day_replaces_the_weekly_pattern(services, admin, setup):
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 2, 1))
    services.advisors.add_exception(admin, advisor.id, ExceptionDay(sat, available=False, reason="出張"))
    app = _app(services, admin, org, sat)
    with pytest.raises(BookingConflict):
        services.dispatch.book(admin, app.sessions[0].id, advisor.id, at(sat, 13), at(sat, 15))
    sunday = sat + dt.timedelta(days=1)
    services.advisors.add_exception(admin, advisor.id, ExceptionDay(sunday, available=True, start=T(9), end=T(12)))
    services.dispatch.book(admin, app.sessions[0].id, advisor.id, at(sunday, 9), at(sunday, 11))


def test_two_desks_booking_the_same_advisor_at_once(db_url, services, admin, setup):
    org, other, advisor = setup
    sat = saturday(dt.date(2027, 3, 1))
    apps = [_app(services, admin, org, sat), _app(services, admin, other, sat)]
    desks = [Services(Database.from_url(db_url)) for _ in range(2)]
    barrier, results = threading.Barrier(2), [None, None]

    def desk(i):
        barrier.wait()
        try:
            results[i] = desks[i].dispatch.book(admin, apps[i].sessions[0].id, advisor.id, at(sat, 13), at(sat, 15))
        except BookingConflict as exc:
            results[i] = exc

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(2)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(type(r).__name__ for r in results) == ["BookingConflict", "SessionRecord"]
    for d in desks:
        d.db.dispose()


def test_organization_quota_counts_per_fiscal_year(services, admin, setup):
    org, _other, advisor = setup
    services.settings.update(admin, services.settings.get().with_changes(dispatch_quota_per_organization=2))
    march = [saturday(dt.date(2027, 3, 1)), saturday(dt.date(2027, 3, 15))]
    for day in march:
        app = _app(services, admin, org, day)
        services.dispatch.book(admin, app.sessions[0].id, advisor.id, at(day, 13), at(day, 15))
    assert services.dispatch.organization_quota(admin, org.id, 2026).remaining == 0
    assert services.dispatch.organization_quota(admin, org.id, 2027).remaining == 2
    late_march = saturday(dt.date(2027, 3, 22))
    app = _app(services, admin, org, late_march)
    with pytest.raises(BookingConflict) as err:
        services.dispatch.book(admin, app.sessions[0].id, advisor.id, at(late_march, 13), at(late_march, 15))
    assert any("上限(2回)" in p for p in err.value.problems)
    april = saturday(dt.date(2027, 4, 1))  # new fiscal year: allowed again
    services.dispatch.book(admin, app.sessions[0].id, advisor.id, at(april, 13), at(april, 15))


def test_workflow_requires_what_each_step_needs(services, admin, setup):
    org, _other, advisor = setup
    past = saturday(dt.date(2026, 6, 1))
    app = _app(services, admin, org, past, sessions=2)
    with pytest.raises(ValidationError) as err:
        services.dispatch.change_status(admin, app.id, app.version, "decided")
    assert "アドバイザーと日時" in err.value.errors["status"]
    for n, sess in enumerate(app.sessions):
        day = past + dt.timedelta(days=7 * n)
        services.dispatch.book(admin, sess.id, advisor.id, at(day, 13), at(day, 15), override_reason="過去の記録の入力")
    app = services.dispatch.change_status(admin, app.id, app.version, "decided")
    app = services.dispatch.change_status(admin, app.id, app.version, "done")
    services.dispatch.record_report(admin, app.sessions[0].id, held=True, attendance=15, summary="決算書の作り方を説明")
    with pytest.raises(ValidationError) as err:
        services.dispatch.change_status(admin, app.id, app.version, "reported")
    assert "参加者数" in err.value.errors["status"]
    with pytest.raises(ValidationError):
        services.dispatch.record_report(admin, app.sessions[1].id, held=True, attendance=None, summary="")
    services.dispatch.record_report(admin, app.sessions[1].id, held=False, attendance=None, summary="")
    app = services.dispatch.change_status(admin, app.id, app.version, "reported")
    app = services.dispatch.change_status(admin, app.id, app.version, "completed")
    assert [h[2] for h in app.history] == ["received", "decided", "done", "reported", "completed"]
    assert all(h[3] == "山田 花子" for h in app.history)
    with pytest.raises(ValidationError):
        services.dispatch.change_status(admin, app.id, app.version, "scheduling")


def test_withdrawal_needs_a_reason_and_registration_can_be_required(services, admin, setup):
    org, other, _advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    with pytest.raises(ValidationError) as err:
        services.dispatch.change_status(admin, app.id, app.version, "withdrawn")
    assert "理由" in err.value.errors["note"]
    services.settings.update(
        admin, services.settings.get().with_changes(dispatch_types_requiring_registration=("advisor",))
    )
    with pytest.raises(ValidationError) as err:
        _app(services, admin, other, sat)
    assert "協働をすすめる市民団体" in err.value.errors["organization_id"]


def test_ics_has_stable_uid_and_rising_sequence(services, admin, setup):
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    sid = app.sessions[0].id
    services.dispatch.book(admin, sid, advisor.id, at(sat, 13), at(sat, 15))
    first = Calendar.from_ical(dispatch_ics(services.dispatch.get(admin, app.id), "センター"))
    services.dispatch.book(admin, sid, advisor.id, at(sat, 14), at(sat, 16))
    second = Calendar.from_ical(dispatch_ics(services.dispatch.get(admin, app.id), "センター"))
    (e1,), (e2,) = first.walk("VEVENT"), second.walk("VEVENT")
    assert str(e1["UID"]) == str(e2["UID"]) == session_uid(sid)
    assert int(e2["SEQUENCE"]) == int(e1["SEQUENCE"]) + 1
    assert e2.decoded("DTSTART").hour == 14 and "NPO法人 かなざわ子育てサポート" in str(e2["SUMMARY"])
    assert "託児" in str(e2["DESCRIPTION"])
    app = services.dispatch.get(admin, app.id)
    services.dispatch.change_status(admin, app.id, app.version, "withdrawn", "団体の都合")
    cal = Calendar.from_ical(advisor_ics(services, admin, advisor.id, today=dt.date(2027, 1, 1)))
    (e3,) = cal.walk("VEVENT")
    assert str(e3["STATUS"]) == "CANCELLED" and int(e3["SEQUENCE"]) > int(e2["SEQUENCE"])


def test_removing_an_exception_restores_the_weekly_pattern(services, admin, setup):
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 2, 1))
    services.advisors.add_exception(admin, advisor.id, ExceptionDay(sat, available=False, reason="出張"))
    assert [e.day for e in services.advisors.get(admin, advisor.id).exceptions] == [sat]
    services.advisors.remove_exception(admin, advisor.id, sat)
    assert services.advisors.get(admin, advisor.id).exceptions == ()
    app = _app(services, admin, org, sat)
    services.dispatch.book(admin, app.sessions[0].id, advisor.id, at(sat, 13), at(sat, 15))  # Saturday afternoon again


def test_calendar_lists_booked_visits_per_advisor_and_for_the_center(services, admin, setup):
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    services.dispatch.book(admin, app.sessions[0].id, advisor.id, at(sat, 13), at(sat, 15))
    week = (sat - dt.timedelta(days=5), sat + dt.timedelta(days=1))
    center = services.dispatch.calendar(admin, *week)
    assert [(s.start_at, a.reference) for s, a in center] == [(at(sat, 13), app.reference)]
    assert len(services.dispatch.calendar(admin, *week, advisor_id=advisor.id)) == 1
    assert services.dispatch.calendar(admin, sat + dt.timedelta(days=1), sat + dt.timedelta(days=7)) == []
