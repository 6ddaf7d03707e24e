"""Organizations (団体): what the desk sees when it creates, edits, lists and searches them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog, Organization
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import NotFound, PermissionDenied, StaleEdit
from kyodo_desk.services.organizations import OrganizationFilter, OrganizationInput

BASE = OrganizationInput(kind="citizen_group", name="長町子育ての会", name_kana="ナガマチコソダテノカイ")


def _create(services, actor, **kw):
    return services.organizations.create(actor, replace(BASE, **kw))


def _audit_rows(db):
    with db.read() as s:
        return s.scalars(select(AuditLog).where(AuditLog.entity == "organization").order_by(AuditLog.id)).all()


def test_create_cleans_what_was_typed(services, staff_actor):
    rec = _create(
        services,
        staff_actor,
        name="  ＮＰＯ法人 かなざわ子育てサポート ",
        name_kana="ｴﾇﾋﾟｰｵｰﾎｳｼﾞﾝ かなざわｺｿﾀﾞﾃｻﾎﾟｰﾄ",
        phone="０７６－２２０－２０２６",
        postal_code="〒9208577",
        email=" ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｊｐ ",
        representative_name=" 山田 花子 ",
    )
    assert rec.id > 0 and rec.version == 1
    assert rec.name == "ＮＰＯ法人 かなざわ子育てサポート"  # width of the name kept as typed, only trimmed
    assert rec.name_kana == "エヌピーオーホウジン カナザワコソダテサポート"
    assert (rec.phone, rec.postal_code, rec.email) == ("076-220-2026", "920-8577", "info@example.jp")
    assert rec.representative_name == "山田 花子"
    assert rec.code == f"ORG-{rec.id:05d}"
    assert rec.kind_label == "市民活動団体" and rec.registration_label == "未登録"
    assert services.organizations.get(staff_actor, rec.id) == rec


def test_validation_reports_every_field_in_japanese_and_saves_nothing(services, staff_actor, db):
    bad = OrganizationInput(
        kind="club",
        name=" ",
        name_kana="Nagamachi",
        phone="12-34",
        email="info@",
        postal_code="920",
    )
    with pytest.raises(ValidationError) as err:
        services.organizations.create(staff_actor, bad)
    errors = err.value.errors
    assert set(errors) == {"kind", "name", "name_kana", "phone", "email", "postal_code"}
    assert "「団体名」を入力してください" in errors["name"]
    assert "「団体名(カナ)」" in errors["name_kana"]
    assert "「電話番号」" in errors["phone"] and "「メールアドレス」" in errors["email"]
    assert "「郵便番号」" in errors["postal_code"] and "「種別」" in errors["kind"]
    assert services.organizations.count(staff_actor) == 0 and _audit_rows(db) == []


def test_registration_is_not_edited_with_the_organization(services, staff_actor):
    """The status is the registration steps' (services/registration.py): an edit leaves it alone."""
    rec = _create(services, staff_actor)
    services.registration.apply(staff_actor, rec.id, dt.date(2025, 4, 1), ("規約", "名簿", "活動計画"))
    loaded = services.organizations.get(staff_actor, rec.id)
    assert loaded.registration_status == "applied" and loaded.registration_label == "申請中"
    assert loaded.version == rec.version  # a step does not make an open edit stale
    edited = services.organizations.update(
        staff_actor, rec.id, loaded.version, replace(loaded.as_input(), phone="076-220-2026")
    )
    assert edited.registration_status == "applied"


def test_update_saves_changes_and_audits_only_field_names(services, staff_actor, db):
    rec = _create(services, staff_actor, phone="076-220-2026", email="kosodate@example.jp")
    new = services.organizations.update(
        staff_actor, rec.id, rec.version, replace(rec.as_input(), phone="090-1234-5678", contact_name="中村 美咲")
    )
    assert new.version == rec.version + 1 and new.phone == "090-1234-5678" and new.contact_name == "中村 美咲"
    rows = _audit_rows(db)
    assert [(r.action, r.entity_id, r.staff_id) for r in rows] == [
        ("create", rec.id, staff_actor.staff_id),
        ("update", rec.id, staff_actor.staff_id),
    ]
    assert rows[1].detail == "fields=contact_name,phone"
    personal = ("076-220-2026", "090-1234-5678", "2026", "5678", "中村", "kosodate", "長町子育て")
    assert not any(p in r.detail for r in rows for p in personal)


