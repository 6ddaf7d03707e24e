"""Small pieces shared by the consultation screens: combos, the save-path question, text helpers."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QWidget

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.i18n import _, wareki_fiscal_year
from kyodo_desk.ui.printing.dialog import ask_save_path  # noqa: F401  (one save-as question for every area)

CONSULTATION_KIND = "consultation"
CASE_KIND = "consultation_case"
CATEGORY_KIND = "consultation_category"


def choice_combo(choices: list[tuple[str, str]], first: tuple[str, object] | None = None) -> QComboBox:
    combo = QComboBox()
    if first is not None:
        combo.addItem(first[0], first[1])
    for value, label in choices:
        combo.addItem(label, value)
    return combo


def set_combo_data(combo: QComboBox, value) -> None:
    """Select the item whose data is *value* (the first item when there is none)."""
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


def fiscal_year_combo(*, with_all: bool = False, years_back: int = 6, today: dt.date | None = None) -> QComboBox:
    """This fiscal year first, then earlier ones (令和7年度(2025) …)."""
    current = fiscal_year_of(today or dt.date.today())
    combo = QComboBox()
    if with_all:
        combo.addItem(_("すべての年度"), None)
    for fy in range(current, current - years_back - 1, -1):
        combo.addItem(_("{wareki}({year})").format(wareki=wareki_fiscal_year(fy), year=fy), fy)
    if with_all:
        combo.setCurrentIndex(0)
    return combo


def one_line(text: str, limit: int = 60) -> str:
    """A person's text on one line, shortened for a table cell."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def safe_filename(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "kyodo"


def confirm_box(parent: QWidget, text: str, yes: str, no: str, title: str | None = None) -> QMessageBox:
    """A window-modal question whose safe answer (*no*) is the default.  Check ``clickedButton()`` in ``finished``."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title or _("確認"),
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(yes)
    box.button(QMessageBox.StandardButton.No).setText(no)
    return box
