"""Staff accounts: who may sign in at the desk.  Administrators add accounts."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
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

from kyodo_desk.domain import passwords
from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.settings.common import admin_only_note
from kyodo_desk.ui.settings.staff_edit import password_state
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import plain_label


class StaffAccountsForm(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.can_manage = ctx.require_actor().can(Permission.STAFF_MANAGE)
        self._new_account()
        outer = QVBoxLayout(self)
        row = QHBoxLayout()
        outer.addLayout(row, 1)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [_("氏名"), _("カナ"), _("ログイン名"), _("役割"), _("状態"), _("パスワード")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.edit_row(index.row()))
        self.table.setToolTip(_("ダブルクリックまたは Enter で編集(管理者)"))
        row.addWidget(self.table, 3)

        add = QGroupBox(_("スタッフを追加"))
        column = QVBoxLayout(add)
        form = QFormLayout()
        self.errors = FieldErrors()
        self.login = QLineEdit()
        self.login.setPlaceholderText(_("半角英数字(例: tanaka)"))
        self.name = QLineEdit()
        self.kana = QLineEdit()
        self.role = QComboBox()
        for value, label in StaffRole.choices():
            self.role.addItem(label, value)
        self.errors.add_row(form, "login_name", _("ログイン名"), self.login)
        self.errors.add_row(form, "display_name", _("氏名"), self.name)
        self.errors.add_row(form, "display_kana", _("氏名(カナ)"), self.kana)
        self.errors.add_row(form, "role", _("役割"), self.role)
        column.addLayout(form)
        self.add_button = QPushButton(_("追加"))
        self.add_button.clicked.connect(self.add_staff)
        column.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.status = plain_label()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        column.addStretch(1)
        if not self.can_manage:  # staff see who works here; adding accounts is an administrator's
            for widget in (self.login, self.name, self.kana, self.role, self.add_button):
                widget.setEnabled(False)
            add.hide()
            self.table.setToolTip("")
            outer.insertWidget(0, admin_only_note())
        row.addWidget(add, 2)
        ctx.events.data_changed.connect(self._data_changed)
        self.load()

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind == "staff":
            self.load()

    def load(self) -> None:
        staff = self.ctx.services.staff
        self.ctx.tasks.run(lambda _p: staff.list(include_inactive=True), on_done=self._fill, owner=self)

    def _fill(self, records) -> None:
        self.records = records
        self.table.setRowCount(len(records))
        for r, rec in enumerate(records):
            values = [
                rec.display_name,
                rec.display_kana,
                rec.login_name,
                rec.role.label(),
                _("有効") if rec.active else _("無効"),
                password_state(rec),
            ]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        from PySide6.QtCore import Qt as _Qt

        if (
            event.key() in (_Qt.Key.Key_Return, _Qt.Key.Key_Enter)
            and self.table.hasFocus()
            and self.table.currentRow() >= 0
        ):
            self.edit_row(self.table.currentRow())
            return
        super().keyPressEvent(event)

    def edit_row(self, row: int) -> None:
        if not self.can_manage or not 0 <= row < len(getattr(self, "records", [])):
            return
        from kyodo_desk.ui.settings.staff_edit import StaffEditDialog

        StaffEditDialog(self.ctx, self.records[row], self).exec()

    def names(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def add_staff(self) -> None:
        login, name, kana, role = self.login.text(), self.name.text(), self.kana.text(), self.role.currentData()
        actor, staff = self.ctx.require_actor(), self.ctx.services.staff
        self.errors.clear()
        self.status.clear()
        key, temporary = self.request_key, self.temporary  # the same on a second press after an error

        def create(_p):
            record = staff.create(actor, login, name, role, kana, password=temporary, temporary=True, request_key=key)
            return record, temporary

        self.ctx.tasks.run(
            create,
            on_done=self._added,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _new_account(self) -> None:
        """A new request key (sent with the create: a retried save never stores it twice) and the
        temporary password handed over (changed at the first sign-in) for the next account."""
        self.request_key = str(uuid.uuid4())
        self.temporary = passwords.temporary_password()

    def _added(self, result) -> None:
        record, temporary = result
        self._new_account()
        for edit in (self.login, self.name, self.kana):
            edit.clear()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setText(
            _(
                "{name} さんを追加しました。仮パスワード: {password}\n本人に渡してください(二度と表示されません)。"
                "最初のサインインで本人が新しいパスワードに変更します。"
            ).format(name=record.display_name, password=temporary)
        )
        self.ctx.events.emit_changed("staff", [record.id])

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            if first:
                self.errors.widgets[first].setFocus()
            return
        report_error(self, exc, self.ctx.log_file)
