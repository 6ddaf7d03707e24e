"""List rows of the print page: the document's title in bold over its short description."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 1
PAD = 8


class DocumentItemDelegate(QStyledItemDelegate):
    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.9))
        return title, small

    def _description_rect(self, option: QStyleOptionViewItem, text: str, width: int) -> QRect:
        _title, small = self._fonts(option)
        return QFontMetrics(small).boundingRect(QRect(0, 0, max(10, width), 10_000), Qt.TextFlag.TextWordWrap, text)

    def sizeHint(self, option, index):  # noqa: N802 - Qt's name
        title, _small = self._fonts(option)
        width = (option.rect.width() or 360) - 2 * PAD
        desc = self._description_rect(option, index.data(DESCRIPTION_ROLE) or "", width)
        return QSize(width, QFontMetrics(title).height() + desc.height() + 2 * PAD + 2)

    def paint(self, painter, option, index):
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        title_font, small = self._fonts(option)
        rect = option.rect.adjusted(PAD, PAD, -PAD, -PAD)
        painter.save()
        painter.setPen(opt.palette.color(role))
        painter.setFont(title_font)
        line = QFontMetrics(title_font).height()
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), line), Qt.TextFlag.TextSingleLine, index.data() or ""
        )
        painter.setFont(small)
        if not selected:
            painter.setPen(opt.palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            QRect(rect.left(), rect.top() + line + 2, rect.width(), rect.height() - line),
            Qt.TextFlag.TextWordWrap,
            index.data(DESCRIPTION_ROLE) or "",
        )
        painter.restore()
