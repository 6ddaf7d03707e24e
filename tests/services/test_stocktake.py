"""棚卸 (stock-take): classification, idempotent scans, the unseen-twice flag, last-seen dates,
one open session, permissions and the audit trail — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kyodo_desk.db.lending_models import Device
from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import PermissionDenied, ServiceError
from kyodo_desk.services.inventory import Accessory, DeviceInput
from kyodo_desk.services.loans import CheckoutRequest
from kyodo_desk.services.organizations import OrganizationInput

TODAY = dt.date.today()


@pytest.fixture
def shelf(services, admin):
    """Six devices KD-0001..KD-0006: 0002 out on loan, 0005 lost, 0006 in repair."""
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad 第9世代", [Accessory("ACアダプタ")])
    devices = [
        services.inventory.create(admin, DeviceInput(model_id=model.id, serial=f"SN{i}", storage_place="倉庫A"))
        for i in range(6)
    ]
    org = services.organizations.create(
        admin, OrganizationInput(kind="neighborhood", name="広坂町会", name_kana="ヒロサカチョウカイ")
    )
    loan = services.loans.checkout(
        admin,
        CheckoutRequest(
            organization_id=org.id,
            responsible_name="山田 太郎",
            contact_phone="090-1234-5678",
            device_ids=(devices[1].id,),
            due_on=services.calendar.calendar().next_open_day(TODAY + dt.timedelta(days=7)),
            purpose="総会",
        ),
    )
    services.inventory.set_state(admin, devices[4].id, "lost", "行方不明")
    services.inventory.set_state(admin, devices[5].id, "repair", "液晶不良")
    return devices, loan


def _codes(lines) -> list[str]:
    return [x.code for x in lines]


def test_scans_are_classified_and_normalized_like_the_desk(services, staff_actor, shelf):
    _devices, loan = shelf
    st = services.stocktake.start(staff_actor, "年度末の棚卸")
    assert st.is_open and st.staff_name == "田中 健一"
    first = services.stocktake.scan(staff_actor, st.id, "ｋｄ－０００１")  # full-width from a scanner in 全角 mode
    assert first.line.code == "KD-0001" and first.line.result == "found" and first.tone == "ok"
    assert "KD-0001" in first.message and "確認しました" in first.message
    on_loan = services.stocktake.scan(staff_actor, st.id, "kd-0002")
    assert on_loan.line.result == "on_loan" and on_loan.line.loan_reference == loan.reference
    assert on_loan.tone == "warn" and loan.reference in on_loan.message
    lost = services.stocktake.scan(staff_actor, st.id, "KD-0005")
    assert lost.line.result == "found" and "紛失" in lost.message and lost.tone == "warn"
    unknown = services.stocktake.scan(staff_actor, st.id, "4901234567890")
    assert unknown.line.result == "unknown" and unknown.tone == "error" and unknown.line.device_id is None

    view = services.stocktake.view(staff_actor, st.id)
    assert _codes(view.found) == ["KD-0001", "KD-0005"]
    assert "紛失" in view.found[1].remark
    assert _codes(view.missing) == ["KD-0003", "KD-0004"]  # 0006 is at the repair shop: not expected
    assert _codes(view.on_loan) == ["KD-0002"] and view.on_loan[0].seen
    assert _codes(view.unknown) == ["4901234567890"]
    assert view.expected_total == 3  # 0001 found + 0003, 0004 missing (0005 lost: found, not expected)
    with pytest.raises(ValidationError) as err:
        services.stocktake.scan(staff_actor, st.id, "  ")
    assert "コード" in str(err.value.errors["code"])


def test_the_same_code_twice_changes_nothing(services, staff_actor, shelf):
    st = services.stocktake.start(staff_actor)
    services.stocktake.scan(staff_actor, st.id, "KD-0001")
    again = services.stocktake.scan(staff_actor, st.id, "ＫＤ-0001")
    assert again.duplicate and again.tone == "info" and "もうスキャンしてあります" in again.message
    services.stocktake.scan(staff_actor, st.id, "XYZ-1")
    assert services.stocktake.scan(staff_actor, st.id, "xyz-1").duplicate
    view = services.stocktake.view(staff_actor, st.id)
    assert _codes(view.found) == ["KD-0001"] and _codes(view.unknown) == ["XYZ-1"]
    with services.db.read() as s:
        scans = s.scalars(select(AuditLog.detail).where(AuditLog.entity == "stocktake")).all()
    assert sorted(d for d in scans if d.startswith("scan")) == ["scan result=found", "scan result=unknown"]


def test_finish_freezes_the_result_and_records_last_seen(services, staff_actor, admin, shelf):
    devices, loan = shelf
    st = services.stocktake.start(staff_actor)
    services.stocktake.scan(staff_actor, st.id, "KD-0001")
    services.stocktake.scan(staff_actor, st.id, "KD-0003")
    version_before = services.inventory.get(admin, devices[0].id).version
    done = services.stocktake.finish(staff_actor, st.id)
    assert done.summary.state == "finished" and done.summary.finished_at is not None
    assert _codes(done.found) == ["KD-0001", "KD-0003"] and _codes(done.missing) == ["KD-0004"]
    assert _codes(done.on_loan) == ["KD-0002"] and not done.on_loan[0].seen
    assert done.on_loan[0].loan_reference == loan.reference  # frozen on the line
    assert not done.unseen_twice  # no stock-take before this one
    with services.db.read() as s:
        seen = dict(s.execute(select(Device.asset_tag, Device.last_seen_on)).all())
    assert seen["KD-0001"] == TODAY and seen["KD-0003"] == TODAY
    assert seen["KD-0004"] is None and seen["KD-0002"] is None
    # the device's record was not "edited": a desk holding it open can still save
    assert services.inventory.get(admin, devices[0].id).version == version_before
    services.inventory.update(admin, devices[0].id, version_before, DeviceInput(model_id=devices[0].model.id))
    # a finished session takes no more scans, and is the one the report prints
    with pytest.raises(ServiceError) as err:
        services.stocktake.scan(staff_actor, st.id, "KD-0004")
    assert "終了" in str(err.value)
    assert services.stocktake.last_finished(staff_actor).summary.id == st.id
    assert services.stocktake.current(staff_actor) is None
    with services.db.read() as s:
        detail = s.scalar(select(AuditLog.detail).where(AuditLog.detail.like("finish%")))
    assert detail == "finish found=2 missing=1 on_loan=1 unknown=0 unseen_twice=0"


def test_unseen_in_two_stocktakes_is_flagged(services, staff_actor, shelf):
    first = services.stocktake.start(staff_actor)
    for tag in ("KD-0001", "KD-0003"):
        services.stocktake.scan(staff_actor, first.id, tag)
    services.stocktake.finish(staff_actor, first.id)  # KD-0004 missing once

    cancelled = services.stocktake.start(staff_actor)  # a cancelled session does not count
    services.stocktake.cancel(staff_actor, cancelled.id)

    second = services.stocktake.start(staff_actor)
    services.stocktake.scan(staff_actor, second.id, "KD-0001")  # KD-0003 missing for the first time
    live = services.stocktake.view(staff_actor, second.id)
    assert {x.code: x.unseen_twice for x in live.missing} == {"KD-0003": False, "KD-0004": True}
    done = services.stocktake.finish(staff_actor, second.id)
    assert _codes(done.unseen_twice) == ["KD-0004"] and done.unseen_twice[0].remark == "2回続けて未確認"
    three = {x.code: x.remark for x in done.missing}
    assert three["KD-0003"].startswith("最後の確認 ")  # seen in the first one
    assert services.stocktake.last_finished(staff_actor).summary.id == second.id
    assert [h.id for h in services.stocktake.history(staff_actor)] == [second.id, first.id]


def test_one_open_session_and_permissions(services, staff_actor, ict_actor, shelf):
    st = services.stocktake.start(staff_actor)
    with pytest.raises(ServiceError) as err:
        services.stocktake.start(staff_actor)
    assert "すでに始まっています" in str(err.value)
    assert services.stocktake.current(ict_actor).id == st.id  # ICT推進員 may look
    assert services.stocktake.view(ict_actor, st.id).summary.id == st.id
    with pytest.raises(PermissionDenied):
        services.stocktake.scan(ict_actor, st.id, "KD-0001")  # but running it is inventory work
    with pytest.raises(PermissionDenied):
        services.stocktake.finish(ict_actor, st.id)
    services.stocktake.cancel(staff_actor, st.id)
    assert services.stocktake.current(staff_actor) is None
    assert services.stocktake.start(staff_actor).id != st.id


def test_result_pdf_is_audited_as_a_print(services, staff_actor, shelf):
    st = services.stocktake.start(staff_actor)
    services.stocktake.scan(staff_actor, st.id, "KD-0001")
    services.stocktake.finish(staff_actor, st.id)
    pdf = services.stocktake.result_pdf(staff_actor, st.id)
    assert pdf.startswith(b"%PDF")
    with services.db.read() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "print", AuditLog.entity == "stocktake")).one()
    assert row.entity_id == st.id and row.staff_id == staff_actor.staff_id


def test_two_desks_scanning_the_same_label_at_once_record_it_once(services, db_url, staff_actor, admin, shelf):
    import threading

    from kyodo_desk.db.engine import Database
    from kyodo_desk.services.container import Services

    st = services.stocktake.start(staff_actor)
    desks = [Services(Database.from_url(db_url)) for _ in range(2)]
    barrier, outcomes, errors = threading.Barrier(2), [], []

    def scan(desk, actor) -> None:
        try:
            barrier.wait()
            for tag in ("KD-0001", "KD-0003", "KD-0004"):
                outcomes.append(desk.stocktake.scan(actor, st.id, tag))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=scan, args=(d, a)) for d, a in zip(desks, (staff_actor, admin), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for d in desks:
        d.db.dispose()
    assert not errors
    assert sorted(o.duplicate for o in outcomes) == [False] * 3 + [True] * 3
    view = services.stocktake.view(staff_actor, st.id)
    assert _codes(view.found) == ["KD-0001", "KD-0003", "KD-0004"] and _codes(view.missing) == []
