"""The desk's side of a lost connection, without a server to lose (runs on both databases):

* a write whose server cannot be reached is tried again by the task runner (the runner says
  ``connection_lost``, then ``connection_restored``, and the form gets its result); a read is not;
* the main window's status bar says 「サーバーに接続できません。再接続しています…」 when the change
  listener or a task loses the server, looks by itself whether it is back, then says
  「サーバーに再接続しました」;
* the task runner's error reporter shows one Japanese box for a lost connection, not one per failed
  look, and never the driver's text.
"""

from __future__ import annotations

import psycopg
from PySide6.QtWidgets import QMessageBox
from sqlalchemy.exc import OperationalError

from kyodo_desk.ui.errors import ErrorReporter
from kyodo_desk.ui.tasks import TaskRunner

LOST = "サーバーに接続できません。再接続しています…"
BACK = "サーバーに再接続しました"


def _gone() -> OperationalError:
    return OperationalError(
        "INSERT INTO consultation ...", {}, psycopg.OperationalError("server closed the connection unexpectedly")
    )


def test_a_write_is_retried_while_the_server_is_unreachable_and_a_read_is_not(qtbot):
    reported: list[BaseException] = []
    runner = TaskRunner(lambda parent, exc: reported.append(exc))
    tries: list[int] = []
    lost, back, results = [], [], []
    runner.connection_lost.connect(lambda: lost.append(1))
    runner.connection_restored.connect(lambda: back.append(1))

    def save(_p):
        tries.append(1)
        if len(tries) < 3:
            raise _gone()
        return "受付番号 S2025-00001"

    with qtbot.waitSignal(runner.idle, timeout=20_000):
        runner.run(save, on_done=results.append, write=True)
    assert results == ["受付番号 S2025-00001"] and len(tries) == 3
    assert lost and back == [1] and reported == []

    reads: list[int] = []

    def look(_p):
        reads.append(1)
        raise _gone()

    with qtbot.waitSignal(runner.idle, timeout=5_000):
        runner.run(look)
    assert len(reads) == 1 and len(reported) == 1  # a read fails at once and is reported


def test_a_write_gives_up_after_its_window_and_its_form_hears_why(qtbot):
    runner = TaskRunner(lambda parent, exc: None)
    runner.retry_window_s = 0.2
    failures: list[BaseException] = []

    def save(_p):
        raise _gone()

    with qtbot.waitSignal(runner.idle, timeout=20_000):
        runner.run(save, on_error=failures.append, write=True)
    assert len(failures) == 1 and isinstance(failures[0], OperationalError)


def test_the_status_bar_says_when_the_server_is_lost_and_when_it_is_back(qtbot, window):
    status = window.connection_status
    assert not status.isVisible()
    window.ctx.events.connection_changed.emit(True)  # the listener's first connect: nothing to say
    assert not status.isVisible()
    window.ctx.events.connection_changed.emit(False)  # the PostgreSQL listener lost its connection
    assert status.isVisible() and status.text() == LOST
    # the database here answers: the indicator's own look finds it back
    qtbot.waitUntil(lambda: status.text() == BACK, timeout=20_000)
    assert status.isVisible()
    window.ctx.tasks.connection_lost.emit()  # a save found the server gone
    assert status.text() == LOST
    window.ctx.tasks.connection_restored.emit()  # the retried save went through
    assert status.text() == BACK


def test_one_japanese_box_for_a_lost_connection_not_one_per_failed_look(qtbot, tmp_path):
    reporter = ErrorReporter(tmp_path / "kyodo_desk.log")
    first = reporter(None, _gone())
    second = reporter(None, _gone())
    assert first is second and first.isVisible()
    assert LOST in first.text() and "psycopg" not in first.text() and "INSERT" not in first.text()
    assert first.icon() == QMessageBox.Icon.Warning
    first.close()
    third = reporter(None, _gone())  # read and closed: the next loss says it again
    assert third is not first and third.isVisible()
    third.close()
