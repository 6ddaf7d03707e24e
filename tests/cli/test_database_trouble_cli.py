"""A batch command that meets a busy or unreachable database says so in the desk's own Japanese
words (the GUI's explanation, from services/database_trouble.py), not the driver's text, and
exits non-zero — driven through the real ``kyodo-desk`` main function with a real lock."""

from __future__ import annotations

import socket
import sqlite3

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kyodo_desk import cli
from kyodo_desk.db import engine as engine_module
from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Staff
from kyodo_desk.services import database_trouble
from tests.conftest import PG_URL

ADD = ("staff", "add", "--login", "suzuki", "--name", "鈴木 一郎", "--role", "admin", "--temporary")


def _staff(url: str) -> int:
    db = Database.from_url(url)
    try:
        with db.read() as s:
            return s.scalar(select(func.count()).select_from(Staff)) or 0
    finally:
        db.dispose()


def _with_lock_timeout(url: str, ms: int) -> str:
    parsed = make_url(url)
    options = " ".join(filter(None, [parsed.query.get("options", ""), f"-c lock_timeout={ms}"]))
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def _assert_busy_explained(code: int, err: str) -> None:
    busy = database_trouble.busy()
    assert code == 1
    assert busy.title in err and busy.text in err, err
    assert "locked" not in err and "lock timeout" not in err and "LockNotAvailable" not in err


def test_a_command_waiting_too_long_for_sqlites_lock_says_busy(capsys, db_url, monkeypatch):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock (PostgreSQL: the lock_timeout test)")
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)  # another desk holds it longer than this
    holder = sqlite3.connect(make_url(db_url).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = cli.main(["--database", db_url, *ADD])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _assert_busy_explained(code, capsys.readouterr().err)
    assert _staff(db_url) == 0  # nothing saved
    assert cli.main(["--database", db_url, *ADD]) == 0  # and once the lock is gone it works
    assert _staff(db_url) == 1


def test_a_command_hitting_postgresqls_lock_timeout_says_busy(capsys, db_url):
    if db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's lock_timeout (SQLite: the busy_timeout test)")
    other = psycopg.connect(make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False))
    other.execute("LOCK TABLE staff IN SHARE MODE")  # another desk: reads go on, writes wait
    try:
        code = cli.main(["--database", _with_lock_timeout(db_url, 300), *ADD])
    finally:
        other.rollback()
        other.close()
    _assert_busy_explained(code, capsys.readouterr().err)
    assert _staff(db_url) == 0
    assert cli.main(["--database", db_url, *ADD]) == 0
    assert _staff(db_url) == 1


def test_a_command_that_cannot_reach_the_server_says_so(capsys):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = cli.main(["--database", f"postgresql+psycopg://desk@127.0.0.1:{port}/kyodo", "staff", "list"])
    err = capsys.readouterr().err
    lost = database_trouble.lost(command=True)
    assert code == 1
    assert lost.title in err and lost.text in err, err
    assert "同じコマンドをもう一度実行してください" in err
    assert "この画面に残っています" not in err  # a command has no screen keeping what was typed
    assert "refused" not in err.lower() and "psycopg" not in err.lower()


def test_the_gui_and_the_cli_share_one_explanation(qapp):
    from kyodo_desk.ui import errors

    assert errors.connection_lost_text is database_trouble.connection_lost_text
    assert errors.busy_box().text() == database_trouble.busy().text
