"""Letters follow Japanese business conventions (issue 15), built through the desk services and
read back with pypdf: 様 to a named person, 御中 to an organization with no person named, never
both; the postal address on letters that may be mailed; the center as sender only on letters it
sends; the receiving staff member on the return receipt; long purposes and many devices print."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from kyodo_desk.documents.letters import Addressee
from kyodo_desk.services.advisors import AdvisorInput, Window
from kyodo_desk.services.desk_documents import DeskDocuments
from kyodo_desk.services.dispatch import ApplicationInput
from kyodo_desk.services.inventory import Accessory, DeviceInput
from kyodo_desk.services.loans import CheckoutRequest, ReturnRequest
from kyodo_desk.services.organizations import OrganizationInput


def _pages(pdf: bytes) -> list[str]:
    return [(p.extract_text() or "").replace("\n", "") for p in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    return "".join(_pages(pdf))


def test_addressee_rules():
    assert Addressee(organization="広坂町会").name_lines() == ["広坂町会 御中"]
    assert Addressee(organization="広坂町会", person="山田 太郎").name_lines() == ["広坂町会", "山田 太郎 様"]
    assert Addressee(person="浅野 修").name_lines() == ["浅野 修 様"]
    assert Addressee().name_lines() == []
    assert Addressee(postal_code="920-0962", address="金沢市広坂1-1-1").mail_line() == "〒920-0962 金沢市広坂1-1-1"


@pytest.fixture
def docs(services):
    return DeskDocuments(services)


@pytest.fixture
def org(services, admin):
    return services.organizations.create(
        admin,
        OrganizationInput(
            kind="neighborhood",
            name="広坂町会",
            name_kana="ヒロサカチョウカイ",
            contact_name="北 一郎",
            postal_code="920-0962",
            address="金沢市広坂2丁目1番1号",
        ),
    )


@pytest.fixture
def loan(services, admin, org):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [Accessory("ACアダプタ")])
    devices = [services.inventory.create(admin, DeviceInput(model_id=model.id)) for _ in range(12)]
    due = services.calendar.calendar().next_open_day(dt.date.today() + dt.timedelta(days=7))
    return services.loans.checkout(
        admin,
        CheckoutRequest(
            organization_id=org.id,
            responsible_name="山田 太郎",
            contact_phone="090-1234-5678",
            device_ids=tuple(d.id for d in devices),
            due_on=due,
            purpose=("地域の防災訓練と総会の受付で使います。" * 20)[:300],  # the longest purpose allowed
            accessories={d.id: ("ACアダプタ",) for d in devices},
        ),
    )


def test_reminder_is_mailed_to_the_person_never_both_honorifics(services, admin, docs, loan):
    pages = _pages(docs.reminder_letter(admin, loan.id, today=loan.due_on + dt.timedelta(days=5)))
    first = pages[0]
    assert "〒920-0962 金沢市広坂2丁目1番1号" in first
    assert "広坂町会" in first and "山田 太郎 様" in first
    assert "御中" not in "".join(pages)
    assert "金沢市市民活動サポートセンター" in first  # the center sends it


def test_loan_slip_is_addressed_to_the_center_without_a_sender_block(services, admin, docs, loan):
    pages = _pages(docs.loan_slip(admin, loan.id))
    center = services.settings.get()
    assert f"{center.center_name} 御中" in pages[0]
    assert f"{center.address}{center.phone}" not in pages[0].replace(" ", "").replace("電話", "")
    assert pages[0].count(center.address) <= 1  # only the footer names the center's address
    assert "様" not in pages[0]
    total = len(pages)
    for n, text in enumerate(pages, start=1):
        assert loan.reference in text and f"{n} / {total}" in text
    assert "署名" in pages[-1] and "修理費等" in pages[-1]


def test_return_receipt_names_the_receiving_staff_member(services, admin, staff_actor, docs, loan):
    device_id = loan.items[0].device.id
    services.loans.return_device(staff_actor, ReturnRequest(device_id, {"ACアダプタ": "returned"}, wiped=True))
    text = _text(docs.return_receipt(admin, loan.id))
    assert "受領担当" in text and "田中 健一" in text
    assert "山田 太郎 様" in text and "御中" not in text


def test_dispatch_notice_mailed_to_the_contact_and_report_to_the_center(services, admin, docs, org):
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
            organization_id=org.id, field="accounting", topic="決算書", venue="公民館", expected_participants=10
        ),
    )
    day = services.calendar.calendar().next_open_day(dt.date.today() + dt.timedelta(days=20))
    services.dispatch.book(
        admin,
        app.sessions[0].id,
        advisor.id,
        dt.datetime.combine(day, dt.time(18)),
        dt.datetime.combine(day, dt.time(20)),
    )
    app = services.dispatch.get(admin, app.id)
    services.dispatch.change_status(admin, app.id, app.version, "decided")  # the notice only once decided
    notice = _pages(docs.dispatch_notice(admin, app.id))
    assert "〒920-0962 金沢市広坂2丁目1番1号" in notice[0]
    assert "北 一郎 様" in notice[0] and "御中" not in "".join(notice)
    assert "18:00〜20:00" in "".join(notice)
    request = _text(docs.advisor_request(admin, app.id, advisor.id))
    assert "浅野 修 様" in request and "御中" not in request
    report = _pages(docs.report_form(admin, app.id))
    center = services.settings.get()
    assert f"{center.center_name} 御中" in report[0] and "様" not in report[0]
    assert len(report) == 1, "the report form with its signatures fits one page"
