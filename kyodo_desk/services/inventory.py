"""Device inventory: models with accessory checklists, devices with never-reused asset tags,
state changes with history, and CSV import/export as Japanese Excel saves it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db import search as search_index
from kyodo_desk.db.consultation_models import ReferenceCounter
from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Device, DeviceModel, DeviceStateChange
from kyodo_desk.db.models import Staff, now
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.lending import DEFAULT_LOAN_DAYS, DeviceKind, DeviceState
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError, Validator
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, require
from kyodo_desk.services.conflict_retry import conflict_retrying

KIND = "device"


@dataclass(frozen=True)
class Accessory:
    name: str
    count: int = 1


@dataclass(frozen=True)
class DeviceModelRecord:
    id: int
    kind: str
    maker: str
    model_name: str
    accessories: tuple[Accessory, ...]
    loan_days: int
    version: int = 0  # the row's version when read: save_model() refuses a save over a newer one

    @property
    def label(self) -> str:
        return f"{self.maker} {self.model_name}".strip()


@dataclass(frozen=True)
class DeviceInput:
    model_id: int = 0
    serial: str = ""
    purchase_date: dt.date | None = None
    storage_place: str = ""
    notes: str = ""


@dataclass(frozen=True)
class DeviceRecord:
    id: int
    asset_tag: str
    model: DeviceModelRecord
    serial: str
    purchase_date: dt.date | None
    storage_place: str
    notes: str
    state: str
    version: int

    @property
    def kind(self) -> str:
        return self.model.kind

    @property
    def name(self) -> str:
        return f"{DeviceKind(self.model.kind).label()} {self.model.label}".strip()

    @property
    def state_label(self) -> str:
        return DeviceState(self.state).label()


@dataclass(frozen=True)
class StateChangeRecord:
    at: dt.datetime
    from_state: str | None
    to_state: str
    staff_name: str
    reason: str


def parse_accessories(raw: str) -> tuple[Accessory, ...]:
    try:
        return tuple(Accessory(a["name"], int(a.get("count", 1))) for a in json.loads(raw or "[]"))
    except (ValueError, KeyError, TypeError):
        return ()


def model_record(row: DeviceModel) -> DeviceModelRecord:
    return DeviceModelRecord(
        row.id,
        row.kind,
        row.maker,
        row.model_name,
        parse_accessories(row.accessories),
        row.loan_days or DEFAULT_LOAN_DAYS.get(row.kind, 7),
        row.version,
    )


def device_record(row: Device, model: DeviceModel) -> DeviceRecord:
    return DeviceRecord(
        row.id,
        row.asset_tag,
        model_record(model),
        row.serial,
        row.purchase_date,
        row.storage_place,
        row.notes,
        row.state,
        row.version,
    )


def normalize_tag(value: str) -> str:
    from kyodo_desk.domain.text import fold

    return fold(value).upper().replace(" ", "")


def next_asset_tag(session: Session, prefix: str) -> str:
    """PREFIX + 4+ digits from an ever-increasing counter; skips tags already taken (imports)."""
    counter = session.get(ReferenceCounter, (prefix, 0))
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, fiscal_year=0, last_value=0)
        session.add(counter)
    while True:
        counter.last_value += 1
        tag = f"{prefix}{counter.last_value:04d}"
        if session.scalar(select(Device.id).where(Device.asset_tag == tag)) is None:
            session.flush()
            return tag


def index_device(session: Session, row: Device, model: DeviceModel) -> None:
    search_index.index_document(
        session,
        KIND,
        row.id,
        title=f"{row.asset_tag} {DeviceKind(model.kind).label()}",
        subtitle=f"{model.maker} {model.model_name}".strip(),
        code=row.asset_tag,
        texts=(row.serial, row.storage_place, model.maker, model.model_name),
    )


def record_state(session: Session, actor: Actor, row: Device, new_state: str, reason: str = "") -> None:
    if row.state == new_state:
        return
    session.add(
        DeviceStateChange(
            device_id=row.id,
            at=now(),
            from_state=row.state,
            to_state=new_state,
            staff_id=actor.staff_id,
            reason=reason[:300],
        )
    )
    row.state = new_state


@conflict_retrying
class InventoryService:
    def __init__(self, db: Database, settings):
        self.db = db
        self.settings = settings

    # ---- device models --------------------------------------------------------------
    def models(self, actor: Actor) -> list[DeviceModelRecord]:
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            return [
                model_record(r)
                for r in s.scalars(
                    select(DeviceModel).order_by(DeviceModel.kind, DeviceModel.maker, DeviceModel.model_name)
                )
            ]

    def save_model(
        self,
        actor: Actor,
        kind: str,
        maker: str,
        model_name: str,
        accessories: list[Accessory],
        loan_days: int | None = None,
        model_id: int | None = None,
        expected_version: int | None = None,
    ) -> DeviceModelRecord:
        """Add a model (*model_id* None) or change one.  *expected_version*: the model's version the
        desk showed; when another desk saved the model since, the save is refused (StaleEdit)."""
        require(actor, Permission.INVENTORY_EDIT)
        v = Validator()
        v.required("model_name", _("型番"), model_name)
        if kind not in {k.value for k in DeviceKind}:
            v.add("kind", _("「種別」を一覧から選んでください。"))
        if loan_days is not None and not 1 <= loan_days <= 90:
            v.add("loan_days", _("「貸出日数」は1〜90日で入力してください。"))
        if any(not a.name.strip() or a.count < 1 for a in accessories):
            v.add("accessories", _("「付属品」は名前と1以上の個数を入れてください。"))
        v.raise_if_any()
        payload = json.dumps([{"name": a.name.strip(), "count": a.count} for a in accessories], ensure_ascii=False)
        try:
            with self.db.write() as s:
                row = s.get(DeviceModel, model_id) if model_id else None
                if row is None:
                    if s.scalar(
                        select(DeviceModel.id).where(
                            DeviceModel.maker == maker.strip(), DeviceModel.model_name == model_name.strip()
                        )
                    ):
                        raise ValidationError({"model_name": _("同じメーカー・型番の機種がすでにあります。")})
                    row = DeviceModel(kind=kind, maker=maker.strip(), model_name=model_name.strip())
                    s.add(row)
                elif expected_version is not None and row.version != expected_version:
                    raise StaleEdit(_("機種"))
                row.kind, row.maker, row.model_name, row.accessories, row.loan_days = (
                    kind,
                    maker.strip(),
                    model_name.strip(),
                    payload,
                    loan_days,
                )
                s.flush()  # an UPDATE ... WHERE version=? another desk got to first: StaleDataError
                audit(s, actor, AuditAction.UPDATE if model_id else AuditAction.CREATE, "device_model", row.id)
                return model_record(row)
        except StaleDataError as exc:
            raise StaleEdit(_("機種")) from exc

    # ---- devices --------------------------------------------------------------------
    def create(self, actor: Actor, data: DeviceInput) -> DeviceRecord:
        require(actor, Permission.INVENTORY_EDIT)
        prefix = self.settings.get().asset_tag_prefix
        with self.db.write() as s:
            model = s.get(DeviceModel, data.model_id)
            if model is None:
                raise ValidationError({"model_id": _("「機種」を一覧から選んでください。")})
            row = Device(
                asset_tag=next_asset_tag(s, prefix),
                model_id=model.id,
                serial=data.serial.strip(),
                purchase_date=data.purchase_date,
                storage_place=data.storage_place.strip(),
                notes=data.notes.strip(),
                state=DeviceState.AVAILABLE.value,
            )
            s.add(row)
            s.flush()
            s.add(
                DeviceStateChange(
                    device_id=row.id,
                    at=now(),
                    from_state=None,
                    to_state=row.state,
                    staff_id=actor.staff_id,
                    reason=_("登録"),
                )
            )
            index_device(s, row, model)
            audit(s, actor, AuditAction.CREATE, KIND, row.id)
            return device_record(row, model)

    def update(self, actor: Actor, device_id: int, expected_version: int, data: DeviceInput) -> DeviceRecord:
        require(actor, Permission.INVENTORY_EDIT)
        try:
            with self.db.write() as s:
                row = s.get(Device, device_id)
                if row is None:
                    raise NotFound(_("機器が見つかりません。"))
                if row.version != expected_version:
                    raise StaleEdit(_("機器"))
                model = s.get(DeviceModel, data.model_id)
                if model is None:
                    raise ValidationError({"model_id": _("「機種」を一覧から選んでください。")})
                row.model_id, row.serial, row.purchase_date = model.id, data.serial.strip(), data.purchase_date
                row.storage_place, row.notes, row.updated_at = data.storage_place.strip(), data.notes.strip(), now()
                s.flush()
                index_device(s, row, model)
                audit(s, actor, AuditAction.UPDATE, KIND, row.id)
                return device_record(row, model)
        except StaleDataError as exc:
            raise StaleEdit(_("機器")) from exc

    def set_state(
        self, actor: Actor, device_id: int, state: str, reason: str, *, expected_version: int | None = None
    ) -> DeviceRecord:
        """Manual state change (修理中, 紛失, 廃棄, back to 貸出可 after inspection).
        *expected_version*: the device's version the desk showed; when another desk changed the
        device since (its state, a loan, an edit), the change is refused (StaleEdit)."""
        require(actor, Permission.INVENTORY_EDIT)
        state = DeviceState(state).value
        try:
            return self._set_state(actor, device_id, state, reason, expected_version)
        except StaleDataError as exc:  # the UPDATE ... WHERE version=? matched nothing: saved meanwhile
            raise StaleEdit(_("機器")) from exc

    def _set_state(
        self, actor: Actor, device_id: int, state: str, reason: str, expected_version: int | None
    ) -> DeviceRecord:
        with self.db.write() as s:
            row = s.get(Device, device_id)
            if row is None:
                raise NotFound(_("機器が見つかりません。"))
            if expected_version is not None and row.version != expected_version:
                raise StaleEdit(_("機器"))
            if row.state == DeviceState.ON_LOAN.value or state == DeviceState.ON_LOAN.value:
                raise ValidationError({"state": _("貸出中の状態は貸出・返却の画面でだけ変わります。")})
            if not reason.strip() and state in (
                DeviceState.LOST.value,
                DeviceState.RETIRED.value,
                DeviceState.REPAIR.value,
            ):
                raise ValidationError({"reason": _("「理由」を入力してください(紛失・廃棄・修理のときに必要です)。")})
            record_state(s, actor, row, state, reason.strip())
            row.updated_at = now()
            s.flush()
            audit(s, actor, AuditAction.UPDATE, KIND, row.id, f"state={state}")
            return device_record(row, s.get_one(DeviceModel, row.model_id))

    def get(self, actor: Actor, device_id: int) -> DeviceRecord:
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            row = s.get(Device, device_id)
            if row is None:
                raise NotFound(_("機器が見つかりません。"))
            return device_record(row, s.get_one(DeviceModel, row.model_id))

    def by_tag(self, actor: Actor, tag: str) -> DeviceRecord | None:
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            row = s.scalar(select(Device).where(Device.asset_tag == normalize_tag(tag)))
            return device_record(row, s.get_one(DeviceModel, row.model_id)) if row else None

    def count(self, actor: Actor, *, text: str = "", state: str | None = None, kind: str | None = None) -> int:
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(self._filtered(text, state, kind).subquery())) or 0

    def page(
        self,
        actor: Actor,
        *,
        text: str = "",
        state: str | None = None,
        kind: str | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> list[DeviceRecord]:
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            rows = s.execute(
                self._filtered(text, state, kind).order_by(Device.asset_tag).offset(offset).limit(limit)
            ).all()
            return [device_record(d, m) for d, m in rows]

    def _filtered(self, text: str, state: str | None, kind: str | None):
        stmt = select(Device, DeviceModel).join(DeviceModel, DeviceModel.id == Device.model_id)
        if state:
            stmt = stmt.where(Device.state == state)
        if kind:
            stmt = stmt.where(DeviceModel.kind == kind)
        if text.strip():
            ids = search_index.matching_refs(self.db.engine.dialect.name, KIND, text)  # full-text index
            stmt = stmt.where(or_(Device.id.in_(ids), Device.asset_tag == normalize_tag(text)))
        return stmt

    def history(self, actor: Actor, device_id: int) -> list[StateChangeRecord]:
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            rows = s.execute(
                select(DeviceStateChange, Staff.display_name)
                .outerjoin(Staff, Staff.id == DeviceStateChange.staff_id)
                .where(DeviceStateChange.device_id == device_id)
                .order_by(DeviceStateChange.at, DeviceStateChange.id)
            ).all()
            return [StateChangeRecord(c.at, c.from_state, c.to_state, name or "system", c.reason) for c, name in rows]

    def all_tags(self, actor: Actor) -> list[str]:
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            return list(
                s.scalars(
                    select(Device.asset_tag).where(Device.state != DeviceState.RETIRED.value).order_by(Device.asset_tag)
                )
            )


@dataclass
class ImportReport:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
