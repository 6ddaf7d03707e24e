"""The administrator's batch commands, run the way a scheduler runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kyodo_desk import cli

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "db", "staff", "report", "--database"):
        assert command in out
    assert "協働デスク" in out


def test_python_dash_m_help_in_a_real_process(tmp_path):
    env = {**os.environ, "KYODO_DESK_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("KYODO_DESK_DATABASE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "kyodo_desk", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "demo" in proc.stdout and "db" in proc.stdout and "staff" in proc.stdout
    assert "PySide6" not in proc.stderr  # the batch tools do not need Qt


def test_db_upgrade_creates_a_new_database_file_then_is_a_no_op(capsys, tmp_path):
    path = tmp_path / "desk" / "new.db"
    code, out, _ = run(capsys, "--database", str(path), "db", "upgrade")
    assert code == 0 and path.is_file()
    assert "更新しました" in out
    code, out, _ = run(capsys, "--database", str(path), "db", "upgrade")
    assert code == 0 and "すでに最新" in out
    code, out, _ = run(capsys, "--database", str(path), "db", "current")
    assert str(path) in out and "現在の版" in out


def test_demo_then_staff_list(capsys, db_url):
    code, out, err = run(capsys, "--database", db_url, "demo", "--size", "small")
    assert code == 0, err
    assert "organizations\t80" in out and "デモデータを作成しました" in out
    code, out, _ = run(capsys, "--database", db_url, "staff", "list")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 5
    assert any("admin" in line and "デモ 管理者" in line and "管理者" in line for line in lines)
    assert any("ICT推進員" in line for line in lines)


def test_demo_refuses_a_database_in_use(capsys, db_url):
    assert run(capsys, "--database", db_url, "demo")[0] == 0
    code, out, err = run(capsys, "--database", db_url, "demo")
    assert code == 1
    assert "エラー" in err and "すでに団体が登録されています" in err


def test_database_option_after_the_command(capsys, tmp_path):
    path = tmp_path / "after.db"
    code, out, _ = run(capsys, "db", "upgrade", "--database", str(path))
    assert code == 0 and path.is_file()
    code, out, _ = run(
        capsys,
        "staff",
        "add",
        "--login",
        "admin",
        "--name",
        "山田 花子",
        "--role",
        "admin",
        "--temporary",
        "--database",
        str(path),
    )
    assert code == 0 and "山田 花子" in out


def test_environment_variable_chooses_the_database(capsys, tmp_path, monkeypatch):
    env_db = tmp_path / "from_env.db"
    monkeypatch.setenv("KYODO_DESK_DATABASE", str(env_db))
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and env_db.is_file()
    # --database still wins over the environment
    other = tmp_path / "explicit.db"
    assert run(capsys, "--database", str(other), "db", "upgrade")[0] == 0
    code, out, _ = run(capsys, "db", "current")
    assert str(env_db) in out


def test_default_database_lives_in_the_data_folder(capsys, _isolated_home):
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0
    assert (_isolated_home / "data" / "kyodo_desk.db").is_file()


def test_staff_add_explains_what_is_wrong(capsys, tmp_path):
    path = str(tmp_path / "s.db")
    code, _, err = run(
        capsys, "--database", path, "staff", "add", "--login", "tanaka", "--name", "田中 健一", "--temporary"
    )
    assert code == 1 and "最初のスタッフは「管理者」" in err
    assert (
        run(
            capsys,
            "--database",
            path,
            "staff",
            "add",
            "--login",
            "admin",
            "--name",
            "山田 花子",
            "--role",
            "admin",
            "--temporary",
        )[0]
        == 0
    )
    code, _, err = run(capsys, "--database", path, "staff", "add", "--login", "admin", "--name", "別人", "--temporary")
    assert code == 1 and "すでに使われています" in err


# ---- staff passwords ---------------------------------------------------------------------


@pytest.fixture
def typed(monkeypatch):
    """A person at a terminal typing these answers to the no-echo password prompts."""
    from kyodo_desk.commands import staff as staff_command
    from kyodo_desk.domain import passwords

    monkeypatch.setattr(passwords, "DEFAULT_PARAMS", passwords.KdfParams(n=2**10))
    answers: list[str] = []
    prompts: list[str] = []
    monkeypatch.setattr(staff_command, "_interactive", lambda: True)

    def prompt(text):
        prompts.append(text)
        return answers.pop(0)

    monkeypatch.setattr(staff_command, "_prompt", prompt)
    return answers, prompts


def _services(db_url):
    from kyodo_desk.db.engine import Database
    from kyodo_desk.services.container import Services

    return Services(Database.from_url(db_url))


def test_staff_add_asks_for_the_password_twice_without_echo(capsys, db_url, typed):
    from kyodo_desk.services.staff import WrongPassword

    answers, prompts = typed
    answers[:] = ["short", "short", "hanako-2026", "hanako-2027", "hanako-2026", "hanako-2026"]
    code, out, err = run(
        capsys, "--database", db_url, "staff", "add", "--login", "admin", "--name", "山田 花子", "--role", "admin"
    )
    assert code == 0, err
    assert "8文字以上" in err and "一致しません" in err  # told, then asked again
    assert prompts.count("新しいパスワード: ") == 3
    assert "hanako" not in out + err  # never echoed
    services = _services(db_url)
    record = services.staff.find_login("admin")
    assert services.staff.sign_in(record.id, "hanako-2026").name == "山田 花子"
    with pytest.raises(WrongPassword):
        services.staff.sign_in(record.id, "hanako-2027")


def test_staff_add_without_a_terminal_needs_temporary(capsys, db_url):
    code, _, err = run(
        capsys, "--database", db_url, "staff", "add", "--login", "admin", "--name", "山田 花子", "--role", "admin"
    )
    assert code == 2 and "--temporary" in err
    code, out, _ = run(
        capsys,
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
    )
    assert code == 0 and "仮パスワード: " in out
    code, out, _ = run(capsys, "--database", db_url, "staff", "list")
    assert "仮パスワード" in out


def test_staff_passwd_lets_a_locked_out_administrator_back_in(capsys, db_url, typed):
    from kyodo_desk.services.staff import AccountLocked, WrongPassword

    answers, _prompts = typed
    answers[:] = ["hanako-2026", "hanako-2026"]
    assert (
        run(capsys, "--database", db_url, "staff", "add", "--login", "admin", "--name", "山田 花子", "--role", "admin")[
            0
        ]
        == 0
    )
    services = _services(db_url)
    admin = services.staff.find_login("admin")
    for _try in range(4):
        with pytest.raises(WrongPassword):
            services.staff.sign_in(admin.id, "forgotten-1")
    with pytest.raises(AccountLocked):
        services.staff.sign_in(admin.id, "forgotten-1")
    with pytest.raises(AccountLocked):
        services.staff.sign_in(admin.id, "hanako-2026")  # locked: even the right password waits

    answers[:] = ["new-start-2026", "new-start-2026"]
    code, out, err = run(capsys, "--database", db_url, "staff", "passwd", "admin")
    assert code == 0, err
    assert "ロックも解除しました" in out and "new-start" not in out
    assert services.staff.sign_in(admin.id, "new-start-2026").name == "山田 花子"
    code, _, err = run(capsys, "--database", db_url, "staff", "passwd", "nobody")
    assert code == 2 and "nobody" in err


def test_network_share_is_refused_with_exit_code_1(capsys):
    code, _, err = run(capsys, "--database", "\\\\fileserver\\kyodo\\desk.db", "db", "upgrade")
    assert code == 1 and "共有フォルダ" in err and "PostgreSQL" in err


def test_bad_arguments_exit_with_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["demo", "--size", "huge"])
    assert exc.value.code == 2


def test_upgrade_backs_up_an_older_sqlite_file(capsys, tmp_path, _isolated_home):
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import upgrade

    path = tmp_path / "old.db"
    db = Database.from_url(f"sqlite:///{path}")
    upgrade(db, revision="0001")
    db.dispose()
    code, out, _ = run(capsys, "--database", str(path), "db", "upgrade")
    assert code == 0 and "更新前のバックアップ" in out
    backups = list((_isolated_home / "backups").glob("old-*-before-upgrade-0001.db"))
    assert len(backups) == 1
