"""Pieces shared by the settings forms."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from kyodo_desk.i18n import _
from kyodo_desk.ui.widgets.page import plain_label


def admin_only_note() -> QLabel:
    """The one note over a form that the signed-in role may read but not change."""
    note = plain_label(_("管理者のみ変更できます。内容を見ることはできます。"))
    note.setObjectName("banner")
    note.setAccessibleName("readOnlyNote")
    note.setWordWrap(True)
    return note
