"""One query per page, never per row: the number of SQL statements a list costs does not grow with
its rows (a desk with ten years of loans must not wait for hundreds of round trips)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from sqlalchemy import event, update

from kyodo_desk.db.lending_models import Loan
from kyodo_desk.services.inventory import Accessory, DeviceInput
from kyodo_desk.services.loans import CheckoutRequest
from kyodo_desk.services.organizations import OrganizationInput

TODAY = dt.date.today()


@contextlib.contextmanager
def statements(db):
    """Count the statements sent to the database inside the block."""
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


@pytest.fixture
def fleet(services, admin):
    """Make *n* devices, each lent to its own borrower, overdue, with a reminder note and a
    reservation of another device; returns a function that adds more."""
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [Accessory("ACアダプタ")])
    due = services.calendar.calendar().next_open_day(TODAY + dt.timedelta(days=7))
    start = services.calendar.calendar().next_open_day(TODAY + dt.timedelta(days=30))
    back = services.calendar.calendar().next_open_day(start + dt.timedelta(days=1))  # never on a 休館日
    made = {"n": 0}

    def add(n: int) -> None:
        for _ in range(n):
            k = made["n"] = made["n"] + 1
            org = services.organizations.create(
                admin,
                OrganizationInput(kind="neighborhood", name=f"計数町会{k}", name_kana="ケイスウチョウカイ" + "ア" * k),
            )
            lent, reserved = (
                services.inventory.create(
                    admin, DeviceInput(model_id=model.id, serial=f"SN{k}{x}", storage_place="倉庫")
                )
                for x in "ab"
            )
            loan = services.loans.checkout(
                admin,
                CheckoutRequest(
                    organization_id=org.id,
                    responsible_name="山田 太郎",
                    contact_phone="090-1234-5678",
                    device_ids=(lent.id,),
                    due_on=due,
                    accessories={lent.id: ("ACアダプタ",)},
                ),
            )
            services.loans.add_note(admin, loan.id, "電話した")
            services.reservations.create(admin, org.id, start, back, [reserved.id])
        with services.db.write() as s:  # every loan is overdue now
            s.execute(update(Loan).values(due_on=TODAY - dt.timedelta(days=3)))

    return add


def _counts(services, fleet, call, sizes=(2, 8)):
    counts, results = [], []
    done = 0
    for size in sizes:
        fleet(size - done)
        done = size
        with statements(services.db) as seen:
            results.append(call())
        counts.append(len(seen))
    return counts, results


def test_due_loans_cost_the_same_statements_for_2_or_8_loans(services, admin, fleet):
    counts, results = _counts(services, fleet, lambda: services.loans.due(admin, TODAY))
    assert [len(overdue) for _today, overdue in results] == [2, 8]
    overdue = results[-1][1]
    assert all(loan.organization_name.startswith("計数町会") and loan.open_items and loan.notes for loan in overdue)
    assert counts[0] == counts[1], counts


def test_loan_history_costs_the_same_statements_for_2_or_8_loans(services, admin, fleet):
    counts, results = _counts(services, fleet, lambda: services.loans.history(admin))
    assert [len(r) for r in results] == [2, 8]
    assert counts[0] == counts[1], counts


def test_availability_costs_the_same_statements_for_4_or_16_devices(services, admin, fleet):
    start = services.calendar.calendar().next_open_day(TODAY + dt.timedelta(days=30))
    counts, results = _counts(services, fleet, lambda: services.reservations.availability(admin, start, start))
    assert [len(r) for r in results] == [4, 16]
    free = [a for a in results[-1] if a.available]
    assert len(free) == 8  # the reserved ones are booked; the overdue ones are due back long before
    assert counts[0] == counts[1], counts


def test_active_reservations_cost_the_same_statements_for_2_or_8(services, admin, fleet):
    counts, results = _counts(services, fleet, lambda: services.reservations.active(admin))
    assert [len(r) for r in results] == [2, 8]
    assert all(len(r.device_tags) == 1 for r in results[-1])
    assert counts[0] == counts[1], counts


def test_dispatch_list_costs_the_same_statements_for_2_or_8_applications(services, admin):
    from kyodo_desk.services.dispatch import ApplicationInput

    org = services.organizations.create(
        admin, OrganizationInput(kind="npo", name="NPO計数", name_kana="エヌピーオーケイスウ")
    )
    counts = []
    for size in (2, 8):
        while services.dispatch.count(admin) < size:
            services.dispatch.create(
                admin,
                ApplicationInput(organization_id=org.id, dispatch_type="advisor", field="accounting", topic="会計"),
            )
        with statements(services.db) as seen:
            rows = services.dispatch.list(admin, limit=100)
        assert len(rows) == size and all(r.organization_name == "NPO計数" and r.sessions for r in rows)
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


def test_consultation_statistics_cost_the_same_statements_for_2_or_8_cases(services, admin):
    from kyodo_desk.domain.fiscal import fiscal_year_of
    from kyodo_desk.services.consultations import ConsultationInput

    received = dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(10))
    fy = fiscal_year_of(received.date())
    category = services.consultation_categories.for_year(fy)[0].id
    counts = []
    made = 0
    for size in (2, 8):
        for k in range(made, size):
            case = services.consultations.create_case(admin, f"案件{size}-{k}").id
            for _ in range(2):  # a case's first consultation is 新規, the next 継続
                services.consultations.create(
                    admin,
                    ConsultationInput(summary="相談", received_at=received, case_id=case, category_ids=(category,)),
                )
        made = size
        with statements(services.db) as seen:
            stats = services.consultation_stats.statistics(admin, fy)
        assert stats.value("合計", "案件数") == size
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
