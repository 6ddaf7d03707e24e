"""`kyodo-desk retention` erases old personal data; `kyodo-desk backup` writes a usable copy."""

from __future__ import annotations

import datetime as dt
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
    assert "相談の文章(受付日が基準日より前): 1" in out and "貸出の責任者・電話・督促の記録(返却が基準日より前): 1" in out
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
