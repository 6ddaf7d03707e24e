"""Several desks on one database: concurrent saves never silently overwrite each other, and a busy
database makes writers wait instead of failing with "database is locked"."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from kyodo_desk.db.models import AuditLog, Organization, SearchDocument
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.organizations import OrganizationInput


def test_second_desk_saving_an_old_copy_is_refused_and_nothing_is_lost(desks, services, staff_actor):
    rec = services.organizations.create(
        staff_actor, OrganizationInput(kind="neighborhood", name="広坂町会", name_kana="ヒロサカチョウカイ")
    )
    desk_a, desk_b = desks(), desks()
    loaded_a = desk_a.organizations.get(staff_actor, rec.id)
    loaded_b = desk_b.organizations.get(staff_actor, rec.id)

    desk_a.organizations.update(
        staff_actor, rec.id, loaded_a.version, replace(loaded_a.as_input(), phone="076-220-2026")
    )
    with pytest.raises(StaleEdit):
        desk_b.organizations.update(
            staff_actor, rec.id, loaded_b.version, replace(loaded_b.as_input(), contact_name="中村 美咲")
        )

    # desk B reopens the record and saves its change again: both changes are kept
    fresh = desk_b.organizations.get(staff_actor, rec.id)
    assert fresh.phone == "076-220-2026" and fresh.contact_name == ""
    final = desk_b.organizations.update(
        staff_actor, rec.id, fresh.version, replace(fresh.as_input(), contact_name="中村 美咲")
    )
    assert (final.phone, final.contact_name, final.version) == ("076-220-2026", "中村 美咲", 3)


def test_simultaneous_saves_of_one_record_exactly_one_wins(desks, services, staff_actor):
    rec = services.organizations.create(staff_actor, OrganizationInput(kind="npo", name="犀川環境ネットワーク"))
    n = 4
    desk_list = [desks() for _ in range(n)]
    loaded = [d.organizations.get(staff_actor, rec.id) for d in desk_list]
    barrier = threading.Barrier(n)
    outcome: dict[int, str] = {}

    def save(i: int) -> None:
        barrier.wait(10)
        try:
            desk_list[i].organizations.update(
                staff_actor, rec.id, loaded[i].version, replace(loaded[i].as_input(), notes=f"desk {i}")
            )
            outcome[i] = "saved"
        except StaleEdit:
            outcome[i] = "stale"
        except Exception as exc:  # noqa: BLE001 - any other failure is the bug we look for
            outcome[i] = repr(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome.values()) == ["saved"] + ["stale"] * (n - 1), outcome
    winner = next(i for i, v in outcome.items() if v == "saved")
    final = services.organizations.get(staff_actor, rec.id)
    assert final.notes == f"desk {winner}" and final.version == 2
    with services.db.read() as s:
        updates = s.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "update", AuditLog.entity_id == rec.id)
        )
    assert updates == 1


def test_many_desks_writing_at_once_never_see_database_is_locked(desks, services, staff_actor):
    n_desks, per_desk = 4, 12
    desk_list = [desks() for _ in range(n_desks)]
    errors: list[str] = []
    barrier = threading.Barrier(n_desks)

    def work(i: int) -> None:
        barrier.wait(10)
        for k in range(per_desk):
            try:
                desk_list[i].organizations.create(
                    staff_actor, OrganizationInput(kind="citizen_group", name=f"窓口{i}の会{k}", phone="076-220-2026")
                )
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    total = n_desks * per_desk
    with services.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Organization)) == total
        assert (
            s.scalar(select(func.count()).select_from(SearchDocument).where(SearchDocument.kind == "organization"))
            == total
        )
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.entity == "organization")) == total
    assert services.organizations.count(staff_actor) == total


def test_reads_continue_while_another_desk_writes(desks, services, staff_actor):
    services.organizations.create(staff_actor, OrganizationInput(kind="neighborhood", name="金石町会"))
    writer, reader = desks(), desks()
    with writer.db.write() as s:
        s.add(Organization(kind="other", name="書き込み中", name_kana=""))
        s.flush()
        # the other desk still reads the committed state, without waiting
        assert [r.name for r in reader.organizations.page(staff_actor)] == ["金石町会"]
    assert {r.name for r in reader.organizations.page(staff_actor)} == {"金石町会", "書き込み中"}
