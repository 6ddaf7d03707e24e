"""Run slow work off the GUI thread.

``TaskRunner.run(fn, progress_text, on_done, on_error)`` calls ``fn(progress)`` on a worker
thread; ``progress(done, total, text)`` may be called from there (it raises :class:`Cancelled`
when the user pressed cancel).  Results and errors come back on the GUI thread.  Reads run on a
small pool; writes (``write=True``) run one at a time on their own single-thread pool, so two
saves from this desk never race each other for the database's write lock.

A write that fails because the database server cannot be reached (a restart, a network drop; see
:mod:`kyodo_desk.services.connection_loss`) is tried again on its worker with backoff for up to
``RETRY_WINDOW_S`` while ``connection_lost`` tells the status bar; the form keeps what was typed
meanwhile.  Creates carry a request key, so a retry after a COMMIT whose reply was lost returns
the stored row instead of a second one.  Only when the window is over does the error reach the form.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from kyodo_desk.i18n import _
from kyodo_desk.redact import format_exception_safely
from kyodo_desk.services.connection_loss import is_connection_lost, retry_while_unreachable

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
ErrorReporter = Callable[[QWidget | None, BaseException], Any]
RETRY_WINDOW_S = 90.0  # a write is retried this long while the server cannot be reached (a restart, a 30 s drop)


class Cancelled(Exception):
    """The user cancelled the work (raised inside ``progress``)."""


class Task:
    """One piece of work (a plain object: its results travel on the runner's signals, so no
    per-task QObject can be deleted while a worker thread is still emitting on it)."""

    def __init__(
        self,
        runner: "TaskRunner",
        task_id: int,
        fn,
        on_done,
        on_error,
        owner: QObject | None,
        dialog: QProgressDialog | None,
    ):
        self.runner, self.id, self.fn, self.on_done, self.on_error = runner, task_id, fn, on_done, on_error
        self.owner, self.dialog = owner, dialog
        self.cancelled = False
        self.done = False
        self.retry = False  # set by TaskRunner.run: try again while the server cannot be reached
        if dialog is not None:
            dialog.canceled.connect(self.cancel)

    def cancel(self) -> None:
        self.cancelled = True

    # ---- worker thread ------------------------------------------------------------
    def progress(self, done: int, total: int, text: str = "") -> None:
        if self.cancelled:
            raise Cancelled()
        self.runner._progressed.emit(self.id, int(done), int(total), text)

    def execute(self) -> None:
        try:
            try:
                result, failed = retry_while_unreachable(
                    lambda: self.fn(self.progress),
                    window_s=self.runner.retry_window_s,
                    wait=self.runner._stopping.wait,
                    may_retry=lambda: self.retry and not self.cancelled and not self.runner._stopping.is_set(),
                    on_lost=self._lost,
                )
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
                self.runner._failed.emit(self.id, exc)
            else:
                if failed:
                    self.runner._back.emit(self.id)
                self.runner._succeeded.emit(self.id, result)
        except RuntimeError as gone:  # the runner is gone (the app is shutting down): nobody to tell
            log.warning("task finished after the task runner was deleted:\n%s", format_exception_safely(gone))

    def _lost(self, failed: int) -> None:
        log.info("task: the database server cannot be reached; trying again (%d)", failed)
        self.runner._lost.emit(self.id)

    # ---- GUI thread ---------------------------------------------------------------
    def owner_alive(self) -> bool:
        return self.owner is None or shiboken6.isValid(self.owner)

    def show_progress(self, done: int, total: int, text: str) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.setRange(0, max(total, 0))
            self.dialog.setValue(min(done, total) if total > 0 else 0)
            if text:
                self.dialog.setLabelText(text)

    def close_dialog(self) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.reset()
            self.dialog.close()
            self.dialog.deleteLater()


class TaskRunner(QObject):
    """Start work on worker threads and get results back on the GUI thread."""

    idle = Signal()
    connection_lost = Signal()  # a task failed because the database server cannot be reached
    connection_restored = Signal()  # a write that was retried for that reason went through
    _lost = Signal(int)
    _back = Signal(int)
    _progressed = Signal(int, int, int, str)  # task id, done, total, text
    _succeeded = Signal(int, object)
    _failed = Signal(int, object)

    def __init__(self, report_error: ErrorReporter, *, read_threads: int = 3):
        super().__init__()
        self._progressed.connect(self._on_progress)
        self._succeeded.connect(self._on_result)
        self._failed.connect(self._on_error)
        self._lost.connect(lambda _id: self.connection_lost.emit())
        self._back.connect(lambda _id: self.connection_restored.emit())
        self.retry_window_s = RETRY_WINDOW_S
        self._stopping = threading.Event()
        self._next_id = 0
        self.report_error = report_error
        self._read_pool = QThreadPool(self)
        self._read_pool.setMaxThreadCount(read_threads)
        self._write_pool = QThreadPool(self)
        self._write_pool.setMaxThreadCount(1)
        self._active: dict[int, Task] = {}

    @property
    def pending(self) -> int:
        return len(self._active)

    def run(
        self,
        fn: Callable[[Progress], Any],
        progress_text: str | None = None,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        write: bool = False,
        owner: QObject | None = None,
        cancellable: bool = False,
        parent: QWidget | None = None,
        retry: bool | None = None,
    ) -> Task:
        """Run ``fn(progress)`` off the GUI thread.

        With *progress_text* a progress dialog appears if the work takes longer than half a
        second (with a cancel button when *cancellable*).  Callbacks are skipped when *owner*
        (a widget) was destroyed meanwhile.  Without *on_error* the error is reported to the user.
        A write (*retry* defaults to *write*) is tried again while the server cannot be reached.
        """
        dialog = None
        if progress_text is not None:
            dialog = QProgressDialog(
                progress_text,
                _("中止") if cancellable else None,
                0,
                0,
                parent or (owner if isinstance(owner, QWidget) else None),
            )
            dialog.setWindowTitle(_("処理中"))
            dialog.setMinimumDuration(500)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setMinimumWidth(360)
            dialog.setValue(0)
        self._next_id += 1
        task = Task(self, self._next_id, fn, on_done, on_error, owner, dialog)
        task.retry = write if retry is None else retry
        self._active[task.id] = task
        (self._write_pool if write else self._read_pool).start(task.execute)
        return task

    def call(
        self,
        fn: Callable[[Progress], Any],
        progress_text: str | None = None,
        *,
        write: bool = False,
        parent: QWidget | None = None,
    ) -> Any:
        """Run *fn* off the GUI thread but wait for it (the GUI keeps painting); re-raise its error.

        Only for start-up steps that must finish before anything else can happen.
        """
        loop = QEventLoop()
        box: dict[str, Any] = {}

        def done(result):
            box["result"] = result
            loop.quit()

        def failed(exc):
            box["error"] = exc
            loop.quit()

        task = self.run(fn, progress_text, done, failed, write=write, parent=parent)
        if not task.done:
            loop.exec()
        if "error" in box:
            raise box["error"]
        return box.get("result")

    # ---- results arrive here, on the GUI thread --------------------------------------------
    @Slot(int, int, int, str)
    def _on_progress(self, task_id: int, done: int, total: int, text: str) -> None:
        task = self._active.get(task_id)
        if task is not None:
            task.show_progress(done, total, text)

    @Slot(int, object)
    def _on_result(self, task_id: int, result) -> None:
        task = self._active.get(task_id)
        if task is None:
            return
        task.close_dialog()
        try:
            if task.on_done is not None and task.owner_alive():
                task.on_done(result)
        finally:
            self._finish(task)

    @Slot(int, object)
    def _on_error(self, task_id: int, exc: BaseException) -> None:
        task = self._active.get(task_id)
        if task is None:
            return
        task.close_dialog()
        if is_connection_lost(exc):
            self.connection_lost.emit()
        try:
            if isinstance(exc, Cancelled):
                log.info("task cancelled by the user")
            elif not task.owner_alive():
                log.warning("task failed after its window closed:\n%s", format_exception_safely(exc))
            elif task.on_error is not None:
                task.on_error(exc)
            else:
                self.report_error(task.owner if isinstance(task.owner, QWidget) else None, exc)
        finally:
            self._finish(task)

    def _finish(self, task: Task) -> None:
        task.done = True
        self._active.pop(task.id, None)
        if not self._active:
            self.idle.emit()

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until worker threads are idle (shutdown).  Queued results are dropped; a write
        waiting to be retried gives up at once."""
        self._stopping.set()
        try:
            ok_read = self._read_pool.waitForDone(msecs)
            ok_write = self._write_pool.waitForDone(msecs)
        finally:
            self._stopping.clear()
        return ok_read and ok_write
