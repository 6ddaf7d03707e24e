"""Run slow work off the GUI thread.

``TaskRunner.run(fn, progress_text, on_done, on_error)`` calls ``fn(progress)`` on a worker
thread; ``progress(done, total, text)`` may be called from there (it raises :class:`Cancelled`
when the user pressed cancel).  Results and errors come back on the GUI thread.  Reads run on a
small pool; writes (``write=True``) run one at a time on their own single-thread pool, so two
saves from this desk never race each other for the database's write lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from kyodo_desk.i18n import _

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
ErrorReporter = Callable[[QWidget | None, BaseException], Any]


class Cancelled(Exception):
    """The user cancelled the work (raised inside ``progress``)."""


class Task(QObject):
    """One piece of work.  Lives on the GUI thread; its signals carry results back there."""

    _progressed = Signal(int, int, str)
    _succeeded = Signal(object)
    _failed = Signal(object)
    finished = Signal()

    def __init__(self, runner: "TaskRunner", fn, on_done, on_error, owner: QObject | None, dialog: QProgressDialog | None):
        super().__init__(runner)  # deleted with the runner; queued results then simply lapse
        self.runner, self.fn, self.on_done, self.on_error = runner, fn, on_done, on_error
        self.owner, self.dialog = owner, dialog
        self.cancelled = False
        self.done = False
        self._progressed.connect(self._show_progress)
        self._succeeded.connect(self._deliver_result)
        self._failed.connect(self._deliver_error)
        if dialog is not None:
            dialog.canceled.connect(self.cancel)

    def cancel(self) -> None:
        self.cancelled = True

    # ---- worker thread ------------------------------------------------------------
    def progress(self, done: int, total: int, text: str = "") -> None:
        if self.cancelled:
            raise Cancelled()
        self._progressed.emit(int(done), int(total), text)

    def execute(self) -> None:
        try:
            try:
                result = self.fn(self.progress)
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
                self._failed.emit(exc)
            else:
                self._succeeded.emit(result)
        except RuntimeError:  # the GUI side is gone (the app is shutting down): nobody to tell
            log.warning("task finished after its receiver was deleted", exc_info=True)

    # ---- GUI thread ---------------------------------------------------------------
    def _owner_alive(self) -> bool:
        return self.owner is None or shiboken6.isValid(self.owner)

    @Slot(int, int, str)
    def _show_progress(self, done: int, total: int, text: str) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.setRange(0, max(total, 0))
            self.dialog.setValue(min(done, total) if total > 0 else 0)
            if text:
                self.dialog.setLabelText(text)

    def _close_dialog(self) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.reset()
            self.dialog.close()
            self.dialog.deleteLater()

    @Slot(object)
    def _deliver_result(self, result) -> None:
        self._close_dialog()
        try:
            if self.on_done is not None and self._owner_alive():
                self.on_done(result)
        finally:
            self._finish()

    @Slot(object)
    def _deliver_error(self, exc: BaseException) -> None:
        self._close_dialog()
        try:
            if isinstance(exc, Cancelled):
                log.info("task cancelled by the user")
            elif not self._owner_alive():
                log.warning("task failed after its window closed", exc_info=(type(exc), exc, exc.__traceback__))
            elif self.on_error is not None:
                self.on_error(exc)
            else:
                self.runner.report_error(self.owner if isinstance(self.owner, QWidget) else None, exc)
        finally:
            self._finish()

    def _finish(self) -> None:
        self.done = True
        if shiboken6.isValid(self.runner):
            self.runner._forget(self)
        self.finished.emit()
        self.deleteLater()  # a child of the runner: free it, or every search and poll would stay


class TaskRunner(QObject):
    """Start work on worker threads and get results back on the GUI thread."""

    idle = Signal()

    def __init__(self, report_error: ErrorReporter, *, read_threads: int = 3):
        super().__init__()
        self.report_error = report_error
        self._read_pool = QThreadPool(self)
        self._read_pool.setMaxThreadCount(read_threads)
        self._write_pool = QThreadPool(self)
        self._write_pool.setMaxThreadCount(1)
        self._active: set[Task] = set()

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
    ) -> Task:
        """Run ``fn(progress)`` off the GUI thread.

        With *progress_text* a progress dialog appears if the work takes longer than half a
        second (with a cancel button when *cancellable*).  Callbacks are skipped when *owner*
        (a widget) was destroyed meanwhile.  Without *on_error* the error is reported to the user.
        """
        dialog = None
        if progress_text is not None:
            dialog = QProgressDialog(progress_text, _("中止") if cancellable else None, 0, 0, parent or (owner if isinstance(owner, QWidget) else None))
            dialog.setWindowTitle(_("処理中"))
            dialog.setMinimumDuration(500)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setMinimumWidth(360)
            dialog.setValue(0)
        task = Task(self, fn, on_done, on_error, owner, dialog)
        self._active.add(task)
        (self._write_pool if write else self._read_pool).start(task.execute)
        return task

    def call(self, fn: Callable[[Progress], Any], progress_text: str | None = None, *, write: bool = False, parent: QWidget | None = None) -> Any:
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

    def _forget(self, task: Task) -> None:
        self._active.discard(task)
        if not self._active:
            self.idle.emit()

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until worker threads are idle (shutdown).  Queued results are dropped."""
        ok_read = self._read_pool.waitForDone(msecs)
        ok_write = self._write_pool.waitForDone(msecs)
        return ok_read and ok_write
