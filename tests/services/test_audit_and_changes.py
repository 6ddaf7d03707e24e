"""The audit trail (admins read it) and the change marker other desks poll."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kyodo_desk.services.base import PermissionDenied
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.people import PersonInput


def test_admin_reads_who_did_what_newest_first(services, admin, staff_actor):
    org = services.organizations.create(
        staff_actor, OrganizationInput(kind="neighborhood", name="鳴和町会", phone="076-252-0000")
    )
    services.organizations.update(staff_actor, org.id, org.version, replace(org.as_input(), phone="076-252-1111"))
    entries = services.audit.recent(admin, entity="organization", entity_id=org.id)
    assert [(e.action, e.staff_name) for e in entries] == [("update", "田中 健一"), ("create", "田中 健一")]
    assert entries[0].detail == "fields=phone"
    assert all("252" not in e.detail for e in services.audit.recent(admin))


def test_staff_cannot_read_the_audit_trail(services, staff_actor):
    with pytest.raises(PermissionDenied):
        services.audit.recent(staff_actor)


def test_change_marker_moves_with_every_write_but_not_with_views(services, staff_actor):
    start = services.changes.marker()
    org = services.organizations.create(staff_actor, OrganizationInput(kind="npo", name="森山子育ての会"))
    person = services.people.create(staff_actor, PersonInput(name="宮本 結衣", organization_id=org.id))
    after_writes = services.changes.marker()
    assert after_writes > start
    assert services.changes.changed_entities_since(start) == [("organization", org.id), ("person", person.id)]
    services.people.get(staff_actor, person.id)  # a view is audited ...
    assert services.changes.changed_entities_since(after_writes) == []  # ... but changes nothing
