"""The shared PostgreSQL schema is upgraded only by ``kyodo-desk db upgrade``: after a pg_dump (or
refused when the dump fails, unless --no-backup); a batch command of a desk whose schema is older
explains both versions and changes nothing."""

from __future__ import annotations

import os
import shutil
import stat

import pytest
from sqlalchemy import text

from kyodo_desk.cli import main
from kyodo_desk.config import default_paths
from kyodo_desk.db.engine import Database
from kyodo_desk.db.migrate import current_revision, head_revision, upgrade
from tests.db.conftest import postgres_only
from tests.db.pg_scratch import scratch_database

pytestmark = postgres_only


@pytest.fixture
def old_pg():
    """A private PostgreSQL database at revision 0001 with one organization in it."""
    with scratch_database("upgrade") as url:
        db = Database.from_url(url)
        upgrade(db, revision="0001")
        with db.write() as s:
            s.execute(
                text(
                    "INSERT INTO organization (kind, name, name_kana, representative_name, contact_name, phone, email,"
                    " postal_code, address, notes, registration_status, active, created_at, updated_at, version)"
                    " VALUES ('npo', '金沢まちづくりの会', 'カナザワマチヅクリノカイ', '', '', '', '', '', '', '', 'none',"
                    " TRUE, now(), now(), 1)"
                )
            )
        yield url, db
        db.dispose()


def test_a_batch_command_on_an_older_shared_schema_explains_and_changes_nothing(old_pg, capsys):
    url, db = old_pg
    code = main(["--database", url, "staff", "list"])
    err = capsys.readouterr().err
    assert code == 1
    assert "データベースのスキーマは 0001" in err and f"この窓口は {head_revision()}" in err
    assert "kyodo-desk db upgrade" in err and "Traceback" not in err
    assert current_revision(db) == "0001"


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump on PATH")
def test_db_upgrade_takes_a_pg_dump_first_and_says_where(old_pg, capsys):
    url, db = old_pg
    code = main(["--database", url, "db", "upgrade"])
    out = capsys.readouterr().out
    assert code == 0, out
    dumps = list(default_paths().backup_dir.glob("*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0
    assert f"更新前のバックアップ: {dumps[0]}" in out
    assert f"0001 → {head_revision()}" in out
    assert current_revision(db) == head_revision()
    with db.read() as s:
        assert s.execute(text("SELECT name FROM organization")).scalars().all() == ["金沢まちづくりの会"]
    assert main(["--database", url, "staff", "list"]) == 0  # now the desk starts


def _failing_pg_dump(folder) -> None:
    """A pg_dump on PATH that fails the way a wrong password or an old client does."""
    folder.mkdir()
    tool = folder / "pg_dump"
    tool.write_text("#!/bin/sh\necho 'pg_dump: error: connection to server failed' >&2\nexit 1\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)


def test_db_upgrade_refuses_when_the_dump_fails_unless_no_backup(old_pg, capsys, tmp_path, monkeypatch):
    url, db = old_pg
    _failing_pg_dump(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    code = main(["--database", url, "db", "upgrade"])
    err = capsys.readouterr().err
    assert code == 1
    assert "pg_dump が失敗しました" in err and "更新していません" in err and "--no-backup" in err
    assert current_revision(db) == "0001"

    code = main(["--database", url, "db", "upgrade", "--no-backup"])
    out = capsys.readouterr().out
    assert code == 0 and "--no-backup" in out and current_revision(db) == head_revision()


def test_db_current_names_both_versions(old_pg, capsys):
    url, _db = old_pg
    assert main(["--database", url, "db", "current"]) == 0
    out = capsys.readouterr().out
    assert "現在の版: 0001" in out and f"最新の版: {head_revision()}" in out
