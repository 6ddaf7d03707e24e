"""What the lending desk reads about a loan: frozen records, and loading them in a fixed number of
queries (borrowers, staff, items, notes) whatever the number of loans."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kyodo_desk.db.lending_models import Device, DeviceModel, Loan, LoanItem, LoanNote
from kyodo_desk.db.models import Organization, Staff
from kyodo_desk.domain.lending import Condition, DeviceState
from kyodo_desk.services.inventory import DeviceRecord, device_record


@dataclass(frozen=True)
class ScanResult:
    ok: bool
    message: str
    device: DeviceRecord | None = None


@dataclass(frozen=True)
class CheckoutRequest:
    organization_id: int
    responsible_name: str
    contact_phone: str
    device_ids: tuple[int, ...]
    due_on: dt.date
    purpose: str = ""
    accessories: dict[int, tuple[str, ...]] = field(default_factory=dict)  # device id → names ticked
    out_at: dt.datetime | None = None
    backdate_reason: str = ""


@dataclass(frozen=True)
class LoanItemRecord:
    id: int
    device: DeviceRecord
    accessories_out: tuple[str, ...]
    returned_at: dt.datetime | None
    accessories_back: dict[str, str]
    condition: str | None
    wiped: bool
    result_state: str | None


@dataclass(frozen=True)
class LoanRecord:
    id: int
    reference: str
    organization_id: int
    organization_name: str
    organization_phone: str
    responsible_name: str
    contact_phone: str
    purpose: str
    out_at: dt.datetime
    due_on: dt.date
    staff_name: str
    status: str
    items: tuple[LoanItemRecord, ...]
    notes: tuple[tuple[dt.datetime, str, str], ...]
    version: int

    @property
    def open_items(self) -> tuple[LoanItemRecord, ...]:
        return tuple(i for i in self.items if i.returned_at is None)

    def days_overdue(self, today: dt.date) -> int:
        return max(0, (today - self.due_on).days) if self.status == "open" else 0


@dataclass(frozen=True)
class ReturnRequest:
    device_id: int
    accessories_back: dict[str, str]  # accessory name → returned / missing / damaged
    condition: str = Condition.GOOD.value
    wiped: bool = False
    result_state: str = DeviceState.AVAILABLE.value
    note: str = ""
    returned_at: dt.datetime | None = None
    backdate_reason: str = ""


def _loan_record(s: Session, loan: Loan) -> LoanRecord:
    return _loan_records(s, [loan])[0]


def _loan_records(s: Session, loans: list[Loan]) -> list[LoanRecord]:
    """Records of *loans* in four queries whatever their number (borrowers, staff, items, notes)."""
    if not loans:
        return []
    ids = [loan.id for loan in loans]
    orgs = {
        o.id: (o.name, o.phone)
        for o in s.execute(
            select(Organization.id, Organization.name, Organization.phone).where(
                Organization.id.in_({loan.organization_id for loan in loans})
            )
        )
    }
    staff_ids = {loan.staff_id for loan in loans if loan.staff_id}
    staff = (
        dict(s.execute(select(Staff.id, Staff.display_name).where(Staff.id.in_(staff_ids))).all()) if staff_ids else {}
    )
    items: dict[int, list[LoanItemRecord]] = {i: [] for i in ids}
    for item, device, model in s.execute(
        select(LoanItem, Device, DeviceModel)
        .join(Device, Device.id == LoanItem.device_id)
        .join(DeviceModel, DeviceModel.id == Device.model_id)
        .where(LoanItem.loan_id.in_(ids))
        .order_by(LoanItem.loan_id, LoanItem.id)
    ):
        items[item.loan_id].append(
            LoanItemRecord(
                item.id,
                device_record(device, model),
                tuple(json.loads(item.accessories_out or "[]")),
                item.returned_at,
                json.loads(item.accessories_back or "{}"),
                item.condition,
                item.wiped,
                item.result_state,
            )
        )
    notes: dict[int, list[tuple[dt.datetime, str, str]]] = {i: [] for i in ids}
    for loan_id, at, name, note in s.execute(
        select(LoanNote.loan_id, LoanNote.at, Staff.display_name, LoanNote.note)
        .outerjoin(Staff, Staff.id == LoanNote.staff_id)
        .where(LoanNote.loan_id.in_(ids))
        .order_by(LoanNote.loan_id, LoanNote.at, LoanNote.id)
    ):
        notes[loan_id].append((at, name or "", note))
    records = []
    for loan in loans:
        org_name, org_phone = orgs.get(loan.organization_id, ("", ""))
        records.append(
            LoanRecord(
                loan.id,
                loan.reference,
                loan.organization_id,
                org_name or "",
                org_phone or "",
                loan.responsible_name,
                loan.contact_phone,
                loan.purpose,
                loan.out_at,
                loan.due_on,
                staff.get(loan.staff_id, "") if loan.staff_id else "",
                loan.status,
                tuple(items[loan.id]),
                tuple(notes[loan.id]),
                loan.version,
            )
        )
    return records
