"""Demo devices, loans and reservations (bulk inserted; each device's loans never overlap).

small: 24 devices and a few months of loans; large: 1,000+ devices and 60,000+ loans over ten years.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, insert, select, update

from kyodo_desk.db.consultation_models import ReferenceCounter
from kyodo_desk.db.lending_models import (
    Device,
    DeviceModel,
    DeviceStateChange,
    Loan,
    LoanItem,
    Reservation,
    ReservationItem,
)
from kyodo_desk.db.models import Organization, SearchDocument
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.lending import DeviceKind

MODELS = [
    ("tablet", "Apple", "iPad 第9世代", [("ACアダプタ", 1), ("USB-Cケーブル", 1), ("ケース", 1)], 14),
    ("tablet", "NEC", "LAVIE Tab T10", [("ACアダプタ", 1), ("ケーブル", 1), ("ケース", 1)], 14),
    ("laptop", "富士通", "LIFEBOOK A5512", [("ACアダプタ", 1), ("マウス", 1), ("収納バッグ", 1)], 14),
    ("wifi_router", "NEC", "Aterm MP02LN", [("SIM", 1), ("充電ケーブル", 1)], 14),
    ("projector", "EPSON", "EB-W06", [("電源ケーブル", 1), ("HDMIケーブル", 1), ("リモコン", 1), ("収納ケース", 1)], 7),
    ("webcam", "Logicool", "C920n", [("三脚", 1)], 14),
    ("speakerphone", "Jabra", "Speak 510", [("USBケーブル", 1), ("ポーチ", 1)], 14),
]
SIZES = {"small": (24, 1), "large": (1050, 10)}


def step(ctx) -> None:
    s, rng, today = ctx.session, ctx.rng, ctx.today
    n_devices, years = SIZES[ctx.size]
    start = today - dt.timedelta(days=365 * years)
    model_ids = []
    for kind, maker, name, acc, days in MODELS:
        row = DeviceModel(
            kind=kind,
            maker=maker,
            model_name=name,
            accessories=json.dumps([{"name": a, "count": c} for a, c in acc], ensure_ascii=False),
            loan_days=days,
        )
        s.add(row)
        s.flush()
        model_ids.append((row.id, kind, name, [a for a, _c in acc], days))
    first_dev = (s.scalar(select(func.max(Device.id))) or 0) + 1
    devices, docs, changes = [], [], []
    for i in range(n_devices):
        mid, kind, name, _acc, _d = model_ids[i % len(model_ids)]
        tag = f"KD-{i + 1:04d}"
        bought = start + dt.timedelta(days=rng.randint(0, 200))
        devices.append(
            {
                "id": first_dev + i,
                "asset_tag": tag,
                "model_id": mid,
                "serial": f"SN{rng.randint(10**7, 10**8 - 1)}",
                "purchase_date": bought,
                "storage_place": rng.choice(["事務室 棚A", "事務室 棚B", "倉庫"]),
                "notes": "",
                "state": "available",
                "created_at": dt.datetime.combine(bought, dt.time(9)),
                "updated_at": dt.datetime.combine(bought, dt.time(9)),
                "version": 1,
            }
        )
        docs.append(
            {
                "kind": "device",
                "ref_id": first_dev + i,
                "code": tag,
                "title": f"{tag} {DeviceKind(kind).label()}",
                "subtitle": name,
                "text": f"{tag.lower()} {DeviceKind(kind).label()} {name}".lower(),
            }
        )
        changes.append(
            {
                "device_id": first_dev + i,
                "at": dt.datetime.combine(bought, dt.time(9)),
                "from_state": None,
                "to_state": "available",
                "staff_id": None,
                "reason": "登録",
            }
        )
    s.execute(insert(Device), devices)
    s.execute(insert(SearchDocument), docs)
    s.execute(insert(DeviceStateChange), changes)
    s.execute(insert(ReferenceCounter), [{"prefix": "KD-", "fiscal_year": 0, "last_value": n_devices}])

    orgs = [
        r.id
        for r in s.execute(
            select(Organization.id).where(
                Organization.id.in_(ctx.organization_ids),
                Organization.kind.in_(["neighborhood", "citizen_group", "npo", "student_group"]),
            )
        )
    ]
    staff = [i for ids in ctx.staff_ids.values() for i in ids]
    first_loan = (s.scalar(select(func.max(Loan.id))) or 0) + 1
    loans, items, ldocs = [], [], []
    counters: dict[int, int] = {}
    on_loan: list[int] = []
    for dev in devices:
        kind_days = next(m[4] for m in model_ids if m[0] == dev["model_id"])
        accessories = next(m[3] for m in model_ids if m[0] == dev["model_id"])
        day = dev["purchase_date"] + dt.timedelta(days=rng.randint(1, 30))
        while day < today:
            length = rng.randint(2, kind_days)
            due = day + dt.timedelta(days=length)
            back = (
                due + dt.timedelta(days=rng.choice([0, 0, 0, 0, 0, 0, 0, 0, -1, -2, 1, 3]))
                if rng.random() < 0.97
                else None
            )
            if back is not None and back < day:
                back = day
            if back is not None and back >= today:
                back = None
            if back is None and due < today - dt.timedelta(days=21):
                back = due + dt.timedelta(days=2)
            lid = first_loan
            first_loan += 1
            fy = fiscal_year_of(day)
            counters[fy] = counters.get(fy, 0) + 1
            ref = f"L{fy}-{counters[fy]:05d}"
            out_at = dt.datetime.combine(day, dt.time(rng.randint(9, 18), 0))
            loans.append(
                {
                    "id": lid,
                    "reference": ref,
                    "organization_id": rng.choice(orgs),
                    "responsible_name": "担当者",
                    "contact_phone": f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                    "purpose": rng.choice(["オンライン総会", "役員会", "研修会", "イベント"]),
                    "out_at": out_at,
                    "due_on": due,
                    "staff_id": rng.choice(staff),
                    "status": "closed" if back else "open",
                    "reservation_id": None,
                    "closed_at": dt.datetime.combine(back, dt.time(15)) if back else None,
                    "created_at": out_at,
                    "version": 1,
                }
            )
            damaged = back is not None and rng.random() < 0.02
            items.append(
                {
                    "loan_id": lid,
                    "device_id": dev["id"],
                    "accessories_out": json.dumps(accessories, ensure_ascii=False),
                    "returned_at": dt.datetime.combine(back, dt.time(15)) if back else None,
                    "return_staff_id": rng.choice(staff) if back else None,
                    "accessories_back": json.dumps(
                        {a: ("missing" if damaged and j == 0 else "returned") for j, a in enumerate(accessories)},
                        ensure_ascii=False,
                    )
                    if back
                    else "{}",
                    "condition": ("damaged" if damaged else "good") if back else None,
                    "wiped": bool(back),
                    "result_state": "available" if back else None,
                    "note": "",
                }
            )
            ldocs.append(
                {"kind": "loan", "ref_id": lid, "code": ref, "title": ref, "subtitle": "貸出", "text": ref.lower()}
            )
            if back is None:
                on_loan.append(dev["id"])
                break
            day = back + dt.timedelta(days=rng.randint(3, 60 if ctx.size == "large" else 20))
        if len(loans) >= 5000:
            _flush(s, loans, items, ldocs)
    _flush(s, loans, items, ldocs)
    if on_loan:
        s.execute(
            update(Device)
            .where(Device.id.in_(on_loan))
            .values(state="on_loan")
            .execution_options(synchronize_session=False)
        )
    for fy, value in counters.items():
        s.add(ReferenceCounter(prefix="L", fiscal_year=fy, last_value=value))
    # a few reservations in the coming weeks for free devices
    free = [d["id"] for d in devices if d["id"] not in set(on_loan)]
    for k in range(min(5, len(free) // 3)):
        begin = today + dt.timedelta(days=7 + 5 * k)
        res = Reservation(
            organization_id=rng.choice(orgs),
            start_on=begin,
            end_on=begin + dt.timedelta(days=2),
            purpose="町会オンライン会議",
            status="active",
        )
        s.add(res)
        s.flush()
        s.add(ReservationItem(reservation_id=res.id, device_id=free[k]))
    s.flush()


def _flush(s, loans: list, items: list, docs: list) -> None:
    if loans:
        s.execute(insert(Loan), loans)
        s.execute(insert(LoanItem), items)
        s.execute(insert(SearchDocument), docs)
    loans.clear()
    items.clear()
    docs.clear()
