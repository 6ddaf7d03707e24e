"""Editors for an advisor's weekly availability (weekday + start/end rows, evenings and weekends
included) and single-date exceptions (unavailable all day, or available in an extra window)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QTableWidget, QVBoxLayout, QWidget

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _, weekday_short
from kyodo_desk.services.advisors import ExceptionDay, Window
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.common import cell, date_edit, error_label, qtime, show_text, table, time_edit, weekday_name
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.widgets.date_edit import date_problem
from kyodo_desk.ui.widgets.page import plain_label

T = dt.time


class WeeklyAvailabilityEditor(QWidget):
    """Rows of 曜日 + 開始 + 終了; quick buttons add the usual evening and weekend windows."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("曜日"), _("開始"), _("終了")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        for c, w in enumerate((110, 100, 100)):
            self.table.setColumnWidth(c, w)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 16)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("行を追加"))
        self.evenings_button = QPushButton(_("平日の夜(18〜21時)"))
        self.weekend_button = QPushButton(_("土日の午後(13〜17時)"))
        self.remove_button = QPushButton(_("選んだ行を削除"))
        for b in (self.add_button, self.evenings_button, self.weekend_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add_row(Window(5, T(13), T(17)), focus=True))
        self.evenings_button.clicked.connect(lambda: [self.add_row(Window(d, T(18), T(21))) for d in range(5)])
        self.weekend_button.clicked.connect(lambda: [self.add_row(Window(d, T(13), T(17))) for d in (5, 6)])
        self.remove_button.clicked.connect(self.remove_selected)

    def add_row(self, window: Window, *, focus: bool = False) -> None:
        if window in self.values():
            return
        r = self.table.rowCount()
        self.table.insertRow(r)
        day = QComboBox()
        for d in range(7):
            day.addItem(weekday_name(d), d)
        day.setCurrentIndex(window.weekday)
        self.table.setCellWidget(r, 0, day)
        self.table.setCellWidget(r, 1, time_edit(window.start, _("開始時刻")))
        self.table.setCellWidget(r, 2, time_edit(window.end, _("終了時刻")))
        if focus:
            self.table.setCurrentCell(r, 0)
            day.setFocus()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()} | {self.table.currentRow()}, reverse=True)
        for r in rows:
            if 0 <= r < self.table.rowCount():
                self.table.removeRow(r)

    def set_values(self, windows: tuple[Window, ...]) -> None:
        self.table.setRowCount(0)
        for w in windows:
            self.add_row(w)

    def values(self) -> tuple[Window, ...]:
        out = []
        for r in range(self.table.rowCount()):
            day, start, end = (self.table.cellWidget(r, c) for c in range(3))
            out.append(Window(day.currentData(), qtime(start.time()), qtime(end.time())))
        return tuple(sorted(out, key=lambda w: (w.weekday, w.start)))


class ExceptionsEditor(QWidget):
    """Single dates; saved at once (the advisor must exist first)."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.advisor_id: int | None = None
        self.days: list[ExceptionDay] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = table([_("日付"), _("内容"), _("理由")])
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, 150)
        layout.addWidget(self.table, 1)
        add = QHBoxLayout()
        self.day = date_edit(dt.date.today() + dt.timedelta(days=7), _("例外の日付"))
        self.mode = QComboBox()
        self.mode.addItem(_("終日 対応できない"), False)
        self.mode.addItem(_("この時間だけ対応できる"), True)
        self.start = time_edit(T(13), _("開始"))
        self.end = time_edit(T(17), _("終了"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("理由(例: 出張)"))
        self.add_button = QPushButton(_("追加"))
        for w in (self.day, self.mode, self.start, self.end):
            add.addWidget(w)
        add.addStretch(1)
        layout.addLayout(add)
        add2 = QHBoxLayout()
        add2.addWidget(self.reason, 1)
        add2.addWidget(self.add_button)
        layout.addLayout(add2)
        row = QHBoxLayout()
        self.remove_button = QPushButton(_("選んだ日を削除"))
        row.addWidget(self.remove_button)
        self.hint = plain_label()
        self.hint.setObjectName("hint")
        row.addWidget(self.hint, 1)
        layout.addLayout(row)
        self.error = error_label()
        layout.addWidget(self.error)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.add_button.clicked.connect(self.add)
        self.reason.returnPressed.connect(self.add)
        self.remove_button.clicked.connect(self.remove_selected)
        self._mode_changed()
        self.set_advisor(None, ())

    def _mode_changed(self, *_a) -> None:
        available = bool(self.mode.currentData())
        self.start.setEnabled(available)
        self.end.setEnabled(available)

    def set_advisor(self, advisor_id: int | None, days: tuple[ExceptionDay, ...]) -> None:
        self.advisor_id = advisor_id
        self.days = list(days)
        enabled = advisor_id is not None
        for w in (self.day, self.mode, self.reason, self.add_button, self.remove_button):
            w.setEnabled(enabled)
        self._mode_changed()
        if not enabled:
            self.start.setEnabled(False)
            self.end.setEnabled(False)
        self.hint.setText("" if enabled else _("日ごとの例外は、アドバイザーを保存した後に追加できます。"))
        self.table.setRowCount(len(self.days))
        for r, e in enumerate(self.days):
            what = (
                _("{s}〜{e} だけ対応").format(s=f"{e.start:%H:%M}", e=f"{e.end:%H:%M}")
                if e.available and e.start and e.end
                else _("終日 対応できない")
            )
            self.table.setItem(r, 0, cell(f"{e.day:%Y/%m/%d}({weekday_short(e.day)})", e))
            self.table.setItem(r, 1, cell(what))
            self.table.setItem(r, 2, cell(e.reason))

    def add(self) -> None:
        if self.advisor_id is None:
            return
        problem = date_problem(self)  # a date or time that cannot be read: the field says why
        if problem is not None:
            show_text(self.error, problem)
            return
        available = bool(self.mode.currentData())
        exc = ExceptionDay(
            self.day.date().toPython(),
            available,
            qtime(self.start.time()) if available else None,
            qtime(self.end.time()) if available else None,
            self.reason.text(),
        )
        actor, advisors, advisor_id = self.ctx.require_actor(), self.ctx.services.advisors, self.advisor_id
        # the version of that day's exception as shown, None when the list shows none that day
        shown = next((e.version for e in self.days if e.day == exc.day), None)
        show_text(self.error, "")
        self.ctx.tasks.run(
            lambda _p: advisors.add_exception(actor, advisor_id, exc, shown) or advisors.get(actor, advisor_id),
            on_done=self._saved,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def remove_selected(self) -> None:
        item = self.table.item(self.table.currentRow(), 0)
        if self.advisor_id is None or item is None:
            show_text(self.error, _("削除する日を一覧から選んでください。"))
            return
        shown: ExceptionDay = item.data(Qt.ItemDataRole.UserRole)
        day, version = shown.day, shown.version
        actor, advisors, advisor_id = self.ctx.require_actor(), self.ctx.services.advisors, self.advisor_id
        self.ctx.tasks.run(
            lambda _p: advisors.remove_exception(actor, advisor_id, day, version) or advisors.get(actor, advisor_id),
            on_done=self._saved,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _saved(self, record) -> None:
        self.reason.clear()
        self.set_advisor(record.id, record.exceptions)
        self.ctx.events.emit_changed("advisor", [record.id])
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, (ValidationError, StaleEdit)):  # what was typed stays
            show_text(self.error, str(exc))
        else:
            report_error(self, exc, self.ctx.log_file)
