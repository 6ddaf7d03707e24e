"""Two desks scanning the same device at the same moment: exactly one checkout succeeds."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy.exc import IntegrityError

from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Loan, LoanItem
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.container import Services
from kyodo_desk.services.inventory import Accessory, DeviceInput
from kyodo_desk.services.loans import CheckoutRequest
from kyodo_desk.services.organizations import OrganizationInput


def test_two_desks_same_device_one_wins(db_url, services, admin):
    model = services.inventory.save_model(admin, "wifi_router", "NEC", "Aterm MP02LN", [Accessory("SIM")])
    device = services.inventory.create(admin, DeviceInput(model_id=model.id))
    orgs = [
        services.organizations.create(
            admin, OrganizationInput(kind="neighborhood", name=f"町会{i}", name_kana="チョウカイ")
        )
        for i in range(2)
    ]
    due = services.calendar.calendar().next_open_day(dt.date.today() + dt.timedelta(days=7))
    desks = [Services(Database.from_url(db_url)) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def desk(i: int) -> None:
        barrier.wait()
        try:
            results[i] = desks[i].loans.checkout(
                admin,
                CheckoutRequest(
                    organization_id=orgs[i].id,
                    responsible_name="担当",
                    contact_phone="076-220-2026",
                    device_ids=(device.id,),
                    due_on=due,
                ),
            )
        except ServiceError as exc:
            results[i] = exc

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, ServiceError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "貸出中" in str(losers[0]) or "別の窓口" in str(losers[0])
    assert services.inventory.get(admin, device.id).state == "on_loan"
    for d in desks:
        d.db.dispose()


def test_database_refuses_a_second_open_loan_of_a_device(db, services, admin):
    """Even a buggy caller cannot put one device into two open loans: the partial unique index."""
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [])
    device = services.inventory.create(admin, DeviceInput(model_id=model.id))
    org = services.organizations.create(admin, OrganizationInput(name="町会", name_kana="チョウカイ"))
    now = dt.datetime.now().replace(microsecond=0)
    with pytest.raises(IntegrityError):
        with db.write() as s:
            for ref in ("X1", "X2"):
                loan = Loan(
                    reference=ref,
                    organization_id=org.id,
                    responsible_name="a",
                    contact_phone="076-220-2026",
                    out_at=now,
                    due_on=now.date(),
                )
                s.add(loan)
                s.flush()
                s.add(LoanItem(loan_id=loan.id, device_id=device.id))
                s.flush()
