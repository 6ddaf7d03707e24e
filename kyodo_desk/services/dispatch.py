"""Dispatch applications: intake, the status workflow, quotas, conflict-free booking, suggestions.

The service is composed of mixins, one job each: :mod:`dispatch_booking` (an advisor on a visit,
quotas, suggestions) and :mod:`dispatch_visits` (calendars, .ics, closed days); the rules that need
no database are in :mod:`dispatch_rules`, the loading of records in :mod:`dispatch_loading`."""

from __future__ import annotations

import builtins
import datetime as dt
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db import search as search_index
from kyodo_desk.db.dispatch_models import Advisor, DispatchApplication, DispatchSession, DispatchStatusChange
from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Organization, now
from kyodo_desk.domain.dispatch import TRANSITIONS, SessionStatus, Status
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError, Validator
from kyodo_desk.i18n import _
from kyodo_desk.services.advisors import AdvisorService
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.consultations import next_reference_for
from kyodo_desk.services.dispatch_booking import BookingMixin
from kyodo_desk.services.dispatch_loading import app_record, app_records
from kyodo_desk.services.dispatch_records import (  # noqa: F401  (re-exported: callers import them from here)
    ApplicationInput,
    ApplicationRecord,
    BookingConflict,
    QuotaStatus,
    SessionRecord,
    Suggestion,
)
from kyodo_desk.services.dispatch_rules import (  # noqa: F401  (re-exported: callers import them from here)
    CLOSED_FOR_EDIT,
    MAX_SESSIONS,
    check_registration,
    notice_refusal,
    require_notice_allowed,
    validate_application,
)
from kyodo_desk.services.dispatch_visits import VisitsMixin

KIND = "dispatch"


def _filtered(
    stmt, fiscal_year: int | None, status: str | None, organization_id: int | None, text: str = "", dialect: str = ""
):
    if text.strip():  # the search box's words (「すべて表示」): the applications the full-text index finds
        stmt = stmt.where(DispatchApplication.id.in_(search_index.matching_refs(dialect, KIND, text)))
    if fiscal_year is not None:
        stmt = stmt.where(DispatchApplication.fiscal_year == fiscal_year)
    if status:
        stmt = stmt.where(DispatchApplication.status == status)
    if organization_id is not None:
        stmt = stmt.where(DispatchApplication.organization_id == organization_id)
    return stmt


