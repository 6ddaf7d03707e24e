"""Every record two desks can edit, at two desks (own engine and connections each) on one database.

Each case: both desks load the record through the service the screen uses; desk A saves a change;
desk B then saves its own change from the copy it still shows, through the same service.  B is
refused with a message in Japanese that says what to do, A's change is stored, B's typed values
are not, and no row of any table changed (the whole database, read-only audit rows aside, is
compared before and after B's try).

The meta-tests walk ``Base.registry.mappers``: every class with a version column has a case here,
and every other table is listed with the reason a stale save cannot overwrite it — so a new table
cannot be forgotten."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import time as T

import pytest
from sqlalchemy import select

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Base
from kyodo_desk.domain.enums import READ_ACTIONS
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.advisors import AdvisorInput, ExceptionDay, Window
from kyodo_desk.services.base import ServiceError, StaleEdit
from kyodo_desk.services.consultation_records import ConsultationInput
from kyodo_desk.services.dispatch_booking import StaleBooking
from kyodo_desk.services.inventory import Accessory, DeviceInput
from kyodo_desk.services.labels import LabelService
from kyodo_desk.services.loans import CheckoutRequest
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.people import PersonInput
from kyodo_desk.services.plan_records import PeriodInput, PlanItemInput, ShownValue, SurveyInput
from kyodo_desk.services.project_records import ProjectInput
from kyodo_desk.services.registration import StepInput
from tests.services.test_dispatch import _app, at, saturday, setup  # noqa: F401 - fixture
from tests.services.test_dispatch_edit import _input as app_input

TODAY = dt.date.today()
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

# ORM class name → the tests here that edit it at two desks (filled in by @covers)
MATRIX: dict[str, list[str]] = {}

# Versioned classes no desk edits (none today): name → why a stale copy cannot be saved over it.
VERSIONED_NOT_DESK_EDITABLE: dict[str, str] = {}

# Tables without a version column: name → why two desks cannot silently overwrite each other there.
# A table a desk can edit from a stale copy gets a version column (as migration 0016 gave the last four).
UNVERSIONED_SAFE: dict[str, str] = {
    "AdvisorAvailability": "the weekly windows are replaced only inside AdvisorService.save, under the advisor's version",
    "AuditLog": "append-only; never edited",
    "ClosedDayRow": "added (a day already there is refused) or removed; there is nothing to edit",
    "DeviceStateChange": "append-only history of a device",
    "DispatchStatusChange": "append-only history of an application",
    "LoanItem": "written by checkout and return under the loan's version; a return checks the item is still out",
    "LoanNote": "append-only notes (a reminder call)",
    "ProjectDivision": "the only edit is a toggle to the opposite of what the desk showed: a stale toggle lands "
    "on the value the other desk already set",
    "ReferenceCounter": "number allocation inside another record's write; no desk edits it",
    "RegistrationStep": "append-only history of a registration",
    "ReservationItem": "written once with its reservation; never edited",
    "SearchDocument": "derived search index, rewritten from the record in the same transaction",
    "Setting": "saves only the fields the desk changed and refuses a field another desk changed meanwhile "
    "(SettingsConflict; tests/services/test_settings_two_desks.py)",
    "StocktakeLine": "one insert per scanned code (unique per stock-take); a second scan changes nothing",
}


def covers(*names: str) -> Callable:
    def mark(fn: Callable) -> Callable:
        for name in names:
            MATRIX.setdefault(name, []).append(fn.__name__)
        return fn

    return mark


@pytest.fixture
def desks(desks):
    """Two independent desks on the test's database (tests/conftest.py opens and closes them)."""
    return desks(), desks()


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table (audit rows that only record a read left out: they are written
    in the background and change nothing)."""
    out: dict[str, list[tuple]] = {}
    with db.read() as s:
        for table in Base.metadata.sorted_tables:
            stmt = select(table).order_by(*table.primary_key.columns)
            if table.name == "audit_log":
                stmt = stmt.where(table.c.action.not_in([str(a) for a in READ_ACTIONS]))
            out[table.name] = [tuple(r) for r in s.execute(stmt)]
    return out


def refused(db: Database, save: Callable[[], object], error: type[Exception] = StaleEdit) -> str:
    """Run desk B's save: it must be refused with *error*, change no row, and say in Japanese what to do."""
    before = snapshot(db)
    with pytest.raises(error) as caught:
        save()
    message = str(caught.value)
    assert JAPANESE.search(message) and "ください" in message, message
    after = snapshot(db)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [], f"desk B's refused save changed {changed}"
    return message


