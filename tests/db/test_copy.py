"""``kyodo-desk db copy --to postgresql+psycopg://…``: one desk's SQLite database moved to an empty
PostgreSQL database, every table verified, and the app working on the copy; a target that is not
empty is refused without a change."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kyodo_desk.cli import main
from kyodo_desk.db.copy import CopyError, TargetNotEmpty, copy_database, verify_copy
from kyodo_desk.db.engine import Database
from kyodo_desk.db.migrate import current_revision, head_revision, upgrade
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.container import Services
from kyodo_desk.services.organizations import OrganizationInput
from tests.db.conftest import postgres_only
from tests.db.pg_scratch import scratch_database

pytestmark = postgres_only


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory):
    """A SQLite desk with the small demo data and a few audited changes by a signed-in administrator."""
    from kyodo_desk.services.demo import generate

    path = tmp_path_factory.mktemp("copy") / "desk.db"
    db = Database.from_url(f"sqlite:///{path}")
    upgrade(db)
    generate(db, size="small", seed=2021)
    services = Services(db)
    admin = services.staff.create(SYSTEM, "copyadmin", "森 和子", "admin", "モリ カズコ").as_actor()
    services.organizations.create(
        admin, OrganizationInput(kind="citizen_group", name="長町子育ての会", name_kana="ナガマチコソダテノカイ")
    )
    db.dispose()
    return path


@pytest.fixture
def target_url():
    with scratch_database("copy") as url:
        yield url


def _listing(services: Services, actor) -> list[tuple]:
    return [(r.id, r.name, r.name_kana, r.kind, r.version) for r in services.organizations.page(actor, limit=10_000)]


def test_sqlite_desk_copied_to_postgresql_is_verified_and_the_app_reads_it(demo_sqlite, target_url, capsys):
    source = Database.from_url(f"sqlite:///{demo_sqlite}")
    src_services = Services(source)
    actor = next(s for s in src_services.staff.list(include_inactive=True) if s.login_name == "copyadmin").as_actor()
    listed_before = _listing(src_services, actor)  # listing writes its audit row before the copy
    hits_before = [(h.kind, h.ref_id) for h in src_services.search.search(actor, "子育て")]
    with source.read() as s:
        audit_rows = s.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
        max_org = s.execute(text("SELECT max(id) FROM organization")).scalar_one()
    source.dispose()
    assert audit_rows > 0 and hits_before

    code = main(["--database", str(demo_sqlite), "db", "copy", "--to", target_url])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "organization をコピーしています" in out and "すべての表が一致しました" in out
    result_lines = {line.split()[0]: line.split() for line in out.splitlines() if line.endswith(("一致", "不一致"))}
    for table in ("organization", "consultation", "search_document", "audit_log", "alembic_version", "staff"):
        assert result_lines[table][-1] == "一致", table
    assert result_lines["audit_log"][1] == result_lines["audit_log"][2] == f"{audit_rows:,}"

    target = Database.from_url(target_url)
    try:
        assert current_revision(target) == head_revision()
        services = Services(target)
        same_actor = next(
            s for s in services.staff.list(include_inactive=True) if s.login_name == "copyadmin"
        ).as_actor()
        assert _listing(services, same_actor) == listed_before  # ids, names and versions as they were
        assert [(h.kind, h.ref_id) for h in services.search.search(same_actor, "子育て")] == hits_before
        created = services.organizations.create(
            same_actor,
            OrganizationInput(kind="npo", name="犀川かわせみ研究所", name_kana="サイガワカワセミケンキュウジョ"),
        )
        assert created.id == max_org + 1  # the sequence continues after the copied ids
        assert created.id in [h.ref_id for h in services.search.search(same_actor, "かわせみ研究")]
    finally:
        target.dispose()


def test_a_changed_row_fails_the_verification_of_its_table(demo_sqlite, target_url):
    source, target = Database.from_url(f"sqlite:///{demo_sqlite}"), Database.from_url(target_url)
    try:
        result = copy_database(source, target)
        assert result.ok and result.rows > 1000
        with target.write() as s:
            s.execute(text("UPDATE person SET updated_at = updated_at + interval '1 microsecond' WHERE id = 1"))
        checks = {c.table: c for c in verify_copy(source, target)}
        assert not checks["person"].ok and checks["person"].source_rows == checks["person"].target_rows
        assert all(c.ok for name, c in checks.items() if name != "person")
    finally:
        source.dispose()
        target.dispose()


def test_a_target_that_is_not_empty_is_refused_naming_what_is_there(demo_sqlite, target_url, capsys):
    target = Database.from_url(target_url)
    with target.write() as s:
        s.execute(text("CREATE TABLE membership (id integer PRIMARY KEY, name text)"))
        s.execute(text("INSERT INTO membership VALUES (1, '既存の名簿'), (2, '既存の名簿2')"))
    code = main(["--database", str(demo_sqlite), "db", "copy", "--to", target_url])
    captured = capsys.readouterr()
    assert code == 1
    assert "空ではありません" in captured.err and "membership(2行)" in captured.err
    with target.read() as s:
        tables = s.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        assert tables == ["membership"]  # nothing created, nothing copied
    with pytest.raises(TargetNotEmpty):
        copy_database(Database.from_url(f"sqlite:///{demo_sqlite}"), target)
    target.dispose()


def test_a_sqlite_target_is_refused(demo_sqlite, tmp_path):
    with pytest.raises(CopyError, match="PostgreSQL"):
        copy_database(
            Database.from_url(f"sqlite:///{demo_sqlite}"), Database.from_url(f"sqlite:///{tmp_path / 'x.db'}")
        )


def test_a_failed_copy_leaves_the_target_empty(demo_sqlite, target_url, tmp_path):
    """One transaction: a row the target refuses rolls back the schema and every row copied before it."""
    import shutil

    broken = tmp_path / "broken.db"
    shutil.copyfile(demo_sqlite, broken)
    source = Database.from_url(f"sqlite:///{broken}")
    with source.engine.connect() as conn:  # a NUL in text: SQLite keeps it, PostgreSQL refuses it
        conn.exec_driver_sql(
            "UPDATE organization SET notes = 'a' || char(0) || 'b' WHERE id = (SELECT max(id) FROM organization)"
        )
        conn.commit()
    target = Database.from_url(target_url)
    try:
        with pytest.raises(CopyError, match="organization") as refused:
            copy_database(source, target)
        assert "何も残していません" in str(refused.value)
        with target.read() as s:
            assert s.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar_one() == 0
    finally:
        source.dispose()
        target.dispose()
