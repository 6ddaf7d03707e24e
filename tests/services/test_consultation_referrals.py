"""Referral outcomes (紹介の結果, issue 15): recorded later with the version seen, audited without
the note's text; counted per outcome and 未確認 beside 紹介件数 (statistics, PDF, annual report);
the note is personal text — disclosed to the person, erased at retention, the outcome kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.models import AuditLog
from kyodo_desk.documents.annual_report import build_annual_report_pdf
from kyodo_desk.documents.statistics import build_statistics_pdf
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.consultation_stats import outcome_row_label
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.people import PersonInput

NOTE = "QZX面談できたと連絡あり"
REF = "他機関紹介"


@pytest.fixture
def other(services):
    return services.consultation_categories.for_year(2025)[-1].id


def _referral(services, actor, category, **kw):
    kw.setdefault("received_at", dt.datetime(2025, 6, 2, 10))
    kw.setdefault("summary", "助成金の申請")
    kw.setdefault("referral_to", "social_welfare")
    kw.setdefault("referral_reason", "福祉の助成のため")
    return services.consultations.create(actor, ConsultationInput(category_ids=(category,), **kw))


def test_outcome_recorded_later_with_note_and_followup_done_in_one_audited_save(services, staff_actor, db, other):
    rec = _referral(services, staff_actor, other, followup_action="refer", followup_due=dt.date(2025, 6, 9))
    assert rec.referral_outcome is None and rec.referral_outcome_label == "未確認"
    saved = services.consultations.record_referral_outcome(
        staff_actor, rec.id, rec.version, "connected", f"  {NOTE}  ", followup_done=True
    )
    assert saved.referral_outcome == "connected" and saved.referral_outcome_label == "つながった"
    assert saved.referral_outcome_note == NOTE and saved.followup_done and saved.version == rec.version + 1
    stored = services.consultations.get(staff_actor, rec.id)
    assert (stored.referral_outcome, stored.referral_outcome_note) == ("connected", NOTE)
    with db.read() as s:
        assert s.scalar(select(Consultation.followup_done_at).where(Consultation.id == rec.id)) is not None
        details = [
            a.detail
            for a in s.scalars(select(AuditLog).where(AuditLog.entity == "consultation", AuditLog.entity_id == rec.id))
        ]
    assert "fields=referral_outcome,referral_outcome_note,followup_done" in details
    assert not any(NOTE in (d or "") for d in details)  # audit rows never hold the text
    # the note is searchable like the rest of the consultation's text
    assert rec.id in [h.ref_id for h in services.search.search(staff_actor, "面談できた")]

    # a save over the version seen before is refused, nothing changes
    with pytest.raises(StaleEdit):
        services.consultations.record_referral_outcome(staff_actor, rec.id, rec.version, "failed")
    assert services.consultations.get(staff_actor, rec.id).referral_outcome == "connected"
    # back to 未確認
    cleared = services.consultations.record_referral_outcome(staff_actor, rec.id, saved.version, None, "")
    assert cleared.referral_outcome is None and cleared.referral_outcome_note == ""


def test_outcome_only_on_a_referral_and_the_note_within_its_limit(services, staff_actor, other):
    plain = services.consultations.create(
        staff_actor, ConsultationInput(summary="相談", category_ids=(other,), received_at=dt.datetime(2025, 6, 2, 9))
    )
    with pytest.raises(ValidationError) as err:
        services.consultations.record_referral_outcome(staff_actor, plain.id, plain.version, "contacted", "メモ")
    assert "紹介の結果" in err.value.errors["referral_outcome"] and "紹介先" in err.value.errors["referral_outcome"]
    assert "紹介の結果のメモ" in err.value.errors["referral_outcome_note"]
    with pytest.raises(ValidationError) as err:  # the same rule on an intake
        services.consultations.create(
            staff_actor, ConsultationInput(summary="相談", category_ids=(other,), referral_outcome="failed")
        )
    assert set(err.value.errors) == {"referral_outcome"}

    rec = _referral(services, staff_actor, other)
    with pytest.raises(ValidationError) as err:
        services.consultations.record_referral_outcome(staff_actor, rec.id, rec.version, "connected", "あ" * 201)
    message = err.value.errors["referral_outcome_note"]
    assert "紹介の結果のメモ" in message and "200文字以内" in message and "201文字" in message
    with pytest.raises(ValidationError) as err:
        services.consultations.record_referral_outcome(staff_actor, rec.id, rec.version, "maybe")
    assert "一覧から選んで" in err.value.errors["referral_outcome"]
    assert services.consultations.get(staff_actor, rec.id).version == rec.version  # nothing saved

    # editing the whole consultation carries the outcome too (the editor's path)
    edited = services.consultations.update(
        staff_actor,
        rec.id,
        rec.version,
        ConsultationInput(**{**rec.as_input().__dict__, "referral_outcome": "failed", "referral_outcome_note": "不在"}),
    )
    assert (edited.referral_outcome, edited.referral_outcome_note) == ("failed", "不在")


def _four_referrals(services, actor, other):
    """June: connected, connected, failed; July: one without an outcome; plus one with no referral."""
    ids = []
    for day, outcome in ((2, "connected"), (3, "connected"), (4, "failed")):
        r = _referral(services, actor, other, received_at=dt.datetime(2025, 6, day, 10))
        services.consultations.record_referral_outcome(actor, r.id, r.version, outcome, "")
        ids.append(r.id)
    ids.append(
        _referral(services, actor, other, received_at=dt.datetime(2025, 7, 1, 10), referral_to="city_department").id
    )
    services.consultations.create(
        actor, ConsultationInput(summary="紹介なし", category_ids=(other,), received_at=dt.datetime(2025, 6, 5, 10))
    )
    return ids


def test_statistics_count_each_outcome_and_unknown_beside_the_referral_count(services, staff_actor, other):
    _four_referrals(services, staff_actor, other)
    st = services.consultation_stats.statistics(staff_actor, 2025, today=dt.date(2025, 8, 1))
    v = st.value
    assert v(REF, "紹介件数") == 4
    assert v(REF, "紹介の結果: つながった") == 2
    assert v(REF, "紹介の結果: 不調") == 1
    assert v(REF, "紹介の結果: 連絡済み") == 0
    assert v(REF, "紹介の結果: 未確認") == 1
    june, july = st.columns.index("6月"), st.columns.index("7月")
    rows = {r.label: r for r in st.section(REF)}
    assert rows["紹介の結果: つながった"].values[june] == 2 and rows["紹介の結果: 未確認"].values[july] == 1
    outcome_rows = [r for r in st.section(REF) if r.label.startswith("紹介の結果")]
    assert [r.label for r in outcome_rows] == [outcome_row_label(o) for o in ("contacted", "connected", "failed", None)]
    assert sum(r.total for r in outcome_rows) == v(REF, "紹介件数")  # every referral once
    labels = [r.label for r in st.section(REF)]
    assert labels.index("紹介件数") < labels.index("紹介の結果: 連絡済み")  # next to the existing rows

    pdf = build_statistics_pdf(st, services.settings.get())
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "紹介の結果: つながった" in text and "紹介の結果: 未確認" in text


def test_annual_report_lists_the_outcomes(services, admin, other):
    _four_referrals(services, admin, other)
    report = services.annual_report.build(admin, 2025, today=dt.date(2026, 5, 1))
    assert report.consultations.value(REF, "紹介の結果: つながった") == 2
    pdf = build_annual_report_pdf(report, services.settings.get(), today=dt.date(2026, 5, 1))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "紹介の結果: 不調" in text and "紹介の結果: 未確認" in text


def test_note_is_disclosed_to_the_person_and_erased_at_retention_the_outcome_kept(services, admin, db, other):
    person = services.people.create(admin, PersonInput(name="紹介 太郎", phone="090-1111-2222"))
    rec = _referral(services, admin, other, person_id=person.id, received_at=dt.datetime(2019, 6, 3, 10))
    services.consultations.record_referral_outcome(admin, rec.id, rec.version, "connected", NOTE)
    disclosed = services.privacy.disclose(admin, "person", person.id)
    note = [d for d in disclosed.values if d.value == NOTE]
    assert note and note[0].field == "紹介の結果のメモ" and note[0].location == "consultation.referral_outcome_note"
    before = services.consultation_stats.statistics(admin, 2019)

    report = services.retention.purge(admin, dt.date(2025, 11, 1))
    assert report.consultations >= 1
    gone = services.consultations.get(admin, rec.id)
    assert gone.anonymized and gone.referral_outcome_note == "" and gone.referral_reason == ""
    assert gone.referral_outcome == "connected" and gone.referral_to == "social_welfare"
    assert services.consultation_stats.statistics(admin, 2019).rows == before.rows  # statistics unchanged
    assert [h.ref_id for h in services.search.search(admin, "面談できた")] == []
    with pytest.raises(ValidationError):  # no new personal text on an erased record
        services.consultations.record_referral_outcome(admin, rec.id, gone.version, "failed", NOTE)


def test_consultation_purge_expired_erases_the_note_too(services, admin, other):
    rec = _referral(services, admin, other, received_at=dt.datetime(2019, 6, 3, 10))
    services.consultations.record_referral_outcome(admin, rec.id, rec.version, "contacted", NOTE)
    assert services.consultations.purge_expired(admin, dt.date(2025, 11, 1), retention_years=5) == 1
    gone = services.consultations.get(admin, rec.id)
    assert gone.referral_outcome_note == "" and gone.referral_outcome == "contacted"


def test_demo_referrals_have_outcomes(services, db, admin):
    from kyodo_desk.services import demo

    demo.generate(db, size="small", seed=5)
    with db.read() as s:
        fy = max(s.scalars(select(Consultation.fiscal_year).where(Consultation.referral_to.is_not(None))))
    totals = {fy_: services.consultation_stats.statistics(admin, fy_) for fy_ in (fy - 1, fy)}
    known = sum(
        st.value(REF, outcome_row_label(o)) for st in totals.values() for o in ("contacted", "connected", "failed")
    )
    assert known > 0
    for st in totals.values():
        outcomes = sum(st.value(REF, outcome_row_label(o)) for o in ("contacted", "connected", "failed", None))
        assert outcomes == st.value(REF, "紹介件数")