STALE = "開いた後に別の窓口で変更されました"
REOPEN = "開き直し、もう一度保存してください"


def assert_stale_message(message: str, what: str) -> None:
    assert f"この{what}は、{STALE}" in message and REOPEN in message and "入力内容は残してあります" in message


# ---- organizations, people, staff ---------------------------------------------------------------
@covers("Organization")
def test_organization(desks, services, staff_actor):
    a, b = desks
    rec = services.organizations.create(staff_actor, OrganizationInput(kind="neighborhood", name="広坂町会"))
    seen_a, seen_b = a.organizations.get(staff_actor, rec.id), b.organizations.get(staff_actor, rec.id)
    saved = a.organizations.update(
        staff_actor, rec.id, seen_a.version, replace(seen_a.as_input(), phone="076-220-2026")
    )
    msg = refused(
        services.db,
        lambda: b.organizations.update(
            staff_actor, rec.id, seen_b.version, replace(seen_b.as_input(), contact_name="中村 美咲")
        ),
    )
    assert_stale_message(msg, "団体")
    now = services.organizations.get(staff_actor, rec.id)
    assert (now.phone, now.contact_name, now.version) == (saved.phone, "", saved.version)


@covers("Person")
def test_person(desks, services, staff_actor):
    a, b = desks
    p = services.people.create(staff_actor, PersonInput(name="林 由美"))
    seen_a, seen_b = a.people.get(staff_actor, p.id), b.people.get(staff_actor, p.id)
    a.people.update(staff_actor, p.id, seen_a.version, PersonInput(name="林 由美", phone="076-220-2026"))
    msg = refused(
        services.db,
        lambda: b.people.update(staff_actor, p.id, seen_b.version, PersonInput(name="林 ゆみ", notes="旧姓 森")),
    )
    assert_stale_message(msg, "個人の記録")
    now = services.people.get(staff_actor, p.id)
    assert (now.name, now.phone, now.notes) == ("林 由美", "076-220-2026", "")


@covers("Staff")
def test_staff(desks, services, admin, staff_actor):
    a, b = desks
    seen_a, seen_b = a.staff.get(staff_actor.staff_id), b.staff.get(staff_actor.staff_id)
    a.staff.update(
        admin, seen_a.id, seen_a.version, display_name="田中 健一郎", display_kana="タナカ ケンイチロウ",
        role="staff", active=True,
    )  # fmt: skip
    msg = refused(
        services.db,
        lambda: b.staff.update(
            admin,
            seen_b.id,
            seen_b.version,
            display_name=seen_b.display_name,
            display_kana=seen_b.display_kana,
            role="ict_promoter",
            active=True,
        ),  # fmt: skip
    )
    assert_stale_message(msg, "スタッフ")
    now = services.staff.get(staff_actor.staff_id)
    assert (now.display_name, str(now.role)) == ("田中 健一郎", "staff")


# ---- consultations -----------------------------------------------------------------------------
@covers("Consultation")
def test_consultation(desks, services, staff_actor):
    a, b = desks
    cat = services.consultation_categories.for_year(2026)[0].id
    rec = services.consultations.create(
        staff_actor,
        ConsultationInput(received_at=dt.datetime(2026, 6, 1, 10), summary="会計の相談", category_ids=(cat,)),
    )
    seen_a, seen_b = a.consultations.get(staff_actor, rec.id), b.consultations.get(staff_actor, rec.id)
    a.consultations.update(staff_actor, rec.id, seen_a.version, replace(seen_a.as_input(), answer="会計ソフトを紹介"))
    msg = refused(
        services.db,
        lambda: b.consultations.update(
            staff_actor, rec.id, seen_b.version, replace(seen_b.as_input(), details="収支報告書の書き方")
        ),
    )
    assert_stale_message(msg, "相談記録")
    now = services.consultations.get(staff_actor, rec.id)
    assert (now.answer, now.details) == ("会計ソフトを紹介", "")


