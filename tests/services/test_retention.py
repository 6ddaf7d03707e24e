"""Retention: one period for consultations, loans, reservations, people, audit free text, logs and
backups; a preview that changes nothing; statistics unchanged; nothing left in the search index."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import select, text, update

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.lending_models import Loan, Reservation
from kyodo_desk.db.models import AuditLog, Person
from kyodo_desk.services import demo
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.people import PersonInput
from kyodo_desk.services.retention import cutoff_for
from tests.services.test_appi import _statistics

TODAY = dt.date(2031, 6, 1)  # five years after 2026-06-01: most of the demo's year is past the period
MARK = "QWZV旧い相談"


def _old(path, when: dt.datetime) -> None:
    path.write_text("x")
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


@pytest.fixture
def aged(services, db, admin, tmp_path):
    demo.generate(db, size="small", seed=5)
    cat = services.consultation_categories.for_year(2025)[0].id
    old_person = services.people.create(admin, PersonInput(name="古川 一郎", phone="090-2222-3333", notes=MARK))
    kept_person = services.people.create(admin, PersonInput(name="新田 花", phone="090-4444-5555"))
    services.consultations.create(
        admin,
        ConsultationInput(
            received_at=dt.datetime(2025, 12, 1, 10),
            category_ids=(cat,),
            summary=MARK,
            details=MARK,
            person_id=old_person.id,
        ),
    )
    services.consultations.create(
        admin,
        ConsultationInput(
            received_at=dt.datetime(2026, 9, 1, 10),
            category_ids=(services.consultation_categories.for_year(2026)[0].id,),
            summary="最近の相談",
            person_id=kept_person.id,
        ),
    )
    with db.write() as s:
        s.execute(update(Person).values(updated_at=dt.datetime(2025, 12, 1)))
        s.add(
            AuditLog(
                at=dt.datetime(2025, 1, 5),
                action="update",
                entity="dispatch",
                entity_id=1,
                detail="cancel session=1 reason=古川さんの入院のため",
            )
        )
        s.add(
            AuditLog(
                at=dt.datetime(2030, 1, 5),
                action="update",
                entity="dispatch",
                entity_id=2,
                detail="cancel session=1 reason=最近の理由",
            )
        )
        s.execute(
            update(Reservation).values(
                end_on=dt.date(2026, 1, 10), contact_name="予約 太郎", contact_phone="076-000-1111"
            )
        )
    logs, backups = tmp_path / "logs", tmp_path / "backups"
    logs.mkdir()
    backups.mkdir()
    _old(logs / "kyodo_desk.log.3", dt.datetime(2025, 1, 1))
    _old(logs / "kyodo_desk.log", dt.datetime(2031, 5, 30))
    _old(backups / "kyodo_desk-20250101-090000-backup.db", dt.datetime(2025, 1, 1))
    _old(backups / "kyodo_desk-20250101-090000-before-upgrade-0004.db", dt.datetime(2025, 1, 1))
    _old(backups / "kyodo_desk-20310530-090000-daily.db", dt.datetime(2031, 5, 30))
    _old(backups / "kyodo_desk-20250101-090000-backup.db-wal", dt.datetime(2025, 1, 1))
    _old(backups / "notes-of-the-admin.txt", dt.datetime(2020, 1, 1))  # not a backup: left alone
    return {"old": old_person, "kept": kept_person, "logs": logs, "backups": backups}


def test_cutoff_is_the_period_back_from_today():
    assert cutoff_for(dt.date(2031, 6, 1), 5) == dt.date(2026, 6, 1)
    assert cutoff_for(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)


def test_preview_changes_nothing_and_the_purge_does_what_it_said(services, db, admin, aged):
    folders = {"log_dir": aged["logs"], "backup_dir": aged["backups"]}
    before_stats = _statistics(services)
    preview = services.retention.preview(admin, TODAY, **folders)
    assert preview.due and preview.cutoff == dt.date(2026, 6, 1) and not preview.applied
    assert preview.consultations > 1 and preview.loans > 0 and preview.reservations > 0
    assert preview.people >= 1 and preview.audit_details == 1
    assert [p.name for p in preview.log_files] == ["kyodo_desk.log.3"]
    assert len(preview.backup_files) == 2  # before-upgrade copies go with the others
    assert services.retention.preview(admin, TODAY, **folders) == preview  # nothing changed

    done = services.retention.purge(admin, TODAY, **folders)
    assert done.applied
    for name in ("consultations", "loans", "reservations", "people", "audit_details", "log_files", "backup_files"):
        assert getattr(done, name) == getattr(preview, name), name
    assert not services.retention.preview(admin, TODAY, **folders).due

    assert _statistics(services) == before_stats
    with db.read() as s:
        assert s.get(Person, aged["old"].id) is None
        assert s.get(Person, aged["kept"].id) is not None
        assert all(r.contact_name == "" for r in s.scalars(select(Reservation)))
        old_loans = s.scalars(select(Loan).where(Loan.status == "closed", Loan.closed_at < dt.datetime(2026, 6, 1)))
        assert all(x.responsible_name == "(消去済み)" and x.contact_phone == "" for x in old_loans)
        details = {a.entity_id: a.detail for a in s.scalars(select(AuditLog).where(AuditLog.entity == "dispatch"))}
        assert details == {1: "cancel session=1 reason=(消去)", 2: "cancel session=1 reason=最近の理由"}
        assert not s.scalars(select(Consultation).where(Consultation.summary.like("%QWZV%"))).all()
    assert sorted(p.name for p in aged["logs"].iterdir()) == ["kyodo_desk.log"]
    assert sorted(p.name for p in aged["backups"].iterdir()) == [
        "kyodo_desk-20310530-090000-daily.db",
        "notes-of-the-admin.txt",
    ]
    assert services.search.search(admin, "QWZV") == [] and services.search.search(admin, "古川") == []
    if db.is_sqlite:
        with db.read() as s:
            raw = b"".join(r[0] for r in s.execute(text("SELECT block FROM search_fts_data")).all() if r[0])
        assert b"qwz" not in raw
