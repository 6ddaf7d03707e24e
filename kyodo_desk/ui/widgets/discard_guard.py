"""「変更を破棄しますか?」 — one question for every editing window that Esc or キャンセル would close
with unsaved input.  The default answer keeps editing (Enter never throws typed text away)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from kyodo_desk.i18n import _


def ask_discard(parent: QWidget, discard: Callable[[], None]) -> QMessageBox:
    """Open the question (window-modal, not blocking); *discard* runs only on 「破棄して閉じる」."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _("確認"),
        _("変更を破棄しますか?"),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Discard).setText(_("破棄して閉じる"))
    box.button(QMessageBox.StandardButton.Cancel).setText(_("編集を続ける"))

    def answered(button) -> None:
        if box.standardButton(button) == QMessageBox.StandardButton.Discard:
            discard()

    box.buttonClicked.connect(answered)
    box.open()
    return box
