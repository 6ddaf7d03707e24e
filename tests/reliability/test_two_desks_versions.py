"""Two desks (own engine and connections each) on one database: a visit booking, a case's status
and a device's state carry the version the desk saw, so the second desk is refused with a clear
message instead of silently replacing the first desk's change."""

from __future__ import annotations

import datetime as dt
import threading
from datetime import time as T

import pytest

from kyodo_desk.services.advisors import AdvisorInput, Window
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.dispatch_booking import StaleBooking
from kyodo_desk.services.inventory import Accessory, DeviceInput
from tests.services.test_dispatch import _app, at, saturday, setup  # noqa: F401 - fixture


@pytest.fixture
def second_advisor(services, admin):
    return services.advisors.save(
        admin,
        AdvisorInput(
            name="北川 由美",
            name_kana="キタガワ ユミ",
            fields=("accounting",),
            dispatch_types=("advisor",),
            fee=8000,
            travel_cost=500,
            windows=(Window(5, T(10), T(17)),),
        ),
    )


def test_a_booking_made_from_a_stale_view_is_refused(desks, services, admin, setup, second_advisor):
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    desk_a, desk_b = desks(), desks()
    seen_a = desk_a.dispatch.get(admin, app.id).sessions[0]
    seen_b = desk_b.dispatch.get(admin, app.id).sessions[0]

    desk_a.dispatch.book(admin, seen_a.id, advisor.id, at(sat, 13), at(sat, 15), expected_version=seen_a.version)
    with pytest.raises(StaleBooking) as refused:
        desk_b.dispatch.book(
            admin, seen_b.id, second_advisor.id, at(sat, 14), at(sat, 16), expected_version=seen_b.version
        )
    assert "別の窓口で予約または変更されました" in str(refused.value)
    assert at(sat, 13).strftime("%m/%d 13:00") in str(refused.value)  # when it is booked now
    kept = services.dispatch.get(admin, app.id).sessions[0]
    assert (kept.advisor_id, kept.start_at, kept.ics_sequence) == (advisor.id, at(sat, 13), 1)  # A's booking stands

    # B looks again and moves the visit on purpose: that is a change, not an overwrite
    fresh = desk_b.dispatch.get(admin, app.id).sessions[0]
    moved = desk_b.dispatch.book(
        admin, fresh.id, second_advisor.id, at(sat, 14), at(sat, 16), expected_version=fresh.version
    )
    assert (moved.advisor_id, moved.start_at) == (second_advisor.id, at(sat, 14))


def test_two_desks_booking_one_visit_at_once_exactly_one_wins(desks, services, admin, setup, second_advisor):
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    desk_list = [desks(), desks()]
    seen = [d.dispatch.get(admin, app.id).sessions[0] for d in desk_list]
    choices = [(advisor.id, 13), (second_advisor.id, 10)]
    barrier = threading.Barrier(2)
    outcome: dict[int, str] = {}

    def book(i: int) -> None:
        barrier.wait(10)
        who, hour = choices[i]
        try:
            desk_list[i].dispatch.book(
                admin, seen[i].id, who, at(sat, hour), at(sat, hour + 2), expected_version=seen[i].version
            )
            outcome[i] = "booked"
        except StaleBooking:
            outcome[i] = "stale"
        except Exception as exc:  # noqa: BLE001 - any other failure is the bug we look for
            outcome[i] = repr(exc)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome.values()) == ["booked", "stale"]
    winner = next(i for i, v in outcome.items() if v == "booked")
    final = services.dispatch.get(admin, app.id).sessions[0]
    assert (final.advisor_id, final.start_at) == (choices[winner][0], at(sat, choices[winner][1]))


def test_case_status_from_a_stale_view_is_refused(desks, services, staff_actor):
    case = services.consultations.create_case(staff_actor, "NPO法人化の相談", None, dt.date(2026, 6, 1))
    desk_a, desk_b = desks(), desks()
    seen_a, seen_b = desk_a.consultations.case(staff_actor, case.id), desk_b.consultations.case(staff_actor, case.id)

    closed = desk_a.consultations.set_case_status(
        staff_actor, case.id, "closed", dt.date(2026, 7, 1), expected_version=seen_a.version
    )
    assert closed.status == "closed"
    with pytest.raises(StaleEdit) as refused:  # B still shows it open and closes it with another date
        desk_b.consultations.set_case_status(
            staff_actor, case.id, "closed", dt.date(2026, 7, 9), expected_version=seen_b.version
        )
    assert "この案件は、開いた後に別の窓口で変更されました" in str(refused.value)
    now = services.consultations.case(staff_actor, case.id)
    assert (now.status, now.closed_on) == ("closed", dt.date(2026, 7, 1))
    reopened = desk_b.consultations.set_case_status(staff_actor, case.id, "open", expected_version=now.version)
    assert reopened.status == "open"


def test_device_state_from_a_stale_view_is_refused(desks, services, admin):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad 第9世代", [Accessory("充電器")])
    device = services.inventory.create(admin, DeviceInput(model.id, serial="DMPX1", storage_place="棚A"))
    desk_a, desk_b = desks(), desks()
    seen_a, seen_b = desk_a.inventory.get(admin, device.id), desk_b.inventory.get(admin, device.id)

    desk_a.inventory.set_state(admin, device.id, "repair", "画面割れ", expected_version=seen_a.version)
    with pytest.raises(StaleEdit) as refused:  # B did not see the repair and retires the device
        desk_b.inventory.set_state(admin, device.id, "retired", "古いため", expected_version=seen_b.version)
    assert "この機器は、開いた後に別の窓口で変更されました" in str(refused.value)
    now = services.inventory.get(admin, device.id)
    assert now.state == "repair"
    assert [h.to_state for h in services.inventory.history(admin, device.id)].count("retired") == 0


def test_device_state_changed_at_two_desks_at_once_exactly_one_wins(desks, services, admin):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad 第10世代", [])
    device = services.inventory.create(admin, DeviceInput(model.id, serial="DMPX2"))
    desk_list = [desks(), desks()]
    seen = [d.inventory.get(admin, device.id) for d in desk_list]
    states = [("repair", "電池の膨張"), ("lost", "見当たらない")]
    barrier = threading.Barrier(2)
    outcome: dict[int, str] = {}

    def change(i: int) -> None:
        barrier.wait(10)
        try:
            desk_list[i].inventory.set_state(admin, device.id, *states[i], expected_version=seen[i].version)
            outcome[i] = "saved"
        except StaleEdit:
            outcome[i] = "stale"
        except Exception as exc:  # noqa: BLE001
            outcome[i] = repr(exc)

    threads = [threading.Thread(target=change, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome.values()) == ["saved", "stale"]
    winner = next(i for i, v in outcome.items() if v == "saved")
    assert services.inventory.get(admin, device.id).state == states[winner][0]
