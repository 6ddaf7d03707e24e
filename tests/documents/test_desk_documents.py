"""Receipts, loan slips, reminders and dispatch notices: built from records, read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from kyodo_desk.services.advisors import AdvisorInput, Window
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.desk_documents import DeskDocuments
from kyodo_desk.services.dispatch import ApplicationInput
from kyodo_desk.services.inventory import Accessory, DeviceInput
from kyodo_desk.services.loans import CheckoutRequest, ReturnRequest
from kyodo_desk.services.organizations import OrganizationInput

MARKUP = '<b>太字</b> & <img src="x.png"/>'


def _text(pdf: bytes) -> str:
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "\ufffd" not in text
    return text


@pytest.fixture
def docs(services):
    return DeskDocuments(services)


@pytest.fixture
def org(services, admin):
    return services.organizations.create(
        admin, OrganizationInput(kind="neighborhood", name=f"広坂町会 {MARKUP}", name_kana="ヒロサカチョウカイ")
    )


def test_consultation_receipt_shows_only_this_consultation(services, staff_actor, docs, org):
    cat = services.consultation_categories.for_year(2025)[0].id
    services.consultations.create(
        staff_actor,
        ConsultationInput(received_at=dt.datetime(2025, 6, 2, 10), category_ids=(cat,), summary="別の人の相談 山田"),
    )
    rec = services.consultations.create(
        staff_actor,
        ConsultationInput(
            received_at=dt.datetime(2025, 6, 3, 14, 5),
            category_ids=(cat,),
            organization_id=org.id,
            summary="NPO法人化の相談",
            answer="手引きを渡した",
            followup_action="call_back",
            followup_due=dt.date(2025, 6, 10),
        ),
    )
    text = _text(docs.consultation_receipt(staff_actor, rec.id))
    for expected in (
        "相談受付票",
        rec.reference,
        "令和7年6月3日",
        "2025年6月3日",
        "NPO法人化の相談",
        "折り返し連絡",
        "令和7年6月10日",
        "076-220-2026",
        MARKUP,
    ):
        assert expected in text, expected
    assert "山田" not in text


def test_anonymous_receipt_has_no_addressee(services, staff_actor, docs):
    cat = services.consultation_categories.for_year(2025)[0].id
    rec = services.consultations.create(
        staff_actor,
        ConsultationInput(received_at=dt.datetime(2025, 6, 3, 14), category_ids=(cat,), summary="匿名の相談"),
    )
    assert "御中" not in _text(docs.consultation_receipt(staff_actor, rec.id))


def test_loan_slip_return_receipt_and_reminder(services, admin, docs, org):
    model = services.inventory.save_model(
        admin, "tablet", "Apple", "iPad", [Accessory("ACアダプタ"), Accessory("ケース")]
    )
    device = services.inventory.create(admin, DeviceInput(model_id=model.id))
    due = services.calendar.calendar().next_open_day(dt.date.today() + dt.timedelta(days=7))
    loan = services.loans.checkout(
        admin,
        CheckoutRequest(
            organization_id=org.id,
            responsible_name="山田 太郎",
            contact_phone="090-1234-5678",
            device_ids=(device.id,),
            due_on=due,
            purpose="総会",
            accessories={device.id: ("ACアダプタ", "ケース")},
        ),
    )
    slip = _text(docs.loan_slip(admin, loan.id))
    for expected in ("機器借用書", loan.reference, "KD-0001", "ACアダプタ", "返却予定日", "署名", "借用者", MARKUP):
        assert expected in slip, expected
    reminder = _text(docs.reminder_letter(admin, loan.id, today=due + dt.timedelta(days=5)))
    assert "ご返却のお願い" in reminder and "5日" in reminder and "山田 太郎 様" in reminder
    services.loans.return_device(
        admin,
        ReturnRequest(
            device.id, {"ACアダプタ": "returned", "ケース": "missing"}, wiped=True, result_state="inspection"
        ),
    )
    receipt = _text(docs.return_receipt(admin, loan.id))
    flat = receipt.replace("\n", "")
    assert "返却受領書" in flat and "ケース:欠品" in flat and "点検待ち" in flat


def test_dispatch_notice_request_and_report_form(services, admin, docs, org):
    advisor = services.advisors.save(
        admin,
        AdvisorInput(
            name="浅野 修",
            name_kana="アサノ オサム",
            fields=("accounting",),
            fee=10000,
            travel_cost=1000,
            windows=tuple(Window(d, dt.time(9), dt.time(21)) for d in range(7)),
        ),
    )
    app = services.dispatch.create(
        admin,
        ApplicationInput(
            organization_id=org.id,
            field="accounting",
            topic="決算書の作り方",
            venue="公民館",
            expected_participants=10,
            support=("sign_language",),
        ),
    )
    day = services.calendar.calendar().next_open_day(dt.date.today() + dt.timedelta(days=20))
    services.dispatch.book(
        admin,
        app.sessions[0].id,
        advisor.id,
        dt.datetime.combine(day, dt.time(13)),
        dt.datetime.combine(day, dt.time(15)),
    )
    app = services.dispatch.get(admin, app.id)
    services.dispatch.change_status(admin, app.id, app.version, "decided")  # the notice only once decided
    notice = _text(docs.dispatch_notice(admin, app.id))
    for expected in ("派遣決定通知書", app.reference, "決算書の作り方", "浅野 修 氏", "手話通訳", "13:00", MARKUP):
        assert expected in notice, expected
    request = _text(docs.advisor_request(admin, app.id, advisor.id))
    assert "派遣依頼書" in request and "浅野 修 様" in request and "10,000円" in request
    form = _text(docs.report_form(admin, app.id))
    assert "派遣実施報告書" in form and "実施内容" in form
