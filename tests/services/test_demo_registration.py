"""Demo registrations follow the city's plan (35 in FY2016, 43 around FY2020, 50 by FY2025) and are
the same for the same seed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from kyodo_desk.db.models import Organization
from kyodo_desk.db.registration_models import Registration, RegistrationStep
from kyodo_desk.services import demo
from kyodo_desk.services.base import SYSTEM

TODAY = dt.date(2026, 11, 27)


def _history(db):
    with db.read() as s:
        return s.execute(
            select(RegistrationStep.organization_id, RegistrationStep.step, RegistrationStep.on_date).order_by(
                RegistrationStep.organization_id, RegistrationStep.id
            )
        ).all()


def test_large_demo_registrations_follow_the_plan(db, services, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_STEPS", [])  # the other areas' records are not needed here
    demo.generate(db, size="large", today=TODAY)
    reg = services.registration
    counts = reg.registered_counts_by_fiscal_year(range(2015, 2027), today=TODAY)
    assert counts[2015] == 0 and counts[2016] == 35 and counts[2020] == 43 and counts[2025] >= 50
    assert all(counts[y] <= counts[y + 1] + 1 for y in range(2016, 2025))  # rising, a dip of one at most
    assert 50 <= reg.registered_count_at(TODAY) <= 53
    assert reg.lapse_overdue(SYSTEM, TODAY) == []  # every registration in force was renewed in time
    with db.read() as s:
        statuses = dict(s.execute(select(Registration.status, func.count()).group_by(Registration.status)).all())
        cached = dict(
            s.execute(
                select(Organization.registration_status, func.count()).group_by(Organization.registration_status)
            ).all()
        )
    assert statuses["applied"] >= 2 and statuses["expired"] >= 3 and statuses["withdrawn"] >= 3
    assert {k: v for k, v in cached.items() if k != "none"} == statuses  # the organizations' cached status agrees
    steps = _history(db)
    assert sum(1 for _o, step, _d in steps if step == "renew") > 300  # renewed every year
    assert all(day <= TODAY for _o, _s, day in steps)


def test_small_demo_has_a_handful_and_is_the_same_for_the_same_seed(db, services, monkeypatch, tmp_path):
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import upgrade

    monkeypatch.setattr(demo, "DEMO_STEPS", [])
    demo.generate(db, size="small", today=TODAY)
    assert 4 <= services.registration.registered_count_at(TODAY) <= 8
    other = Database.from_url(f"sqlite:///{tmp_path / 'again.db'}")
    upgrade(other)
    demo.generate(other, size="small", today=TODAY)
    assert _history(other) == _history(db)
    other.dispose()
