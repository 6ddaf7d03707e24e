"""The partners of a project: organizations picked by type-ahead, and the city's departments."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPlainTextEdit, QVBoxLayout, QWidget

from kyodo_desk.i18n import _
from kyodo_desk.services.organizations import OrganizationRecord
from kyodo_desk.services.project_records import Partner
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.org_picker import OrganizationPicker
from kyodo_desk.ui.widgets.page import plain_label


class PartnerList(QWidget):
    """Type part of a name and press Enter to add; Delete removes the selected partner."""

    textChanged = Signal()  # noqa: N815 - read by FieldErrors like a line edit's signal

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.picker = OrganizationPicker(ctx, self, placeholder=_("団体を検索して Enter で追加"), compact=True)
        self.picker.setObjectName("partnerPicker")
        self.picker.chosen.connect(self._chosen)
        layout.addWidget(self.picker)
        self.list = QListWidget()
        self.list.setObjectName("partnerList")
        self.list.setFixedHeight(self.list.fontMetrics().lineSpacing() * 4 + 14)
        self.list.installEventFilter(self)
        layout.addWidget(self.list)
        hint = plain_label(_("一覧で Delete キーを押すと外します。"))
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.setFocusProxy(self.picker)

    def _chosen(self, org: OrganizationRecord | None) -> None:
        if org is None:
            return
        self.add(Partner(org.id, org.name, org.kind))
        self.picker.set_record(None)
        self.picker.edit.setFocus()

    def add(self, partner: Partner) -> None:
        if partner.organization_id in self.ids():
            return
        item = QListWidgetItem(partner.name)
        item.setData(Qt.ItemDataRole.UserRole, partner.organization_id)
        self.list.addItem(item)
        self.textChanged.emit()

    def set_partners(self, partners: tuple[Partner, ...]) -> None:
        self.list.clear()
        for p in partners:
            self.add(p)

    def ids(self) -> tuple[int, ...]:
        return tuple(self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count()))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if (
            obj is self.list
            and event.type() == event.Type.KeyPress
            and event.key()
            in (
                Qt.Key.Key_Delete,
                Qt.Key.Key_Backspace,
            )
        ):
            row = self.list.currentRow()
            if row >= 0:
                self.list.takeItem(row)
                self.textChanged.emit()
            return True
        return False

    def setReadOnly(self, read_only: bool) -> None:  # noqa: N802
        self.picker.setEnabled(not read_only)
        self.list.setEnabled(not read_only)


def departments_edit() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName("cityDepartments")
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(_("市の担当課(1行に1つ。例: 市民協働推進課)"))
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 14)
    return edit
