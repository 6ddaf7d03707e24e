"""Device lending: inventory, the availability rule, checkout/return/renew, reservations, CSV import."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import PermissionDenied, ServiceError
from kyodo_desk.services.inventory import Accessory, DeviceInput
from kyodo_desk.services.inventory_csv import InventoryImportError, export_devices, import_devices
from kyodo_desk.services.loans import CheckoutRequest, ReturnRequest
from kyodo_desk.services.organizations import OrganizationInput

TODAY = dt.date.today()


@pytest.fixture
def lending(services, admin):
    model = services.inventory.save_model(
        admin, "tablet", "Apple", "iPad 第9世代", [Accessory("ACアダプタ"), Accessory("ケーブル"), Accessory("ケース")]
    )
    devices = [
        services.inventory.create(admin, DeviceInput(model_id=model.id, serial=f"SN{i}", storage_place="倉庫A"))
        for i in range(3)
    ]
    org = services.organizations.create(
        admin, OrganizationInput(kind="neighborhood", name="広坂町会", name_kana="ヒロサカチョウカイ")
    )
    other = services.organizations.create(
        admin, OrganizationInput(kind="citizen_group", name="長町子ども食堂", name_kana="ナガマチコドモショクドウ")
    )
    return model, devices, org, other


def _due(services, days=7):
    return services.calendar.calendar().next_open_day(TODAY + dt.timedelta(days=days))


def _checkout(services, actor, org, devices, due, **kw):
    return services.loans.checkout(
        actor,
        CheckoutRequest(
            organization_id=org.id,
            responsible_name="山田 太郎",
            contact_phone="090-1234-5678",
            device_ids=tuple(d.id for d in devices),
            due_on=due,
            purpose="オンライン総会",
            accessories={d.id: ("ACアダプタ", "ケーブル") for d in devices},
            **kw,
        ),
    )


def test_asset_tags_are_generated_and_never_reused(services, admin, lending):
    _model, devices, _org, _other = lending
    assert [d.asset_tag for d in devices] == ["KD-0001", "KD-0002", "KD-0003"]
    services.inventory.set_state(admin, devices[2].id, "retired", "画面割れのため廃棄")
    new = services.inventory.create(admin, DeviceInput(model_id=devices[0].model.id))
    assert new.asset_tag == "KD-0004"
    history = services.inventory.history(admin, devices[2].id)
    assert [(h.from_state, h.to_state) for h in history] == [(None, "available"), ("available", "retired")]
    assert history[-1].staff_name == "山田 花子" and history[-1].reason == "画面割れのため廃棄"


def test_ict_promoter_lends_but_cannot_edit_inventory(services, ict_actor, lending):
    model, devices, org, _other = lending
    with pytest.raises(PermissionDenied):
        services.inventory.create(ict_actor, DeviceInput(model_id=model.id))
    with pytest.raises(PermissionDenied):
        services.inventory.set_state(ict_actor, devices[0].id, "repair", "故障")
    loan = _checkout(services, ict_actor, org, devices[:1], _due(services))
    assert loan.staff_name == "北村 誠"


def test_scan_answers_with_japanese_reasons(services, admin, lending):
    _model, devices, org, other = lending
    due = _due(services)
    assert services.loans.scan(admin, "kd-0001", org.id, due).ok  # lower case and width folded
    assert "登録されていない" in services.loans.scan(admin, "KD-9999", org.id, due).message
    _checkout(services, admin, other, devices[:1], due)
    refused = services.loans.scan(admin, "KD-0001", org.id, due)
    assert not refused.ok and "貸出中" in refused.message and "長町子ども食堂" in refused.message
    services.inventory.set_state(admin, devices[1].id, "repair", "バッテリー交換")
    assert "修理中" in services.loans.scan(admin, "KD-0002", org.id, due).message
    services.inventory.set_state(admin, devices[2].id, "retired", "廃棄")
    assert "廃棄" in services.loans.scan(admin, "KD-0003", org.id, due).message


def test_reservation_blocks_other_borrowers_and_becomes_the_loan_at_pickup(services, admin, lending):
    _model, devices, org, other = lending
    open_day = services.calendar.calendar().next_open_day  # pick-up and return never on a 休館日
    start = open_day(TODAY)
    end = open_day(start + dt.timedelta(days=3))
    res = services.reservations.create(admin, org.id, start, end, [devices[0].id], purpose="町会オンライン会議")
    refused = services.loans.scan(admin, "KD-0001", other.id, end)
    assert not refused.ok and "広坂町会 の予約" in refused.message
    with pytest.raises(ServiceError, match="予約"):
        services.reservations.create(admin, other.id, end, open_day(end + dt.timedelta(days=2)), [devices[0].id])
    avail = {a.device.asset_tag: a for a in services.reservations.availability(admin, start, end, other.id)}
    assert not avail["KD-0001"].available and avail["KD-0002"].available
    assert services.loans.scan(admin, "KD-0001", org.id, end).ok  # same organization: pickup
    loan = _checkout(services, admin, org, devices[:1], services.calendar.calendar().next_open_day(end))
    assert services.reservations.active(admin) == []
    assert any(
        e.kind == "loan" and e.reference == loan.reference for e in services.reservations.calendar(admin, start, end)
    )
    assert res.id


def test_buffer_days_keep_a_device_free_after_its_loan(services, admin, lending):
    _model, devices, org, other = lending
    cal = services.calendar.calendar()
    due = _due(services)
    while cal.is_closed(due + dt.timedelta(days=1)):  # the day after the return must be open to reserve it
        due = cal.next_open_day(due + dt.timedelta(days=1))
    _checkout(services, admin, org, devices[:1], due)
    next_day = due + dt.timedelta(days=1)
    until = cal.next_open_day(next_day + dt.timedelta(days=2))
    with pytest.raises(ServiceError, match="貸出中"):
        services.reservations.create(admin, other.id, next_day, until, [devices[0].id])
    services.settings.update(admin, services.settings.get().with_changes(lending_buffer_days=0))
    services.reservations.create(admin, other.id, next_day, until, [devices[0].id])


def test_due_date_on_a_closed_day_is_refused_and_suggestion_avoids_it(services, admin, lending):
    _model, devices, org, _other = lending
    closed = TODAY + dt.timedelta(days=10)
    services.calendar.add_center_day(admin, closed, "館内点検")
    with pytest.raises(ValidationError) as err:
        _checkout(services, admin, org, devices[:1], closed)
    assert "休館日" in err.value.errors["due_on"]
    suggested = services.loans.suggest_due(admin, [devices[0].id], TODAY - dt.timedelta(days=4))  # 14 days → TODAY+10
    assert suggested != closed and not services.calendar.calendar().is_closed(suggested)


def test_partial_return_then_full_return_closes_the_loan(services, admin, lending):
    _model, devices, org, _other = lending
    loan = _checkout(services, admin, org, devices[:2], _due(services))
    accessories = {"ACアダプタ": "returned", "ケーブル": "returned"}
    with pytest.raises(ValidationError) as err:
        services.loans.return_device(admin, ReturnRequest(devices[0].id, accessories, wiped=False))
    assert "初期化" in err.value.errors["wiped"]
    with pytest.raises(ValidationError):
        services.loans.return_device(
            admin, ReturnRequest(devices[0].id, {**accessories, "ケーブル": "missing"}, wiped=True)
        )
    after_one = services.loans.return_device(admin, ReturnRequest(devices[0].id, accessories, wiped=True))
    assert after_one.status == "open" and len(after_one.open_items) == 1
    assert services.inventory.get(admin, devices[0].id).state == "available"
    done = services.loans.return_device(
        admin,
        ReturnRequest(
            devices[1].id,
            {**accessories, "ケーブル": "damaged"},
            condition="damaged",
            wiped=True,
            result_state="repair",
        ),
    )
    assert done.status == "closed"
    assert services.inventory.get(admin, devices[1].id).state == "repair"
    assert services.loans.open_loan_for_device(admin, "KD-0002") is None
    assert loan.reference.startswith("L")


def test_renewal_uses_the_same_conflict_check(services, admin, lending):
    _model, devices, org, other = lending
    loan = _checkout(services, admin, org, devices[:1], _due(services, 3))
    later = services.calendar.calendar().next_open_day(loan.due_on + dt.timedelta(days=10))
    back = services.calendar.calendar().next_open_day(later + dt.timedelta(days=1))
    services.reservations.create(admin, other.id, later, back, [devices[0].id])
    with pytest.raises(ServiceError, match="延長できません"):
        services.loans.renew(admin, loan.id, loan.version, services.calendar.calendar().next_open_day(later))
    shorter = services.calendar.calendar().next_open_day(loan.due_on + dt.timedelta(days=3))
    renewed = services.loans.renew(admin, loan.id, loan.version, shorter)
    assert renewed.due_on == shorter


def test_backdated_checkout_needs_a_reason_that_is_audited(services, admin, lending, db):
    _model, devices, org, _other = lending
    yesterday = dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(10, 0))
    with pytest.raises(ValidationError) as err:
        _checkout(services, admin, org, devices[:1], _due(services), out_at=yesterday)
    assert "理由" in err.value.errors["backdate_reason"]
    loan = _checkout(
        services, admin, org, devices[:1], _due(services), out_at=yesterday, backdate_reason="昨日の記録漏れ"
    )
    with db.read() as s:
        detail = s.scalar(select(AuditLog.detail).where(AuditLog.entity == "loan", AuditLog.entity_id == loan.id))
    assert "backdated" in detail and "昨日の記録漏れ" in detail


def test_due_today_and_overdue_lists_with_notes(services, admin, lending):
    _model, devices, org, _other = lending
    past = dt.datetime.combine(TODAY - dt.timedelta(days=20), dt.time(10))
    due = services.calendar.calendar().next_open_day(TODAY - dt.timedelta(days=8))
    loan = _checkout(services, admin, org, devices[:1], due, out_at=past, backdate_reason="紙の台帳から移行")
    services.loans.add_note(admin, loan.id, "電話したが不在。明日かけ直す")
    due_today, overdue = services.loans.due(admin, TODAY)
    assert due_today == [] and [r.id for r in overdue] == [loan.id]
    assert overdue[0].days_overdue(TODAY) == (TODAY - due).days > 0 and overdue[0].contact_phone == "090-1234-5678"
    assert overdue[0].notes[0][2] == "電話したが不在。明日かけ直す"


def test_csv_import_is_all_or_nothing_with_row_numbers(services, admin):
    bad = "管理番号,種別,メーカー,型番,購入日\n,タブレット,Apple,iPad,2024/4/1\n,電子レンジ,X,Y,2024/4/1\n,ノートパソコン,NEC,,令和6年4月1日\n,プロジェクター,EPSON,EB-W06,2024/13/1\n"
    with pytest.raises(InventoryImportError) as err:
        import_devices(services.inventory, admin, bad.encode("cp932"))
    rows = [r for r, _m in err.value.errors]
    assert rows == [3, 4, 5]
    assert "種別" in err.value.errors[0][1] and "型番" in err.value.errors[1][1] and "購入日" in err.value.errors[2][1]
    assert services.inventory.count(admin) == 0  # nothing half-imported
    good = "管理番号,種別,メーカー,型番,購入日,状態\nKD-0100,タブレット,Apple,iPad,2024/4/1,\n,ノートパソコン,NEC,LAVIE,令和6年4月1日,点検待ち\n"
    assert import_devices(services.inventory, admin, good.encode("cp932")) == 2
    exported = export_devices(services.inventory, admin).decode("utf-8-sig")
    assert "KD-0100,タブレット,Apple,iPad,,2024/04/01,,貸出可," in exported
    assert "KD-0001,ノートパソコン,NEC,LAVIE,,2024/04/01,,点検待ち," in exported


def test_csv_exported_on_an_english_desk_imports_on_a_japanese_one(services, admin):
    """Labels are accepted in Japanese and in the desk's language, so CSVs travel between desks."""
    from kyodo_desk.domain.lending import DeviceKind, DeviceState
    from kyodo_desk.i18n import setup_i18n

    services.inventory.save_model(admin, "tablet", "Apple", "iPad", [])
    setup_i18n("en")
    try:
        tablet, available = DeviceKind.TABLET.label(), DeviceState.AVAILABLE.label()
        assert tablet != "タブレット"
        assert (
            import_devices(
                services.inventory,
                admin,
                f"種別,メーカー,型番,状態\n{tablet},Apple,iPad,{available}\n".encode("utf-8-sig"),
            )
            == 1
        )
        exported = export_devices(services.inventory, admin).decode("utf-8-sig")
    finally:
        setup_i18n("ja")
    assert tablet in exported
    renumbered = exported.replace("KD-0001", "KD-0101")  # same file, new tags: imported on a Japanese desk
    assert import_devices(services.inventory, admin, renumbered.encode("utf-8-sig")) == 1
    assert services.inventory.by_tag(admin, "KD-0101").state == "available"


