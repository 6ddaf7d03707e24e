"""Checkout, return, renewal, overdue follow-up and loan history (scan-first desk)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db import search as search_index
from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Device, DeviceModel, Loan, LoanItem, LoanNote, Reservation
from kyodo_desk.db.models import Organization, now
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.lending import AccessoryResult, Condition, DeviceState, Period
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError, Validator, normalize_phone
from kyodo_desk.i18n import _
from kyodo_desk.services.availability import device_conflict, load_bookings, lock_devices, matching_reservation
from kyodo_desk.services.base import Actor, NotFound, ServiceError, StaleEdit, audit, audit_shown, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.consultations import next_reference_for
from kyodo_desk.services.inventory import device_record, normalize_tag, record_state
from kyodo_desk.services.loan_list import LoanListMixin
from kyodo_desk.services.loan_records import (  # noqa: F401 - the records are part of this service's API
    CheckoutRequest,
    LoanItemRecord,
    LoanRecord,
    ReturnRequest,
    ScanResult,
    _loan_record,
    _loan_records,
)

KIND = "loan"
BACKDATE_TOLERANCE = dt.timedelta(hours=1)
LOAN_ERASED = "(消去済み)"  # what an erased responsible name reads; the same in every language


def _check_backdate(v: Validator, when: dt.datetime | None, reason: str, field_name: str) -> None:
    if when is None:
        return
    if when > now() + dt.timedelta(minutes=10):
        v.add(field_name, _("未来の日時は入れられません。"))
    elif when < now() - BACKDATE_TOLERANCE and not reason.strip():
        v.add("backdate_reason", _("「さかのぼる理由」を入力してください(過去の日時で記録するときに必要です)。"))


def _accessory_results(given: dict[str, str]) -> dict[str, str | None]:
    """Accessory name → returned / missing / damaged, or None when nobody has checked it yet."""
    known = {r.value for r in AccessoryResult}
    return {name: (value if value in known else None) for name, value in given.items()}


def _check_accessories(results: dict[str, str | None], lent: tuple[str, ...], tag: str) -> None:
    """Exactly what the person marked is stored: every accessory that went out must be ticked back or
    marked 欠品/破損 — an unchecked one is refused, never guessed (it used to be stored as missing)."""
    unchecked = [name for name in lent if results.get(name) is None]
    if unchecked:
        raise ValidationError(
            {
                "accessories": _(
                    "{tag} の付属品「{names}」がまだ確認されていません。戻ったものにチェックを入れ、"
                    "ないものは「欠品」か「破損」を選んでください。"
                ).format(tag=tag, names="」「".join(unchecked))
            }
        )
    extra = [name for name in results if name not in lent]
    if extra:
        raise ValidationError(
            {
                "accessories": _("{tag} の貸出時の付属品に「{names}」はありません。").format(
                    tag=tag, names="」「".join(extra)
                )
            }
        )


@conflict_retrying
class LoanService(LoanListMixin):
    def __init__(self, db: Database, settings, calendar):
        self.db = db
        self.settings = settings
        self.calendar = calendar

    def _buffer(self) -> int:
        return self.settings.get().lending_buffer_days

    # ---- at the desk ----------------------------------------------------------------
    def suggest_due(self, actor: Actor, device_ids: list[int], start: dt.date | None = None) -> dt.date:
        """Shortest loan period of the devices' models, moved off closed days."""
        require(actor, Permission.LENDING_OPERATE)
        start = start or dt.date.today()
        with self.db.read() as s:
            days = [
                device_record(d, m).model.loan_days
                for d, m in s.execute(
                    select(Device, DeviceModel)
                    .join(DeviceModel, DeviceModel.id == Device.model_id)
                    .where(Device.id.in_(device_ids))
                )
            ]
        return self.calendar.calendar().next_open_day(start + dt.timedelta(days=min(days) if days else 14))

    def scan(
        self, actor: Actor, code: str, organization_id: int | None, due_on: dt.date, *, start: dt.date | None = None
    ) -> ScanResult:
        """Answer one scan at once: can this device go out to this borrower until *due_on*?"""
        require(actor, Permission.LENDING_OPERATE)
        tag = normalize_tag(code)
        today = dt.date.today()
        with self.db.read() as s:
            row = s.scalar(select(Device).where(Device.asset_tag == tag))
            if row is None:
                return ScanResult(
                    False,
                    _("「{code}」は登録されていない機器です。ラベルを確認してください。").format(code=code.strip()),
                )
            rec = device_record(row, s.get_one(DeviceModel, row.model_id))
            reason = device_conflict(
                s,
                row,
                Period(start or today, due_on),
                organization_id=organization_id,
                buffer_days=self._buffer(),
                today=today,
            )
        if reason:
            return ScanResult(False, reason, rec)
        return ScanResult(True, _("{tag} {name} を追加しました。").format(tag=rec.asset_tag, name=rec.name), rec)

    def checkout(self, actor: Actor, req: CheckoutRequest, *, request_key: str | None = None) -> LoanRecord:
        """*request_key* (a UUID4 the desk made for this checkout): a retry after a lost connection
        whose first try was stored returns that loan (its devices are out on it) instead of refusing
        or lending twice."""
        require(actor, Permission.LENDING_OPERATE)
        v = Validator()
        v.required("responsible_name", _("責任者"), req.responsible_name)
        v.required("contact_phone", _("貸出中の連絡先"), req.contact_phone)
        v.phone("contact_phone", _("貸出中の連絡先"), req.contact_phone)
        if not req.device_ids:
            v.add("device_ids", _("機器を1台以上スキャンしてください。"))
        out_at = (req.out_at or now()).replace(microsecond=0)
        _check_backdate(v, req.out_at, req.backdate_reason, "out_at")
        if req.due_on < out_at.date():
            v.add("due_on", _("「返却予定日」は貸出日より後にしてください。"))
        elif self.calendar.calendar().is_closed(req.due_on):
            v.add(
                "due_on",
                _("「返却予定日」{day} は休館日です。{next} はいかがですか。").format(
                    day=req.due_on.strftime("%m/%d"),
                    next=self.calendar.calendar().next_open_day(req.due_on).strftime("%m/%d"),
                ),
            )
        v.raise_if_any()
        today = dt.date.today()
        period = Period(out_at.date(), req.due_on)
        try:
            with self.db.write() as s:
                if request_key:
                    done = s.scalar(select(Loan).where(Loan.request_key == request_key))
                    if done is not None:
                        return _loan_record(s, done)
                if s.get(Organization, req.organization_id) is None:
                    raise ValidationError({"organization_id": _("「借りる団体」を選んでください。")})
                devices = lock_devices(s, list(req.device_ids))
                if len(devices) != len(set(req.device_ids)):
                    raise ServiceError(_("選んだ機器の一部が見つかりません。もう一度スキャンしてください。"))
                bookings, buffer_days = load_bookings(s, [d.id for d in devices]), self._buffer()
                problems = [
                    r
                    for d in devices
                    if (
                        r := device_conflict(
                            s,
                            d,
                            period,
                            organization_id=req.organization_id,
                            buffer_days=buffer_days,
                            today=today,
                            bookings=bookings,
                        )
                    )
                ]
                if problems:
                    raise ServiceError("\n".join(problems))
                loan = Loan(
                    reference=next_reference_for(s, "L", out_at.date()),
                    organization_id=req.organization_id,
                    responsible_name=req.responsible_name.strip(),
                    contact_phone=normalize_phone(req.contact_phone) or req.contact_phone.strip(),
                    purpose=req.purpose.strip(),
                    out_at=out_at,
                    due_on=req.due_on,
                    staff_id=actor.staff_id,
                    status="open",
                    request_key=request_key or None,
                )
                s.add(loan)
                s.flush()
                reservations = set()
                for d in devices:
                    s.add(
                        LoanItem(
                            loan_id=loan.id,
                            device_id=d.id,
                            accessories_out=json.dumps(list(req.accessories.get(d.id, ())), ensure_ascii=False),
                        )
                    )
                    record_state(s, actor, d, DeviceState.ON_LOAN.value, loan.reference)
                    res = matching_reservation(s, d.id, req.organization_id, period, self._buffer())
                    if res:
                        reservations.add(res)
                for res_id in reservations:
                    s.get_one(Reservation, res_id).status = "picked_up"
                    loan.reservation_id = res_id
                s.flush()
                search_index.index_document(
                    s, KIND, loan.id, title=loan.reference, code=loan.reference, subtitle=_("貸出")
                )
                detail = f"devices={len(devices)}"
                if req.out_at and req.out_at < now() - BACKDATE_TOLERANCE:
                    detail += f" backdated_to={out_at.isoformat()} reason={req.backdate_reason.strip()[:200]}"
                audit(s, actor, AuditAction.CREATE, KIND, loan.id, detail)
                s.flush()
                return _loan_record(s, loan)
        except IntegrityError as exc:
            if not _another_desk_lent_it(exc):
                raise  # a different fault: reported as unexpected, not blamed on another desk
            raise ServiceError(
                _("この機器は、いま別の窓口で貸し出されました。画面を更新して確認してください。")
            ) from exc

    def open_loan_for_device(self, actor: Actor, code: str) -> LoanRecord | None:
        """Return flow step 1: the scanned device's open loan (None if it is not out)."""
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            loan = s.scalar(
                select(Loan)
                .join(LoanItem, LoanItem.loan_id == Loan.id)
                .join(Device, Device.id == LoanItem.device_id)
                .where(Device.asset_tag == normalize_tag(code), LoanItem.returned_at.is_(None))
            )
            record = _loan_record(s, loan) if loan else None
        if record is not None:  # the borrower's responsible person and phone are on screen now
            audit_shown(self.db, actor, AuditAction.VIEW, KIND, [], "return scan", entity_id=record.id)
        return record

    def return_device(self, actor: Actor, req: ReturnRequest) -> LoanRecord:
        """Check one device back in; the loan closes when its last device is back."""
        require(actor, Permission.LENDING_OPERATE)
        v = Validator()
        results = _accessory_results(req.accessories_back)
        complete = all(
            r == AccessoryResult.RETURNED.value for r in results.values() if r is not None
        )  # unchecked: refused below
        target = DeviceState(req.result_state).value
        if target not in (
            DeviceState.AVAILABLE.value,
            DeviceState.INSPECTION.value,
            DeviceState.REPAIR.value,
            DeviceState.LOST.value,
        ):
            v.add("result_state", _("返却後の状態は 貸出可・点検待ち・修理中・紛失 から選んでください。"))
        if target == DeviceState.AVAILABLE.value:
            if not req.wiped:
                v.add(
                    "wiped",
                    _("「初期化・個人データ消去」を確認してから「貸出可」にしてください(未確認なら「点検待ち」)。"),
                )
            if req.condition != Condition.GOOD.value or not complete:
                v.add("result_state", _("欠品・破損・要点検があるときは「点検待ち」か「修理中」にしてください。"))
        _check_backdate(v, req.returned_at, req.backdate_reason, "returned_at")
        v.raise_if_any()
        when = (req.returned_at or now()).replace(microsecond=0)
        try:
            with self.db.write() as s:
                item = s.scalar(
                    select(LoanItem).where(LoanItem.device_id == req.device_id, LoanItem.returned_at.is_(None))
                )
                if item is None:
                    raise ServiceError(_("この機器は貸出中ではありません(すでに返却済みかもしれません)。"))
                loan = s.get_one(Loan, item.loan_id)
                device = lock_devices(s, [req.device_id])[0]
                _check_accessories(results, tuple(json.loads(item.accessories_out or "[]")), device.asset_tag)
                if when < loan.out_at:
                    raise ValidationError({"returned_at": _("返却日時が貸出日時より前になっています。")})
                item.returned_at, item.return_staff_id, item.condition, item.wiped = (
                    when,
                    actor.staff_id,
                    Condition(req.condition).value,
                    req.wiped,
                )
                item.accessories_back, item.result_state, item.note = (
                    json.dumps(results, ensure_ascii=False),
                    target,
                    req.note.strip()[:300],
                )
                record_state(s, actor, device, target, _("返却 {ref}").format(ref=loan.reference))
                s.flush()
                if (
                    s.scalar(
                        select(func.count())
                        .select_from(LoanItem)
                        .where(LoanItem.loan_id == loan.id, LoanItem.returned_at.is_(None))
                    )
                    == 0
                ):
                    loan.status, loan.closed_at = "closed", when
                detail = f"device={device.asset_tag} state={target}"
                if req.returned_at and req.returned_at < now() - BACKDATE_TOLERANCE:
                    detail += f" backdated_to={when.isoformat()} reason={req.backdate_reason.strip()[:200]}"
                audit(s, actor, AuditAction.UPDATE, KIND, loan.id, detail)
                s.flush()
                return _loan_record(s, loan)
        except StaleDataError as exc:
            raise StaleEdit(_("貸出記録")) from exc

    def renew(self, actor: Actor, loan_id: int, expected_version: int, new_due: dt.date) -> LoanRecord:
        """Extend the due date with the same availability check as a new loan."""
        require(actor, Permission.LENDING_OPERATE)
        today = dt.date.today()
        cal = self.calendar.calendar()
        try:
            with self.db.write() as s:
                loan = s.get(Loan, loan_id)
                if loan is None:
                    raise NotFound(_("貸出記録が見つかりません。"))
                if loan.version != expected_version:
                    raise StaleEdit(_("貸出記録"))
                if loan.status != "open":
                    raise ServiceError(_("返却済みの貸出は延長できません。"))
                if new_due <= loan.due_on:
                    raise ValidationError(
                        {
                            "due_on": _("延長後の返却予定日は、いまの返却予定日({d})より後にしてください。").format(
                                d=loan.due_on.strftime("%m/%d")
                            )
                        }
                    )
                if cal.is_closed(new_due):
                    raise ValidationError(
                        {
                            "due_on": _("「返却予定日」{day} は休館日です。{next} はいかがですか。").format(
                                day=new_due.strftime("%m/%d"), next=cal.next_open_day(new_due).strftime("%m/%d")
                            )
                        }
                    )
                ids = list(
                    s.scalars(
                        select(LoanItem.device_id).where(LoanItem.loan_id == loan.id, LoanItem.returned_at.is_(None))
                    )
                )
                period = Period(loan.due_on + dt.timedelta(days=1), new_due)
                problems = [
                    r
                    for d in lock_devices(s, ids)
                    if (
                        r := device_conflict(
                            s,
                            d,
                            period,
                            organization_id=loan.organization_id,
                            buffer_days=self._buffer(),
                            today=today,
                            exclude_loan_id=loan.id,
                        )
                    )
                ]
                if problems:
                    raise ServiceError(_("延長できません。") + "\n" + "\n".join(problems))
                old = loan.due_on
                loan.due_on = new_due
                s.flush()
                audit(s, actor, AuditAction.UPDATE, KIND, loan.id, f"renew {old.isoformat()}->{new_due.isoformat()}")
                return _loan_record(s, loan)
        except StaleDataError as exc:
            raise StaleEdit(_("貸出記録")) from exc

    def add_note(self, actor: Actor, loan_id: int, note: str) -> None:
        """Log a reminder phone call or other note on a loan."""
        require(actor, Permission.LENDING_OPERATE)
        if not note.strip():
            raise ValidationError({"note": _("「記録」を入力してください。")})
        with self.db.write() as s:
            if s.get(Loan, loan_id) is None:
                raise NotFound(_("貸出記録が見つかりません。"))
            s.add(LoanNote(loan_id=loan_id, at=now(), staff_id=actor.staff_id, note=note.strip()[:500]))
            audit(s, actor, AuditAction.UPDATE, KIND, loan_id, "note")

    # ---- lists ----------------------------------------------------------------------
    def get(self, actor: Actor, loan_id: int) -> LoanRecord:
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            loan = s.get(Loan, loan_id)
            if loan is None:
                raise NotFound(_("貸出記録が見つかりません。"))
            record = _loan_record(s, loan)
        audit_shown(self.db, actor, AuditAction.VIEW, KIND, [], entity_id=record.id)
        return record

    def due(self, actor: Actor, today: dt.date) -> tuple[list[LoanRecord], list[LoanRecord]]:
        """(due today, overdue) open loans — the home page list, with borrower contacts."""
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            rows = s.scalars(
                select(Loan)
                .where(Loan.status == "open", Loan.due_on <= today)
                .order_by(Loan.due_on, Loan.id)
                .limit(500)
            ).all()
            records = _loan_records(s, list(rows))
        audit_shown(self.db, actor, AuditAction.LIST, KIND, [r.id for r in records], "due")
        return [r for r in records if r.due_on == today], [r for r in records if r.due_on < today]

    def history(
        self, actor: Actor, *, device_id: int | None = None, organization_id: int | None = None, limit: int = 500
    ) -> list[LoanRecord]:
        require(actor, Permission.LENDING_OPERATE)
        stmt = select(Loan).order_by(Loan.out_at.desc(), Loan.id.desc()).limit(limit)
        if device_id is not None:
            stmt = stmt.where(Loan.id.in_(select(LoanItem.loan_id).where(LoanItem.device_id == device_id)))
        if organization_id is not None:
            stmt = stmt.where(Loan.organization_id == organization_id)
        with self.db.read() as s:
            records = _loan_records(s, list(s.scalars(stmt)))
        of = f"device={int(device_id)}" if device_id is not None else ""
        of += f" organization={int(organization_id)}" if organization_id is not None else ""
        audit_shown(self.db, actor, AuditAction.LIST, KIND, [r.id for r in records], f"history {of}".strip())
        return records


