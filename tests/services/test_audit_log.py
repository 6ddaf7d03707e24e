"""The administrator reads the trail: filters by staff, action, kind, record number and dates; pages;
a CSV export that Excel opens and that is itself recorded."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from sqlalchemy import update

from kyodo_desk.db.models import AuditLog
from kyodo_desk.services.audit_log import SYSTEM_STAFF, AuditFilter
from kyodo_desk.services.base import PermissionDenied, audit_shown, batch_actor
from kyodo_desk.services.organizations import OrganizationFilter, OrganizationInput
from kyodo_desk.services.people import PersonInput

NAME = "宮本 結衣"


@pytest.fixture
def trail(services, admin, staff_actor):
    org = services.organizations.create(staff_actor, OrganizationInput(kind="npo", name="森山子育ての会"))
    other = services.organizations.create(admin, OrganizationInput(kind="npo", name="長町子ども食堂"))
    person = services.people.create(staff_actor, PersonInput(name=NAME, phone="076-111-2222", organization_id=org.id))
    services.organizations.page(staff_actor, OrganizationFilter())  # shows both organizations
    services.people.get(staff_actor, person.id)
    audit_shown(services.db, batch_actor("retention"), "delete", "consultation", [], "retention purge count=0")
    return org, other, person


def test_filters_by_staff_action_kind_and_record(services, admin, staff_actor, trail):
    org, other, person = trail
    mine = services.audit.page(admin, AuditFilter(staff_id=staff_actor.staff_id))
    assert mine and {e.staff_name for e in mine} == {"田中 健一"} and {e.login_name for e in mine} == {"tanaka"}
    views = services.audit.page(admin, AuditFilter(action="view", entity="person"))
    assert [(e.entity_id, e.action_label, e.entity_label) for e in views] == [(person.id, "閲覧", "個人")]
    # record number: the organization was created, and also shown in a list page
    shown = services.audit.page(admin, AuditFilter(entity="organization", record_id=other.id))
    assert [e.action for e in shown] == ["list", "create"]
    assert other.id in shown[0].record_ids and str(other.id) in shown[0].records_text
    assert services.audit.count(admin, AuditFilter(entity="organization", record_id=other.id)) == 2
    batch = services.audit.page(admin, AuditFilter(staff_id=SYSTEM_STAFF))
    assert [e.staff_name for e in batch] == ["バッチ処理(kyodo-desk retention)"]
    assert {"organization", "person"} <= set(services.audit.entities(admin))
    assert "list" in services.audit.actions(admin)


def test_dates_are_inclusive_and_pages_are_newest_first(services, admin, trail):
    with services.db.write() as s:
        s.execute(update(AuditLog).where(AuditLog.id <= 2).values(at=dt.datetime(2025, 4, 1, 23, 59)))
    day = services.audit.page(admin, AuditFilter(date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 4, 1)))
    assert sorted(e.id for e in day) == [1, 2]
    assert services.audit.count(admin, AuditFilter(date_to=dt.date(2025, 3, 31))) == 0
    total = services.audit.count(admin)
    first, second = services.audit.page(admin, limit=3), services.audit.page(admin, offset=3, limit=3)
    ids = [e.id for e in first + second]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == min(6, total)


def test_only_administrators_read_or_export_the_trail(services, staff_actor, ict_actor, tmp_path):
    for actor in (staff_actor, ict_actor):
        with pytest.raises(PermissionDenied):
            services.audit.page(actor)
        with pytest.raises(PermissionDenied):
            services.audit.export_csv(actor, tmp_path / "a.csv")
    assert not (tmp_path / "a.csv").exists()


def test_csv_export_opens_in_excel_holds_no_personal_values_and_is_recorded(services, admin, trail, tmp_path):
    org, _other, person = trail
    out = tmp_path / "audit.csv"
    n = services.audit.export_csv(admin, out, AuditFilter(entity="person"))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:5] == ["番号", "日時", "操作した人", "ログイン名", "操作"]
    assert len(rows) == n + 1 and n >= 2
    assert [r[4] for r in rows[1:]] == ["登録", "閲覧"]  # oldest first
    assert NAME not in raw.decode("utf-8-sig") and "2222" not in raw.decode("utf-8-sig")
    export = services.audit.page(admin, AuditFilter(action="export"))[0]
    assert (export.entity, export.staff_name) == ("audit_log", "山田 花子")
    assert f"rows={n}" in export.detail and "entity=person" in export.detail


def test_csv_cells_cannot_carry_formulas(services, admin, tmp_path):
    audit_shown(services.db, admin, "export", "consultation", [], "=HYPERLINK(1)")
    out = tmp_path / "audit.csv"
    services.audit.export_csv(admin, out, AuditFilter(entity="consultation"))
    assert "'=HYPERLINK(1)" in out.read_text(encoding="utf-8-sig")
