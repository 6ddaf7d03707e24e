"""棚卸 (stock-take): a session in which staff scan every device on the shelf.

``start`` opens the one session (two desks scanning different shelves add to the same one);
``scan`` records a code — the same normalization as the lending desk's scan field (NFKC, upper
case, no spaces), and a code scanned twice changes nothing; ``view`` classifies every device
(found / expected but not seen / out on loan / unknown code, rules in kyodo_desk.domain.stocktake);
``finish`` freezes the result: lines for the devices not seen, ``unseen_twice`` for a device not
seen this time nor the time before, and ``device.last_seen_on`` for every device seen.  That date is
written with a plain UPDATE that leaves the device's version alone: a stock-take is not an edit of
the device's record, and a desk with the device open must not be told "changed elsewhere".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Device, DeviceModel, Loan, LoanItem
from kyodo_desk.db.models import Staff, now
from kyodo_desk.db.stocktake_models import Stocktake, StocktakeLine
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.lending import DeviceKind, DeviceState
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.stocktake import (
    EXPECTED_STATES,
    MAX_CODE_LENGTH,
    StocktakeResult,
    StocktakeState,
    classify_scan,
    expected_on_shelf,
    unseen_twice,
)
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, ServiceError, audit, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.inventory import normalize_tag

KIND = "stocktake"


@dataclass(frozen=True)
class StocktakeSummary:
    id: int
    state: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    staff_name: str
    finished_staff_name: str
    note: str
    version: int

    @property
    def is_open(self) -> bool:
        return self.state == StocktakeState.OPEN.value


@dataclass(frozen=True)
class StocktakeLineRecord:
    code: str
    result: str
    seen: bool
    device_id: int | None = None
    name: str = ""  # 種別 and model, e.g. 「タブレット Apple iPad」
    storage_place: str = ""
    device_state: str = ""
    scanned_at: dt.datetime | None = None
    last_seen_on: dt.date | None = None
    unseen_twice: bool = False
    loan_reference: str = ""
    due_on: dt.date | None = None

    @property
    def expected(self) -> bool:
        return expected_on_shelf(self.device_state)

    @property
    def state_label(self) -> str:
        return DeviceState(self.device_state).label() if self.device_state else ""

    @property
    def remark(self) -> str:
        """What the lists and the paper say beside the line."""
        if self.result == StocktakeResult.FOUND.value:
            if self.device_state and not self.expected:
                return _("記録上は「{state}」です").format(state=self.state_label)
            return ""
        if self.result == StocktakeResult.MISSING.value:
            if self.unseen_twice:
                return _("2回続けて未確認")
            if self.last_seen_on:
                return _("最後の確認 {date}").format(date=self.last_seen_on.strftime("%Y/%m/%d"))
            return _("確認の記録なし")
        if self.result == StocktakeResult.ON_LOAN.value:
            loan = self.loan_reference
            if self.due_on:
                loan = _("{ref} 返却予定 {date}").format(ref=self.loan_reference, date=self.due_on.strftime("%m/%d"))
            return _("棚にあった・返却の記録を確認 {loan}").format(loan=loan).strip() if self.seen else loan
        return _("登録されていないコード")


@dataclass(frozen=True)
class StocktakeView:
    summary: StocktakeSummary
    lines: tuple[StocktakeLineRecord, ...]

    def of(self, result: StocktakeResult) -> tuple[StocktakeLineRecord, ...]:
        return tuple(line for line in self.lines if line.result == result.value)

    @property
    def found(self) -> tuple[StocktakeLineRecord, ...]:
        return self.of(StocktakeResult.FOUND)

    @property
    def missing(self) -> tuple[StocktakeLineRecord, ...]:
        return self.of(StocktakeResult.MISSING)

    @property
    def on_loan(self) -> tuple[StocktakeLineRecord, ...]:
        return self.of(StocktakeResult.ON_LOAN)

    @property
    def unknown(self) -> tuple[StocktakeLineRecord, ...]:
        return self.of(StocktakeResult.UNKNOWN)

    @property
    def expected_total(self) -> int:
        """Devices that should be on the shelf: the expected ones found, and the ones not seen."""
        return sum(1 for line in self.found if line.expected) + len(self.missing)

    @property
    def unseen_twice(self) -> tuple[StocktakeLineRecord, ...]:
        return tuple(line for line in self.missing if line.unseen_twice)

    @property
    def scanned(self) -> int:
        return sum(1 for line in self.lines if line.seen)


@dataclass(frozen=True)
class ScanOutcome:
    line: StocktakeLineRecord
    duplicate: bool
    message: str
    tone: str  # ok / warn / error / info (the colour of the answer line)


def _name(model: DeviceModel | None) -> str:
    if model is None:
        return ""
    return f"{DeviceKind(model.kind).label()} {model.maker} {model.model_name}".replace("  ", " ").strip()


def _summary(s: Session, row: Stocktake) -> StocktakeSummary:
    names = dict(
        s.execute(
            select(Staff.id, Staff.display_name).where(
                Staff.id.in_([i for i in (row.staff_id, row.finished_staff_id) if i is not None])
            )
        ).all()
    )
    return StocktakeSummary(
        row.id,
        row.state,
        row.started_at,
        row.finished_at,
        names.get(row.staff_id, "") if row.staff_id else _("バッチ処理"),
        names.get(row.finished_staff_id, "") if row.finished_staff_id else "",
        row.note,
        row.version,
    )


def _open_loans(s: Session, device_ids: list[int]) -> dict[int, tuple[str, dt.date]]:
    if not device_ids:
        return {}
    rows = s.execute(
        select(LoanItem.device_id, Loan.reference, Loan.due_on)
        .join(Loan, Loan.id == LoanItem.loan_id)
        .where(LoanItem.returned_at.is_(None), LoanItem.device_id.in_(device_ids))
    ).all()
    return {device_id: (ref, due) for device_id, ref, due in rows}


def _previous_missing(s: Session, stocktake_id: int) -> set[int]:
    """Devices not seen in the finished stock-take before *stocktake_id*."""
    previous = s.scalar(
        select(Stocktake.id)
        .where(Stocktake.state == StocktakeState.FINISHED.value, Stocktake.id < stocktake_id)
        .order_by(Stocktake.id.desc())
        .limit(1)
    )
    if previous is None:
        return set()
    return set(
        s.scalars(
            select(StocktakeLine.device_id).where(
                StocktakeLine.stocktake_id == previous,
                StocktakeLine.result == StocktakeResult.MISSING.value,
                StocktakeLine.device_id.is_not(None),
            )
        )
    )


def _model_names(s: Session) -> dict[int, str]:
    """「タブレット Apple iPad」 per device model (a few dozen rows, read once per view)."""
    return {m.id: _name(m) for m in s.scalars(select(DeviceModel))}


_LINE_COLUMNS = (
    StocktakeLine.code,
    StocktakeLine.result,
    StocktakeLine.seen,
    StocktakeLine.device_id,
    StocktakeLine.device_state,
    StocktakeLine.scanned_at,
    StocktakeLine.unseen_twice,
    StocktakeLine.loan_reference,
    StocktakeLine.due_on,
    Device.model_id,
    Device.storage_place,
    Device.last_seen_on,
)


def _stored_lines(
    s: Session, stocktake_id: int, code: str | None = None, names: dict[int, str] | None = None
) -> list[StocktakeLineRecord]:
    """The lines written so far (plain columns, not ORM objects: a thousand lines per scan)."""
    stmt = (
        select(*_LINE_COLUMNS)
        .outerjoin(Device, Device.id == StocktakeLine.device_id)
        .where(StocktakeLine.stocktake_id == stocktake_id)
    )
    if code is not None:
        stmt = stmt.where(StocktakeLine.code == code)
    names = names if names is not None else _model_names(s)
    return [
        StocktakeLineRecord(
            code=r.code,
            result=r.result,
            seen=r.seen,
            device_id=r.device_id,
            name=names.get(r.model_id, "") if r.model_id is not None else "",
            storage_place=r.storage_place or "",
            device_state=r.device_state,
            scanned_at=r.scanned_at,
            last_seen_on=r.last_seen_on,
            unseen_twice=r.unseen_twice,
            loan_reference=r.loan_reference,
            due_on=r.due_on,
        )
        for r in s.execute(stmt)
    ]


def _unscanned(
    s: Session, stocktake_id: int, scanned: set[int], names: dict[int, str] | None = None
) -> list[StocktakeLineRecord]:
    """The devices not scanned yet that are expected on the shelf or out on loan (as they are now)."""
    rows = [
        r
        for r in s.execute(
            select(
                Device.id, Device.asset_tag, Device.state, Device.model_id, Device.storage_place, Device.last_seen_on
            ).where(Device.state.in_([*EXPECTED_STATES, DeviceState.ON_LOAN.value]))
        )
        if r.id not in scanned
    ]
    names = names if names is not None else _model_names(s)
    loans = _open_loans(s, [r.id for r in rows if r.state == DeviceState.ON_LOAN.value])
    before = _previous_missing(s, stocktake_id)
    out = []
    for r in rows:
        on_loan = r.state == DeviceState.ON_LOAN.value
        ref, due = loans.get(r.id, ("", None))
        out.append(
            StocktakeLineRecord(
                code=r.asset_tag,
                result=(StocktakeResult.ON_LOAN if on_loan else StocktakeResult.MISSING).value,
                seen=False,
                device_id=r.id,
                name=names.get(r.model_id, ""),
                storage_place=r.storage_place,
                device_state=r.state,
                last_seen_on=r.last_seen_on,
                unseen_twice=not on_loan and r.id in before,
                loan_reference=ref,
                due_on=due,
            )
        )
    return out


def _view(s: Session, row: Stocktake) -> StocktakeView:
    names = _model_names(s)
    lines = _stored_lines(s, row.id, names=names)
    if row.state == StocktakeState.OPEN.value:
        lines += _unscanned(s, row.id, {line.device_id for line in lines if line.device_id is not None}, names)
    lines.sort(key=lambda line: (line.code, line.result))
    return StocktakeView(_summary(s, row), tuple(lines))


def _scan_message(line: StocktakeLineRecord) -> tuple[str, str]:
    if line.result == StocktakeResult.FOUND.value:
        if not line.expected:
            return (
                _("{tag} {name} を確認しました。記録上は「{state}」です。在庫の状態を確認してください。").format(
                    tag=line.code, name=line.name, state=line.state_label
                ),
                "warn",
            )
        return _("{tag} {name} を確認しました。").format(tag=line.code, name=line.name), "ok"
    if line.result == StocktakeResult.ON_LOAN.value:
        return (
            _("{tag} は貸出中({ref})のはずです。返却の記録を確認してください。").format(
                tag=line.code, ref=line.loan_reference or "-"
            ),
            "warn",
        )
    return _("「{code}」は登録されていない機器のコードです。").format(code=line.code), "error"


def sa_table(model: type) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


@conflict_retrying
class StocktakeService:
    def __init__(self, db: Database, settings):
        self.db = db
        self.settings = settings

    def _locked(self, s: Session, stocktake_id: int) -> Stocktake:
        row = s.scalar(select(Stocktake).where(Stocktake.id == stocktake_id).with_for_update())
        if row is None:
            raise NotFound(_("棚卸が見つかりません。"))
        if row.state != StocktakeState.OPEN.value:
            raise ServiceError(
                _("この棚卸はもう{state}しています。新しく始めるときは「棚卸を始める」を押してください。").format(
                    state=StocktakeState(row.state).label()
                )
            )
        return row

    # ---- the session ---------------------------------------------------------------------
    def current(self, actor: Actor) -> StocktakeSummary | None:
        """The open stock-take, if one has been started (at any desk)."""
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            row = s.scalar(select(Stocktake).where(Stocktake.state == StocktakeState.OPEN.value))
            return _summary(s, row) if row is not None else None

    def start(self, actor: Actor, note: str = "") -> StocktakeSummary:
        require(actor, Permission.INVENTORY_EDIT)
        if len(note.strip()) > 300:
            raise ValidationError({"note": _("「メモ」は300文字以内で入力してください。")})
        try:
            with self.db.write() as s:
                if s.scalar(select(Stocktake.id).where(Stocktake.state == StocktakeState.OPEN.value)) is not None:
                    raise ServiceError(_("棚卸はすでに始まっています。続けてスキャンしてください。"))
                row = Stocktake(state=StocktakeState.OPEN.value, started_at=now(), staff_id=actor.staff_id)
                row.note = note.strip()
                s.add(row)
                s.flush()
                audit(s, actor, AuditAction.CREATE, KIND, row.id)
                return _summary(s, row)
        except IntegrityError as exc:  # another desk started one at the same moment
            raise ServiceError(_("棚卸はすでに始まっています。続けてスキャンしてください。")) from exc

    def scan(self, actor: Actor, stocktake_id: int, code: str) -> ScanOutcome:
        """Record one scanned code; the same code again is answered and changes nothing."""
        require(actor, Permission.INVENTORY_EDIT)
        tag = normalize_tag(code)[:MAX_CODE_LENGTH]
        if not tag:
            raise ValidationError({"code": _("「コード」が空です。機器のラベルをスキャンしてください。")})
        try:
            with self.db.write() as s:
                self._locked(s, stocktake_id)
                if s.scalar(self._line_id(stocktake_id, tag)) is not None:
                    return self._duplicate(s, stocktake_id, tag)
                device = s.scalar(select(Device).where(Device.asset_tag == tag))
                result = classify_scan(device.state if device is not None else None)
                ref, due = ("", None)
                if device is not None and result == StocktakeResult.ON_LOAN:
                    ref, due = _open_loans(s, [device.id]).get(device.id, ("", None))
                row = StocktakeLine(
                    stocktake_id=stocktake_id,
                    device_id=device.id if device is not None else None,
                    code=tag,
                    result=result.value,
                    seen=True,
                    device_state=device.state if device is not None else "",
                    scanned_at=now(),
                    staff_id=actor.staff_id,
                    unseen_twice=False,
                    loan_reference=ref,
                    due_on=due,
                )
                s.add(row)
                s.flush()
                audit(s, actor, AuditAction.UPDATE, KIND, stocktake_id, f"scan result={result.value}")
                (line,) = _stored_lines(s, stocktake_id, tag)
                message, tone = _scan_message(line)
                return ScanOutcome(line, False, message, tone)
        except IntegrityError:  # another desk recorded the same code at the same moment
            with self.db.read() as s:
                return self._duplicate(s, stocktake_id, tag)

    @staticmethod
    def _line_id(stocktake_id: int, tag: str):
        return select(StocktakeLine.id).where(StocktakeLine.stocktake_id == stocktake_id, StocktakeLine.code == tag)

    def _duplicate(self, s: Session, stocktake_id: int, tag: str) -> ScanOutcome:
        line = next(x for x in _stored_lines(s, stocktake_id) if x.code == tag)
        return ScanOutcome(
            line, True, _("{code} はもうスキャンしてあります(数は変わりません)。").format(code=tag), "info"
        )

    def view(self, actor: Actor, stocktake_id: int) -> StocktakeView:
        """The result so far (open) or as it was finished."""
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            row = s.get(Stocktake, stocktake_id)
            if row is None:
                raise NotFound(_("棚卸が見つかりません。"))
            return _view(s, row)

    def finish(self, actor: Actor, stocktake_id: int) -> StocktakeView:
        """End the session: the devices not seen get their lines, the seen ones their last-seen date."""
        require(actor, Permission.INVENTORY_EDIT)
        with self.db.write() as s:
            row = self._locked(s, stocktake_id)
            stored = _stored_lines(s, stocktake_id)
            unscanned = _unscanned(s, stocktake_id, {x.device_id for x in stored if x.device_id is not None})
            twice = unseen_twice(
                {x.device_id for x in unscanned if x.result == "missing" and x.device_id is not None},
                _previous_missing(s, stocktake_id),
            )
            for x in unscanned:
                s.add(
                    StocktakeLine(
                        stocktake_id=stocktake_id,
                        device_id=x.device_id,
                        code=x.code,
                        result=x.result,
                        seen=False,
                        device_state=x.device_state,
                        scanned_at=None,
                        staff_id=None,
                        unseen_twice=x.device_id in twice,
                        loan_reference=x.loan_reference,
                        due_on=x.due_on,
                    )
                )
            by_day: dict[dt.date, list[int]] = {}
            for x in stored:
                if x.device_id is not None and x.scanned_at is not None:
                    by_day.setdefault(x.scanned_at.date(), []).append(x.device_id)
            table = sa_table(Device)
            for day, ids in sorted(by_day.items()):
                s.execute(
                    table.update()
                    .where(table.c.id.in_(ids))
                    .values(last_seen_on=day, updated_at=table.c.updated_at)  # no version bump, no "edited"
                )
            row.state, row.finished_at, row.finished_staff_id = StocktakeState.FINISHED.value, now(), actor.staff_id
            s.flush()
            view = _view(s, row)
            audit(
                s,
                actor,
                AuditAction.UPDATE,
                KIND,
                row.id,
                f"finish found={len(view.found)} missing={len(view.missing)} on_loan={len(view.on_loan)}"
                f" unknown={len(view.unknown)} unseen_twice={len(view.unseen_twice)}",
            )
            return view

    def cancel(self, actor: Actor, stocktake_id: int) -> None:
        """中止: the session ends without a result (no last-seen dates, not counted as a stock-take)."""
        require(actor, Permission.INVENTORY_EDIT)
        with self.db.write() as s:
            row = self._locked(s, stocktake_id)
            row.state, row.finished_at, row.finished_staff_id = StocktakeState.CANCELLED.value, now(), actor.staff_id
            s.flush()
            audit(s, actor, AuditAction.UPDATE, KIND, row.id, "cancel")

    def last_finished(self, actor: Actor) -> StocktakeView | None:
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            row = s.scalar(
                select(Stocktake)
                .where(Stocktake.state == StocktakeState.FINISHED.value)
                .order_by(Stocktake.id.desc())
                .limit(1)
            )
            return _view(s, row) if row is not None else None

    def history(self, actor: Actor, limit: int = 20) -> list[StocktakeSummary]:
        """The finished stock-takes, newest first."""
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            rows = s.scalars(
                select(Stocktake)
                .where(Stocktake.state == StocktakeState.FINISHED.value)
                .order_by(Stocktake.id.desc())
                .limit(limit)
            ).all()
            return [_summary(s, r) for r in rows]

    def result_pdf(self, actor: Actor, stocktake_id: int) -> bytes:
        """The result on paper (documents/stocktake.py); a PRINT audit row."""
        require(actor, Permission.PRINT)
        require(actor, Permission.LENDING_OPERATE)
        from kyodo_desk.documents.base import CenterInfo
        from kyodo_desk.documents.stocktake import build_stocktake_pdf

        view = self.view(actor, stocktake_id)
        pdf = build_stocktake_pdf(stocktake_sheet(view), CenterInfo.from_settings(self.settings.get()))
        with self.db.write() as s:
            audit(s, actor, AuditAction.PRINT, KIND, stocktake_id, f"lines={len(view.lines)}")
        return pdf


def stocktake_sheet(view: StocktakeView):
    """The plain data of the result paper (documents/stocktake.py)."""
    from kyodo_desk.documents.stocktake import SheetLine, StocktakeSheet

    def rows(lines: tuple[StocktakeLineRecord, ...]) -> tuple[SheetLine, ...]:
        return tuple(
            SheetLine(
                x.code,
                x.name,
                x.storage_place,
                x.state_label,
                x.scanned_at.strftime("%m/%d %H:%M") if x.scanned_at else "",
                x.remark,
                x.unseen_twice,
            )
            for x in lines
        )

    sm = view.summary
    return StocktakeSheet(
        number=sm.id,
        state_label=StocktakeState(sm.state).label(),
        started_at=sm.started_at,
        finished_at=sm.finished_at,
        staff=sm.staff_name,
        finished_staff=sm.finished_staff_name,
        note=sm.note,
        expected_total=view.expected_total,
        found=rows(view.found),
        missing=rows(view.missing),
        on_loan=rows(view.on_loan),
        unknown=rows(view.unknown),
    )


__all__ = [
    "ScanOutcome",
    "StocktakeLineRecord",
    "StocktakeService",
    "StocktakeSummary",
    "StocktakeView",
    "stocktake_sheet",
]
