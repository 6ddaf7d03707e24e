"""Closed days and calendars (issue 15): reservation pick-up/return dates, the center's closed days
only for visits at the center (a note elsewhere), .ics with VTIMEZONE and CANCELLED entries for a
moved or cancelled visit (read back with a second, independent parser), the 派遣決定通知書 only
once decided, and attendance in the dispatch statistics."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest
from ical.calendar_stream import IcsCalendarStream
from ical.event import EventStatus
from icalendar import Calendar
from pypdf import PdfReader

from kyodo_desk.documents.statistics import build_statistics_pdf
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.advisors import AdvisorInput, Window
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.desk_documents import DeskDocuments
from kyodo_desk.services.dispatch import ApplicationInput, BookingConflict, notice_refusal
from kyodo_desk.services.ics import advisor_ics, dispatch_ics, session_uid
from kyodo_desk.services.organizations import OrganizationInput
from tests.services.test_lending import lending  # noqa: F401  (fixture)

TODAY = dt.date.today()
NEXT_YEAR = TODAY.year + 1
CENTER = "金沢市市民活動サポートセンター"
TOKYO_OFFSET = dt.timedelta(hours=9)


# ---- 1. reservations ---------------------------------------------------------------------------
def test_reservation_pick_up_or_return_on_a_closed_day_is_refused_like_a_due_date(services, admin, lending):
    _model, devices, org, _other = lending
    cal = services.calendar
    closed = cal.calendar().next_open_day(TODAY + dt.timedelta(days=10))
    cal.add_center_day(admin, closed, "館内点検")
    after = cal.calendar().next_open_day(closed)
    before = closed - dt.timedelta(days=1)
    while cal.calendar().is_closed(before):
        before -= dt.timedelta(days=1)
    assert before > TODAY

    with pytest.raises(ValidationError) as err:  # picking up on the closed day
        services.reservations.create(admin, org.id, closed, after, [devices[0].id])
    assert err.value.errors["start_on"] == f"「開始日」{closed:%m/%d} は休館日です。{after:%m/%d} はいかがですか。"
    assert "end_on" not in err.value.errors
    with pytest.raises(ValidationError) as err:  # returning on it
        services.reservations.create(admin, org.id, before, closed, [devices[0].id])
    assert err.value.errors["end_on"] == f"「終了日」{closed:%m/%d} は休館日です。{after:%m/%d} はいかがですか。"
    assert services.reservations.active(admin) == []

    # 年末年始 (12/31–1/2 was accepted before): refused, the first open day of January offered
    new_year_eve = dt.date(TODAY.year if TODAY < dt.date(TODAY.year, 12, 31) else NEXT_YEAR, 12, 31)
    with pytest.raises(ValidationError) as err:
        services.reservations.create(admin, org.id, new_year_eve, new_year_eve + dt.timedelta(days=2), [devices[0].id])
    first_open = cal.calendar().next_open_day(new_year_eve)
    assert first_open.month == 1 and first_open.day >= 4
    assert f"{first_open:%m/%d} はいかがですか" in err.value.errors["start_on"]
    assert "「終了日」01/02 は休館日です" in err.value.errors["end_on"]

    # open days on both ends: accepted
    res = services.reservations.create(admin, org.id, before, after, [devices[0].id])
    assert (res.start_on, res.end_on) == (before, after)


# ---- 2. the center's closed days and off-site visits ----------------------------------------
@pytest.fixture
def dispatch_world(services, admin):
    services.settings.update(
        admin,
        services.settings.get().with_changes(
            weekly_closed_days=(0,), dispatch_quota_per_organization=20, center_name=CENTER
        ),
    )  # closed on Mondays
    org = services.organizations.create(
        admin, OrganizationInput(kind="neighborhood", name="森山町会", name_kana="モリヤマチョウカイ")
    )
    every_day = tuple(Window(d, dt.time(9), dt.time(21)) for d in range(7))
    a, b = (
        services.advisors.save(
            admin,
            AdvisorInput(
                name=name, name_kana=kana, fields=("accounting", "ict"), dispatch_types=("advisor",), windows=every_day
            ),
        )
        for name, kana in (("浅野 修", "アサノ オサム"), ("北村 葵", "キタムラ アオイ"))
    )
    return org, a, b


def _app(services, admin, org, venue, *, sessions=1, field="accounting"):
    return services.dispatch.create(
        admin,
        ApplicationInput(
            organization_id=org.id,
            dispatch_type="advisor",
            field=field,
            topic="町会の会計",
            venue=venue,
            expected_participants=20,
            sessions=sessions,
        ),
    )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def _ordinary_monday(services) -> dt.date:
    day = dt.date(NEXT_YEAR, 6, 1)
    day += dt.timedelta(days=(7 - day.weekday()) % 7)
    cal = services.calendar.calendar()
    while cal.reason(day) is None or cal.reason(day).kind.value != "weekly":
        day += dt.timedelta(days=7)
    return day


def test_off_site_visit_on_a_holiday_or_the_weekly_closing_day_is_booked_with_a_note(services, admin, dispatch_world):
    org, advisor, _b = dispatch_world
    culture_day = dt.date(NEXT_YEAR, 11, 3)
    monday = _ordinary_monday(services)
    hall = _app(services, admin, org, "森山町会 集会所", sessions=2)
    first = services.dispatch.book(admin, hall.sessions[0].id, advisor.id, _at(culture_day, 10), _at(culture_day, 12))
    second = services.dispatch.book(admin, hall.sessions[1].id, advisor.id, _at(monday, 10), _at(monday, 12))
    assert first.override_reason == second.override_reason == ""  # booked without any rule broken
    holiday_note = "祝日(文化の日)です。会場はセンター外のため予約できます。"
    weekly_note = "センターの定休日です。会場はセンター外のため予約できます。"
    assert services.dispatch.closed_day_note("森山町会 集会所", culture_day) == holiday_note
    assert services.dispatch.session_notes(services.dispatch.get(admin, hall.id)) == {
        first.id: holiday_note,
        second.id: weekly_note,
    }
    assert services.dispatch.closed_day_note("森山町会 集会所", monday + dt.timedelta(days=1)) == ""
    # suggestions no longer skip the holiday for a visit elsewhere
    wished = _app(services, admin, org, "公民館")
    services.dispatch.update_application(
        admin,
        wished.id,
        wished.version,
        ApplicationInput(
            organization_id=org.id,
            dispatch_type="advisor",
            field="accounting",
            topic="町会の会計",
            venue="公民館",
            preferred=((_at(culture_day, 13), _at(culture_day, 17)),),
        ),
    )
    assert {s.start.date() for s in services.dispatch.suggest(admin, wished.id)} == {culture_day}


@pytest.mark.parametrize(
    "venue",
    [f"{CENTER} 会議室", "金沢市　市民活動サポートセンター　研修室", "２階 ﾎｰﾙ(金沢市市民活動サポートセンター)"],
)
def test_a_visit_at_the_center_is_refused_on_its_closed_days(services, admin, dispatch_world, venue):
    org, advisor, _b = dispatch_world
    culture_day = dt.date(NEXT_YEAR, 11, 3)
    app = _app(services, admin, org, venue)
    with pytest.raises(BookingConflict) as err:
        services.dispatch.book(admin, app.sessions[0].id, advisor.id, _at(culture_day, 10), _at(culture_day, 12))
    assert err.value.problems == ["11/03 は休館日です(文化の日)。"]
    monday = _ordinary_monday(services)
    with pytest.raises(BookingConflict) as err:
        services.dispatch.book(admin, app.sessions[0].id, advisor.id, _at(monday, 10), _at(monday, 12))
    assert err.value.problems == [f"{monday:%m/%d} は休館日です(定休日)。"]
    assert "予約できません" in services.dispatch.closed_day_note(venue, monday)


def test_a_visit_with_no_venue_yet_is_treated_as_at_the_center_and_says_how_to_book_it(services, admin, dispatch_world):
    org, advisor, _b = dispatch_world
    day = services.calendar.calendar().next_open_day(dt.date(NEXT_YEAR, 6, 1)) + dt.timedelta(days=0)
    services.calendar.add_center_day(admin, day, "館内点検")
    app = _app(services, admin, org, "")
    with pytest.raises(BookingConflict) as err:
        services.dispatch.book(admin, app.sessions[0].id, advisor.id, _at(day, 10), _at(day, 12))
    assert err.value.problems == [
        f"{day:%m/%d} は休館日です(館内点検)。会場がセンター外なら、申請の「会場」を入力すると予約できます。"
    ]
    elsewhere = _app(services, admin, org, "森山町会 集会所")
    services.dispatch.book(admin, elsewhere.sessions[0].id, advisor.id, _at(day, 10), _at(day, 12))
    assert services.dispatch.closed_day_note("森山町会 集会所", day) == (
        "センターの休館日(館内点検)です。会場はセンター外のため予約できます。"
    )


# ---- 3. .ics ---------------------------------------------------------------------------------
def _parse(data: bytes):
    """Both parsers: icalendar (the writer's own library) and ical, an independent strict RFC 5545 one."""
    return Calendar.from_ical(data), IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))


