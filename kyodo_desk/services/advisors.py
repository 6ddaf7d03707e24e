"""The advisor roster with weekly availability and single-date exceptions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db import search as search_index
from kyodo_desk.db.dispatch_models import Advisor, AdvisorAvailability, AdvisorException
from kyodo_desk.db.engine import Database
from kyodo_desk.domain.dispatch import DispatchType, Field
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import Validator, normalize_phone
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, audit_shown, require
from kyodo_desk.services.conflict_retry import conflict_retrying

KIND = "advisor"


@dataclass(frozen=True)
class Window:
    weekday: int
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class ExceptionDay:
    day: dt.date
    available: bool
    start: dt.time | None = None
    end: dt.time | None = None
    reason: str = ""
    version: int = 0  # the stored exception's version when read; 0 in what a desk sends


@dataclass(frozen=True)
class AdvisorInput:
    name: str = ""
    name_kana: str = ""
    fields: tuple[str, ...] = ()
    dispatch_types: tuple[str, ...] = (DispatchType.ADVISOR.value,)
    phone: str = ""
    email: str = ""
    fee: int = 0
    travel_cost: int = 0
    active: bool = True
    notes: str = ""
    windows: tuple[Window, ...] = ()


@dataclass(frozen=True)
class AdvisorRecord(AdvisorInput):
    id: int = 0
    version: int = 0
    exceptions: tuple[ExceptionDay, ...] = field(default=())

    @property
    def fields_label(self) -> str:
        return "・".join(Field(f).label() for f in self.fields)


def advisor_record(s: Session, row: Advisor) -> AdvisorRecord:
    windows = tuple(
        Window(w.weekday, w.start_time, w.end_time)
        for w in s.scalars(
            select(AdvisorAvailability)
            .where(AdvisorAvailability.advisor_id == row.id)
            .order_by(AdvisorAvailability.weekday, AdvisorAvailability.start_time)
        )
    )
    exceptions = tuple(
        ExceptionDay(e.day, e.available, e.start_time, e.end_time, e.reason, e.version)
        for e in s.scalars(
            select(AdvisorException)
            .where(AdvisorException.advisor_id == row.id, AdvisorException.removed.is_(False))
            .order_by(AdvisorException.day)
        )
    )
    return AdvisorRecord(
        name=row.name,
        name_kana=row.name_kana,
        fields=tuple(f for f in row.fields.split(",") if f),
        dispatch_types=tuple(t for t in row.dispatch_types.split(",") if t),
        phone=row.phone,
        email=row.email,
        fee=row.fee,
        travel_cost=row.travel_cost,
        active=row.active,
        notes=row.notes,
        windows=windows,
        id=row.id,
        version=row.version,
        exceptions=exceptions,
    )


def _validate(data: AdvisorInput) -> None:
    v = Validator()
    v.required("name", _("氏名"), data.name)
    v.kana("name_kana", _("氏名(カナ)"), data.name_kana)
    v.phone("phone", _("電話番号"), data.phone)
    v.email("email", _("メールアドレス"), data.email)
    if not data.fields or any(f not in {x.value for x in Field} for f in data.fields):
        v.add("fields", _("「専門分野」を一つ以上選んでください。"))
    if not data.dispatch_types or any(t not in {x.value for x in DispatchType} for t in data.dispatch_types):
        v.add("dispatch_types", _("「対応する派遣の種類」を一つ以上選んでください。"))
    if data.fee < 0 or data.travel_cost < 0:
        v.add("fee", _("「謝金」と「交通費」は0円以上で入力してください。"))
    for w in data.windows:
        if not 0 <= w.weekday <= 6 or w.end <= w.start:
            v.add("windows", _("「対応できる時間帯」は終了を開始より後にしてください。"))
    v.raise_if_any()


validate_advisor = _validate  # also used by the spreadsheet import (services/imports/)


def index_advisor(s: Session, row: Advisor) -> None:
    search_index.index_document(
        s,
        KIND,
        row.id,
        title=row.name,
        subtitle=_("アドバイザー"),
        texts=(row.name_kana, " ".join(Field(f).label() for f in row.fields.split(",") if f)),
    )


@conflict_retrying
class AdvisorService:
    def __init__(self, db: Database):
        self.db = db

    def list(
        self,
        actor: Actor,
        *,
        include_inactive: bool = False,
        field: str | None = None,
        dispatch_type: str | None = None,
        text: str = "",
    ) -> list[AdvisorRecord]:
        """The roster in kana order; *text*: only the advisors whose name, kana or fields hold every
        word (the records the search box counts for them)."""
        require(actor, Permission.DISPATCH_EDIT)
        with self.db.read() as s:
            stmt = select(Advisor).order_by(Advisor.name_kana, Advisor.id)
            if not include_inactive:
                stmt = stmt.where(Advisor.active.is_(True))
            if text.strip():
                stmt = stmt.where(Advisor.id.in_(search_index.matching_refs(self.db.engine.dialect.name, KIND, text)))
            out = [advisor_record(s, r) for r in s.scalars(stmt)]
        shown = [
            a
            for a in out
            if (field is None or field in a.fields) and (dispatch_type is None or dispatch_type in a.dispatch_types)
        ]
        # advisors' phones and e-mail addresses: one audit row for the list shown
        audit_shown(self.db, actor, AuditAction.LIST, "advisor", [a.id for a in shown], "roster")
        return shown

    def get(self, actor: Actor, advisor_id: int) -> AdvisorRecord:
        require(actor, Permission.DISPATCH_EDIT)
        with self.db.read() as s:
            row = s.get(Advisor, advisor_id)
            if row is None:
                raise NotFound(_("アドバイザーが見つかりません。"))
            record = advisor_record(s, row)
        audit_shown(self.db, actor, AuditAction.VIEW, "advisor", [], entity_id=record.id)
        return record

    def save(
        self, actor: Actor, data: AdvisorInput, advisor_id: int | None = None, expected_version: int | None = None
    ) -> AdvisorRecord:
        require(actor, Permission.DISPATCH_EDIT)
        _validate(data)
        try:
            with self.db.write() as s:
                if advisor_id is None:
                    row = Advisor(name=data.name.strip())
                    s.add(row)
                else:
                    found = s.get(Advisor, advisor_id)
                    if found is None:
                        raise NotFound(_("アドバイザーが見つかりません。"))
                    row = found
                    if expected_version is not None and row.version != expected_version:
                        raise StaleEdit(_("アドバイザー"))
                row.name, row.name_kana, row.fields = data.name.strip(), data.name_kana.strip(), ",".join(data.fields)
                row.dispatch_types, row.phone, row.email = (
                    ",".join(data.dispatch_types),
                    normalize_phone(data.phone) or "" if data.phone else "",
                    data.email.strip(),
                )
                row.fee, row.travel_cost, row.active, row.notes = (
                    int(data.fee),
                    int(data.travel_cost),
                    data.active,
                    data.notes.strip(),
                )
                s.flush()
                s.execute(delete(AdvisorAvailability).where(AdvisorAvailability.advisor_id == row.id))
                for w in data.windows:
                    s.add(AdvisorAvailability(advisor_id=row.id, weekday=w.weekday, start_time=w.start, end_time=w.end))
                index_advisor(s, row)
                audit(s, actor, AuditAction.CREATE if advisor_id is None else AuditAction.UPDATE, KIND, row.id)
                s.flush()
                return advisor_record(s, row)
        except StaleDataError as exc:
            raise StaleEdit(_("アドバイザー")) from exc

    def add_exception(
        self, actor: Actor, advisor_id: int, exc: ExceptionDay, expected_version: int | None = None
    ) -> None:
        """Set the exception for *exc.day*, replacing the one that day has.  *expected_version*: the
        version of that day's exception as the desk showed it, None when it showed none; when another
        desk added, changed or removed that day's exception since (also removed and set again: the
        day keeps one row whose version only grows), nothing is saved (StaleEdit)."""
        require(actor, Permission.DISPATCH_EDIT)
        if exc.available and (exc.start is None or exc.end is None or exc.end <= exc.start):
            from kyodo_desk.domain.validation import ValidationError

            raise ValidationError({"start": _("対応できる日の時間帯(開始・終了)を入力してください。")})
        try:
            with self.db.write() as s:
                row = self._exception_row(s, advisor_id, exc.day)
                shown_now = row if row is not None and not row.removed else None  # what a desk shows now
                if (shown_now.version if shown_now else None) != expected_version:
                    raise StaleEdit(_("日ごとの例外"))
                if row is None:
                    row = AdvisorException(advisor_id=advisor_id, day=exc.day)
                    s.add(row)
                row.removed = False
                row.available, row.start_time, row.end_time = exc.available, exc.start, exc.end
                row.reason = exc.reason.strip()[:200]
                s.flush()  # an UPDATE ... WHERE version=? another desk got to first: StaleDataError
                audit(s, actor, AuditAction.UPDATE, KIND, advisor_id, "exception")
        except StaleDataError as stale:
            raise StaleEdit(_("日ごとの例外")) from stale

    def remove_exception(
        self, actor: Actor, advisor_id: int, day: dt.date, expected_version: int | None = None
    ) -> None:
        """Drop the exception for *day*: the weekly pattern applies again.  *expected_version*: the
        version of the exception the desk showed (None: not checked); when another desk changed it
        since, nothing is removed (StaleEdit).  One another desk removed already is simply gone."""
        require(actor, Permission.DISPATCH_EDIT)
        try:
            with self.db.write() as s:
                row = self._exception_row(s, advisor_id, day)
                if row is None or row.removed:
                    return  # another desk removed it already: simply gone
                if expected_version is not None and row.version != expected_version:
                    raise StaleEdit(_("日ごとの例外"))
                # kept as removed with nothing personal left, so its version goes on counting: a desk
                # still showing it is refused after the day is set again (a new row would restart at 1)
                row.removed, row.available, row.start_time, row.end_time, row.reason = True, False, None, None, ""
                s.flush()
                audit(s, actor, AuditAction.UPDATE, KIND, advisor_id, "exception removed")
        except StaleDataError as exc:
            raise StaleEdit(_("日ごとの例外")) from exc

    @staticmethod
    def _exception_row(s: Session, advisor_id: int, day: dt.date) -> AdvisorException | None:
        """*day*'s exception, if it has one.  The advisor's row is locked first (PostgreSQL), so two
        desks adding the same day wait for each other instead of both inserting one."""
        if s.get(Advisor, advisor_id, with_for_update=True) is None:
            raise NotFound(_("アドバイザーが見つかりません。"))
        rows = s.scalars(
            select(AdvisorException)
            .where(AdvisorException.advisor_id == advisor_id, AdvisorException.day == day)
            .order_by(AdvisorException.id)
        ).all()
        row = rows[0] if rows else None
        for extra in rows[1:]:  # two for one day (written before 0016 by two desks at once): keep the first
            s.delete(extra)
        return row


def windows_on(advisor: AdvisorRecord, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """The advisor's time windows on *day*: an exception for that date replaces the weekly pattern."""
    for e in advisor.exceptions:
        if e.day == day:
            return [(e.start, e.end)] if e.available and e.start and e.end else []
    return [(w.start, w.end) for w in advisor.windows if w.weekday == day.weekday()]
