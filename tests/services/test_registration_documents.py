"""登録証, 登録通知書 and the publication list, read back from the PDF and CSV: the number, the name,
和暦 dates — and in the list only the fields each group agreed to publish."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.registration import RegistrationDetails

D = dt.date
DOCS = ("規約", "名簿", "活動計画")


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")


def _registered(services, actor, name, *, rep="", phone="", email="", on=D(2025, 5, 10), details=None):
    org = services.organizations.create(
        actor, OrganizationInput(kind="citizen_group", name=name, representative_name=rep, phone=phone, email=email)
    )
    reg = services.registration
    reg.apply(actor, org.id, on - dt.timedelta(days=20), DOCS, details)
    reg.review(actor, org.id, on - dt.timedelta(days=5), approved=True)
    return reg.register(actor, org.id, on)


def test_certificate_and_notice_carry_number_name_and_wareki_dates(services, staff_actor, db):
    rec = _registered(services, staff_actor, "長町子育ての会", rep="山田 花子")
    cert = services.registration.certificate_pdf(staff_actor, rec.organization_id, D(2025, 5, 12))
    text = _text(cert)
    assert "登録証" in text and "協働-2025-001" in text and "長町子育ての会" in text
    assert "令和7年5月10日" in text and "令和8年5月9日" in text and "令和7年5月12日" in text
    notice = _text(services.registration.notice_pdf(staff_actor, rec.organization_id, D(2025, 5, 12)))
    assert "登録通知書" in notice and "協働-2025-001" in notice and "山田花子" in notice
    assert "令和7年5月10日(2025年5月10日)" in notice
    with db.read() as s:
        printed = s.scalars(select(AuditLog.detail).where(AuditLog.action == "print")).all()
    assert printed == ["certificate", "notice"]


def test_no_certificate_for_a_group_not_registered(services, staff_actor):
    org = services.organizations.create(staff_actor, OrganizationInput(kind="citizen_group", name="申請中の会"))
    services.registration.apply(staff_actor, org.id, D(2025, 4, 1), DOCS)
    with pytest.raises(ServiceError) as err:
        services.registration.certificate_pdf(staff_actor, org.id)
    assert "登録中ではありません" in str(err.value)


def test_publication_list_carries_only_consented_fields(services, staff_actor):
    reg = services.registration
    a = _registered(
        services,
        staff_actor,
        "あおぞら環境クラブ",
        rep="北村 誠",
        phone="076-220-1111",
        email="aozora@example.jp",
        details=RegistrationDetails("川の清掃", "犀川周辺", ""),
    )
    b = _registered(services, staff_actor, "いろは子ども食堂", rep="林 由美", phone="076-220-2222")
    hidden = _registered(services, staff_actor, "うみの会", rep="東 修", phone="076-220-3333")
    reg.set_publish_fields(staff_actor, a.organization_id, ["name", "email", "activity", "activity_area"])
    reg.set_publish_fields(staff_actor, b.organization_id, ["name", "phone"])
    reg.set_publish_fields(staff_actor, hidden.organization_id, ["phone"])  # not even its name: not listed

    entries = reg.publication_list(staff_actor, D(2025, 6, 1))
    assert [e.organization_id for e in entries] == [a.organization_id, b.organization_id]
    assert dict(entries[0].values) == {
        "name": "あおぞら環境クラブ",
        "email": "aozora@example.jp",
        "activity": "川の清掃",
        "activity_area": "犀川周辺",
    }
    assert dict(entries[1].values) == {"name": "いろは子ども食堂", "phone": "076-220-2222"}

    rows = list(csv.reader(io.StringIO(reg.publication_csv(staff_actor, D(2025, 6, 1)).decode("utf-8-sig"))))
    assert rows[0] == ["登録番号", "団体名", "電話", "メール", "活動の目的と内容", "活動の場所"]
    assert rows[1] == ["協働-2025-001", "あおぞら環境クラブ", "", "aozora@example.jp", "川の清掃", "犀川周辺"]
    assert rows[2] == ["協働-2025-002", "いろは子ども食堂", "076-220-2222", "", "", ""]
    flat = "".join(",".join(r) for r in rows)
    for private in ("北村", "林", "076-220-1111", "うみの会", "076-220-3333"):
        assert private not in flat

    text = _text(reg.publication_pdf(staff_actor, D(2025, 6, 1)))
    assert "あおぞら環境クラブ" in text and "076-220-2222" in text and "令和7年6月1日" in text
    for private in ("北村", "林由美", "076-220-1111", "うみの会"):
        assert private not in text
    assert reg.publication_list(staff_actor, D(2025, 5, 1)) == []  # before they were registered


def test_consent_codes_are_checked(services, staff_actor):
    from kyodo_desk.domain.validation import ValidationError

    org = services.organizations.create(staff_actor, OrganizationInput(kind="citizen_group", name="町の会"))
    with pytest.raises(ValidationError):
        services.registration.set_publish_fields(staff_actor, org.id, ["name", "birthday"])
    rec = services.registration.set_publish_fields(staff_actor, org.id, ["phone", "name"])
    assert rec.publish_fields == ("name", "phone")  # in the form's order