def _events(data: bytes) -> dict[str, tuple[str, int]]:
    """UID → (STATUS, SEQUENCE), from the independent parser; also checks the time zone."""
    _ours, strict = _parse(data)
    (tz,) = strict.timezones
    assert tz.tz_id == "Asia/Tokyo" and [r.tz_offset_to.offset for r in tz.standard] == [TOKYO_OFFSET]
    assert tz.daylight == []
    out = {}
    for ev in strict.events:
        assert ev.uid not in out, "one event per visit"
        assert ev.dtstart.utcoffset() == TOKYO_OFFSET
        out[ev.uid] = (ev.status.value if ev.status else "", ev.sequence)
    return out


def test_ics_has_a_tokyo_vtimezone_and_places_the_event_at_the_right_instant(services, admin, dispatch_world):
    org, advisor, _b = dispatch_world
    day = services.calendar.calendar().next_open_day(dt.date(NEXT_YEAR, 6, 2))
    app = _app(services, admin, org, "公民館")
    services.dispatch.book(admin, app.sessions[0].id, advisor.id, _at(day, 18), _at(day, 20))
    data = dispatch_ics(services.dispatch.get(admin, app.id), CENTER)
    ours, strict = _parse(data)
    assert [c.name for c in ours.subcomponents][:2] == ["VTIMEZONE", "VEVENT"]  # defined before it is used
    (ev,) = strict.events
    assert ev.dtstart.astimezone(dt.UTC) == dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)  # 18:00 JST
    assert ev.dtend.astimezone(dt.UTC) == dt.datetime.combine(day, dt.time(11), tzinfo=dt.UTC)
    assert b"DTSTART;TZID=Asia/Tokyo:" in data and _events(data)


