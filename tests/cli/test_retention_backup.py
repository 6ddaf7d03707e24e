"""`kyodo-desk retention` erases old personal data; `kyodo-desk backup` writes a usable copy."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3

import pytest

from kyodo_desk.cli import main
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.inventory import DeviceInput
from kyodo_desk.services.loans import CheckoutRequest, ReturnRequest
from kyodo_desk.services.organizations import OrganizationInput


def test_retention_command_erases_old_consultations_and_borrowers(db_url, services, capsys):
    cat = services.consultation_categories.for_year(2018)[0].id
    services.consultations.create(
        SYSTEM, ConsultationInput(received_at=dt.datetime(2018, 5, 1, 10), category_ids=(cat,), summary="古い相談 山田")
    )
    org = services.organizations.create(SYSTEM, OrganizationInput(name="町会", name_kana="チョウカイ"))
    model = services.inventory.save_model(SYSTEM, "tablet", "A", "B", [])
    device = services.inventory.create(SYSTEM, DeviceInput(model_id=model.id))
    out = dt.datetime(2018, 5, 1, 10)
    loan = services.loans.checkout(
        SYSTEM,
        CheckoutRequest(
            org.id, "山田 太郎", "090-1111-2222", (device.id,), dt.date(2018, 5, 8), out_at=out, backdate_reason="移行"
        ),
    )
    services.loans.return_device(
        SYSTEM,
        ReturnRequest(device.id, {}, wiped=True, returned_at=dt.datetime(2018, 5, 8, 10), backdate_reason="移行"),
    )
    assert main(["--database", db_url, "retention", "--today", "2024-06-01", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "まだ消去していません" in out
    assert (
        "相談の文章(受付日が基準日より前): 1" in out and "貸出の責任者・電話・督促の記録(返却が基準日より前): 1" in out
    )
    assert services.loans.get(SYSTEM, loan.id).responsible_name == "山田 太郎"  # a dry run changes nothing
    assert main(["--database", db_url, "retention", "--today", "2024-06-01"]) == 0
    out = capsys.readouterr().out
    assert "消去しました" in out and "相談の文章(受付日が基準日より前): 1" in out
    assert services.loans.get(SYSTEM, loan.id).responsible_name == "(消去済み)"
    assert "山田" not in services.consultations.page(SYSTEM)[0].summary
    assert main(["--database", db_url, "retention", "--today", "2024-06-01", "--dry-run"]) == 0
    assert "消去が必要な個人情報はありません" in capsys.readouterr().out


def test_backup_command_copies_the_sqlite_file(db_url, tmp_path, services, capsys):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL is backed up with pg_dump on the server")
    services.organizations.create(SYSTEM, OrganizationInput(name="広坂町会", name_kana="ヒロサカチョウカイ"))
    assert main(["--database", db_url, "backup", "--out", str(tmp_path / "bk")]) == 0
    (copy,) = list((tmp_path / "bk").glob("*.db"))
    with sqlite3.connect(copy) as conn:
        assert conn.execute("select name from organization").fetchone()[0] == "広坂町会"


def test_backup_command_keeps_the_center_setting_number_of_copies(db_url, tmp_path, services):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite file copies")
    from dataclasses import replace

    services.settings.update(SYSTEM, replace(services.settings.get(), backup_keep=2))
    for _ in range(3):
        assert main(["--database", db_url, "backup", "--out", str(tmp_path / "bk")]) == 0
    assert len(list((tmp_path / "bk").glob("*.db"))) == 2


def test_restore_command_puts_a_backup_back_and_keeps_the_replaced_file(db_url, tmp_path, services, db, capsys):
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL is restored on the server (see the next test)")
    services.organizations.create(SYSTEM, OrganizationInput(name="広坂町会", name_kana="ヒロサカチョウカイ"))
    assert main(["--database", db_url, "backup"]) == 0
    (made,) = list((tmp_path / "home" / "backups").glob("*-backup.db"))
    services.organizations.create(SYSTEM, OrganizationInput(name="後の町会", name_kana="アトノチョウカイ"))
    capsys.readouterr()
    assert main(["--database", db_url, "restore", str(made), "--yes"]) == 1  # this test's desk is still open
    assert "閉じ" in capsys.readouterr().err
    db.dispose()
    assert main(["--database", db_url, "restore", str(made), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "復元しました" in out and "before-restore" in out
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("select name from organization")] == ["広坂町会"]


def test_restore_command_asks_first_and_does_nothing_without_yes(db_url, tmp_path, services, db, capsys, monkeypatch):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite file")
    assert main(["--database", db_url, "backup", "--out", str(tmp_path / "bk")]) == 0
    (made,) = list((tmp_path / "bk").glob("*.db"))
    db.dispose()
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert main(["--database", db_url, "restore", str(made)]) == 1
    assert "やめました" in capsys.readouterr().err
    assert not list((tmp_path / "home" / "backups").glob("*before-restore*"))


def test_postgres_backup_and_restore_commands(tmp_path, capsys, monkeypatch):
    """pg_dump on PATH writes a dump; without it the command says what to run; restore says how."""
    import shutil

    from tests.conftest import PG_URL

    url = PG_URL or "postgresql+psycopg://desk:secret@db.example:5432/kyodo"
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", str(tmp_path))  # pg_dump missing
    assert main(["--database", url, "backup", "--out", str(tmp_path / "bk"), "--keep", "3"]) == 1
    err = capsys.readouterr().err
    assert "pg_dump が見つかりません" in err and "pg_dump --format=custom" in err and "secret" not in err
    assert main(["--database", url, "restore", str(tmp_path / "x.dump")]) == 1
    assert "pg_restore --clean" in capsys.readouterr().err
    monkeypatch.setenv("PATH", path)
    if not PG_URL or shutil.which("pg_dump") is None:
        return
    assert main(["--database", url, "backup", "--out", str(tmp_path / "bk")]) == 0
    assert "バックアップを作成しました" in capsys.readouterr().out
    assert len(list((tmp_path / "bk").glob("*-pgdump.dump"))) == 1
