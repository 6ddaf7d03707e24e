"""A batch command on a database from a newer app version stops with the Japanese explanation
(both versions, what to do) and writes nothing — no backup either."""

from __future__ import annotations

from sqlalchemy import text

from kyodo_desk.cli import main
from kyodo_desk.config import default_paths
from kyodo_desk.db.migrate import head_revision


def test_batch_command_refuses_a_newer_database(db, db_url, tmp_path, capsys):
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        code = main(["--database", db_url, "staff", "list"])
    finally:
        with db.write() as s:
            s.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head_revision()})
    err = capsys.readouterr().err
    assert code == 1
    assert "データベースのスキーマは 9999" in err and f"この窓口は {head_revision()}" in err
    assert "新しい協働デスク" in err and "更新してから" in err and "Traceback" not in err and "ログ" not in err
    backups = default_paths().backup_dir
    assert not backups.exists() or not list(backups.iterdir())