def test_return_stores_exactly_what_was_marked_and_refuses_unchecked_accessories(services, admin, lending):
    """An accessory nobody has checked yet is refused (naming the device and the accessory), never stored
    as missing; the lending statistics count only what was really marked 欠品・破損."""
    from kyodo_desk.domain.fiscal import fiscal_year_of

    _model, devices, org, _other = lending
    loan = _checkout(services, admin, org, devices[:2], _due(services))  # each went out with ACアダプタ and ケーブル
    for partial in (
        {"ACアダプタ": "returned"},
        {"ACアダプタ": "returned", "ケーブル": "unchecked"},
        {"ACアダプタ": "returned", "ケーブル": ""},
    ):
        with pytest.raises(ValidationError) as err:
            services.loans.return_device(
                admin, ReturnRequest(devices[0].id, partial, wiped=True, result_state="inspection")
            )
        assert "KD-0001" in err.value.errors["accessories"] and "ケーブル" in err.value.errors["accessories"]
    with pytest.raises(ValidationError) as err:  # an accessory that never went out
        services.loans.return_device(
            admin,
            ReturnRequest(
                devices[0].id, {"ACアダプタ": "returned", "ケーブル": "returned", "ケース": "returned"}, wiped=True
            ),
        )
    assert "ケース" in err.value.errors["accessories"]
    assert (
        services.loans.get(admin, loan.id).open_items == services.loans.get(admin, loan.id).items
    )  # nothing was stored

    services.loans.return_device(
        admin,
        ReturnRequest(
            devices[0].id, {"ACアダプタ": "returned", "ケーブル": "missing"}, wiped=True, result_state="inspection"
        ),
    )
    services.loans.return_device(
        admin, ReturnRequest(devices[1].id, {"ケーブル": "returned", "ACアダプタ": "returned"}, wiped=True)
    )
    items = {i.device.asset_tag: i.accessories_back for i in services.loans.get(admin, loan.id).items}
    assert items == {
        "KD-0001": {"ACアダプタ": "returned", "ケーブル": "missing"},
        "KD-0002": {"ACアダプタ": "returned", "ケーブル": "returned"},
    }
    stats = services.lending_stats.statistics(admin, fiscal_year_of(TODAY))
    assert stats.value("延滞・破損", "破損・欠品") == 1
