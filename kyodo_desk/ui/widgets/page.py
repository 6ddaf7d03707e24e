"""Shared page pieces: a titled page, cards and the placeholder for features still to come."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QTabWidget, QVBoxLayout, QWidget

from kyodo_desk.i18n import _


def plain_label(text: str = "") -> QLabel:
    """A QLabel that never interprets its text as HTML (names and messages come from people)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(max(6.0, font.pointSizeF() * factor))
    font.setBold(bold)
    return font


def page_title(text: str) -> QLabel:
    label = plain_label(text)
    label.setObjectName("pageTitle")
    label.setFont(scaled_font(label, 1.6, bold=True))
    return label


def intro(text: str) -> QLabel:
    label = plain_label(text)
    label.setObjectName("pageIntro")
    label.setWordWrap(True)
    return label


class Card(QFrame):
    """A white box with a heading; put content in ``card.body`` (a QVBoxLayout)."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 12, 16, 14)
        self.body.setSpacing(6)
        heading = plain_label(title)
        heading.setObjectName("cardTitle")
        heading.setFont(scaled_font(heading, 1.1, bold=True))
        self.body.addWidget(heading)


class PlaceholderPage(QWidget):
    """An honest page for a feature a later release adds: says what will be here, does nothing."""

    def __init__(self, title: str, coming: str, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(page_title(title))
        card = Card(_("この画面は準備中です"))
        text = plain_label(coming)
        text.setWordWrap(True)
        card.body.addWidget(text)
        hint = plain_label(_("いまは「ホーム」「団体」「設定」と上の検索欄が使えます。"))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        card.body.addWidget(hint)
        layout.addWidget(card)
        layout.addStretch(1)


def tab_keys(owner: QWidget, tabs: QTabWidget) -> str:
    """Alt+1, Alt+2 … switch *tabs* while the focus is anywhere in *owner*; returns the hint text
    naming the real tabs (「Alt+1 受付 ・ Alt+2 一覧」).  Each tab's tooltip names its key too."""
    parts = []
    for n in range(min(tabs.count(), 9)):
        key = f"Alt+{n + 1}"
        QShortcut(
            QKeySequence(key),
            owner,
            activated=lambda i=n: tabs.setCurrentIndex(i),
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        tabs.setTabToolTip(n, key)
        parts.append(f"{key} {tabs.tabText(n).replace('&', '')}")
    return " ・ ".join(parts)


def has_tab_keys(owner: QWidget) -> bool:
    """True when *owner* already switches its tabs with Alt+1 (so no second, ambiguous shortcut)."""
    first = QKeySequence("Alt+1")
    return any(s.key() == first for s in owner.findChildren(QShortcut))
