"""登録通知書 (issue 15): it may be mailed, so the group's postal code and address print above its
name; 様 to the named representative, 御中 to the group when no one is named, never both.
Long and hostile values print literally and stay on the page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from kyodo_desk.services.organizations import OrganizationInput

D = dt.date
DOCS = ("規約", "名簿", "活動計画")


def _lines(pdf: bytes) -> list[str]:
    return [
        ln.replace(" ", "")
        for page in PdfReader(io.BytesIO(pdf)).pages
        for ln in (page.extract_text() or "").splitlines()
        if ln.strip()
    ]


def _notice(services, actor, *, name, rep="", postal_code="", address="") -> bytes:
    org = services.organizations.create(
        actor,
        OrganizationInput(
            kind="citizen_group", name=name, representative_name=rep, postal_code=postal_code, address=address
        ),
    )
    reg = services.registration
    reg.apply(actor, org.id, D(2025, 4, 20), DOCS)
    reg.review(actor, org.id, D(2025, 5, 5), approved=True)
    reg.register(actor, org.id, D(2025, 5, 10))
    return reg.notice_pdf(actor, org.id, D(2025, 5, 12))


def test_notice_carries_the_mailing_address_above_the_name(services, staff_actor):
    pdf = _notice(
        services,
        staff_actor,
        name="長町子育ての会",
        rep="山田 花子",
        postal_code="920-0865",
        address="金沢市長町1丁目2番3号",
    )
    lines = _lines(pdf)
    mail = next(i for i, ln in enumerate(lines) if "〒920-0865" in ln)
    assert "金沢市長町1丁目2番3号" in "".join(lines[mail : mail + 2])
    org = next(i for i, ln in enumerate(lines) if ln == "長町子育ての会")
    person = next(i for i, ln in enumerate(lines) if "山田花子様" in ln)
    assert mail < org < person
    assert not any("御中" in ln for ln in lines)


def test_notice_to_a_group_without_a_named_person_says_onchu(services, staff_actor):
    lines = _lines(_notice(services, staff_actor, name="広坂町会", postal_code="920-0962", address="金沢市広坂2-1-1"))
    assert "広坂町会御中" in lines and not any(ln.endswith("様") for ln in lines[:12])
    assert any("〒920-0962" in ln for ln in lines)


@pytest.mark.parametrize(
    "address",
    [
        ("金沢市" + "とても長い町名" * 40 + "1丁目2番3号 サンプルマンション101号室")[:300],
        '<b>金沢市</b> & =HYPERLINK("x") \t広坂',
    ],
)
def test_long_and_hostile_addresses_print_literally(services, staff_actor, address):
    pdf = _notice(
        services, staff_actor, name="<i>会</i> & 仲間" * 8, rep="山田 花子", postal_code="920-0962", address=address
    )
    text = "".join(_lines(pdf))
    assert "<i>会</i>&仲間" in text
    assert "〒920-0962" in text
    if "<b>" in address:
        assert "<b>金沢市</b>" in text
    reader = PdfReader(io.BytesIO(pdf))
    assert "登録番号" in "".join(p.extract_text() for p in reader.pages)


def test_no_address_no_empty_line(services, staff_actor):
    lines = _lines(_notice(services, staff_actor, name="住所のない会", rep="北 一郎"))
    name_at = lines.index("住所のない会")
    assert not any("〒" in ln for ln in lines[:name_at])  # (the center's own address is in the footer)
    assert "令和7年5月12日" in lines[name_at - 1]  # the date line, no empty address line between
    assert "北一郎様" in "".join(lines) and "代表者" in "".join(lines)