def test_saving_without_changes_writes_nothing(services, staff_actor, db):
    rec = _create(services, staff_actor)
    same = services.organizations.update(staff_actor, rec.id, rec.version, rec.as_input())
    assert same.version == rec.version and len(_audit_rows(db)) == 1


def test_stale_edit_is_refused_and_the_other_desks_save_survives(services, staff_actor, admin):
    rec = _create(services, staff_actor)
    # another desk saves first
    services.organizations.update(admin, rec.id, rec.version, replace(rec.as_input(), phone="076-260-1178"))
    with pytest.raises(StaleEdit) as err:
        services.organizations.update(staff_actor, rec.id, rec.version, replace(rec.as_input(), phone="076-220-2026"))
    assert "別の窓口で変更されました" in str(err.value) and "入力内容は残してあります" in str(err.value)
    assert services.organizations.get(staff_actor, rec.id).phone == "076-260-1178"


def test_unknown_organization(services, staff_actor):
    with pytest.raises(NotFound, match="ORG-99999"):
        services.organizations.get(staff_actor, 99999)
    with pytest.raises(NotFound):
        services.organizations.update(staff_actor, 99999, 1, BASE)


def test_ict_promoter_may_look_but_not_create_or_edit(services, staff_actor, ict_actor):
    rec = _create(services, staff_actor)
    assert services.organizations.get(ict_actor, rec.id).name == rec.name
    with pytest.raises(PermissionDenied) as err:
        _create(services, ict_actor, name="別の会")
    assert "北村 誠" in str(err.value) and "ICT推進員" in str(err.value)
    with pytest.raises(PermissionDenied):
        services.organizations.update(ict_actor, rec.id, rec.version, replace(rec.as_input(), notes="x"))
    assert services.organizations.count(staff_actor) == 1


def test_retiring_needs_admin_but_staff_may_still_edit_a_retired_record(services, staff_actor, admin):
    rec = _create(services, staff_actor)
    with pytest.raises(PermissionDenied):
        services.organizations.update(staff_actor, rec.id, rec.version, replace(rec.as_input(), active=False))
    retired = services.organizations.update(admin, rec.id, rec.version, replace(rec.as_input(), active=False))
    fixed = services.organizations.update(
        staff_actor, retired.id, retired.version, replace(retired.as_input(), phone="076-220-2026")
    )
    assert fixed.phone == "076-220-2026" and fixed.active is False


@pytest.fixture
def registry(services, staff_actor, admin):
    rows = [
        ("広坂町会", "ひろさかちょうかい", "neighborhood", "none"),  # typed in hiragana: stored as katakana
        ("金石町会", "ｶﾅｲﾜﾁｮｳｶｲ", "neighborhood", "none"),
        ("長町子育ての会", "ナガマチコソダテノカイ", "citizen_group", "registered"),
        ("犀川環境ネットワーク", "サイガワカンキョウネットワーク", "citizen_group", "registered"),
        ("NPO法人 かなざわ福祉サポート", "エヌピーオーホウジン カナザワフクシサポート", "npo", "registered"),
        ("株式会社兼六印刷", "カブシキガイシャケンロクインサツ", "business", "none"),
        ("金沢大学", "カナザワダイガク", "university", "none"),
        ("アカシア読み聞かせの会", "アカシアヨミキカセノカイ", "citizen_group", "applied"),
    ]
    made = []
    for name, kana, kind, status in rows:
        rec = _create(services, staff_actor, name=name, name_kana=kana, kind=kind)
        if status != "none":
            services.registration.apply(staff_actor, rec.id, dt.date(2025, 4, 1), ("規約", "名簿", "活動計画"))
        if status == "registered":
            services.registration.review(staff_actor, rec.id, dt.date(2025, 4, 20), approved=True)
            services.registration.register(staff_actor, rec.id, dt.date(2025, 5, 1))
        made.append(services.organizations.get(staff_actor, rec.id))
    retired = made[3]
    services.organizations.update(admin, retired.id, retired.version, replace(retired.as_input(), active=False))
    return made