@covers("ConsultationCase")
def test_consultation_case(desks, services, staff_actor):
    a, b = desks
    case = services.consultations.create_case(staff_actor, "NPO法人化の相談", None, dt.date(2026, 6, 1))
    seen_a, seen_b = a.consultations.case(staff_actor, case.id), b.consultations.case(staff_actor, case.id)
    a.consultations.set_case_status(
        staff_actor, case.id, "closed", dt.date(2026, 7, 1), expected_version=seen_a.version
    )
    msg = refused(
        services.db,
        lambda: b.consultations.set_case_status(
            staff_actor, case.id, "closed", dt.date(2026, 7, 9), expected_version=seen_b.version
        ),
    )
    assert_stale_message(msg, "案件")
    now = services.consultations.case(staff_actor, case.id)
    assert (now.status, now.closed_on) == ("closed", dt.date(2026, 7, 1))


@covers("ConsultationCategory")
def test_consultation_category(desks, services, admin):
    a, b = desks
    seen_a = next(c for c in a.consultation_categories.for_year(2025) if c.parent_id is None)
    seen_b = next(c for c in b.consultation_categories.for_year(2025) if c.id == seen_a.id)
    saved = a.consultation_categories.rename(admin, seen_a.id, "団体の運営(会計・規約)", seen_a.version)
    msg = refused(services.db, lambda: b.consultation_categories.rename(admin, seen_b.id, "団体運営", seen_b.version))
    assert_stale_message(msg, "分類")
    now = next(c for c in services.consultation_categories.for_year(2025) if c.id == seen_a.id)
    assert (now.name, now.version) == ("団体の運営(会計・規約)", saved.version) and saved.version > seen_b.version


# ---- lending -----------------------------------------------------------------------------------
@pytest.fixture
def lending(services, admin):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad 第9世代", [Accessory("ACアダプタ")])
    device = services.inventory.create(admin, DeviceInput(model_id=model.id, serial="SN1", storage_place="倉庫A"))
    org = services.organizations.create(admin, OrganizationInput(kind="neighborhood", name="広坂町会"))
    return model, device, org


def _due(services, days=7):
    return services.calendar.calendar().next_open_day(TODAY + dt.timedelta(days=days))


def _checkout(services, actor, org, device, due):
    return services.loans.checkout(
        actor,
        CheckoutRequest(
            organization_id=org.id,
            responsible_name="山田 太郎",
            contact_phone="090-1234-5678",
            device_ids=(device.id,),
            due_on=due,
            purpose="オンライン総会",
            accessories={device.id: ("ACアダプタ",)},
        ),
    )


@covers("Device")
def test_device(desks, services, admin, lending):
    a, b = desks
    _model, device, _org = lending
    seen_a, seen_b = a.inventory.get(admin, device.id), b.inventory.get(admin, device.id)

    def edit(seen, **changes):
        base = DeviceInput(seen.model.id, seen.serial, seen.purchase_date, seen.storage_place, seen.notes)
        return replace(base, **changes)

    a.inventory.update(admin, device.id, seen_a.version, edit(seen_a, storage_place="棚B"))
    msg = refused(
        services.db, lambda: b.inventory.update(admin, device.id, seen_b.version, edit(seen_b, notes="傷あり"))
    )
    assert_stale_message(msg, "機器")
    now = services.inventory.get(admin, device.id)
    assert (now.storage_place, now.notes) == ("棚B", "")


@covers("DeviceModel")
def test_device_model(desks, services, admin, lending):
    a, b = desks
    model, _device, _org = lending
    seen_a = next(m for m in a.inventory.models(admin) if m.id == model.id)
    seen_b = next(m for m in b.inventory.models(admin) if m.id == model.id)
    a.inventory.save_model(
        admin, seen_a.kind, seen_a.maker, seen_a.model_name, [Accessory("ACアダプタ"), Accessory("ケース")],
        model_id=model.id, expected_version=seen_a.version,
    )  # fmt: skip
    msg = refused(
        services.db,
        lambda: b.inventory.save_model(
            admin,
            seen_b.kind,
            seen_b.maker,
            seen_b.model_name,
            [Accessory("ACアダプタ")],
            loan_days=30,
            model_id=model.id,
            expected_version=seen_b.version,
        ),  # fmt: skip
    )
    assert_stale_message(msg, "機種")
    now = next(m for m in services.inventory.models(admin) if m.id == model.id)
    assert now.accessories == (Accessory("ACアダプタ"), Accessory("ケース")) and now.loan_days == seen_a.loan_days != 30


