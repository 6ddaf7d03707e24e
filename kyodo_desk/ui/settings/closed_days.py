"""The center's own closed days (add/remove), next to what the whole calendar says is closed."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _, wareki
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.settings.common import admin_only_note
from kyodo_desk.ui.widgets.date_edit import DateField, date_problem
from kyodo_desk.ui.widgets.page import plain_label

UPCOMING_DAYS = 120


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    return table


class ClosedDaysForm(QWidget):
    def __init__(self, ctx: AppContext, today: dt.date | None = None):
        super().__init__()
        self.ctx = ctx
        self.today = today or dt.date.today()
        self.can_edit = ctx.require_actor().can(Permission.CALENDAR_EDIT)
        row = QHBoxLayout(self)

        own = QGroupBox(_("センター独自の休館日"))
        own_col = QVBoxLayout(own)
        self.show_past = QCheckBox(_("過ぎた日も表示"))
        self.show_past.toggled.connect(lambda _c: self.load())
        own_col.addWidget(self.show_past)
        self.own_table = _table([_("日付"), _("理由")])
        own_col.addWidget(self.own_table, 1)
        add_row = QHBoxLayout()
        self.new_day = DateField(label=_("休館日"), value=dt.date.today())
        self.new_reason = QLineEdit()
        self.new_reason.setPlaceholderText(_("理由(例: 館内設備点検)"))
        self.add_button = QPushButton(_("追加"))
        self.add_button.clicked.connect(self.add_day)
        self.new_reason.returnPressed.connect(self.add_day)
        add_row.addWidget(self.new_day)
        add_row.addWidget(self.new_reason, 1)
        add_row.addWidget(self.add_button)
        own_col.addLayout(add_row)
        self.remove_button = QPushButton(_("選んだ日を削除"))
        self.remove_button.clicked.connect(self.remove_selected)
        own_col.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.message = plain_label()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        own_col.addWidget(self.message)
        if not self.can_edit:  # staff read the calendar; adding and removing is an administrator's
            for widget in (self.new_day, self.new_reason, self.add_button, self.remove_button):
                widget.setEnabled(False)
                widget.hide()
            own_col.insertWidget(0, admin_only_note())
        row.addWidget(own, 1)

        upcoming = QGroupBox(_("これからの休館日({n}日先まで・祝日と年末年始を含む)").format(n=UPCOMING_DAYS))
        up_col = QVBoxLayout(upcoming)
        self.upcoming_table = _table([_("日付"), _("種類"), _("内容")])
        self.upcoming_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        up_col.addWidget(self.upcoming_table)
        row.addWidget(upcoming, 1)
        ctx.events.data_changed.connect(self._data_changed)
        self.load()

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in ("closed_day", "setting"):
            self.load()

    def load(self) -> None:
        calendar, today, past = self.ctx.services.calendar, self.today, self.show_past.isChecked()

        def fetch(_p):
            own = [d for d in calendar.center_days() if past or d.day >= today]
            return own, calendar.closed_days(today, today + dt.timedelta(days=UPCOMING_DAYS))

        self.ctx.tasks.run(fetch, on_done=self._fill, owner=self)

    def _fill(self, result) -> None:
        own, upcoming = result
        self.own_days = [d.day for d in own]
        self.own_table.setRowCount(len(own))
        for r, day in enumerate(own):
            self.own_table.setItem(r, 0, QTableWidgetItem(wareki(day.day, weekday=True)))
            self.own_table.setItem(r, 1, QTableWidgetItem(day.reason))
        self.upcoming_table.setRowCount(len(upcoming))
        for r, day in enumerate(upcoming):
            self.upcoming_table.setItem(r, 0, QTableWidgetItem(wareki(day.day, weekday=True)))
            self.upcoming_table.setItem(r, 1, QTableWidgetItem(day.kind.label()))
            self.upcoming_table.setItem(r, 2, QTableWidgetItem("" if day.reason == day.kind.label() else day.reason))

    def add_day(self) -> None:
        if date_problem(self) is not None:  # a date that cannot be read: its field says why and keeps it
            return
        day, reason = self.new_day.date().toPython(), self.new_reason.text()
        actor, calendar = self.ctx.require_actor(), self.ctx.services.calendar
        self.message.clear()
        self.ctx.tasks.run(
            lambda _p: calendar.add_center_day(actor, day, reason),
            on_done=lambda _r: self._changed(),
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def remove_selected(self) -> None:
        row = self.own_table.currentRow()
        if not 0 <= row < len(self.own_days):
            self.message.setText(_("削除する日を一覧から選んでください。"))
            return
        day = self.own_days[row]
        actor, calendar = self.ctx.require_actor(), self.ctx.services.calendar
        self.ctx.tasks.run(
            lambda _p: calendar.remove_center_day(actor, day),
            on_done=lambda _r: self._changed(),
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _changed(self) -> None:
        self.new_reason.clear()
        self.ctx.events.emit_changed("closed_day", [])

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.message.setText(str(exc))
        else:
            report_error(self, exc, self.ctx.log_file)
