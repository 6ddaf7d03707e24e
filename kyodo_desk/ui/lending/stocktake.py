"""棚卸 (stock-take) tab of 機器貸出: scan every device on the shelf.

The scan field keeps the focus; each code is recorded at once (one after another, in the order
scanned) and answered in colour, and the counts and four lists follow: 確認済み, 未確認 (expected on
the shelf, not scanned yet — 「2回続けて未確認」 in red), 貸出中 (not expected) and 不明なコード.
A scan never presses a button: starting and finishing are Ctrl+Enter (or a click), finishing asks
first, and the question's Enter presses nothing.  Two desks can scan into the same session; each
sees the other's scans (the events bus).  The result is printed with Ctrl+P.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.stocktake import ScanOutcome, StocktakeView
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.lending.common import (
    MessageLine,
    ScanField,
    confirm_shortcuts,
    no_default_buttons,
    when,
)
from kyodo_desk.ui.lending.print_path import show_pdf
from kyodo_desk.ui.lending.stocktake_lists import StocktakeLists


class StocktakeTab(QWidget):
    scan_answered = Signal(str, str)  # tone, message (after every scan)
    view_shown = Signal(object)  # StocktakeView | None
    finished = Signal(object)  # the finished StocktakeView

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        actor = ctx.require_actor()
        self.can_run = actor.can(Permission.INVENTORY_EDIT)
        self.view: StocktakeView | None = None
        self.confirm_box: QMessageBox | None = None
        self._queue: list[str] = []
        self._busy = False
        self._gen = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.mode_line = MessageLine()
        self.mode_line.setObjectName("stocktakeMode")
        top.addWidget(self.mode_line, 1)
        self.start_button = QPushButton(_("棚卸を始める (Ctrl+Enter)"))
        self.start_button.setObjectName("startStocktake")
        self.start_button.clicked.connect(self.start)
        self.finish_button = QPushButton(_("終了… (Ctrl+Enter)"))
        self.finish_button.setObjectName("finishStocktake")
        self.finish_button.clicked.connect(self.ask_finish)
        self.cancel_button = QPushButton(_("中止…"))
        self.cancel_button.setObjectName("cancelStocktake")
        self.cancel_button.clicked.connect(self.ask_cancel)
        self.print_button = QPushButton(_("結果を印刷… (Ctrl+P)"))
        self.print_button.setObjectName("printStocktake")
        self.print_button.clicked.connect(self.print_result)
        for button in (self.start_button, self.finish_button, self.cancel_button, self.print_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click must not take the scanner's focus
            top.addWidget(button)
        layout.addLayout(top)

        self.scan = ScanField(_("棚の機器のラベルを順にスキャン(または管理番号を入力して Enter)"))
        self.scan.scanned.connect(self.feed)
        layout.addWidget(self.scan)
        self.answer = MessageLine()
        self.answer.setObjectName("stocktakeAnswer")
        layout.addWidget(self.answer)
        self.lists = StocktakeLists()
        layout.addWidget(self.lists, 1)
        # the tables and counts, by the names the tests and the key rule's users look for
        self.counts, self.boxes = self.lists.counts, self.lists.boxes
        self.found_table, self.missing_table = self.lists.found_table, self.lists.missing_table
        self.on_loan_table, self.unknown_table = self.lists.on_loan_table, self.lists.unknown_table

        confirm_shortcuts(self, self._confirm_key)
        QShortcut(
            QKeySequence("Ctrl+P"),
            self,
            activated=self.print_result,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        QShortcut(
            QKeySequence("Esc"), self, activated=self.refocus, context=Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        no_default_buttons(self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self._refresh_if_visible)
        ctx.events.data_changed.connect(self._data_changed)
        self._show(None)
        self.refresh()

    # ---- focus and refreshing ------------------------------------------------------------
    def refocus(self) -> None:
        if self.isVisible() and (self.confirm_box is None or not self.confirm_box.isVisible()):
            if not self.window().isActiveWindow():  # a dialog just closed
                self.window().activateWindow()
            self.scan.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refocus()

    def tab_shown(self) -> None:
        self.refresh()
        self.refocus()

    def _data_changed(self, kind: str, _ids) -> None:
        if kind in ("stocktake", "device", "loan"):
            self._debounce.start()

    def _refresh_if_visible(self) -> None:
        if self.isVisible() and not self._busy:
            self.refresh()

    def refresh(self) -> None:
        """Read the open stock-take (or else the last finished one) off the GUI thread."""
        self._debounce.stop()
        self._gen += 1
        gen = self._gen
        actor, svc = self.ctx.require_actor(), self.ctx.services.stocktake

        def load(_p):
            current = svc.current(actor)
            return svc.view(actor, current.id) if current is not None else svc.last_finished(actor)

        self.ctx.tasks.run(load, on_done=lambda v: self._loaded(gen, v), on_error=self._failed, owner=self)

    def _loaded(self, gen: int, view: StocktakeView | None) -> None:
        if gen == self._gen:
            self._show(view)

    @property
    def open_id(self) -> int | None:
        return self.view.summary.id if self.view is not None and self.view.summary.is_open else None

    def _show(self, view: StocktakeView | None) -> None:
        self.view = view
        is_open = self.open_id is not None
        self.start_button.setVisible(not is_open and self.can_run)
        self.finish_button.setVisible(is_open and self.can_run)
        self.cancel_button.setVisible(is_open and self.can_run)
        self.print_button.setEnabled(view is not None)
        self.scan.setEnabled(self.can_run)  # enabled: a scan before the start is answered here, not routed away
        if view is None:
            self.mode_line.show_message(
                _("まだ棚卸をしていません。「棚卸を始める」(Ctrl+Enter) で始めます。"),
                "info",
            )
        elif is_open:
            sm = view.summary
            self.mode_line.show_message(
                _("棚卸 No.{n} 実施中(開始 {at}・{staff})").format(
                    n=sm.id, at=when(sm.started_at), staff=sm.staff_name
                ),
                "info",
            )
        else:
            sm = view.summary
            self.mode_line.show_message(
                _("前回の棚卸 No.{n}({at} 終了)の結果です。").format(n=sm.id, at=when(sm.finished_at)),
                "info",
            )
        self.lists.show_view(view)
        self.view_shown.emit(view)

    # ---- scanning ------------------------------------------------------------------------
    def feed(self, code: str) -> None:
        """One scanned code (also what the window's key rule hands over from anywhere on this tab)."""
        if self.open_id is None:
            self._answer(
                "error", _("棚卸が始まっていません。「棚卸を始める」(Ctrl+Enter) を押してからスキャンしてください。")
            )
            return
        self._queue.append(code.strip())
        self._next()

    def _next(self) -> None:
        if self._busy or not self._queue or self.open_id is None:
            return
        code = self._queue.pop(0)
        self._busy = True
        actor, svc, stocktake_id = self.ctx.require_actor(), self.ctx.services.stocktake, self.open_id

        def record(_p) -> tuple[ScanOutcome, StocktakeView]:
            outcome = svc.scan(actor, stocktake_id, code)
            return outcome, svc.view(actor, stocktake_id)

        self.ctx.tasks.run(record, on_done=self._scanned, on_error=self._scan_failed, write=True, owner=self)

    def _scanned(self, result: tuple[ScanOutcome, StocktakeView]) -> None:
        self._busy = False
        outcome, view = result
        self._answer(outcome.tone, outcome.message)
        if not self._queue:  # the lists follow once the burst is recorded
            self._gen += 1
            self._show(view)
            if not outcome.duplicate:
                self.ctx.events.emit_changed("stocktake", [view.summary.id])
        self._next()

    def _scan_failed(self, exc: BaseException) -> None:
        self._busy = False
        if isinstance(exc, ValidationError):
            self._answer("error", "\n".join(str(m) for m in exc.errors.values()))
        elif isinstance(exc, ServiceError):  # another desk finished it meanwhile
            self._queue.clear()
            self._answer("error", str(exc))
            self.refresh()
        else:
            report_error(self, exc, self.ctx.log_file)
        self._next()

    def _answer(self, tone: str, message: str) -> None:
        self.answer.show_message(message, tone)
        self.scan_answered.emit(tone, message)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ServiceError):
            self._answer("error", str(exc))
        else:
            report_error(self, exc, self.ctx.log_file)

    # ---- start, finish, cancel, print -----------------------------------------------------
    def _confirm_key(self) -> None:
        if self.open_id is None:
            self.start()
        else:
            self.ask_finish()

    def start(self) -> None:
        if not self.can_run or self.open_id is not None or self._busy:
            return
        actor, svc = self.ctx.require_actor(), self.ctx.services.stocktake
        self._busy = True

        def begin(_p):
            started = svc.start(actor)
            return svc.view(actor, started.id)

        def done(view: StocktakeView) -> None:
            self._busy = False
            self._gen += 1
            self._show(view)
            self._answer(
                "ok", _("棚卸 No.{n} を始めました。棚の機器を順にスキャンしてください。").format(n=view.summary.id)
            )
            self.ctx.events.emit_changed("stocktake", [view.summary.id])
            self.refocus()

        def failed(exc: BaseException) -> None:
            self._busy = False
            self._failed(exc)
            self.refresh()  # another desk started one: join it

        self.ctx.tasks.run(begin, on_done=done, on_error=failed, write=True, owner=self)

    def _ask(self, text: str, yes: str, no: str, then) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, _("棚卸"), text, QMessageBox.StandardButton.NoButton, self)
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.setEscapeButton(no_button)
        no_default_buttons(box)  # Enter (a scanner's, too) presses nothing here
        no_button.setFocus()
        box.buttonClicked.connect(lambda b: then() if b is yes_button else None)
        box.finished.connect(lambda _r: self.refocus())
        self.confirm_box = box
        box.open()
        return box

    def ask_finish(self) -> QMessageBox | None:
        view = self.view
        if view is None or self.open_id is None or not self.can_run:
            return None
        text = _(
            "棚卸 No.{n} を終了しますか?\n\n確認済み {found} 台 / 棚にあるはずの {expected} 台\n"
            "未確認 {missing} 台は「未確認」として記録します。\n終了すると、この棚卸にはスキャンできなくなります。"
        ).format(n=view.summary.id, found=len(view.found), expected=view.expected_total, missing=len(view.missing))
        return self._ask(text, _("終了する"), _("スキャンを続ける"), self.finish)

    def finish(self) -> None:
        stocktake_id = self.open_id
        if stocktake_id is None:
            return
        actor, svc = self.ctx.require_actor(), self.ctx.services.stocktake
        self._busy = True

        def done(view: StocktakeView) -> None:
            self._busy = False
            self._gen += 1
            self._show(view)
            self._answer(
                "ok",
                _("棚卸 No.{n} を終了しました。未確認 {m} 台。「結果を印刷」(Ctrl+P) で紙に残せます。").format(
                    n=view.summary.id, m=len(view.missing)
                ),
            )
            self.ctx.events.emit_changed("stocktake", [view.summary.id])
            self.finished.emit(view)
            self.refocus()

        def failed(exc: BaseException) -> None:
            self._busy = False
            self._failed(exc)
            self.refresh()

        self.ctx.tasks.run(
            lambda _p: svc.finish(actor, stocktake_id), on_done=done, on_error=failed, write=True, owner=self
        )

    def ask_cancel(self) -> QMessageBox | None:
        if self.open_id is None or not self.can_run:
            return None
        return self._ask(
            _("棚卸を中止しますか?スキャンした記録は結果として残りません。"),
            _("中止する"),
            _("スキャンを続ける"),
            self.cancel,
        )

    def cancel(self) -> None:
        stocktake_id = self.open_id
        if stocktake_id is None:
            return
        actor, svc = self.ctx.require_actor(), self.ctx.services.stocktake

        def done(_r) -> None:
            self._answer("info", _("棚卸を中止しました。"))
            self.ctx.events.emit_changed("stocktake", [stocktake_id])
            self.refresh()

        self.ctx.tasks.run(
            lambda _p: svc.cancel(actor, stocktake_id), on_done=done, on_error=self._failed, write=True, owner=self
        )

    def print_result(self) -> None:
        view = self.view
        if view is None or not self.print_button.isEnabled():
            return
        actor, svc, n = self.ctx.require_actor(), self.ctx.services.stocktake, view.summary.id
        show_pdf(
            self.ctx,
            self,
            lambda: svc.result_pdf(actor, n),
            _("棚卸結果"),
            f"{_('棚卸結果')}_No{n}.pdf",
            on_shown=lambda d: d.finished.connect(lambda _r: self.refocus()),
        )


__all__ = ["StocktakeTab"]