@covers("LabelTemplateRow")
def test_label_template(desks, services, admin):
    """The label sheet editor is opened from ui/lending/labels_dialog.py, which builds its own LabelService."""
    a, b = (LabelService(d.db, d.settings) for d in desks)
    base = next(iter(a.templates().values()))
    mine = replace(base, name="窓口の用紙", title="窓口の用紙", maker="", product="", source="")
    a.save_template(admin, mine)
    seen_a, seen_b = a.templates()["窓口の用紙"], b.templates()["窓口の用紙"]
    saved = a.save_template(admin, replace(seen_a, top=mine.top + 1), seen_a.version)
    msg = refused(services.db, lambda: b.save_template(admin, replace(seen_b, left=seen_b.left + 1), seen_b.version))
    assert_stale_message(msg, "ラベル用紙")
    now = LabelService(services.db, services.settings).templates()["窓口の用紙"]
    assert (now.top, now.left, now.version) == (mine.top + 1, mine.left, saved.version)
    # a desk that showed no sheet of that name adds one: refused under the name, the stored sheet stays
    msg = refused(services.db, lambda: b.save_template(admin, replace(mine, left=mine.left + 2)), ValidationError)
    assert "「窓口の用紙」という用紙はもうあります" in msg


@covers("Loan")
def test_loan(desks, services, admin, lending):
    a, b = desks
    _model, device, org = lending
    loan = _checkout(services, admin, org, device, _due(services))
    seen_a, seen_b = a.loans.get(admin, loan.id), b.loans.get(admin, loan.id)
    longer = _due(services, 14)
    a.loans.renew(admin, loan.id, seen_a.version, longer)
    msg = refused(services.db, lambda: b.loans.renew(admin, loan.id, seen_b.version, _due(services, 10)))
    assert_stale_message(msg, "貸出記録")
    assert services.loans.get(admin, loan.id).due_on == longer


@covers("Reservation")
def test_reservation(desks, services, admin, lending):
    """A hands the reserved tablet over (the reservation is picked up); B still lists it as active
    and cancels it: that would mark a reservation cancelled whose loan is out."""
    a, b = desks
    _model, device, org = lending
    due = _due(services)
    res = services.reservations.create(admin, org.id, TODAY, due, [device.id], purpose="総会")
    assert [r.id for r in b.reservations.active(admin)] == [res.id]
    loan = _checkout(a, admin, org, device, due)
    msg = refused(services.db, lambda: b.reservations.cancel(admin, res.id))
    assert_stale_message(msg, "予約")
    with services.db.read() as s:
        from kyodo_desk.db.lending_models import Loan, Reservation

        assert s.get_one(Reservation, res.id).status == "picked_up"
        assert s.get_one(Loan, loan.id).reservation_id == res.id


@covers("Stocktake")
def test_stocktake(desks, services, admin, staff_actor, lending):
    a, b = desks
    st = services.stocktake.start(staff_actor, "年度末の棚卸")
    assert a.stocktake.current(staff_actor).id == b.stocktake.current(staff_actor).id == st.id
    a.stocktake.scan(staff_actor, st.id, lending[1].asset_tag)
    finished = a.stocktake.finish(staff_actor, st.id)
    msg = refused(services.db, lambda: b.stocktake.cancel(staff_actor, st.id), ServiceError)
    assert "この棚卸はもう" in msg and "「棚卸を始める」" in msg
    assert services.stocktake.view(staff_actor, st.id).summary.state == finished.summary.state == "finished"


# ---- dispatch ----------------------------------------------------------------------------------
@pytest.fixture
def second_advisor(services, admin):
    return services.advisors.save(
        admin,
        AdvisorInput(
            name="北川 由美", name_kana="キタガワ ユミ", fields=("accounting",), dispatch_types=("advisor",),
            fee=8000, travel_cost=500, windows=(Window(5, T(10), T(17)),),
        ),
    )  # fmt: skip


