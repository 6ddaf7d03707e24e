"""Week and month calendar of booked visits, for the whole center or one advisor.

Week view: a row per advisor, a column per day.  Month view: the month's weeks.  Double-click or
Enter on a cell opens its application (a menu asks which one when a cell holds several).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.i18n import _, wareki, weekday_short
from kyodo_desk.services.advisors import AdvisorRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.day_colors import day_color
from kyodo_desk.ui.widgets.page import plain_label, scaled_font

ENTRIES = Qt.ItemDataRole.UserRole
_OTHER_MONTH = QBrush(QColor("#f1f3f5"))
_CLOSED = QBrush(QColor("#fdecea"))
_TODAY = QBrush(QColor("#e3eefa"))


def entry_text(session, app, *, with_advisor: bool) -> str:
    who = f" {session.advisor_name}" if with_advisor else ""
    return f"{session.start_at:%H:%M}〜{session.end_at:%H:%M}{who}\n{app.organization_name}\n{app.reference}"


class CalendarTab(QWidget):
    open_requested = Signal(int)  # application id
    loaded = Signal()

    def __init__(self, ctx: AppContext, today: dt.date | None = None):
        super().__init__()
        self.ctx = ctx
        self.today = today or dt.date.today()
        self.anchor = self.today
        self.advisors: list[AdvisorRecord] = []
        self.entries: list = []
        self.row_advisors: list[int] = []
        self._seq = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        bar = QHBoxLayout()
        self.week_mode = QRadioButton(_("週"))
        self.month_mode = QRadioButton(_("月"))
        self.week_mode.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.week_mode)
        group.addButton(self.month_mode)
        self.advisor = QComboBox()
        self.advisor.addItem(_("センター全体"), None)
        self.prev_button = QPushButton(_("◀ 前"))
        self.today_button = QPushButton(_("今日"))
        self.next_button = QPushButton(_("次 ▶"))
        self.period_label = plain_label()
        self.period_label.setFont(scaled_font(self.period_label, 1.15, bold=True))
        for w in (self.week_mode, self.month_mode, self.advisor, self.prev_button, self.today_button, self.next_button):
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(self.period_label, 1)
        layout.addLayout(bar)
        self.grid = QTableWidget()
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setWordWrap(True)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.horizontalHeader().setHighlightSections(False)
        self.grid.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        layout.addWidget(self.grid, 1)
        hint = plain_label(_("ダブルクリックまたは Enter で、その派遣の申請を開きます。"))
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.week_mode.toggled.connect(lambda _c: self.reload())
        self.advisor.currentIndexChanged.connect(lambda _i: self.reload())
        self.prev_button.clicked.connect(lambda: self.move(-1))
        self.next_button.clicked.connect(lambda: self.move(1))
        self.today_button.clicked.connect(self.go_today)
        self.grid.cellDoubleClicked.connect(self.open_cell)
        self.grid.activated.connect(lambda index: self.open_cell(index.row(), index.column()))
        ctx.events.data_changed.connect(self._data_changed)
        actor, advisors = ctx.require_actor(), ctx.services.advisors
        ctx.tasks.run(lambda _p: advisors.list(actor, include_inactive=True), on_done=self._got_advisors, owner=self)

    # ---- period ---------------------------------------------------------------------------
    def is_week(self) -> bool:
        return self.week_mode.isChecked()

    def period(self) -> tuple[dt.date, dt.date]:
        """The days shown: Monday–Sunday, or the whole weeks covering the month."""
        if self.is_week():
            start = self.anchor - dt.timedelta(days=self.anchor.weekday())
            return start, start + dt.timedelta(days=6)
        first = self.anchor.replace(day=1)
        start = first - dt.timedelta(days=first.weekday())
        return start, start + dt.timedelta(days=41)

    def move(self, step: int) -> None:
        if self.is_week():
            self.anchor += dt.timedelta(days=7 * step)
        else:
            month = self.anchor.month - 1 + step
            self.anchor = dt.date(self.anchor.year + month // 12, month % 12 + 1, 1)
        self.reload()

    def go_today(self) -> None:
        self.anchor = self.today
        self.reload()

    def show_day(self, day: dt.date) -> None:
        self.anchor = day
        self.reload()

    # ---- loading ------------------------------------------------------------------------------
    def _got_advisors(self, rows: list[AdvisorRecord]) -> None:
        self.advisors = rows
        self.advisor.blockSignals(True)
        for a in rows:
            self.advisor.addItem(a.name if a.active else _("{name}(休止中)").format(name=a.name), a.id)
        self.advisor.blockSignals(False)
        self.reload()

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in ("dispatch", "advisor", "closed_day"):
            self.reload()

    def reload(self) -> None:
        self._seq += 1
        seq = self._seq
        start, end = self.period()
        advisor_id = self.advisor.currentData()
        actor, dispatch, calendar = self.ctx.require_actor(), self.ctx.services.dispatch, self.ctx.services.calendar

        def fetch(_p):
            return dispatch.calendar(actor, start, end, advisor_id=advisor_id), {
                d.day: d for d in calendar.closed_days(start, end)
            }

        self.ctx.tasks.run(fetch, on_done=lambda result: self._fill(seq, start, end, advisor_id, *result), owner=self)

    def _fill(self, seq: int, start: dt.date, end: dt.date, advisor_id, entries: list, closed: dict) -> None:
        if seq != self._seq:
            return
        self.entries = entries
        if self.is_week():
            self.period_label.setText(
                _("{a} 〜 {b}").format(a=wareki(start, weekday=True), b=wareki(end, weekday=True))
            )
            self._fill_week(start, advisor_id, entries, closed)
        else:
            self.period_label.setText(
                _("{y}年{m}月").format(y=self.anchor.year, m=self.anchor.month)
                + f"({wareki(self.anchor.replace(day=1))[:-2]})"
            )
            self._fill_month(start, entries, closed)
        self.loaded.emit()

    def _fill_week(self, start: dt.date, advisor_id, entries: list, closed: dict) -> None:
        days = [start + dt.timedelta(days=i) for i in range(7)]
        if advisor_id is not None:
            people = [(advisor_id, self.advisor.currentText())]
        else:
            booked = {s.advisor_id for s, _a in entries}
            people = [(a.id, a.name) for a in self.advisors if a.active or a.id in booked]
        self.row_advisors = [pid for pid, _name in people]
        g = self.grid
        g.clear()
        g.setColumnCount(7)
        g.setRowCount(len(people))
        g.setHorizontalHeaderLabels([self._day_header(d, closed) for d in days])
        for i, d in enumerate(days):
            g.horizontalHeaderItem(i).setForeground(day_color(d.weekday(), holiday=d in closed))
        g.setVerticalHeaderLabels([name for _i, name in people])
        g.verticalHeader().show()
        for r, (pid, _name) in enumerate(people):
            for c, day in enumerate(days):
                mine = [(s, a) for s, a in entries if s.advisor_id == pid and s.start_at.date() == day]
                g.setItem(r, c, self._item(mine, day, closed, with_advisor=False))
        g.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        g.resizeRowsToContents()
        line = g.fontMetrics().lineSpacing()
        for r in range(g.rowCount()):
            g.setRowHeight(r, max(g.rowHeight(r) + 6, 3 * line + 10))

    def _fill_month(self, start: dt.date, entries: list, closed: dict) -> None:
        g = self.grid
        g.clear()
        g.setColumnCount(7)
        g.setRowCount(6)
        g.setHorizontalHeaderLabels([weekday_short(d) for d in range(7)])
        for d in range(7):
            g.horizontalHeaderItem(d).setForeground(day_color(d))
        g.verticalHeader().hide()
        for i in range(42):
            day = start + dt.timedelta(days=i)
            mine = [(s, a) for s, a in entries if s.start_at.date() == day]
            item = self._item(
                mine, day, closed, with_advisor=True, head=f"{day.day}" if day.day != 1 else f"{day.month}/{day.day}"
            )
            if day.month != self.anchor.month:
                item.setBackground(_OTHER_MONTH)
            g.setItem(i // 7, i % 7, item)
        g.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._fit_month_rows()

    def _fit_month_rows(self) -> None:
        """Each week as tall as its busiest day needs, and together at least the visible height."""
        g = self.grid
        if self.is_week() or g.rowCount() != 6 or g.item(0, 0) is None:
            return
        line = g.fontMetrics().lineSpacing()
        share = max(4 * line, (g.viewport().height() - 2) // 6)
        for r in range(6):
            lines = max([1] + [len(g.item(r, c).data(ENTRIES)) * 3 + 1 for c in range(7)])
            g.setRowHeight(r, max(share, lines * line + 10))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_month_rows()

    def _day_header(self, day: dt.date, closed: dict) -> str:
        text = f"{day.month}/{day.day}({weekday_short(day)})"
        return text + (_(" 休館") if day in closed else "")

    def _item(self, mine: list, day: dt.date, closed: dict, *, with_advisor: bool, head: str = "") -> QTableWidgetItem:
        lines = [head] if head else []
        if head and day in closed:
            lines[0] += _(" 休館")
        lines += [entry_text(s, a, with_advisor=with_advisor) for s, a in mine]
        item = QTableWidgetItem("\n".join(lines))
        item.setData(
            ENTRIES, [(s.id, a.id, f"{a.reference} {a.organization_name} {s.start_at:%H:%M}") for s, a in mine]
        )
        item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        if (
            head and not lines[1:] and (day.weekday() >= 5 or day in closed)
        ):  # an empty day's number: 土 blue, 日・休館 red
            item.setForeground(day_color(day.weekday(), holiday=day in closed))
        if day in closed:
            item.setBackground(_CLOSED)
            item.setToolTip(closed[day].reason or closed[day].kind.label())
        elif day == self.today:
            item.setBackground(_TODAY)
        return item

    # ---- opening --------------------------------------------------------------------------------
    def open_cell(self, row: int, column: int) -> None:
        item = self.grid.item(row, column)
        found = item.data(ENTRIES) if item is not None else []
        if not found:
            return
        if len({a for _s, a, _t in found}) == 1:
            self.open_requested.emit(found[0][1])
            return
        menu = QMenu(self)
        for _sid, app_id, text in found:
            menu.addAction(text, lambda a=app_id: self.open_requested.emit(a))
        rect = self.grid.visualItemRect(item)
        menu.popup(self.grid.viewport().mapToGlobal(rect.center()) if rect.isValid() else QCursor.pos())
        self.menu = menu

    def cell_of(self, day: dt.date, advisor_id: int | None = None) -> tuple[int, int] | None:
        """Where *day* is in the grid (week view: on *advisor_id*'s row)."""
        start, end = self.period()
        if not start <= day <= end:
            return None
        offset = (day - start).days
        if not self.is_week():
            return offset // 7, offset % 7
        if advisor_id in self.row_advisors:
            return self.row_advisors.index(advisor_id), offset
        return (0, offset) if advisor_id is None and self.row_advisors else None
