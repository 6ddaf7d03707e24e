"""Reading personal data leaves a trace: opening, a page of a list, 相談カルテ, search results, the
loan lists with borrower names and phones — who, when, which kind and which ids, never the values."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from kyodo_desk.db.models import AuditLog
from kyodo_desk.services.base import MAX_RECORD_IDS, audit_shown, batch_actor
from kyodo_desk.services.consultations import ConsultationFilter, ConsultationInput
from kyodo_desk.services.inventory import Accessory, DeviceInput
from kyodo_desk.services.loans import CheckoutRequest
from kyodo_desk.services.organizations import OrganizationFilter, OrganizationInput, organization_code
from kyodo_desk.services.people import PersonInput

MARK = "真田幸村"  # a name that must never reach the audit log
PHONE = "090-4444-7777"
TODAY = dt.date.today()


def _rows(services, after: int = 0) -> list[AuditLog]:
    with services.db.read() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.id > after).order_by(AuditLog.id)))


def _no_personal_values(rows) -> None:
    for r in rows:
        text = " ".join(str(v) for v in (r.action, r.entity, r.detail, r.actor, r.record_ids))
        assert MARK not in text and PHONE not in text and "7777" not in text, text


def _ids(row: AuditLog) -> list[int]:
    return [int(x) for x in row.record_ids.strip(",").split(",") if x]


@pytest.fixture
def org(services, staff_actor):
    return services.organizations.create(
        staff_actor,
        OrganizationInput(kind="npo", name="森山子育ての会", contact_name=MARK, phone=PHONE),
    )


@pytest.fixture
def consultations(services, staff_actor, org):
    cat = services.consultation_categories.for_year(2025)[0].id
    out = []
    for i in range(5):
        out.append(
            services.consultations.create(
                staff_actor,
                ConsultationInput(
                    received_at=dt.datetime(2025, 5, 1 + i, 10, 0),
                    organization_id=org.id,
                    category_ids=(cat,),
                    summary=f"{MARK}さんから会計の相談 {i}",
                    followup_action="call_back",
                    followup_due=TODAY - dt.timedelta(days=1),
                ),
            )
        )
    return out


def test_a_page_of_the_consultation_list_is_one_row_with_its_ids(services, staff_actor, consultations):
    start = services.changes.marker()
    page = services.consultations.page(staff_actor, ConsultationFilter(text="会計"), offset=0, limit=3)
    rows = _rows(services, start)
    assert [(r.action, r.entity, r.staff_id) for r in rows] == [("list", "consultation", staff_actor.staff_id)]
    assert _ids(rows[0]) == [c.id for c in page] and len(page) == 3
    assert "n=3" in rows[0].detail and "会計" not in rows[0].detail  # the filter's text is not recorded
    services.consultations.count(staff_actor, ConsultationFilter())  # a count shows nobody: no row
    assert len(_rows(services, start)) == 1
    _no_personal_values(_rows(services))


def test_karte_followups_and_cases_are_audited(services, staff_actor, org, consultations):
    start = services.changes.marker()
    karte = services.consultations.organization_timeline(staff_actor, org.id)
    due = services.consultations.followups_due(staff_actor, TODAY)
    services.consultations.cases(staff_actor, organization_id=org.id)  # none: an empty list shows nobody
    case = services.consultations.create_case(staff_actor, "会計の立て直し", organization_id=org.id)
    mark = services.changes.marker()
    services.consultations.cases(staff_actor, organization_id=org.id)
    rows = _rows(services, start)
    assert [(r.action, r.entity) for r in rows if r.id <= mark] == [
        ("list", "consultation"),
        ("list", "consultation"),
        ("create", "consultation_case"),
    ]
    assert [(r.action, r.entity, _ids(r)) for r in rows if r.id > mark] == [("list", "consultation_case", [case.id])]
    assert f"karte organization={org.id}" in rows[0].detail and _ids(rows[0]) == [c.id for c in karte]
    assert "followups_due" in rows[1].detail and sorted(_ids(rows[1])) == sorted(c.id for c in due)
    _no_personal_values(rows)


def test_organization_list_and_opening_one_are_audited(services, staff_actor, org):
    start = services.changes.marker()
    services.organizations.page(staff_actor, OrganizationFilter())
    services.organizations.get(staff_actor, org.id)
    rows = _rows(services, start)
    assert [(r.action, r.entity, r.entity_id) for r in rows] == [
        ("list", "organization", None),
        ("view", "organization", org.id),
    ]
    assert _ids(rows[0]) == [org.id]
    _no_personal_values(rows)


def test_people_of_an_organization_and_finding_a_person_are_audited(services, staff_actor, org):
    person = services.people.create(staff_actor, PersonInput(name=MARK, phone=PHONE, organization_id=org.id))
    start = services.changes.marker()
    services.people.for_organization(staff_actor, org.id)
    services.people.get(staff_actor, person.id)
    if hasattr(services.people, "find"):
        services.people.find(staff_actor, MARK)
    rows = _rows(services, start)
    assert [(r.action, r.entity) for r in rows][:2] == [("list", "person"), ("view", "person")]
    assert _ids(rows[0]) == [person.id] and rows[1].entity_id == person.id
    if hasattr(services.people, "find"):
        assert (rows[2].action, rows[2].entity, _ids(rows[2])) == ("search", "person", [person.id])
    _no_personal_values(rows)


def test_search_records_kinds_counts_and_ids_but_never_the_query(services, staff_actor, org):
    person = services.people.create(staff_actor, PersonInput(name=MARK, phone=PHONE, organization_id=org.id))
    start = services.changes.marker()
    hits = services.search.search(staff_actor, MARK)
    assert {(h.kind, h.ref_id) for h in hits} >= {("person", person.id)}
    services.search.search(staff_actor, "存在しない名前の人")
    found = services.search.resolve_code(staff_actor, organization_code(org.id))
    rows = _rows(services, start)
    by_kind = {r.entity: r for r in rows if r.action == "search" and "source=box" in r.detail and r.record_ids}
    assert _ids(by_kind["person"]) == [person.id]
    assert any(r.entity == "search" and r.detail.endswith("n=0") for r in rows)  # nothing found: still one row
    assert found is not None
    assert (rows[-1].entity, _ids(rows[-1]), "source=code" in rows[-1].detail) == ("organization", [org.id], True)
    _no_personal_values(rows)
    assert all("存在しない" not in r.detail for r in rows)


@pytest.fixture
def loan(services, admin, org):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [Accessory("ケース")])
    device = services.inventory.create(admin, DeviceInput(model_id=model.id, serial="SN1"))
    due = services.calendar.calendar().next_open_day(TODAY)
    return services.loans.checkout(
        admin,
        CheckoutRequest(
            organization_id=org.id,
            responsible_name=MARK,
            contact_phone=PHONE,
            device_ids=(device.id,),
            due_on=due,
            purpose="総会",
            accessories={device.id: ("ケース",)},
        ),
    )


def test_loan_lists_with_borrower_names_and_phones_are_audited(services, staff_actor, loan):
    start = services.changes.marker()
    due_today, overdue = services.loans.due(staff_actor, loan.due_on)
    services.loans.history(staff_actor, organization_id=loan.organization_id)
    services.loans.get(staff_actor, loan.id)
    services.loans.open_loan_for_device(staff_actor, loan.items[0].device.asset_tag)
    services.reservations.active(staff_actor)  # none: an empty list shows nobody, no row
    rows = _rows(services, start)
    assert [(r.action, r.entity) for r in rows] == [
        ("list", "loan"),
        ("list", "loan"),
        ("view", "loan"),
        ("view", "loan"),
    ]
    assert _ids(rows[0]) == [loan.id] and [r.id for r in due_today + overdue] == [loan.id]
    assert f"organization={loan.organization_id}" in rows[1].detail
    assert rows[2].entity_id == rows[3].entity_id == loan.id
    _no_personal_values(rows)


def test_reads_are_not_changes_for_other_desks(services, staff_actor, org, consultations):
    """Another desk polls for changes: a list shown here must not make it reload (which would be
    audited, and so on, for ever)."""
    start = services.changes.marker()
    services.consultations.page(staff_actor)
    services.organizations.page(staff_actor)
    services.search.search(staff_actor, "森山")
    assert services.changes.marker() > start  # the trail moved ...
    assert services.changes.changed_entities_since(start) == []  # ... but nothing changed


def test_a_very_long_list_keeps_a_bounded_number_of_ids_and_says_so(services, staff_actor):
    audit_shown(services.db, staff_actor, "export", "consultation", range(1, MAX_RECORD_IDS + 51))
    row = _rows(services)[-1]
    assert len(_ids(row)) == MAX_RECORD_IDS and _ids(row)[:3] == [1, 2, 3]
    assert f"ids_kept={MAX_RECORD_IDS}/{MAX_RECORD_IDS + 50}" in row.detail and f"n={MAX_RECORD_IDS + 50}" in row.detail


def test_a_batch_command_is_named_in_its_audit_rows(services):
    actor = batch_actor("retention")
    assert actor.name == "バッチ処理(kyodo-desk retention)"
    audit_shown(services.db, actor, "export", "consultation", [1])
    row = _rows(services)[-1]
    assert (row.staff_id, row.actor) == (None, "kyodo-desk retention")


def test_a_list_page_holds_the_write_lock_only_for_its_one_audit_insert(services, staff_actor, consultations):
    """SQLite: the page is read in a plain (deferred) transaction; the only statement inside the
    BEGIN IMMEDIATE … COMMIT that follows is the audit row's INSERT."""
    if not services.db.is_sqlite:
        pytest.skip("SQLite's write lock")
    seen: list[str] = []
    in_write = {"on": False}

    def before(conn, cursor, statement, params, context, executemany):
        if statement.startswith("BEGIN IMMEDIATE"):
            in_write["on"] = True
        elif in_write["on"]:
            seen.append(
                statement.split()[0] + " " + statement.split()[2] if statement.startswith("INSERT") else statement
            )

    def commit(conn):
        in_write["on"] = False

    event.listen(services.db.engine, "before_cursor_execute", before)
    event.listen(services.db.engine, "commit", commit)
    try:
        services.consultations.page(staff_actor, limit=5)
    finally:
        event.remove(services.db.engine, "before_cursor_execute", before)
        event.remove(services.db.engine, "commit", commit)
    assert seen == ["INSERT audit_log"]


