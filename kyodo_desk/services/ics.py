"""iCalendar (.ics) files of dispatches, so advisors can put them in their calendars.

Each visit has a stable UID (``dispatch-session-<id>@kyodo-desk``) and a SEQUENCE that goes up
whenever its time, advisor or status changes, so calendar apps update the event instead of adding
a second one; a cancelled visit is sent with STATUS:CANCELLED (RFC 5546 PUBLISH: the same UID with
a higher SEQUENCE).  An advisor's file also carries, as CANCELLED, the visits moved from them to
another advisor, so their calendar drops the stale event.  Times are local to Asia/Tokyo with the
VTIMEZONE that defines it in every file.  Built with the ``icalendar`` package (RFC 5545
escaping, folding and time zones done right).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneStandard

from kyodo_desk.domain.dispatch import DispatchType, Field, SessionStatus
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor
from kyodo_desk.services.dispatch import ApplicationRecord, SessionRecord

TOKYO = ZoneInfo("Asia/Tokyo")


def session_uid(session_id: int) -> str:
    return f"dispatch-session-{session_id}@kyodo-desk"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Kyodo Desk//金沢市市民活動サポートセンター//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Tokyo")
    cal.add_component(_tokyo())
    return cal


def _tokyo() -> Timezone:
    """VTIMEZONE for Asia/Tokyo: JST, UTC+9 all year (no daylight saving since 1951), so one
    STANDARD rule is exact for every date an event can have."""
    tz = Timezone()
    tz.add("tzid", "Asia/Tokyo")
    std = TimezoneStandard()
    std.add("dtstart", dt.datetime(1970, 1, 1))
    std.add("tzoffsetfrom", dt.timedelta(hours=9))
    std.add("tzoffsetto", dt.timedelta(hours=9))
    std.add("tzname", "JST")
    tz.add_component(std)
    return tz


def _event(
    app: ApplicationRecord, sess: SessionRecord, center_name: str, stamp: dt.datetime, *, moved: bool = False
) -> Event:
    """*moved*: the visit went to another advisor — sent as CANCELLED in the former advisor's file."""
    assert sess.start_at is not None and sess.end_at is not None, "only booked visits become events"
    ev = Event()
    ev.add("uid", session_uid(sess.id))
    ev.add("sequence", sess.ics_sequence)
    ev.add("dtstamp", stamp.astimezone(dt.UTC))
    ev.add("dtstart", sess.start_at.replace(tzinfo=TOKYO))
    ev.add("dtend", sess.end_at.replace(tzinfo=TOKYO))
    ev.add(
        "summary",
        _("{type}: {org}「{topic}」").format(
            type=DispatchType(app.dispatch_type).label(), org=app.organization_name, topic=app.topic
        ),
    )
    if app.venue:
        ev.add("location", app.venue)
    lines = [
        _("受付番号: {ref}({n}回目)").format(ref=app.reference, n=sess.number),
        _("分野: {f}").format(f=Field(app.field).label()),
        _("参加予定: {n}人").format(n=app.expected_participants),
    ]
    if app.support:
        lines.append(_("参加サポート: {s}").format(s=app.support_label))
    if moved:
        lines.append(_("この回は別のアドバイザーの担当に変わりました。"))
    lines.append(center_name)
    ev.add("description", "\n".join(lines))
    cancelled = moved or sess.status == SessionStatus.CANCELLED.value or app.status in ("withdrawn", "rejected")
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return ev


def dispatch_ics(app: ApplicationRecord, center_name: str, *, stamp: dt.datetime | None = None) -> bytes:
    """All booked visits of one application."""
    stamp = stamp or dt.datetime.now(TOKYO)
    cal = _calendar(_("派遣 {ref}").format(ref=app.reference))
    for sess in app.sessions:
        if sess.start_at and sess.end_at:
            cal.add_component(_event(app, sess, center_name, stamp))
    return cal.to_ical()


def advisor_ics(
    services, actor: Actor, advisor_id: int, *, today: dt.date | None = None, stamp: dt.datetime | None = None
) -> bytes:
    """Every upcoming visit of one advisor (including ones cancelled since, so they disappear), and
    as CANCELLED the upcoming visits moved from this advisor to another one."""
    today = today or dt.date.today()
    stamp = stamp or dt.datetime.now(TOKYO)
    advisor = services.advisors.get(actor, advisor_id)
    center = services.settings.get().center_name
    cal = _calendar(_("{name} さんの派遣予定").format(name=advisor.name))
    current, moved = services.dispatch.advisor_visits(actor, advisor_id, today)
    for sess, app in current:
        cal.add_component(_event(app, sess, center, stamp))
    for sess, app in moved:
        cal.add_component(_event(app, sess, center, stamp, moved=True))
    return cal.to_ical()
