"""Consultation intake, follow-ups, cases, privacy and statistics against hand-counted fixtures."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import PermissionDenied, StaleEdit
from kyodo_desk.services.consultation_stats import stats_table
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.csv_export import to_csv_bytes
from kyodo_desk.services.organizations import OrganizationInput


@pytest.fixture
def cats(services):
    """name → id for FY2025 (defaults)."""
    return {c.full_name: c.id for c in services.consultation_categories.for_year(2025)}


def _new(services, actor, **kw):
    kw.setdefault("summary", "相談")
    return services.consultations.create(actor, ConsultationInput(**kw))


def test_anonymous_consultation_gets_reference_of_its_fiscal_year(services, staff_actor, cats):
    a = _new(services, staff_actor, received_at=dt.datetime(2026, 3, 31, 23, 59), category_ids=(cats["ICT活用"],))
    b = _new(services, staff_actor, received_at=dt.datetime(2026, 4, 1, 0, 0), category_ids=(cats["ICT活用"],))
    c = _new(services, staff_actor, received_at=dt.datetime(2026, 4, 1, 9, 0), category_ids=(cats["ICT活用"],))
    assert (a.fiscal_year, a.reference) == (2025, "S2025-00001")
    assert (b.fiscal_year, b.reference) == (2026, "S2026-00001")
    assert c.reference == "S2026-00002"
    assert a.organization_id is None and a.person_id is None and a.organization_name == "" and a.person_name == ""
    assert a.staff_name == "田中 健一"


def test_validation_names_fields_in_japanese_and_reports_all(services, staff_actor):
    with pytest.raises(ValidationError) as err:
        services.consultations.create(
            staff_actor, ConsultationInput(summary=" ", people_count=0, followup_action="call_back")
        )
    errors = err.value.errors
    assert "相談の要旨" in errors["summary"]
    assert "相談分類" in errors["category_ids"]
    assert "人数" in errors["people_count"]
    assert "期限" in errors["followup_due"]


def test_referral_needs_reason_and_other_needs_detail(services, staff_actor, cats):
    with pytest.raises(ValidationError) as err:
        _new(services, staff_actor, category_ids=(cats["その他"],), referral_to="other")
    assert set(err.value.errors) == {"referral_reason", "referral_detail"}


def test_future_received_at_is_refused(services, staff_actor, cats):
    with pytest.raises(ValidationError) as err:
        _new(
            services, staff_actor, category_ids=(cats["その他"],), received_at=dt.datetime.now() + dt.timedelta(days=2)
        )
    assert "受付日時" in err.value.errors["received_at"]


def test_ict_promoter_cannot_see_or_write_consultations(services, ict_actor, cats):
    with pytest.raises(PermissionDenied):
        _new(services, ict_actor, category_ids=(cats["その他"],))
    with pytest.raises(PermissionDenied):
        services.consultations.count(ict_actor)
    assert all(h.kind != "consultation" for h in services.search.search(ict_actor, "相談"))


def test_stale_edit_is_refused_and_delete_is_admin_only(services, staff_actor, admin, cats):
    rec = _new(services, staff_actor, category_ids=(cats["その他"],), summary="会場について")
    services.consultations.update(
        admin, rec.id, rec.version, ConsultationInput(**{**rec.as_input().__dict__, "answer": "別の窓口で追記"})
    )
    with pytest.raises(StaleEdit):
        services.consultations.update(staff_actor, rec.id, rec.version, rec.as_input())
    with pytest.raises(PermissionDenied):
        services.consultations.delete(staff_actor, rec.id)
    services.consultations.delete(admin, rec.id)
    assert services.consultations.count(admin) == 0


def test_opening_is_audited_without_personal_text(services, staff_actor, db, cats):
    rec = _new(
        services,
        staff_actor,
        category_ids=(cats["その他"],),
        summary="090-1111-2222 に折り返し希望",
        details="山田さん",
    )
    services.consultations.get(staff_actor, rec.id)
    with db.read() as s:
        rows = s.execute(select(AuditLog.action, AuditLog.detail).where(AuditLog.entity == "consultation")).all()
    assert [r.action for r in rows] == ["create", "view"]
    assert all("090" not in r.detail and "山田" not in r.detail for r in rows)


def test_followups_due_today_and_overdue(services, staff_actor, cats):
    today = dt.date(2026, 5, 10)
    base = dict(received_at=dt.datetime(2026, 5, 1, 10), category_ids=(cats["その他"],), followup_action="call_back")
    overdue = _new(services, staff_actor, followup_due=dt.date(2026, 5, 8), **base)
    due = _new(services, staff_actor, followup_due=today, **base)
    _new(services, staff_actor, followup_due=dt.date(2026, 5, 11), **base)
    done = _new(services, staff_actor, followup_due=dt.date(2026, 5, 9), **base)
    services.consultations.set_followup_done(staff_actor, done.id)
    assert [r.id for r in services.consultations.followups_due(staff_actor, today)] == [overdue.id, due.id]


def test_case_timeline_and_organization_karte(services, staff_actor, cats):
    org = services.organizations.create(
        staff_actor, OrganizationInput(kind="citizen_group", name="広坂子育ての会", name_kana="ヒロサカコソダテノカイ")
    )
    case = services.consultations.create_case(staff_actor, "NPO法人化", org.id, dt.date(2025, 6, 1))
    for day in (dt.datetime(2025, 6, 1, 10), dt.datetime(2025, 8, 1, 10), dt.datetime(2025, 7, 1, 10)):
        _new(
            services,
            staff_actor,
            received_at=day,
            category_ids=(cats["設立・法人化 › NPO法人の設立"],),
            organization_id=org.id,
            requester_type="citizen_group",
            case_id=case.id,
        )
    full = services.consultations.case(staff_actor, case.id)
    assert [c.received_at.month for c in full.timeline] == [6, 7, 8]
    assert full.organization_name == "広坂子育ての会"
    assert len(services.consultations.organization_timeline(staff_actor, org.id)) == 3
    closed = services.consultations.set_case_status(staff_actor, case.id, "closed", dt.date(2025, 9, 1))
    assert closed.status_label == "完了" and closed.closed_on == dt.date(2025, 9, 1)


def test_statistics_hand_counted(services, staff_actor, cats):
    """FY2025 fixture (counted by hand):
    #1 2025-04-01 来所 個人 1人, cats: 設立›任意団体 + 設立›NPO法人 (same top) — referral 専門家
    #2 2025-04-15 電話 町会 3人, cats: ICT活用›オンライン会議 + 広報・情報発信, case A (first)
    #3 2025-05-20 電話 町会 2人, cats: ICT活用›機器の貸出, case A (continuing)
    #4 2026-03-31 メール 市民活動団体 1人, cats: その他, follow-up open, due 2026-03-31 (overdue on 4/10)
    #5 2026-04-01 来所 — FY2026, must not be counted
    #6 2025-03-31 来所 — FY2024, must not be counted, but it is the first of case B
    #7 2025-06-01 来所 個人 1人, cats: その他, case B (continuing from FY2024), follow-up done
    """
    case_a = services.consultations.create_case(staff_actor, "A").id
    case_b = services.consultations.create_case(staff_actor, "B").id
    c = cats
    _new(
        services,
        staff_actor,
        received_at=dt.datetime(2025, 4, 1, 9),
        channel="walk_in",
        requester_type="individual",
        category_ids=(c["設立・法人化 › 任意団体の設立"], c["設立・法人化 › NPO法人の設立"]),
        referral_to="expert",
        referral_reason="税務",
    )
    _new(
        services,
        staff_actor,
        received_at=dt.datetime(2025, 4, 15, 9),
        channel="phone",
        requester_type="neighborhood",
        people_count=3,
        category_ids=(c["ICT活用 › オンライン会議"], c["広報・情報発信"]),
        case_id=case_a,
    )
    _new(
        services,
        staff_actor,
        received_at=dt.datetime(2025, 5, 20, 9),
        channel="phone",
        requester_type="neighborhood",
        people_count=2,
        category_ids=(c["ICT活用 › 機器の貸出"],),
        case_id=case_a,
    )
    _new(
        services,
        staff_actor,
        received_at=dt.datetime(2026, 3, 31, 18),
        channel="email",
        requester_type="citizen_group",
        category_ids=(c["その他"],),
        followup_action="call_back",
        followup_due=dt.date(2026, 3, 31),
    )
    cats26 = {x.full_name: x.id for x in services.consultation_categories.for_year(2026)}
    _new(services, staff_actor, received_at=dt.datetime(2026, 4, 1, 9), category_ids=(cats26["その他"],))
    cats24 = {x.full_name: x.id for x in services.consultation_categories.for_year(2024)}
    _new(
        services, staff_actor, received_at=dt.datetime(2025, 3, 31, 9), category_ids=(cats24["その他"],), case_id=case_b
    )
    done = _new(
        services,
        staff_actor,
        received_at=dt.datetime(2025, 6, 1, 9),
        category_ids=(c["その他"],),
        case_id=case_b,
        followup_action="send_material",
        followup_due=dt.date(2025, 6, 5),
    )
    services.consultations.set_followup_done(staff_actor, done.id)

    st = services.consultation_stats.statistics(staff_actor, 2025, today=dt.date(2026, 4, 10))
    v = st.value
    assert v("合計", "件数") == 5
    assert v("合計", "人数") == 1 + 3 + 2 + 1 + 1
    assert v("合計", "案件数") == 4  # #1, case A, #4, case B
    assert v("合計", "新規") == 3 and v("合計", "継続") == 2  # #3 and #7 continue
    assert v("受付方法", "来所") == 2 and v("受付方法", "電話") == 2 and v("受付方法", "メール") == 1
    assert v("相談者の種別", "町会等地域団体") == 2
    assert v("相談分類", "設立・法人化") == 1  # two sub-categories, counted once under the top
    assert v("相談分類", "任意団体の設立") == 1 and v("相談分類", "NPO法人の設立") == 1
    assert v("相談分類", "ICT活用") == 2 and v("相談分類", "広報・情報発信") == 1
    assert v("相談分類", "その他") == 2
    assert v("他機関紹介", "紹介件数") == 1 and v("他機関紹介", "専門家") == 1
    assert (st.followup_total, st.followup_done, st.followup_open, st.followup_overdue) == (2, 1, 1, 1)
    # months: April column has #1 and #2; March column has #4
    april = st.columns.index("4月")
    march = st.columns.index("3月")
    assert st.section("合計")[0].values[april] == 2 and st.section("合計")[0].values[march] == 1
    # case A spans April and May: one matter in each month, but one in the total
    matters = st.section("合計")[1].values
    assert matters[april] == 2 and matters[st.columns.index("5月")] == 1

    month = services.consultation_stats.statistics(staff_actor, 2025, month=4, today=dt.date(2026, 4, 10))
    assert month.columns == ("4月", "合計") and month.value("合計", "件数") == 2


def test_statistics_csv_reads_back_and_is_excel_safe(services, staff_actor, cats):
    _new(services, staff_actor, received_at=dt.datetime(2025, 4, 1, 9), category_ids=(cats["その他"],))
    st = services.consultation_stats.statistics(staff_actor, 2025)
    data = to_csv_bytes(stats_table(st) + [['=HYPERLINK("http://x")', "+1", "-5", "@SUM(A1)", "\tTAB"]])
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["区分", "項目", "4月"] and rows[0][-1] == "合計"
    assert ["合計", "件数"] == rows[1][:2] and rows[1][-1] == "1"
    assert rows[-1] == ['\'=HYPERLINK("http://x")', "'+1", "-5", "'@SUM(A1)", "'\tTAB"]


def test_retention_purge_erases_personal_text_but_keeps_statistics(services, admin, cats):
    old = _new(
        services,
        admin,
        received_at=dt.datetime(2019, 4, 10, 9),
        category_ids=({x.full_name: x.id for x in services.consultation_categories.for_year(2019)}["その他"],),
        summary="山田さんの相談",
        details="住所など",
    )
    recent = _new(
        services, admin, received_at=dt.datetime(2025, 4, 10, 9), category_ids=(cats["その他"],), summary="最近の相談"
    )
    assert services.consultations.purge_expired(admin, dt.date(2025, 11, 1), retention_years=5) == 1
    gone = services.consultations.get(admin, old.id)
    assert gone.anonymized and "山田" not in gone.summary and gone.details == ""
    assert services.consultations.get(admin, recent.id).summary == "最近の相談"
    assert services.consultation_stats.statistics(admin, 2019).value("合計", "件数") == 1
    assert [h.ref_id for h in services.search.search(admin, "山田")] == []


def test_search_finds_consultations_by_short_japanese_terms(services, staff_actor, cats):
    rec = _new(
        services, staff_actor, category_ids=(cats["その他"],), summary="会計ソフトの選び方", details="領収書の整理"
    )
    for q in ("会", "会計", "領収書", rec.reference.lower()):
        assert rec.id in [h.ref_id for h in services.search.search(staff_actor, q) if h.kind == "consultation"], q
    assert services.search.resolve_code(staff_actor, rec.reference).ref_id == rec.id
