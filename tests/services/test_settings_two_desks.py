"""Two desks save the center settings from copies loaded at the same time: each saves only the
fields it changed, and a field both changed is refused with its name, never silently reverted."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog
from kyodo_desk.services.settings import SettingsConflict


def test_each_desk_saves_only_what_it_changed(desks, admin):
    desk_a, desk_b = desks(), desks()
    loaded_a, loaded_b = desk_a.settings.get(), desk_b.settings.get()
    assert loaded_a.dispatch_quota_per_organization == 3

    desk_a.settings.update(admin, replace(loaded_a, dispatch_quota_per_organization=6), loaded=loaded_a)
    shown_b = desk_b.settings.update(admin, replace(loaded_b, fax="076-260-9999"), loaded=loaded_b)

    stored = desk_a.settings.get()
    assert (stored.dispatch_quota_per_organization, stored.fax) == (6, "076-260-9999")  # 6 is not reverted to 3
    assert (shown_b.dispatch_quota_per_organization, shown_b.fax) == (6, "076-260-9999")  # B now shows A's change
    with desk_a.db.read() as s:
        details = list(s.scalars(select(AuditLog.detail).where(AuditLog.entity == "setting").order_by(AuditLog.id)))
    assert details == ["fields=dispatch_quota_per_organization", "fields=fax"]


def test_a_field_both_desks_changed_is_refused_with_its_name(desks, admin):
    desk_a, desk_b = desks(), desks()
    loaded_a, loaded_b = desk_a.settings.get(), desk_b.settings.get()
    desk_a.settings.update(admin, replace(loaded_a, fax="076-260-1111"), loaded=loaded_a)

    with pytest.raises(SettingsConflict) as refused:
        desk_b.settings.update(admin, replace(loaded_b, fax="076-260-2222", phone="076-220-3333"), loaded=loaded_b)
    assert refused.value.fields == ["fax"]
    assert "「FAX番号」" in str(refused.value) and "別の窓口で変更されました" in str(refused.value)
    stored = desk_b.settings.get()
    assert (stored.fax, stored.phone) == ("076-260-1111", "076-220-2026")  # nothing of B's save was written

    # B has seen A's value and saves on purpose: now it is B's
    again = desk_b.settings.update(admin, replace(stored, fax="076-260-2222"), loaded=stored)
    assert again.fax == "076-260-2222"


def test_the_same_change_at_two_desks_is_no_conflict(desks, admin):
    desk_a, desk_b = desks(), desks()
    loaded_a, loaded_b = desk_a.settings.get(), desk_b.settings.get()
    desk_a.settings.update(admin, replace(loaded_a, retention_years=7), loaded=loaded_a)
    assert desk_b.settings.update(admin, replace(loaded_b, retention_years=7), loaded=loaded_b).retention_years == 7


def test_simultaneous_saves_of_different_fields_both_survive(desks, admin):
    n = 4
    desk_list = [desks() for _ in range(n)]
    loaded = [d.settings.get() for d in desk_list]
    edits = [
        {"fax": "076-260-4444"},
        {"dispatch_quota_per_organization": 6},
        {"idle_lock_minutes": 25},
        {"address": "金沢市広坂2丁目"},
    ]
    barrier = threading.Barrier(n)
    outcome: dict[int, str] = {}

    def save(i: int) -> None:
        barrier.wait(10)
        try:
            desk_list[i].settings.update(admin, replace(loaded[i], **edits[i]), loaded=loaded[i])
            outcome[i] = "saved"
        except Exception as exc:  # noqa: BLE001 - any failure is the bug we look for
            outcome[i] = repr(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcome == dict.fromkeys(range(n), "saved")
    stored = desk_list[0].settings.get()
    for edit in edits:
        for name, value in edit.items():
            assert getattr(stored, name) == value