def test_a_reassigned_or_cancelled_visit_is_sent_as_cancelled_in_the_old_advisors_file(services, admin, dispatch_world):
    org, a, b = dispatch_world
    day = services.calendar.calendar().next_open_day(dt.date(NEXT_YEAR, 6, 2))
    since = day - dt.timedelta(days=1)
    app = _app(services, admin, org, "公民館", sessions=2)
    moved, kept = app.sessions
    services.dispatch.book(admin, moved.id, a.id, _at(day, 10), _at(day, 12))
    services.dispatch.book(admin, kept.id, a.id, _at(day, 15), _at(day, 17))
    before = _events(advisor_ics(services, admin, a.id, today=since))
    assert before == {session_uid(moved.id): ("CONFIRMED", 1), session_uid(kept.id): ("CONFIRMED", 1)}

    services.dispatch.book(admin, moved.id, b.id, _at(day, 10), _at(day, 12))  # A → B
    in_a = _events(advisor_ics(services, admin, a.id, today=since))
    in_b = _events(advisor_ics(services, admin, b.id, today=since))
    assert in_a[session_uid(moved.id)] == ("CANCELLED", 2)  # same UID, higher SEQUENCE: A's calendar drops it
    assert in_a[session_uid(kept.id)] == ("CONFIRMED", 1)
    assert in_b == {session_uid(moved.id): ("CONFIRMED", 2)}
    events = Calendar.from_ical(advisor_ics(services, admin, a.id, today=since)).walk("VEVENT")
    description = next(str(e["DESCRIPTION"]) for e in events if str(e["UID"]) == session_uid(moved.id))
    assert "別のアドバイザーの担当に変わりました" in description

    services.dispatch.cancel_session(admin, kept.id, "団体の都合")  # cancelled: CANCELLED too
    assert _events(advisor_ics(services, admin, a.id, today=since))[session_uid(kept.id)] == ("CANCELLED", 2)

    services.dispatch.book(admin, moved.id, a.id, _at(day, 10), _at(day, 12))  # back to A: confirmed again, once
    in_a = _events(advisor_ics(services, admin, a.id, today=since))
    assert in_a[session_uid(moved.id)] == ("CONFIRMED", 3)
    assert _events(advisor_ics(services, admin, b.id, today=since)) == {session_uid(moved.id): ("CANCELLED", 3)}
    # past visits stay out of the file
    assert _events(advisor_ics(services, admin, a.id, today=day + dt.timedelta(days=1))) == {}
    strict = IcsCalendarStream.calendar_from_ics(advisor_ics(services, admin, b.id, today=since).decode())
    assert strict.events[0].status is EventStatus.CANCELLED