@covers("Advisor")
def test_advisor(desks, services, admin, setup):
    a, b = desks
    _org, _other, advisor = setup
    seen_a, seen_b = a.advisors.get(admin, advisor.id), b.advisors.get(admin, advisor.id)
    a.advisors.save(admin, replace(seen_a, fee=9000), seen_a.id, seen_a.version)
    msg = refused(
        services.db, lambda: b.advisors.save(admin, replace(seen_b, notes="土曜は午後のみ"), seen_b.id, seen_b.version)
    )
    assert_stale_message(msg, "アドバイザー")
    now = services.advisors.get(admin, advisor.id)
    assert (now.fee, now.notes) == (9000, "")


@covers("AdvisorException")
def test_advisor_exception(desks, services, admin, setup):
    """B showed no exception that day and adds one after A did; then both show A's, A changes it and
    B's change (and B's removal) from the older copy are refused."""
    a, b = desks
    _org, _other, advisor = setup
    day = saturday(dt.date(2027, 2, 1))
    assert a.advisors.get(admin, advisor.id).exceptions == b.advisors.get(admin, advisor.id).exceptions == ()
    a.advisors.add_exception(admin, advisor.id, ExceptionDay(day, False, None, None, "出張"), None)
    msg = refused(
        services.db,
        lambda: b.advisors.add_exception(admin, advisor.id, ExceptionDay(day, True, T(13), T(15), "午後のみ"), None),
    )
    assert_stale_message(msg, "日ごとの例外")
    (seen_a,) = a.advisors.get(admin, advisor.id).exceptions
    (seen_b,) = b.advisors.get(admin, advisor.id).exceptions
    a.advisors.add_exception(admin, advisor.id, ExceptionDay(day, False, None, None, "研修"), seen_a.version)
    for stale in (
        lambda: b.advisors.add_exception(admin, advisor.id, ExceptionDay(day, True, T(9), T(12)), seen_b.version),
        lambda: b.advisors.remove_exception(admin, advisor.id, day, seen_b.version),
    ):
        assert_stale_message(refused(services.db, stale), "日ごとの例外")
    (now,) = services.advisors.get(admin, advisor.id).exceptions
    assert (now.available, now.start, now.reason) == (False, None, "研修") and now.version > seen_b.version


def test_advisor_exception_removed_and_set_again(desks, services, admin, setup):
    """A removes the day's exception and sets the day again; B still shows the first one.  The day
    keeps one row whose version only grows (a new row would start at 1 again, and SQLite hands a
    deleted id out again), so B's change and B's removal are refused."""
    a, b = desks
    _org, _other, advisor = setup
    day = saturday(dt.date(2027, 3, 1))
    a.advisors.add_exception(admin, advisor.id, ExceptionDay(day, False, None, None, "出張"), None)
    (seen_b,) = b.advisors.get(admin, advisor.id).exceptions
    a.advisors.remove_exception(admin, advisor.id, day, seen_b.version)
    assert a.advisors.get(admin, advisor.id).exceptions == ()
    a.advisors.add_exception(admin, advisor.id, ExceptionDay(day, True, T(13), T(15), "午後のみ"), None)
    for stale in (
        lambda: b.advisors.add_exception(admin, advisor.id, ExceptionDay(day, False, reason="研修"), seen_b.version),
        lambda: b.advisors.remove_exception(admin, advisor.id, day, seen_b.version),
    ):
        assert_stale_message(refused(services.db, stale), "日ごとの例外")
    (after,) = services.advisors.get(admin, advisor.id).exceptions
    assert (after.available, after.reason) == (True, "午後のみ") and after.version > seen_b.version


def test_a_removed_exception_keeps_nothing_personal(services, admin, setup):
    _org, _other, advisor = setup
    day = saturday(dt.date(2027, 4, 1))
    services.advisors.add_exception(admin, advisor.id, ExceptionDay(day, False, None, None, "通院のため"), None)
    (shown,) = services.advisors.get(admin, advisor.id).exceptions
    services.advisors.remove_exception(admin, advisor.id, day, shown.version)
    with services.db.read() as s:
        from kyodo_desk.db.dispatch_models import AdvisorException

        (row,) = s.scalars(select(AdvisorException).where(AdvisorException.day == day)).all()
    assert (row.removed, row.reason, row.start_time, row.end_time) == (True, "", None, None)


