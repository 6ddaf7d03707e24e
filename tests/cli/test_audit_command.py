"""`kyodo-desk audit --out FILE.csv` and the named system actor of batch commands."""

from __future__ import annotations

import csv
import io

from kyodo_desk.cli import main
from kyodo_desk.db.engine import Database
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.services.base import SYSTEM, audit
from kyodo_desk.services.container import Services
from kyodo_desk.services.organizations import OrganizationFilter, OrganizationInput


def _rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_audit_export_filters_by_staff_and_date_and_records_itself(db_url, tmp_path, capsys):
    assert (
        main(
            [
                "--database",
                db_url,
                "staff",
                "add",
                "--login",
                "admin",
                "--name",
                "山田 花子",
                "--role",
                "admin",
                "--temporary",
            ]
        )
        == 0
    )
    db = Database.from_url(db_url)
    try:
        services = Services(db)
        admin = services.staff.list()[0].as_actor()
        with db.write() as s:  # as a sign-in records it (the password screens are tested elsewhere)
            audit(s, admin, AuditAction.LOGIN, "staff", admin.staff_id)
        services.organizations.create(admin, OrganizationInput(kind="npo", name="森山子育ての会"))
        services.organizations.page(admin, OrganizationFilter())
    finally:
        db.dispose()

    out = tmp_path / "audit.csv"
    assert main(["--database", db_url, "audit", "--staff", "admin", "--since", "2020-01-01", "--out", str(out)]) == 0
    rows = _rows(out)
    assert rows[0][:5] == ["番号", "日時", "操作した人", "ログイン名", "操作"]
    assert {r[2] for r in rows[1:]} == {"山田 花子"}
    actions = [r[4] for r in rows[1:]]
    assert actions[0] == "登録" and actions[-2:] == ["登録", "一覧表示"]  # the first account registers itself
    assert f"{len(actions)}件" in capsys.readouterr().out

    # the first export is in the trail, under the batch command's name
    assert main(["--database", db_url, "audit", "--staff", "system", "--action", "export", "--out", str(out)]) == 0
    rows = _rows(out)
    assert any(r[2] == "バッチ処理(kyodo-desk audit)" and r[5] == "監査ログ" for r in rows[1:])
    # a further account added from the command line is recorded under the command's name
    assert main(["--database", db_url, "staff", "add", "--login", "tanaka", "--name", "田中 健一", "--temporary"]) == 0
    assert main(["--database", db_url, "audit", "--kind", "staff", "--action", "create", "--out", str(out)]) == 0
    assert [r[2] for r in _rows(out)[1:]] == ["山田 花子", "バッチ処理(kyodo-desk staff)"]
    assert main(["--database", db_url, "audit", "--since", "令和2年1月1日", "--out", str(out)]) == 0


def test_audit_export_refuses_unknown_staff_and_other_extensions(db_url, tmp_path, capsys):
    assert main(["--database", db_url, "audit", "--staff", "nobody", "--out", str(tmp_path / "a.csv")]) == 2
    assert "nobody" in capsys.readouterr().out
    assert main(["--database", db_url, "audit", "--out", str(tmp_path / "a.xlsx")]) == 2
    assert not (tmp_path / "a.csv").exists()


def test_the_plain_system_actor_still_exists_for_first_run_set_up():
    assert SYSTEM.staff_id is None and SYSTEM.batch == ""