# ---- 4. the decision notice ------------------------------------------------------------------
def test_the_decision_notice_is_refused_until_the_dispatch_is_decided(services, admin, dispatch_world):
    org, advisor, _b = dispatch_world
    day = services.calendar.calendar().next_open_day(dt.date(NEXT_YEAR, 6, 2))
    app = _app(services, admin, org, "公民館")
    services.dispatch.book(admin, app.sessions[0].id, advisor.id, _at(day, 10), _at(day, 12))
    docs = DeskDocuments(services)
    with pytest.raises(ServiceError, match=re.escape("「派遣決定」になってから印刷できます(いまは「申請受付」)")):
        docs.dispatch_notice(admin, app.id)
    app = services.dispatch.change_status(admin, app.id, services.dispatch.get(admin, app.id).version, "scheduling")
    with pytest.raises(ServiceError, match="いまは「日程調整中」"):
        docs.dispatch_notice(admin, app.id)
    app = services.dispatch.change_status(admin, app.id, app.version, "decided")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(docs.dispatch_notice(admin, app.id))).pages)
    assert "派遣決定通知書" in text and app.reference in text and "浅野 修 氏" in text
    # still valid after the visit and its report; not after a withdrawal or while postponed
    allowed = {s: notice_refusal(dataclasses.replace(app, status=s)) == "" for s in ("done", "reported", "completed")}
    assert allowed == {"done": True, "reported": True, "completed": True}
    assert all(notice_refusal(dataclasses.replace(app, status=s)) for s in ("withdrawn", "rejected", "postponed"))


# ---- 5. attendance in the statistics ---------------------------------------------------------
def test_dispatch_statistics_count_attendance_total_and_average_per_held_visit(services, admin, dispatch_world):
    org, advisor, _b = dispatch_world
    cal = services.calendar.calendar()
    june = [cal.next_open_day(dt.date(NEXT_YEAR, 6, d)) for d in (3, 10, 17)]
    july = cal.next_open_day(dt.date(NEXT_YEAR, 7, 8))
    accounting = _app(services, admin, org, "公民館", sessions=3)
    ict = _app(services, admin, org, "公民館", field="ict")
    visits = [*zip(accounting.sessions, june), (ict.sessions[0], july)]
    for sess, day in visits:
        services.dispatch.book(admin, sess.id, advisor.id, _at(day, 10), _at(day, 12))
    (s1, _d1), (s2, _d2), (s3, _d3), (s4, _d4) = visits
    services.dispatch.record_report(admin, s1.id, held=True, attendance=10, summary="決算書の読み方")
    services.dispatch.record_report(admin, s2.id, held=True, attendance=15, summary="予算の立て方")
    services.dispatch.record_report(admin, s3.id, held=False, attendance=None, summary="")  # 不在: not counted
    services.dispatch.record_report(admin, s4.id, held=True, attendance=7, summary="タブレット講習")
    stats = services.dispatch_stats.statistics(admin, NEXT_YEAR)
    rows = {(r.section, r.label): r.values for r in stats.rows}
    june_col, july_col = 2, 3  # April is column 0
    total = rows[("参加者数(人)", "参加者数の合計")]
    assert (total[june_col], total[july_col], total[-1]) == (25, 7, 32)
    assert rows[("参加者数(人)", "参加者数を記録した回")][-1] == 3
    average = rows[("参加者数の平均(人)", "実施1回あたりの平均")]
    assert (average[june_col], average[july_col], average[-1]) == (13, 7, 11)  # 12.5 → 13; 32 / 3 → 11
    assert average[0] is None  # April: no visit held, no average (not 0)
    assert rows[("分野別の参加者数(人)", "会計・税務")][-1] == 25 and rows[("分野別の参加者数(人)", "ICT")][-1] == 7

    pdf = PdfReader(io.BytesIO(build_statistics_pdf(stats, services.settings.get())))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "参加者数の合計" in text and "実施1回あたりの平均" in text and "平均" in text
    assert "参加者数の平均は、参加者数を記録した実施1回あたりの人数です" in text
    assert "13%" not in text  # an average of people, not a percentage