@covers("DispatchApplication")
def test_dispatch_application(desks, services, admin, setup):
    a, b = desks
    org, _other, _advisor = setup
    app = _app(services, admin, org, saturday(dt.date(2027, 1, 5)))
    seen_a, seen_b = a.dispatch.get(admin, app.id), b.dispatch.get(admin, app.id)
    a.dispatch.update_application(admin, app.id, seen_a.version, app_input(seen_a, venue="市民活動センター"))
    msg = refused(
        services.db,
        lambda: b.dispatch.update_application(
            admin, app.id, seen_b.version, app_input(seen_b, topic="古い画面からの修正")
        ),
    )
    assert_stale_message(msg, "派遣申請")
    now = services.dispatch.get(admin, app.id)
    assert (now.venue, now.topic) == ("市民活動センター", "会計の基礎")


@covers("DispatchSession")
def test_dispatch_session_booking(desks, services, admin, setup, second_advisor):
    a, b = desks
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    seen_a, seen_b = a.dispatch.get(admin, app.id).sessions[0], b.dispatch.get(admin, app.id).sessions[0]
    a.dispatch.book(admin, seen_a.id, advisor.id, at(sat, 13), at(sat, 15), expected_version=seen_a.version)
    msg = refused(
        services.db,
        lambda: b.dispatch.book(
            admin, seen_b.id, second_advisor.id, at(sat, 14), at(sat, 16), expected_version=seen_b.version
        ),
        StaleBooking,
    )
    assert "別の窓口で予約または変更されました" in msg
    now = services.dispatch.get(admin, app.id).sessions[0]
    assert (now.advisor_id, now.start_at) == (advisor.id, at(sat, 13))


@covers("DispatchSession")
def test_dispatch_session_report(desks, services, admin, setup):
    a, b = desks
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    sid = app.sessions[0].id
    services.dispatch.book(admin, sid, advisor.id, at(sat, 13), at(sat, 15))
    seen_a, seen_b = a.dispatch.get(admin, app.id).sessions[0], b.dispatch.get(admin, app.id).sessions[0]
    assert seen_a.attendance is seen_b.attendance is None
    a.dispatch.record_report(
        admin, sid, held=True, attendance=12, summary="会計の基礎と帳簿のつけ方", expected_version=seen_a.version
    )
    msg = refused(
        services.db,
        lambda: b.dispatch.record_report(
            admin, sid, held=True, attendance=15, summary="会計", expected_version=seen_b.version
        ),
    )
    assert_stale_message(msg, "派遣の回")
    now = services.dispatch.get(admin, app.id).sessions[0]
    assert (now.status, now.attendance, now.report_summary) == ("held", 12, "会計の基礎と帳簿のつけ方")


@covers("DispatchSession")
def test_dispatch_session_cancel(desks, services, admin, setup):
    """B still shows the visit unscheduled and calls it off; A has just booked it."""
    a, b = desks
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    seen_a, seen_b = a.dispatch.get(admin, app.id).sessions[0], b.dispatch.get(admin, app.id).sessions[0]
    assert seen_b.start_at is None
    a.dispatch.book(admin, seen_a.id, advisor.id, at(sat, 13), at(sat, 15), expected_version=seen_a.version)
    msg = refused(
        services.db,
        lambda: b.dispatch.cancel_session(admin, seen_b.id, "日程が合わないため", expected_version=seen_b.version),
    )
    assert_stale_message(msg, "派遣の回")
    now = services.dispatch.get(admin, app.id).sessions[0]
    assert (now.status, now.advisor_id, now.start_at) == ("planned", advisor.id, at(sat, 13))


# ---- partnership projects and the plan -----------------------------------------------------------
@covers("Project")
def test_project(desks, services, staff_actor):
    a, b = desks
    org = services.organizations.create(staff_actor, OrganizationInput(kind="neighborhood", name="広坂町会")).id
    rec = services.projects.create(staff_actor, ProjectInput(name="防災訓練", fiscal_year=2024, partner_ids=(org,)))
    seen_a, seen_b = a.projects.get(staff_actor, rec.id), b.projects.get(staff_actor, rec.id)
    a.projects.update(staff_actor, rec.id, seen_a.version, replace(seen_a.as_input(), status="done"))
    msg = refused(
        services.db,
        lambda: b.projects.update(
            staff_actor, rec.id, seen_b.version, replace(seen_b.as_input(), name="防災訓練と炊き出し")
        ),
    )
    assert_stale_message(msg, "パートナーシップ事業")
    now = services.projects.get(staff_actor, rec.id)
    assert (now.status, now.name) == ("done", "防災訓練")