def _another_desk_lent_it(exc: IntegrityError) -> bool:
    """True when *exc* is the partial unique index on open loan items (one open loan per device)."""
    diag = getattr(exc.orig, "diag", None)
    if diag is not None:  # PostgreSQL names the constraint
        return getattr(diag, "constraint_name", None) == "uq_loan_item_open_device"
    return "loan_item.device_id" in str(exc.orig)  # SQLite: "UNIQUE constraint failed: loan_item.device_id"


def purge_expired_loans(service: LoanService, actor: Actor, today: dt.date, retention_years: int) -> int:
    """APPI: erase the borrower's responsible person and contact phone from loans closed more than
    *retention_years* ago (devices, dates and the organization stay for history and statistics)."""
    require(actor, Permission.SETTINGS_EDIT)
    try:
        cutoff = today.replace(year=today.year - retention_years)
    except ValueError:
        cutoff = today.replace(year=today.year - retention_years, day=28)
    erased = LOAN_ERASED  # stored as data in one spelling, whatever language the desk shows
    with service.db.write() as s:
        rows = s.scalars(
            select(Loan).where(
                Loan.status == "closed",
                Loan.closed_at < dt.datetime.combine(cutoff, dt.time()),
                Loan.responsible_name != erased,
            )
        ).all()
        for loan in rows:
            loan.responsible_name, loan.contact_phone = erased, ""
        s.execute(
            delete(LoanNote)
            .where(LoanNote.loan_id.in_([r.id for r in rows]))
            .execution_options(synchronize_session=False)
        )
        if rows:
            audit(
                s,
                actor,
                AuditAction.DELETE,
                KIND,
                None,
                f"retention purge count={len(rows)} before={cutoff.isoformat()}",
            )
        return len(rows)