def test_list_sorts_by_reading_whatever_script_was_typed(services, staff_actor, registry):
    names = [r.name for r in services.organizations.page(staff_actor, sort="name")]
    assert names == [
        "アカシア読み聞かせの会",
        "NPO法人 かなざわ福祉サポート",
        "金石町会",
        "金沢大学",
        "株式会社兼六印刷",
        "長町子育ての会",
        "広坂町会",
    ]
    assert [r.name for r in services.organizations.page(staff_actor, sort="name", descending=True)] == names[::-1]


def test_pages_cover_the_list_once(services, staff_actor, registry):
    seen = []
    for offset in range(0, 7, 3):
        seen += [r.id for r in services.organizations.page(staff_actor, offset=offset, limit=3, sort="code")]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 7
    assert services.organizations.count(staff_actor) == 7


@pytest.mark.parametrize(
    "flt, expected",
    [
        (OrganizationFilter(kind="neighborhood"), {"広坂町会", "金石町会"}),
        (OrganizationFilter(registration_status="registered"), {"長町子育ての会", "NPO法人 かなざわ福祉サポート"}),
        (
            OrganizationFilter(registration_status="registered", include_inactive=True),
            {"長町子育ての会", "NPO法人 かなざわ福祉サポート", "犀川環境ネットワーク"},
        ),
        (OrganizationFilter(text="町会"), {"広坂町会", "金石町会"}),
        (OrganizationFilter(text="金"), {"金石町会", "金沢大学"}),
        (OrganizationFilter(text="かなざわ"), {"NPO法人 かなざわ福祉サポート", "金沢大学"}),
        (OrganizationFilter(text="ｶﾅｲﾜ"), {"金石町会"}),
        (OrganizationFilter(text="会 ナガマチ"), {"長町子育ての会"}),
        (OrganizationFilter(text="町会", kind="citizen_group"), set()),
    ],
)
def test_filters_and_count_agree(services, staff_actor, registry, flt, expected):
    assert {r.name for r in services.organizations.page(staff_actor, flt)} == expected
    assert services.organizations.count(staff_actor, flt) == len(expected)


def test_typing_an_organization_code_finds_it(services, staff_actor, registry):
    target = registry[5]
    found = services.organizations.page(staff_actor, OrganizationFilter(text=target.code.lower()))
    assert [r.id for r in found] == [target.id]


def test_registered_count_and_kinds_summary(services, staff_actor, registry):
    assert services.organizations.registered_count(staff_actor) == 2  # the retired one does not count
    assert services.organizations.kinds_summary(staff_actor) == {
        "neighborhood": 2,
        "citizen_group": 2,
        "npo": 1,
        "business": 1,
        "university": 1,
    }


def test_duplicate_warning_matches_width_and_kana_variants(services, staff_actor, registry):
    similar = services.organizations.find_similar(staff_actor, "ＮＰＯ法人　カナザワ福祉サポート")
    assert [r.name for r in similar] == ["NPO法人 かなざわ福祉サポート"]
    assert (
        services.organizations.find_similar(staff_actor, "NPO法人 かなざわ福祉サポート", exclude_id=registry[4].id)
        == []
    )
    assert services.organizations.find_similar(staff_actor, "福祉") == []  # only whole-name matches


def test_edits_are_searchable_at_once(services, staff_actor, registry):
    rec = registry[0]
    services.organizations.update(staff_actor, rec.id, rec.version, replace(rec.as_input(), name="広坂一丁目町会"))
    assert [h.title for h in services.search.search(staff_actor, "一丁目")] == ["広坂一丁目町会"]


def test_rows_in_the_database_match_the_records(services, staff_actor, registry, db):
    with db.read() as s:
        kana = dict(s.execute(select(Organization.name, Organization.name_kana)).all())
    assert kana["広坂町会"] == "ヒロサカチョウカイ" and kana["金石町会"] == "カナイワチョウカイ"