@covers("ProjectProgramme")
def test_project_programme(desks, services, admin):
    a, b = desks
    prog = services.projects.add_programme(admin, "協働のまちづくりチャレンジ事業(テスト)")
    seen_a = next(p for p in a.projects.programmes(admin, include_inactive=True) if p.id == prog.id)
    seen_b = next(p for p in b.projects.programmes(admin, include_inactive=True) if p.id == prog.id)
    a.projects.update_programme(admin, prog.id, seen_a.version, "協働チャレンジ事業", True)
    msg = refused(services.db, lambda: b.projects.update_programme(admin, prog.id, seen_b.version, seen_b.name, False))
    assert_stale_message(msg, "事業区分")
    now = next(p for p in services.projects.programmes(admin, include_inactive=True) if p.id == prog.id)
    assert (now.name, now.active) == ("協働チャレンジ事業", True)


@pytest.fixture
def period(services, admin):
    return services.plan.create_period(admin, PeriodInput("テスト計画2031", 2031, 2035))


def _period(desk, admin, period_id):
    return next(p for p in desk.plan.periods(admin) if p.id == period_id)


@covers("PlanPeriod")
def test_plan_period(desks, services, admin, period):
    a, b = desks
    seen_a, seen_b = _period(a, admin, period.id), _period(b, admin, period.id)
    a.plan.update_period(admin, period.id, seen_a.version, PeriodInput(seen_a.name, 2031, 2035, "市の計画に合わせる"))
    msg = refused(
        services.db,
        lambda: b.plan.update_period(admin, period.id, seen_b.version, PeriodInput("第2次テスト計画", 2031, 2035)),
    )
    assert_stale_message(msg, "計画期間")
    now = _period(services, admin, period.id)
    assert (now.name, now.notes) == ("テスト計画2031", "市の計画に合わせる")


def _item_input(rec, **changes) -> PlanItemInput:
    return PlanItemInput(**{f.name: getattr(rec, f.name) for f in dataclasses.fields(PlanItemInput)}, **changes)


@covers("PlanItem")
def test_plan_item(desks, services, admin, period):
    a, b = desks
    item = services.plan.save_item(
        admin, period.id, PlanItemInput("サロンの開催数", "回", "manual", target_year=2035, target_value=24)
    )
    seen_a = next(i for i in _period(a, admin, period.id).items if i.id == item.id)
    seen_b = next(i for i in _period(b, admin, period.id).items if i.id == item.id)
    fields = [f.name for f in dataclasses.fields(PlanItemInput) if f.name not in ("target_value", "note")]
    a.plan.save_item(
        admin,
        period.id,
        _item_input(replace(seen_a, target_value=30)),
        item_id=item.id,
        expected_version=seen_a.version,
    )
    msg = refused(
        services.db,
        lambda: b.plan.save_item(
            admin,
            period.id,
            _item_input(replace(seen_b, note="地区ごとに数える")),
            item_id=item.id,
            expected_version=seen_b.version,
        ),  # fmt: skip
    )
    assert_stale_message(msg, "目標の項目")
    now = next(i for i in _period(services, admin, period.id).items if i.id == item.id)
    assert (now.target_value, now.note) == (30, "")
    assert [getattr(now, f) for f in fields] == [getattr(item, f) for f in fields]


@covers("PlanSurvey")
def test_plan_survey(desks, services, admin):
    a, b = desks
    key = "survey-test"
    rec = services.plan.save_survey(admin, key, SurveyInput("意識調査", dt.date(2031, 6, 1), 700, 480))
    (seen_a,), (seen_b,) = a.plan.surveys(admin, key), b.plan.surveys(admin, key)
    a.plan.save_survey(
        admin, key, SurveyInput(seen_a.name, seen_a.conducted_on, 732, 489), survey_id=rec.id,
        expected_version=seen_a.version,
    )  # fmt: skip
    msg = refused(
        services.db,
        lambda: b.plan.save_survey(
            admin,
            key,
            SurveyInput("市民意識調査", seen_b.conducted_on, 700, 480),
            survey_id=rec.id,
            expected_version=seen_b.version,
        ),  # fmt: skip
    )
    assert_stale_message(msg, "アンケートの記録")
    (now,) = services.plan.surveys(admin, key)
    assert (now.name, now.respondents, now.satisfied) == ("意識調査", 732, 489)