@conflict_retrying
class DispatchService(BookingMixin, VisitsMixin):
    def __init__(self, db: Database, settings, calendar, advisors: AdvisorService):
        # the closed-days calendar is kept as ``closed_days``: an attribute named ``calendar`` would hide
        # the calendar() method below
        self.db, self.settings, self.closed_days, self.advisors = db, settings, calendar, advisors

    # ---- applications ---------------------------------------------------------------
    def create(self, actor: Actor, data: ApplicationInput, *, request_key: str | None = None) -> ApplicationRecord:
        """*request_key* (a UUID4 the form made): a retry after a lost connection whose first try
        was stored returns that application instead of a second one."""
        require(actor, Permission.DISPATCH_EDIT)
        cfg = self.settings.get()
        validate_application(data, creating=True)
        received = data.received_on or dt.date.today()
        with self.db.write() as s:
            if request_key:
                done = s.scalar(select(DispatchApplication).where(DispatchApplication.request_key == request_key))
                if done is not None:
                    return app_record(s, done, history=True)
            org = s.get(Organization, data.organization_id)
            if org is None:
                raise ValidationError({"organization_id": _("「申請する団体」を選んでください。")})
            check_registration(cfg, org, data.dispatch_type)
            app = DispatchApplication(
                reference=next_reference_for(s, "D", received),
                fiscal_year=fiscal_year_of(received),
                organization_id=org.id,
                dispatch_type=data.dispatch_type,
                field=data.field,
                topic=data.topic.strip(),
                preferred=json.dumps([[a.isoformat(), b.isoformat()] for a, b in data.preferred]),
                venue=data.venue.strip(),
                expected_participants=data.expected_participants,
                support=",".join(data.support),
                status=Status.RECEIVED.value,
                received_on=received,
                consultation_id=data.consultation_id,
                staff_id=actor.staff_id,
                request_key=request_key or None,
            )
            s.add(app)
            s.flush()
            for n in range(1, data.sessions + 1):
                s.add(DispatchSession(application_id=app.id, number=n))
            s.add(
                DispatchStatusChange(
                    application_id=app.id, at=now(), from_status=None, to_status=app.status, staff_id=actor.staff_id
                )
            )
            search_index.index_document(
                s, KIND, app.id, title=app.topic, subtitle=org.name, code=app.reference, texts=(app.venue,)
            )
            audit(s, actor, AuditAction.CREATE, KIND, app.id)
            s.flush()
            return app_record(s, app, history=True)

    def get(self, actor: Actor, app_id: int) -> ApplicationRecord:
        require(actor, Permission.DISPATCH_EDIT)
        with self.db.read() as s:
            app = s.get(DispatchApplication, app_id)
            if app is None:
                raise NotFound(_("派遣申請が見つかりません。"))
            return app_record(s, app, history=True)

    def list(
        self,
        actor: Actor,
        *,
        fiscal_year: int | None = None,
        status: str | None = None,
        organization_id: int | None = None,
        text: str = "",
        limit: int = 500,
        offset: int = 0,
    ) -> list[ApplicationRecord]:
        """Newest first (received_on desc, then id desc, so pages never overlap); *offset*/*limit* page
        through; *text*: only the applications whose topic, group, venue or 受付番号 hold every word."""
        require(actor, Permission.DISPATCH_EDIT)
        dialect = self.db.engine.dialect.name
        stmt = _filtered(select(DispatchApplication), fiscal_year, status, organization_id, text, dialect)
        stmt = (
            stmt.order_by(DispatchApplication.received_on.desc(), DispatchApplication.id.desc())
            .offset(max(offset, 0))
            .limit(limit)
        )
        with self.db.read() as s:
            return app_records(s, builtins.list(s.scalars(stmt)))

    def count(
        self,
        actor: Actor,
        *,
        fiscal_year: int | None = None,
        status: str | None = None,
        organization_id: int | None = None,
        text: str = "",
    ) -> int:
        """How many applications list() would page through with the same filter."""
        require(actor, Permission.DISPATCH_EDIT)
        dialect = self.db.engine.dialect.name
        stmt = _filtered(
            select(func.count(DispatchApplication.id)), fiscal_year, status, organization_id, text, dialect
        )
        with self.db.read() as s:
            return int(s.scalar(stmt) or 0)

    # ---- workflow -------------------------------------------------------------------
    def record_report(
        self,
        actor: Actor,
        session_id: int,
        *,
        held: bool,
        attendance: int | None,
        summary: str,
        expected_version: int | None = None,
    ) -> int:
        """After a visit: attendance and a short summary (or that it did not take place).
        *expected_version*: the session's version the report dialog showed; when another desk
        changed the visit since (its report, booking or cancellation), the report is refused
        (StaleEdit).  Returns the session's new version."""
        require(actor, Permission.DISPATCH_EDIT)
        v = Validator()
        if held:
            if attendance is None or attendance < 0:
                v.add("attendance", _("「参加者数」を入力してください。"))
            v.required("summary", _("実施内容の要約"), summary)
        v.raise_if_any()
        try:
            with self.db.write() as s:
                sess = s.get(DispatchSession, session_id)
                if sess is None:
                    raise NotFound(_("派遣の回が見つかりません。"))
                if expected_version is not None and sess.version != expected_version:
                    raise StaleEdit(_("派遣の回"))
                sess.status = SessionStatus.HELD.value if held else SessionStatus.NO_SHOW.value
                sess.attendance, sess.report_summary = attendance, summary.strip()
                s.flush()
                audit(s, actor, AuditAction.UPDATE, KIND, sess.application_id, f"report session={sess.number}")
                return sess.version
        except StaleDataError as exc:
            raise StaleEdit(_("派遣の回")) from exc

    def change_status(
        self, actor: Actor, app_id: int, expected_version: int, new_status: str, note: str = ""
    ) -> ApplicationRecord:
        """Move the application one step; each step checks that what it needs is there."""
        require(actor, Permission.DISPATCH_EDIT)
        new_status = Status(new_status).value
        try:
            with self.db.write() as s:
                app = s.get(DispatchApplication, app_id)
                if app is None:
                    raise NotFound(_("派遣申請が見つかりません。"))
                if app.version != expected_version:
                    raise StaleEdit(_("派遣申請"))
                if new_status not in TRANSITIONS[app.status]:
                    raise ValidationError(
                        {
                            "status": _("「{a}」から「{b}」には進めません。").format(
                                a=Status(app.status).label(), b=Status(new_status).label()
                            )
                        }
                    )
                sessions = list(
                    s.scalars(
                        select(DispatchSession)
                        .where(DispatchSession.application_id == app.id)
                        .order_by(DispatchSession.number)
                    )
                )
                live = [x for x in sessions if x.status != SessionStatus.CANCELLED.value]
                if new_status == Status.DECIDED.value and any(x.advisor_id is None or x.start_at is None for x in live):
                    raise ValidationError({"status": _("派遣決定には、すべての回のアドバイザーと日時が必要です。")})
                if new_status == Status.DONE.value and any(x.start_at and x.start_at > now() for x in live):
                    raise ValidationError({"status": _("まだ実施日が来ていない回があります。")})
                if new_status == Status.REPORTED.value and any(
                    x.status == SessionStatus.PLANNED.value
                    or (x.status == SessionStatus.HELD.value and (x.attendance is None or not x.report_summary))
                    for x in live
                ):
                    raise ValidationError(
                        {"status": _("報告受領には、すべての回の参加者数と実施内容の要約が必要です。")}
                    )
                if (
                    new_status in (Status.WITHDRAWN.value, Status.REJECTED.value, Status.POSTPONED.value)
                    and not note.strip()
                ):
                    raise ValidationError(
                        {"note": _("「理由」を入力してください(取下げ・却下・延期のときに必要です)。")}
                    )
                if new_status in (Status.WITHDRAWN.value, Status.REJECTED.value):
                    for x in live:
                        if x.start_at and x.start_at > now():
                            x.status = SessionStatus.CANCELLED.value
                            x.ics_sequence += 1
                s.add(
                    DispatchStatusChange(
                        application_id=app.id,
                        at=now(),
                        from_status=app.status,
                        to_status=new_status,
                        staff_id=actor.staff_id,
                        note=note.strip()[:300],
                    )
                )
                app.status = new_status
                s.flush()
                audit(s, actor, AuditAction.UPDATE, KIND, app.id, f"status={new_status}")
                return app_record(s, app, history=True)
        except StaleDataError as exc:
            raise StaleEdit(_("派遣申請")) from exc

    # ---- corrections ----------------------------------------------------------------
    def _open_application(self, s: Session, app_id: int) -> DispatchApplication:
        app = s.get(DispatchApplication, app_id)
        if app is None:
            raise NotFound(_("派遣申請が見つかりません。"))
        if app.status in CLOSED_FOR_EDIT:
            raise ValidationError({"status": _("「{s}」の申請は修正できません。").format(s=Status(app.status).label())})
        return app

    def update_application(
        self, actor: Actor, app_id: int, expected_version: int, data: ApplicationInput
    ) -> ApplicationRecord:
        """Correct what was asked (type, field, topic, preferred dates, venue, participants, support).
        Booked visits get a new .ics SEQUENCE when the topic or venue changes, so calendars update."""
        require(actor, Permission.DISPATCH_EDIT)
        validate_application(data, creating=False)
        try:
            with self.db.write() as s:
                app = self._open_application(s, app_id)
                if app.version != expected_version:
                    raise StaleEdit(_("派遣申請"))
                org = s.get_one(Organization, app.organization_id)
                if data.dispatch_type != app.dispatch_type:
                    check_registration(self.settings.get(), org, data.dispatch_type)
                new = {
                    "dispatch_type": data.dispatch_type,
                    "field": data.field,
                    "topic": data.topic.strip(),
                    "preferred": json.dumps([[a.isoformat(), b.isoformat()] for a, b in data.preferred]),
                    "venue": data.venue.strip(),
                    "expected_participants": data.expected_participants,
                    "support": ",".join(data.support),
                }
                changed = [name for name, value in new.items() if getattr(app, name) != value]
                if not changed:
                    return app_record(s, app, history=True)
                for name in changed:
                    setattr(app, name, new[name])
                if {"topic", "venue", "dispatch_type"} & set(changed):  # all three are in the calendar entry
                    for sess in s.scalars(
                        select(DispatchSession).where(
                            DispatchSession.application_id == app.id,
                            DispatchSession.start_at.is_not(None),
                            DispatchSession.status != SessionStatus.CANCELLED.value,
                        )
                    ):
                        sess.ics_sequence += 1
                search_index.index_document(
                    s,
                    KIND,
                    app.id,
                    title=app.topic,
                    subtitle=org.name if org else "",
                    code=app.reference,
                    texts=(app.venue,),
                )
                s.flush()
                audit(s, actor, AuditAction.UPDATE, KIND, app.id, "fields=" + ",".join(changed))
                return app_record(s, app, history=True)
        except StaleDataError as exc:
            raise StaleEdit(_("派遣申請")) from exc

    def add_session(self, actor: Actor, app_id: int) -> SessionRecord:
        """One more visit for the same matter: number n+1, not yet scheduled."""
        require(actor, Permission.DISPATCH_EDIT)
        with self.db.write() as s:
            app = self._open_application(s, app_id)
            sessions = list(s.scalars(select(DispatchSession).where(DispatchSession.application_id == app.id)))
            if sum(x.status != SessionStatus.CANCELLED.value for x in sessions) >= MAX_SESSIONS:
                raise ValidationError({"sessions": _("「回数」は{n}回までです。").format(n=MAX_SESSIONS)})
            sess = DispatchSession(
                application_id=app.id,
                number=max((x.number for x in sessions), default=0) + 1,
                status=SessionStatus.PLANNED.value,
            )
            s.add(sess)
            s.flush()
            audit(s, actor, AuditAction.UPDATE, KIND, app.id, f"add session={sess.number}")
            return SessionRecord(
                sess.id,
                sess.number,
                None,
                "",
                None,
                None,
                sess.status,
                None,
                "",
                0,
                0,
                sess.ics_sequence,
                "",
                sess.version,
            )

    def cancel_session(
        self, actor: Actor, session_id: int, reason: str, *, expected_version: int | None = None
    ) -> SessionRecord:
        """Call off one visit of a series.  It stops counting against the quotas and its calendar
        entry is sent again as cancelled (SEQUENCE+1).  The reason is required and audited.
        *expected_version*: the session's version the desk showed; a visit another desk booked,
        moved or reported since is not called off unseen (StaleEdit)."""
        require(actor, Permission.DISPATCH_EDIT)
        if not reason.strip():
            raise ValidationError({"reason": _("「中止の理由」を入力してください。")})
        try:
            return self._cancel_session(actor, session_id, reason, expected_version)
        except StaleDataError as exc:
            raise StaleEdit(_("派遣の回")) from exc

    def _cancel_session(
        self, actor: Actor, session_id: int, reason: str, expected_version: int | None
    ) -> SessionRecord:
        with self.db.write() as s:
            sess = s.get(DispatchSession, session_id)
            if sess is None:
                raise NotFound(_("派遣の回が見つかりません。"))
            if expected_version is not None and sess.version != expected_version:
                raise StaleEdit(_("派遣の回"))
            app = self._open_application(s, sess.application_id)
            if sess.status != SessionStatus.PLANNED.value:
                raise ValidationError(
                    {
                        "reason": _("第{n}回は「{s}」なので中止できません。").format(
                            n=sess.number, s=SessionStatus(sess.status).label()
                        )
                    }
                )
            sess.status = SessionStatus.CANCELLED.value
            sess.ics_sequence += 1
            s.flush()
            audit(
                s,
                actor,
                AuditAction.UPDATE,
                KIND,
                app.id,
                f"cancel session={sess.number} reason={reason.strip()[:200]}",
            )
            name = s.scalar(select(Advisor.name).where(Advisor.id == sess.advisor_id)) if sess.advisor_id else ""
            return SessionRecord(
                sess.id,
                sess.number,
                sess.advisor_id,
                name or "",
                sess.start_at,
                sess.end_at,
                sess.status,
                sess.attendance,
                sess.report_summary,
                sess.fee,
                sess.travel_cost,
                sess.ics_sequence,
                sess.override_reason,
                sess.version,
            )
