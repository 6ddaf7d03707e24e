"""Demo data: realistic, the same for the same seed, and refuses to touch a database in use."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Organization, Person, SearchDocument
from kyodo_desk.domain.validation import is_kana, normalize_phone
from kyodo_desk.services import demo
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.organizations import organization_code
from tests.conftest import PG_URL


def _orgs(db) -> list[tuple]:
    with db.read() as s:
        return s.execute(
            select(Organization.name, Organization.name_kana, Organization.phone, Organization.kind).order_by(
                Organization.id
            )
        ).all()


@pytest.fixture
def fresh(request, tmp_path):
    """Make a brand-new migrated database: a copy of the template (SQLite) or a truncated schema (PG)."""
    made = []

    def make(name: str) -> Database:
        if PG_URL:
            from tests.conftest import _truncate_pg

            _truncate_pg(PG_URL)
            database = Database.from_url(PG_URL)
        else:
            import shutil

            target = tmp_path / f"{name}.db"
            shutil.copyfile(request.getfixturevalue("_template_sqlite"), target)
            database = Database.from_url(f"sqlite:///{target}")
        made.append(database)
        return database

    yield make
    for database in made:
        database.dispose()


def test_same_seed_same_data_other_seed_other_data(fresh):
    a = fresh("a")
    demo.generate(a, size="small", seed=7)
    first = _orgs(a)
    b = fresh("b")
    demo.generate(b, size="small", seed=7)
    assert _orgs(b) == first and len(first) == 80
    c = fresh("c")
    demo.generate(c, size="small", seed=8)
    other = _orgs(c)
    assert other != first and [r.name for r in other] != [r.name for r in first]


def test_demo_data_is_valid_japanese_data(services, db):
    seen: list[int] = []
    counts = demo.generate(db, size="small", progress=lambda done, total, text: seen.append(100 * done // total))
    assert counts["organizations"] == 80 and counts["staff"] == 5
    assert seen == sorted(seen) and seen[-1] == 100  # the progress bar never jumps back
    rows = _orgs(db)
    kinds = {r.kind for r in rows}
    assert {"neighborhood", "citizen_group", "npo", "business"} <= kinds
    assert any(r.name.endswith("町会") for r in rows)
    for r in rows:
        assert is_kana(r.name_kana), r
        assert normalize_phone(r.phone) == r.phone, r
    with db.read() as s:
        # every organization and person has a search row pointing at it
        orphans = s.scalar(
            select(func.count())
            .select_from(SearchDocument)
            .where(SearchDocument.kind == "organization", SearchDocument.ref_id.not_in(select(Organization.id)))
        )
        assert orphans == 0
        n_people = s.scalar(select(func.count()).select_from(Person))
        assert (
            s.scalar(select(func.count()).select_from(SearchDocument).where(SearchDocument.kind == "person"))
            == n_people
        )
        first = s.scalar(select(Organization).order_by(Organization.id).limit(1))
    hit = services.search.resolve_code(services.staff.list()[0].as_actor(), organization_code(first.id))
    assert hit.title == first.name


def test_demo_ids_follow_the_database_not_a_guess(db):
    """On PostgreSQL a sequence can be ahead of max(id); search rows must still point at the right rows."""
    with db.write() as s:
        s.add(Organization(kind="other", name="仮", name_kana=""))
        s.flush()
        s.execute(Organization.__table__.delete())
    demo.generate(db, size="small", force=True)
    with db.read() as s:
        pairs = s.execute(
            select(SearchDocument.title, Organization.name)
            .join(Organization, Organization.id == SearchDocument.ref_id)
            .where(SearchDocument.kind == "organization")
        ).all()
    assert len(pairs) == 80 and all(title == name for title, name in pairs)


def test_demo_refuses_a_database_that_has_organizations(db):
    demo.generate(db, size="small")
    with pytest.raises(ServiceError, match="すでに団体が登録されています"):
        demo.generate(db, size="small")


def test_unknown_size_is_refused(db):
    with pytest.raises(ServiceError, match="small か large"):
        demo.generate(db, size="huge")


def test_large_size_is_a_busy_registry(db, monkeypatch):
    # Only the core step here; the consultation and lending steps are tested with their features.
    monkeypatch.setattr(demo, "DEMO_STEPS", [])
    seen = []
    counts = demo.generate(db, size="large", progress=lambda done, total, text: seen.append(done))
    assert counts["organizations"] >= 2000 and counts["people"] >= 2000
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
    with db.read() as s:
        assert s.scalar(select(func.count(func.distinct(Organization.name)))) >= 2000


def test_the_desk_can_lend_right_after_the_demo(db, services):
    """Demo steps number devices and loans themselves; the next checkout must still get a fresh id
    (PostgreSQL's sequences are moved past the demo rows)."""
    import datetime as dt

    from kyodo_desk.db.lending_models import Device, Loan, ReservationItem
    from kyodo_desk.services.loans import CheckoutRequest

    demo.generate(db, size="small")
    admin = next(r for r in services.staff.list() if r.login_name == "admin").as_actor()
    with db.read() as s:
        device_id = s.scalar(
            select(Device.id)
            .where(Device.state == "available", Device.id.not_in(select(ReservationItem.device_id)))
            .order_by(Device.id)
        )
        org_id = s.scalar(select(Organization.id).order_by(Organization.id))
        before = s.scalar(select(func.max(Loan.id)))
    due = dt.date.today() + dt.timedelta(days=3)
    while services.loans.calendar.calendar().is_closed(due):
        due += dt.timedelta(days=1)
    loan = services.loans.checkout(
        admin, CheckoutRequest(org_id, "担当 太郎", "090-1234-5678", (device_id,), due, "研修会")
    )
    assert loan.id > before
