"""`kyodo-desk stocktake report [--output FILE.pdf]`: the last finished 棚卸, on the terminal or on paper."""

from __future__ import annotations

from pypdf import PdfReader
from sqlalchemy import select

from kyodo_desk.cli import main
from kyodo_desk.db.models import AuditLog
from kyodo_desk.services.base import batch_actor
from kyodo_desk.services.inventory import Accessory, DeviceInput


def _two_stocktakes(services, admin) -> int:
    model = services.inventory.save_model(admin, "projector", "EPSON", "EB-W06", [Accessory("リモコン")])
    for place in ("倉庫", "倉庫", "事務室 棚A"):
        services.inventory.create(admin, DeviceInput(model_id=model.id, storage_place=place))
    old = services.stocktake.start(admin)
    services.stocktake.scan(admin, old.id, "KD-0001")
    services.stocktake.finish(admin, old.id)
    last = services.stocktake.start(admin, "年度末")
    for code in ("KD-0001", "KD-0003", "ｘｘ-１２３"):
        services.stocktake.scan(admin, last.id, code)
    services.stocktake.finish(admin, last.id)
    services.stocktake.start(admin)  # an open one is not "the last one"
    return last.id


def test_report_prints_the_last_finished_stocktake(db_url, services, admin, capsys):
    number = _two_stocktakes(services, admin)
    assert main(["--database", db_url, "stocktake", "report"]) == 0
    out = capsys.readouterr().out
    assert f"棚卸 No.{number}" in out and "担当 山田 花子" in out
    assert "確認済み 2 / 予定 3 台 ・ 未確認 1 台 ・ 貸出中 0 台 ・ 不明なコード 1 件" in out
    assert "KD-0002\tプロジェクター EPSON EB-W06\t倉庫\t2回続けて未確認" in out
    assert "XX-123" in out


def test_report_writes_the_pdf(db_url, services, admin, tmp_path, capsys):
    number = _two_stocktakes(services, admin)
    out = tmp_path / "棚卸" / "結果.pdf"
    assert main(["--database", db_url, "stocktake", "report", "--output", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    pages = PdfReader(out).pages
    text = "".join(p.extract_text() for p in pages)
    assert f"棚卸 No.{number}" in text and "年度末" in text and "KD-0002" in text and "XX-123" in text
    assert f"1 / {len(pages)}" in text
    with services.db.read() as s:
        actor = s.scalar(select(AuditLog.actor).where(AuditLog.action == "print", AuditLog.entity == "stocktake"))
    assert actor == batch_actor("stocktake report").batch


def test_report_without_a_finished_stocktake_and_bad_output(db_url, services, admin, tmp_path, capsys):
    assert main(["--database", db_url, "stocktake", "report"]) == 1
    assert "終了した棚卸はまだありません" in capsys.readouterr().err
    _two_stocktakes(services, admin)
    assert main(["--database", db_url, "stocktake", "report", "--output", str(tmp_path / "r.docx")]) == 2
    assert ".pdf" in capsys.readouterr().err
