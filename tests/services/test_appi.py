"""APPI requests: 開示 (everything held, where it is kept), 訂正, 利用停止・消去 — statistics unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select, text

from kyodo_desk.commands.report import build as build_report
from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.grams import gram_token
from kyodo_desk.db.lending_models import Loan, LoanNote, Reservation
from kyodo_desk.db.models import AuditLog, Organization, Person, SearchDocument
from kyodo_desk.domain.personal_data import ErasureReason
from kyodo_desk.services import demo
from kyodo_desk.services.base import NotFound, PermissionDenied
from kyodo_desk.services.consultation_stats import stats_table
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.csv_export import to_csv_bytes
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.people import PersonInput

MARK = "ZQXJ秘密"
HOSTILE = '<b>太字</b> & <img src="x"/> =HYPERLINK("http://evil")'


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _person_with_history(services, admin, org_id=None, *, name="山田 太郎", phone="090-1234-5678"):
    person = services.people.create(
        admin,
        PersonInput(name=name, name_kana="ヤマダ タロウ", phone=phone, organization_id=org_id, notes="要点字 " + MARK),
    )
    cat = services.consultation_categories.for_year(2025)[0].id
    ids = []
    for day in (5, 20):
        ids.append(
            services.consultations.create(
                admin,
                ConsultationInput(
                    received_at=dt.datetime(2025, 12, day, 10),
                    category_ids=(cat,),
                    summary=f"NPO設立の相談 {MARK}",
                    details="定款の書き方 " + HOSTILE,
                    answer="県の窓口を紹介",
                    person_id=person.id,
                    organization_id=org_id,
                ),
            ).id
        )
    return person, ids


def _statistics(services) -> dict[str, bytes]:
    out = {}
    for kind in ("consultations", "lending", "dispatch"):
        for year in (2025, 2026):
            out[f"{kind}{year}"] = to_csv_bytes(stats_table(build_report(services, kind, year)))
    return out


def test_disclosure_lists_every_value_with_where_it_is_kept(services, admin):
    org = services.organizations.create(admin, OrganizationInput(name="広坂町会", name_kana="ヒロサカチョウカイ"))
    person, ids = _person_with_history(services, admin, org.id)
    services.people.get(admin, person.id)  # one audited view

    files = services.privacy.export(admin, "person", person.id)
    rows = _csv(files.csv)
    assert rows[0] == ["保管場所(画面)", "記録", "項目", "保管場所(テーブル.列)", "内容"]
    by_location = {}
    for place, record, field, location, value in rows[1:]:
        by_location.setdefault(location, []).append((place, record, field, value))
    assert by_location["person.name"][0][3] == "山田 太郎"
    assert by_location["person.phone"][0][3] == "090-1234-5678"
    assert by_location["person.organization_id"][0][3] == "広坂町会"
    assert by_location["person.notes"][0][0] == "相談受付 › 相談者(個人)"
    assert len(by_location["consultation.summary"]) == 2
    assert any(HOSTILE in v for *_r, v in by_location["consultation.details"])
    assert any("閲覧" in v for *_r, v in by_location["audit_log"])
    assert "search_document.text" in by_location
    # CSV cells cannot run as formulas
    assert all(not cell.startswith("=") for row in rows for cell in row)
    assert files.pdf.startswith(b"%PDF")
    # the export itself is recorded: who, kind, id — never the values
    with services.db.read() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id.desc())).first()
    assert (row.entity, row.entity_id, row.staff_id) == ("person", person.id, admin.staff_id)
    assert MARK not in row.detail and "山田" not in row.detail


def test_only_administrators_handle_requests(services, admin, staff_actor):
    person, _ids = _person_with_history(services, admin)
    for call in (
        lambda: services.privacy.disclose(staff_actor, "person", person.id),
        lambda: services.privacy.erase(staff_actor, "person", person.id, ErasureReason.ERASE),
        lambda: services.people.delete(staff_actor, person.id),
        lambda: services.retention.preview(staff_actor),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_a_person_can_be_found_corrected_and_deleted(services, admin):
    person, ids = _person_with_history(services, admin)
    found = services.people.find(admin, "やまだ")
    assert [p.id for p in found] == [person.id]
    with services.db.read() as s:
        searched = s.scalars(select(AuditLog).where(AuditLog.action == "search", AuditLog.entity == "person")).all()
    assert searched and f",{person.id}," in searched[-1].record_ids and "やまだ" not in searched[-1].detail
    fixed = services.people.update(
        admin,
        person.id,
        person.version,
        PersonInput(name="山田 太朗", name_kana="ヤマダ タロウ", phone="090-1234-5679"),
    )
    services.privacy.record_correction(admin, "person", person.id, ["name", "phone"])
    assert services.people.get(admin, person.id).name == "山田 太朗"
    assert [p.id for p in services.people.find(admin, "太朗")] == [person.id]
    services.people.delete(admin, person.id, fixed.version)
    with pytest.raises(NotFound):
        services.people.get(admin, person.id)
    assert services.people.find(admin, "太朗") == []
    with services.db.read() as s:
        kept = s.scalars(select(Consultation).where(Consultation.id.in_(ids))).all()
        details = [a.detail for a in s.scalars(select(AuditLog).where(AuditLog.entity == "person"))]
    assert all(c.person_id is None and MARK in c.summary for c in kept)  # consultations stay, nameless
    assert "appi correction fields=name,phone" in details
    assert not any("太朗" in d for d in details)


def test_erasing_a_person_and_an_organization_leaves_statistics_byte_for_byte(services, db, admin):
    demo.generate(db, size="small", seed=11)
    with db.read() as s:
        org_id, contact = s.execute(select(Loan.organization_id, Loan.responsible_name).limit(1)).one()
    person, ids = _person_with_history(services, admin, name=contact)
    other, _other_ids = _person_with_history(services, admin, org_id, name="別の 人", phone="090-0000-1111")
    with db.read() as s:
        members = len(s.scalars(select(Person.id).where(Person.organization_id == org_id)).all())
    before = _statistics(services)

    plan = services.privacy.erasure_plan(admin, "person", person.id, include_matches=True)
    assert plan.consultations == 2 and plan.matched_loans >= 1
    result = services.privacy.erase(admin, "person", person.id, ErasureReason.ERASE, include_matches=True)
    assert result.consultations == 2 and result.loans == plan.matched_loans
    org_result = services.privacy.erase(admin, "organization", org_id, ErasureReason.STOP_USE, include_people=True)
    assert org_result.people == members >= 1 and org_result.consultations >= 2

    assert _statistics(services) == before
    with db.read() as s:
        assert s.get(Person, person.id) is None and s.get(Person, other.id) is None
        org = s.get(Organization, org_id)
        assert org.name and all(
            getattr(org, c) == "" for c in ("representative_name", "contact_name", "phone", "address")
        )
        loans = s.scalars(select(Loan).where(Loan.organization_id == org_id)).all()
        assert loans and all(x.responsible_name == "(消去済み)" and x.contact_phone == "" for x in loans)
        assert not s.scalars(select(LoanNote).where(LoanNote.loan_id.in_([x.id for x in loans]))).all()
        res = s.scalars(select(Reservation).where(Reservation.organization_id == org_id)).all()
        assert all(r.contact_name == "" == r.contact_phone for r in res)
        texts = " ".join(d.text + d.title for d in s.scalars(select(SearchDocument)))
        assert MARK.lower() not in texts.lower() and "zqxj" not in texts
        for c in s.scalars(select(Consultation).where(Consultation.id.in_(ids))):
            assert MARK not in c.summary and c.details == "" and c.person_id is None
        audits = s.scalars(select(AuditLog).where(AuditLog.detail.like("appi erase%"))).all()
    assert {(a.entity, a.entity_id) for a in audits} == {("person", person.id), ("organization", org_id)}
    assert "reason=erase" in audits[0].detail and contact not in " ".join(a.detail for a in audits)
    assert services.search.search(admin, "ZQXJ") == []


def test_erasure_forgets_the_trigrams_in_the_sqlite_index(services, db, admin):
    if not db.is_sqlite:
        pytest.skip("FTS5 is SQLite's; PostgreSQL's pg_trgm index is over the rows themselves")
    person, _ids = _person_with_history(services, admin)
    with db.write() as s:
        s.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, search_fts, 'row')"))
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM temp.vocab WHERE term = 'zqx'")).scalar() > 0
        s.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.gvocab USING fts5vocab(main, search_grams, 'row')"))
        assert (
            s.execute(text("SELECT count(*) FROM temp.gvocab WHERE term = :t"), {"t": gram_token("秘密")}).scalar() > 0
        )
    services.privacy.erase(admin, "person", person.id, ErasureReason.ERASE)
    with db.read() as s:
        s.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, search_fts, 'row')"))
        assert s.execute(text("SELECT count(*) FROM temp.vocab WHERE term = 'zqx'")).scalar() == 0
        raw = b"".join(r[0] for r in s.execute(text("SELECT block FROM search_fts_data")).all() if r[0])
        # the 1-2 character index (search_grams): the pair 「秘密」 of the erased notes is gone too
        s.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.gvocab USING fts5vocab(main, search_grams, 'row')"))
        assert (
            s.execute(text("SELECT count(*) FROM temp.gvocab WHERE term = :t"), {"t": gram_token("秘密")}).scalar() == 0
        )
        structure = s.execute(text("SELECT count(*) FROM search_grams_data")).scalar()
    assert b"zqx" not in raw and structure >= 1
