"""The one import dialog (Excel・CSV から取り込む) shared by 在庫, 団体 and アドバイザー."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kyodo_desk.i18n import _


def import_button_text() -> str:
    return _("Excel・CSV から取り込む…")


def open_import(ctx, kind: str, parent: QWidget):
    """Open the import dialog for *kind* ("devices", "organizations", "advisors") over *parent*."""
    from kyodo_desk.ui.imports.dialog import ImportDialog

    dialog = ImportDialog(ctx, kind, parent)
    dialog.open()
    return dialog
