"""Dispatch booking rules: quotas, conflict checks, booking with an audited override, and slot
suggestions — the half of DispatchService that decides whether a visit can take place."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.dispatch_models import Advisor, DispatchApplication, DispatchSession
from kyodo_desk.domain.dispatch import CANCELLED, DispatchType, SessionStatus, TimeRange
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.fiscal import fiscal_year_of, fiscal_year_range
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.venue import at_center_refusal, venue_at_center
from kyodo_desk.i18n import _
from kyodo_desk.services.advisors import advisor_record, windows_on
from kyodo_desk.services.base import Actor, NotFound, ServiceError, StaleEdit, audit, require
from kyodo_desk.services.dispatch_records import BookingConflict, QuotaStatus, SessionRecord, Suggestion

KIND = "dispatch"

if TYPE_CHECKING:
    from kyodo_desk.db.engine import Database
    from kyodo_desk.services.calendar import CalendarService
    from kyodo_desk.services.settings import SettingsService


class StaleBooking(StaleEdit):
    """Another desk booked or changed this visit after this desk showed it."""

    def __init__(self, sess: DispatchSession | None):
        if sess is not None and sess.start_at is not None:
            now = sess.start_at.strftime("%m/%d %H:%M")
        else:
            now = _("日時未定")
        ServiceError.__init__(
            self,
            _(
                "この回の日程は、開いた後に別の窓口で予約または変更されました(いまの日時: {now})。"
                "予約していません(入力内容は残してあります)。開き直して確かめてから、もう一度予約してください。"
            ).format(now=now),
        )


class BookingMixin:
    """Mixed into :class:`kyodo_desk.services.dispatch.DispatchService` (uses its db, settings,
    closed-days calendar)."""

    db: Database
    settings: SettingsService
    closed_days: CalendarService

    # ---- quotas ---------------------------------------------------------------------
    def _org_used(self, s: Session, organization_id: int, fiscal_year: int, exclude_session: int | None = None) -> int:
        first, last = fiscal_year_range(fiscal_year)
        stmt = (
            select(func.count())
            .select_from(DispatchSession)
            .join(DispatchApplication, DispatchApplication.id == DispatchSession.application_id)
            .where(
                DispatchApplication.organization_id == organization_id,
                DispatchApplication.status.not_in(CANCELLED),
                DispatchSession.start_at >= dt.datetime.combine(first, dt.time()),
                DispatchSession.start_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
                DispatchSession.status != SessionStatus.CANCELLED.value,
            )
        )
        if exclude_session is not None:
            stmt = stmt.where(DispatchSession.id != exclude_session)
        return s.scalar(stmt) or 0

    def _advisor_month_used(self, s: Session, advisor_id: int, day: dt.date, exclude_session: int | None = None) -> int:
        first = dt.datetime(day.year, day.month, 1)
        nxt = dt.datetime(day.year + (day.month == 12), day.month % 12 + 1, 1)
        stmt = (
            select(func.count())
            .select_from(DispatchSession)
            .join(DispatchApplication, DispatchApplication.id == DispatchSession.application_id)
            .where(
                DispatchSession.advisor_id == advisor_id,
                DispatchSession.start_at >= first,
                DispatchSession.start_at < nxt,
                DispatchSession.status != SessionStatus.CANCELLED.value,
                DispatchApplication.status.not_in(CANCELLED),
            )
        )
        if exclude_session is not None:
            stmt = stmt.where(DispatchSession.id != exclude_session)
        return s.scalar(stmt) or 0

    def organization_quota(self, actor: Actor, organization_id: int, fiscal_year: int) -> QuotaStatus:
        """Shown while scheduling: visits booked this fiscal year against the yearly limit."""
        require(actor, Permission.DISPATCH_EDIT)
        with self.db.read() as s:
            return QuotaStatus(
                self._org_used(s, organization_id, fiscal_year), self.settings.get().dispatch_quota_per_organization
            )

    def advisor_quota(self, actor: Actor, advisor_id: int, day: dt.date) -> QuotaStatus:
        require(actor, Permission.DISPATCH_EDIT)
        with self.db.read() as s:
            return QuotaStatus(
                self._advisor_month_used(s, advisor_id, day), self.settings.get().dispatch_quota_per_advisor_month
            )

    # ---- booking --------------------------------------------------------------------
    def booking_problems(
        self,
        s: Session,
        advisor: Advisor,
        app: DispatchApplication,
        start: dt.datetime,
        end: dt.datetime,
        exclude_session: int | None,
    ) -> list[str]:
        """Every rule this booking breaks, in Japanese (empty = fine)."""
        cfg = self.settings.get()
        problems = []
        if end <= start:
            return [_("終了時刻は開始時刻より後にしてください。")]
        if not advisor.active:
            problems.append(_("{name} さんは現在派遣を休止しています。").format(name=advisor.name))
        if app.dispatch_type not in advisor.dispatch_types.split(","):
            problems.append(
                _("{name} さんは「{type}」を担当していません。").format(
                    name=advisor.name, type=DispatchType(app.dispatch_type).label()
                )
            )
        closed = self.closed_days.calendar().reason(start.date())
        if closed and venue_at_center(app.venue, cfg.center_name):  # a 町会 hall is open on the center's closed days
            problems.append(at_center_refusal(closed, app.venue))
        windows = windows_on(advisor_record(s, advisor), start.date())
        if not any(a <= start.time() and end.time() <= b for a, b in windows) or start.date() != end.date():
            shown = "、".join(f"{a:%H:%M}〜{b:%H:%M}" for a, b in windows) or _("なし")
            problems.append(
                _("{name} さんの対応できる時間帯の外です(この日: {windows})。").format(name=advisor.name, windows=shown)
            )
        buffer = dt.timedelta(minutes=cfg.dispatch_travel_buffer_minutes)
        mine = TimeRange(start, end)
        stmt = (
            select(DispatchSession.start_at, DispatchSession.end_at, DispatchApplication.reference)
            .join(DispatchApplication, DispatchApplication.id == DispatchSession.application_id)
            .where(
                DispatchSession.advisor_id == advisor.id,
                DispatchSession.start_at.is_not(None),
                DispatchSession.status != SessionStatus.CANCELLED.value,
                DispatchApplication.status.not_in(CANCELLED),
                DispatchSession.start_at < end + buffer,
                DispatchSession.end_at > start - buffer,
            )
        )
        if exclude_session is not None:
            stmt = stmt.where(DispatchSession.id != exclude_session)
        for other_start, other_end, ref in s.execute(stmt):
            assert other_start is not None and other_end is not None  # the query selects booked visits only
            if mine.overlaps(TimeRange(other_start, other_end), buffer):
                problems.append(
                    _("{name} さんは {s}〜{e} に別の派遣({ref})があります(移動の余裕 {m}分を含む)。").format(
                        name=advisor.name,
                        s=other_start.strftime("%m/%d %H:%M"),
                        e=other_end.strftime("%H:%M"),
                        ref=ref,
                        m=cfg.dispatch_travel_buffer_minutes,
                    )
                )
        used = self._advisor_month_used(s, advisor.id, start.date(), exclude_session)
        if used >= cfg.dispatch_quota_per_advisor_month:
            problems.append(
                _("{name} さんの{m}月の派遣は上限({n}回)に達しています。").format(
                    name=advisor.name, m=start.month, n=cfg.dispatch_quota_per_advisor_month
                )
            )
        org_used = self._org_used(s, app.organization_id, fiscal_year_of(start.date()), exclude_session)
        if org_used >= cfg.dispatch_quota_per_organization:
            problems.append(
                _("この団体の{fy}年度の派遣は上限({n}回)に達しています。").format(
                    fy=fiscal_year_of(start.date()), n=cfg.dispatch_quota_per_organization
                )
            )
        return problems

    def book(
        self,
        actor: Actor,
        session_id: int,
        advisor_id: int,
        start: dt.datetime,
        end: dt.datetime,
        *,
        override_reason: str = "",
        expected_version: int | None = None,
    ) -> SessionRecord:
        """Put *advisor_id* on the session at [start, end].  Refused on a conflict unless overridden
        with a reason (audited).  The advisor's row is locked, so two desks can't double-book.
        *expected_version*: the session's version the desk showed; when another desk booked or
        changed the visit since, the booking is refused (:class:`StaleBooking`) instead of
        replacing that desk's advisor and time."""
        require(actor, Permission.DISPATCH_EDIT)
        try:
            return self._book(actor, session_id, advisor_id, start, end, override_reason, expected_version)
        except StaleDataError as exc:  # the UPDATE ... WHERE version=? matched nothing: saved meanwhile
            with self.db.read() as s:
                raise StaleBooking(s.get(DispatchSession, session_id)) from exc

    def _book(
        self,
        actor: Actor,
        session_id: int,
        advisor_id: int,
        start: dt.datetime,
        end: dt.datetime,
        override_reason: str,
        expected_version: int | None,
    ) -> SessionRecord:
        with self.db.write() as s:
            sess = s.get(DispatchSession, session_id)
            if sess is None:
                raise NotFound(_("派遣の回が見つかりません。"))
            if expected_version is not None and sess.version != expected_version:
                raise StaleBooking(sess)
            app = s.get_one(DispatchApplication, sess.application_id)
            lock = select(Advisor).where(Advisor.id == advisor_id)
            if s.get_bind().dialect.name == "postgresql":
                lock = lock.with_for_update()
            advisor = s.scalar(lock)
            if advisor is None:
                raise NotFound(_("アドバイザーが見つかりません。"))
            problems = self.booking_problems(s, advisor, app, start, end, sess.id)
            if problems and not override_reason.strip():
                raise BookingConflict(problems)
            changed = (sess.advisor_id, sess.start_at, sess.end_at) != (advisor.id, start, end)
            # the advisor taken off the visit: their .ics sends it as CANCELLED (services/ics.py reads this)
            moved_from = f" from_advisor={sess.advisor_id}" if sess.advisor_id not in (None, advisor.id) else ""
            sess.advisor_id, sess.start_at, sess.end_at = (
                advisor.id,
                start.replace(second=0, microsecond=0),
                end.replace(second=0, microsecond=0),
            )
            sess.fee, sess.travel_cost, sess.status = advisor.fee, advisor.travel_cost, SessionStatus.PLANNED.value
            sess.override_reason = override_reason.strip()[:300] if problems else ""
            if changed:
                sess.ics_sequence += 1
            s.flush()
            if problems:
                audit(
                    s,
                    actor,
                    AuditAction.OVERRIDE,
                    KIND,
                    app.id,
                    f"session={sess.number} rules={len(problems)} reason={override_reason.strip()[:200]}",
                )
            audit(s, actor, AuditAction.UPDATE, KIND, app.id, f"book session={sess.number}{moved_from}")
            names = {advisor.id: advisor.name}
            return SessionRecord(
                sess.id,
                sess.number,
                sess.advisor_id,
                names[advisor.id],
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

    def suggest(
        self,
        actor: Actor,
        app_id: int,
        *,
        duration: dt.timedelta = dt.timedelta(hours=2),
        step: dt.timedelta = dt.timedelta(minutes=30),
        limit: int = 20,
    ) -> list[Suggestion]:
        """Free slots within the preferred dates for active advisors of the right field and type."""
        require(actor, Permission.DISPATCH_EDIT)
        out: list[Suggestion] = []
        with self.db.read() as s:
            app = s.get(DispatchApplication, app_id)
            if app is None:
                raise NotFound(_("派遣申請が見つかりません。"))
            preferred = [
                (dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b))
                for a, b in json.loads(app.preferred or "[]")
            ]
            advisors = [
                a
                for a in s.scalars(select(Advisor).where(Advisor.active.is_(True)).order_by(Advisor.name_kana))
                if app.field in a.fields.split(",") and app.dispatch_type in a.dispatch_types.split(",")
            ]
            for p_start, p_end in preferred:
                for advisor in advisors:
                    t = p_start
                    while t + duration <= p_end and len(out) < limit:
                        if not self.booking_problems(s, advisor, app, t, t + duration, None):
                            out.append(
                                Suggestion(
                                    advisor.id,
                                    advisor.name,
                                    t,
                                    t + duration,
                                    self._advisor_month_used(s, advisor.id, t.date()),
                                )
                            )
                            break
                        t += step
        return sorted(out, key=lambda x: (x.start, x.advisor_month_used))
