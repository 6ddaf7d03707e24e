"""Booked visits as the calendars see them: the week/month calendar, an advisor's .ics (with the
visits moved to someone else since), and what the center's closed days mean for a visit."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from kyodo_desk.db.dispatch_models import DispatchApplication, DispatchSession
from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.dispatch import CANCELLED, SessionStatus
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.venue import at_center_refusal, off_site_note, venue_at_center
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, no_permission_needed, require
from kyodo_desk.services.dispatch_loading import app_record, app_records
from kyodo_desk.services.dispatch_records import ApplicationRecord, SessionRecord

if TYPE_CHECKING:
    from kyodo_desk.db.engine import Database
    from kyodo_desk.services.calendar import CalendarService
    from kyodo_desk.services.settings import SettingsService

KIND = "dispatch"


class VisitsMixin:
    """Mixed into :class:`kyodo_desk.services.dispatch.DispatchService` (uses its db, settings and
    closed-days calendar)."""

    db: Database
    settings: SettingsService
    closed_days: CalendarService

    def calendar(
        self, actor: Actor, start: dt.date, end: dt.date, *, advisor_id: int | None = None
    ) -> builtins.list[tuple[SessionRecord, ApplicationRecord]]:
        """Booked visits in [start, end] for the week/month calendar (one advisor or the center)."""
        require(actor, Permission.DISPATCH_EDIT)
        with self.db.read() as s:
            stmt = select(DispatchSession.application_id).where(
                DispatchSession.start_at >= dt.datetime.combine(start, dt.time()),
                DispatchSession.start_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()),
                DispatchSession.status != SessionStatus.CANCELLED.value,
            )
            if advisor_id is not None:
                stmt = stmt.where(DispatchSession.advisor_id == advisor_id)
            out = []
            for app in s.scalars(
                select(DispatchApplication).where(
                    DispatchApplication.id.in_(stmt), DispatchApplication.status.not_in(CANCELLED)
                )
            ):
                rec = app_record(s, app)
                out += [
                    (x, rec)
                    for x in rec.sessions
                    if x.start_at
                    and start <= x.start_at.date() <= end
                    and x.status != SessionStatus.CANCELLED.value
                    and (advisor_id is None or x.advisor_id == advisor_id)
                ]
            return sorted(out, key=lambda p: p[0].start_at or dt.datetime.min)

    @no_permission_needed("what a public closed day means for a venue on a day; no record is read")
    def closed_day_note(self, venue: str, day: dt.date) -> str:
        """What the center's closed days mean for a visit at *venue* on *day* ("" = an open day):
        at the center it cannot be booked; elsewhere it can, with a note saying so."""
        closed = self.closed_days.calendar().reason(day)
        if closed is None:
            return ""
        if venue_at_center(venue, self.settings.get().center_name):
            refusal = at_center_refusal(closed, venue)
            return refusal + (_("会場がセンターのため、この日は予約できません。") if venue.strip() else "")
        return off_site_note(closed)

    @no_permission_needed("closed-day notes for an application the caller already loaded (get() checked)")
    def session_notes(self, app: ApplicationRecord) -> dict[int, str]:
        """The closed-day note of each booked, not cancelled visit of *app* that falls on one."""
        out = {}
        for x in app.sessions:
            if x.start_at and x.status != SessionStatus.CANCELLED.value:
                note = self.closed_day_note(app.venue, x.start_at.date())
                if note:
                    out[x.id] = note
        return out

    def advisor_visits(
        self, actor: Actor, advisor_id: int, since: dt.date
    ) -> tuple[
        builtins.list[tuple[SessionRecord, ApplicationRecord]], builtins.list[tuple[SessionRecord, ApplicationRecord]]
    ]:
        """An advisor's visits from *since* on, for their .ics: (theirs now — cancelled ones included,
        so calendars drop them — , visits they had that were moved to another advisor since).  The
        moves are read from the audit rows of book() (``book session=N from_advisor=ID``)."""
        require(actor, Permission.DISPATCH_EDIT)
        start = dt.datetime.combine(since, dt.time())
        suffix = f" from_advisor={advisor_id}"
        with self.db.read() as s:
            app_ids = set(
                s.scalars(
                    select(DispatchSession.application_id).where(
                        DispatchSession.advisor_id == advisor_id, DispatchSession.start_at >= start
                    )
                )
            )
            moved: set[tuple[int, int]] = set()
            for app_id, detail in s.execute(
                select(AuditLog.entity_id, AuditLog.detail).where(
                    AuditLog.entity == KIND, AuditLog.detail.like("book session=%" + suffix)
                )
            ):
                number = detail.removeprefix("book session=").removesuffix(suffix)
                if app_id is not None and detail.endswith(suffix) and number.isdigit():
                    moved.add((app_id, int(number)))
            apps = builtins.list(
                s.scalars(
                    select(DispatchApplication)
                    .where(DispatchApplication.id.in_(app_ids | {a for a, _n in moved}))
                    .order_by(DispatchApplication.id)
                )
            )
            records = app_records(s, apps)
        current, former = [], []
        for rec in records:
            for x in rec.sessions:
                if x.start_at is None or x.end_at is None or x.start_at < start:
                    continue
                if x.advisor_id == advisor_id:
                    current.append((x, rec))
                elif (rec.id, x.number) in moved:
                    former.append((x, rec))
        return current, former