def test_reservations_with_contact_names_are_audited(services, admin, staff_actor, org):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [Accessory("ケース")])
    device = services.inventory.create(admin, DeviceInput(model_id=model.id, serial="SN9"))
    start_on = services.calendar.calendar().next_open_day(TODAY + dt.timedelta(days=20))
    res = services.reservations.create(
        staff_actor, org.id, start_on, start_on, [device.id], contact_name=MARK, contact_phone=PHONE
    )
    start = services.changes.marker()
    services.reservations.active(staff_actor)
    rows = _rows(services, start)
    assert [(r.action, r.entity, _ids(r)) for r in rows] == [("list", "reservation", [res.id])]
    _no_personal_values(rows)


def test_the_advisor_roster_with_phones_is_audited(services, admin, staff_actor):
    from kyodo_desk.services.advisors import AdvisorInput

    advisor = services.advisors.save(admin, AdvisorInput(name=MARK, phone=PHONE, fields=("ict",)))
    start = services.changes.marker()
    services.advisors.list(staff_actor)
    services.advisors.get(staff_actor, advisor.id)
    rows = _rows(services, start)
    assert [(r.action, r.entity, r.entity_id, _ids(r)) for r in rows] == [
        ("list", "advisor", None, [advisor.id]),
        ("view", "advisor", advisor.id, []),
    ]
    _no_personal_values(rows)


def test_a_list_read_while_another_desk_holds_the_write_lock_is_answered_and_audited_afterwards(
    services, db_url, staff_actor, org
):
    """SQLite: another desk is in the middle of a long write.  The list is shown without waiting
    for it; its audit row is written as soon as the other desk commits."""
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.models import Organization
    from kyodo_desk.services import audit_writer

    if not services.db.is_sqlite:
        pytest.skip("SQLite's single write lock")
    other_desk = Database.from_url(db_url)
    try:
        start = services.changes.marker()
        with other_desk.write() as s:
            s.add(Organization(kind="other", name="取り込み中の団体", name_kana=""))
            s.flush()
            shown = services.organizations.page(staff_actor, OrganizationFilter())
            assert [o.id for o in shown] == [org.id]
            assert audit_writer.pending(services.db) == 1
        assert audit_writer.flush(services.db, timeout=60)
        rows = _rows(services, start)
        assert [(r.action, r.entity, _ids(r)) for r in rows if r.action == "list"] == [
            ("list", "organization", [org.id])
        ]
    finally:
        other_desk.dispose()
