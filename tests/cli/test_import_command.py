"""`kyodo-desk import devices|organizations|advisors FILE [--dry-run]`: the preview in Japanese,
exit codes 0/1/2, all or nothing, and the mapping remembered by an earlier import."""

from __future__ import annotations

from kyodo_desk.cli import main
from kyodo_desk.db.engine import Database
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.container import Services


def _devices(db_url) -> list[str]:
    db = Database.from_url(db_url)
    try:
        return [d.asset_tag for d in Services(db).inventory.page(SYSTEM)]
    finally:
        db.dispose()


def test_dry_run_then_import_then_errors_and_refusals(db_url, tmp_path, capsys):
    good = tmp_path / "備品.csv"
    good.write_bytes("管理番号,種類,製造元,品名,購入年月日\nKD-0700,ノートPC,NEC,LAVIE,R3/5/10\n".encode("cp932"))
    assert main(["--database", db_url, "import", "devices", str(good), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "種類 → 種別" in out and "新規 1 件" in out and "何も登録していません" in out
    assert _devices(db_url) == []
    assert main(["--database", db_url, "import", "devices", str(good)]) == 0
    assert "新規 1 件・更新 0 件を取り込みました" in capsys.readouterr().out and _devices(db_url) == ["KD-0700"]

    bad = tmp_path / "bad.csv"
    bad.write_text("種別,型番\nタブレット,iPad\n電子レンジ,X\n", encoding="utf-8")
    assert main(["--database", db_url, "import", "devices", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "3行目: 種別「電子レンジ」がわかりません" in out and "何も登録していません" in out
    assert _devices(db_url) == ["KD-0700"]
    assert main(["--database", db_url, "import", "devices", str(bad), "--skip-errors"]) == 1
    assert "エラーの 1 行は取り込んでいません" in capsys.readouterr().out and len(_devices(db_url)) == 2

    png = tmp_path / "photo.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 30)
    assert main(["--database", db_url, "import", "organizations", str(png)]) == 2
    assert "Excel (.xlsx) か CSV のファイルを選んでください。このファイルは PNG 画像 です。" in capsys.readouterr().out
    assert main(["--database", db_url, "import", "advisors", str(tmp_path / "none.csv")]) == 2
    nohead = tmp_path / "nohead.csv"
    nohead.write_text("列1,列2\na,b\n", encoding="utf-8")
    assert main(["--database", db_url, "import", "advisors", str(nohead)]) == 2
    assert "「氏名」「分野」にする列を選んでください" in capsys.readouterr().out


def test_the_mapping_chosen_in_the_dialog_is_used_by_the_command(db_url, tmp_path, capsys):
    """A heading no synonym knows (「ｶﾃｺﾞﾘ」) mapped once by a person is read the same way next time."""
    from kyodo_desk.services.imports import ImportService

    text = "ｶﾃｺﾞﾘ,品名,備品ｺｰﾄﾞ\nタブレット,iPad,KD-0900\n"
    db = Database.from_url(db_url)
    try:
        services = Services(db)
        imports = ImportService(db, services.settings)
        table, guessed, values = imports.open_file(SYSTEM, "devices", text.encode("utf-8"))
        assert guessed == ("", "model_name", "")
        imports.run(SYSTEM, "devices", table, ("kind", "model_name", "asset_tag"), values)
    finally:
        db.dispose()
    again = tmp_path / "次の台帳.csv"
    again.write_text("ｶﾃｺﾞﾘ,品名,備品ｺｰﾄﾞ\nノートPC,LAVIE,KD-0901\n", encoding="utf-8")
    assert main(["--database", db_url, "import", "devices", str(again)]) == 0
    out = capsys.readouterr().out
    assert "ｶﾃｺﾞﾘ → 種別" in out and "備品ｺｰﾄﾞ → 管理番号" in out
    assert _devices(db_url) == ["KD-0900", "KD-0901"]