@covers("PlanValue")
def test_plan_value(desks, services, admin, period):
    """A typed yearly value has no form of its own: the desk says what it showed for the year."""
    a, b = desks
    item = services.plan.save_item(
        admin, period.id, PlanItemInput("サロンの開催数", "回", "manual", target_year=2035, target_value=24)
    )
    shown_a, shown_b = a.plan.year_values(admin, item.key), b.plan.year_values(admin, item.key)
    assert shown_a == shown_b == []  # both desks show 2031 empty
    a.plan.set_year_value(admin, item.key, 2031, 10, shown=ShownValue(None))
    msg = refused(services.db, lambda: b.plan.set_year_value(admin, item.key, 2031, 14, shown=ShownValue(None)))
    assert_stale_message(msg, "年度の値")
    msg = refused(services.db, lambda: b.plan.set_year_value(admin, item.key, 2031, None, shown=ShownValue(None)))
    assert_stale_message(msg, "年度の値")  # nor may B clear it
    assert [(v.fiscal_year, v.value) for v in services.plan.year_values(admin, item.key)] == [(2031, 10)]
    # B looks again: the value it now shows is the one it may replace
    (fresh,) = b.plan.year_values(admin, item.key)
    b.plan.set_year_value(admin, item.key, 2031, 14, shown=ShownValue(fresh.value))
    assert [v.value for v in services.plan.year_values(admin, item.key)] == [14]


# ---- registration ------------------------------------------------------------------------------
@covers("Registration")
def test_registration(desks, services, staff_actor):
    a, b = desks
    org = services.organizations.create(staff_actor, OrganizationInput(kind="citizen_group", name="長町子育ての会")).id
    services.registration.apply(staff_actor, org, dt.date(2026, 4, 3), ("規約", "名簿", "活動計画"))
    seen_a, seen_b = a.registration.get(staff_actor, org), b.registration.get(staff_actor, org)
    today = dt.date(2026, 4, 20)
    a.registration.record_step(
        staff_actor, org, StepInput("approve", dt.date(2026, 4, 10), "書類確認済み"), expected_version=seen_a.version,
        today=today,
    )  # fmt: skip
    msg = refused(
        services.db,
        lambda: b.registration.record_step(
            staff_actor,
            org,
            StepInput("reject", dt.date(2026, 4, 11), "活動実態が確認できない"),
            expected_version=seen_b.version,
            today=today,
        ),  # fmt: skip
    )
    assert_stale_message(msg, "登録")
    now = services.registration.get(staff_actor, org)
    assert now.status == "reviewed" and [h.step for h in now.history] == ["apply", "approve"]


# ---- the matrix is complete ----------------------------------------------------------------------
def _mappers() -> dict[str, bool]:
    """ORM class name → whether it carries a version column."""
    return {m.class_.__name__: m.version_id_col is not None for m in Base.registry.mappers}


def test_every_versioned_record_type_has_a_two_desk_case():
    versioned = {name for name, has in _mappers().items() if has}
    missing = versioned - set(MATRIX) - set(VERSIONED_NOT_DESK_EDITABLE)
    assert missing == set(), f"versioned tables without a two-desk case here: {sorted(missing)}"
    assert versioned >= set(VERSIONED_NOT_DESK_EDITABLE)
    assert len(versioned) >= 23  # the walk found the models of every module (db/*models.py)


def test_every_other_table_says_why_a_stale_save_cannot_overwrite_it():
    unversioned = {name for name, has in _mappers().items() if not has}
    unexplained = unversioned - set(UNVERSIONED_SAFE)
    assert unexplained == set(), f"tables without a version column and no reason: {sorted(unexplained)}"
    assert set(UNVERSIONED_SAFE) <= unversioned, "a listed table is gone or now has a version column"
    assert not set(UNVERSIONED_SAFE) & set(MATRIX), "a table is both called safe and given a case"
