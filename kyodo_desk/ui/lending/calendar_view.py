"""A month of loans and reservations: one row per device, one column per day, bars for each
loan (blue) and reservation (orange).  Painted by hand; hover a bar for who and when."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from kyodo_desk.i18n import _, weekday_short
from kyodo_desk.services.reservations import CalendarEntry
from kyodo_desk.ui.widgets.day_colors import day_color

TAG_W, DAY_W, ROW_H, HEAD_H = 96, 30, 24, 38
LOAN, RESERVATION = QColor("#1f5f99"), QColor("#e08a1e")
WEEKEND, TODAY, GRID = QColor("#f1f4f7"), QColor("#fff3c4"), QColor("#dde3e9")


class LoanCalendar(QWidget):
    entry_clicked = Signal(object)  # CalendarEntry

    def __init__(self):
        super().__init__()
        self.setObjectName("loanCalendar")
        self.setMouseTracking(True)
        self.first = dt.date.today().replace(day=1)
        self.days = _calendar.monthrange(self.first.year, self.first.month)[1]
        self.tags: list[str] = []
        self.entries: list[CalendarEntry] = []
        self.closed: set[dt.date] = set()
        self.today = dt.date.today()

    def set_month(
        self, first: dt.date, tags: list[str], entries: list[CalendarEntry], closed: set[dt.date] | None = None
    ) -> None:
        self.first = first.replace(day=1)
        self.days = _calendar.monthrange(self.first.year, self.first.month)[1]
        self.tags = sorted(set(tags) | {e.device_tag for e in entries})
        self.entries = entries
        self.closed = closed or set()
        self.updateGeometry()
        self.resize(self.sizeHint())
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(TAG_W + self.days * DAY_W + 2, HEAD_H + max(1, len(self.tags)) * ROW_H + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.sizeHint()

    # ---- geometry --------------------------------------------------------------------------
    def bar_rect(self, entry: CalendarEntry) -> QRect | None:
        last = self.first + dt.timedelta(days=self.days - 1)
        if entry.end < self.first or entry.start > last or entry.device_tag not in self.tags:
            return None
        start, end = max(entry.start, self.first), min(entry.end, last)
        row = self.tags.index(entry.device_tag)
        x = TAG_W + (start - self.first).days * DAY_W
        w = ((end - start).days + 1) * DAY_W
        return QRect(x + 1, HEAD_H + row * ROW_H + 3, w - 2, ROW_H - 6)

    def entry_at(self, pos: QPoint) -> CalendarEntry | None:
        for entry in reversed(self.entries):
            rect = self.bar_rect(entry)
            if rect is not None and rect.contains(pos):
                return entry
        return None

    # ---- painting ------------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#ffffff"))
        height = HEAD_H + len(self.tags) * ROW_H
        fm = p.fontMetrics()
        for d in range(self.days):
            day = self.first + dt.timedelta(days=d)
            x = TAG_W + d * DAY_W
            if day == self.today:
                p.fillRect(x, 0, DAY_W, height, TODAY)
            elif day.weekday() >= 5 or day in self.closed:
                p.fillRect(x, 0, DAY_W, height, WEEKEND)
            p.setPen(day_color(day.weekday(), holiday=day in self.closed))  # 土 blue, 日・休館 red: one definition
            p.drawText(QRect(x, 2, DAY_W, 17), Qt.AlignmentFlag.AlignCenter, str(day.day))
            p.drawText(QRect(x, 19, DAY_W, 17), Qt.AlignmentFlag.AlignCenter, weekday_short(day))
        p.setPen(QPen(GRID))
        for row in range(len(self.tags) + 1):
            y = HEAD_H + row * ROW_H
            p.drawLine(0, y, TAG_W + self.days * DAY_W, y)
        for d in range(self.days + 1):
            x = TAG_W + d * DAY_W
            p.drawLine(x, HEAD_H - 2, x, height)
        p.setPen(QColor("#1c2a36"))
        for row, tag in enumerate(self.tags):
            p.drawText(
                QRect(6, HEAD_H + row * ROW_H, TAG_W - 8, ROW_H),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                tag,
            )
        if not self.tags:
            p.drawText(
                QRect(TAG_W, HEAD_H, self.days * DAY_W, ROW_H),
                Qt.AlignmentFlag.AlignCenter,
                _("この月の貸出・予約はありません。"),
            )
        for entry in self.entries:
            rect = self.bar_rect(entry)
            if rect is None:
                continue
            color = LOAN if entry.kind == "loan" else RESERVATION
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRoundedRect(rect, 4, 4)
            p.setPen(QColor("#ffffff"))
            text = fm.elidedText(entry.organization_name, Qt.TextElideMode.ElideRight, max(0, rect.width() - 8))
            p.drawText(rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        p.end()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            entry = self.entry_at(event.pos())
            if entry is None:
                QToolTip.hideText()
            else:
                kind = _("貸出") if entry.kind == "loan" else _("予約")
                QToolTip.showText(
                    event.globalPos(),
                    _("{tag} {kind} {ref}\n{org}\n{s} 〜 {e}").format(
                        tag=entry.device_tag,
                        kind=kind,
                        ref=entry.reference,
                        org=entry.organization_name,
                        s=entry.start.strftime("%m/%d"),
                        e=entry.end.strftime("%m/%d"),
                    ),
                    self,
                )
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        entry = self.entry_at(event.position().toPoint())
        if entry is not None:
            self.entry_clicked.emit(entry)
        super().mousePressEvent(event)
