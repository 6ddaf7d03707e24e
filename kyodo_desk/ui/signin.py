"""Who is at the desk: the first-run set-up and the staff picker.

``StaffService.sign_in`` is the one entry point; when password login arrives it will ask for the
password here and pass it on — callers of this module do not change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QListWidget,
    QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services import demo
from kyodo_desk.services.base import SYSTEM, Actor
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import intro, page_title, plain_label, scaled_font


class StaffPickerDialog(QDialog):
    """「窓口にいるのは誰ですか」: pick yourself from the list and press Enter."""

    signed_in = Signal(object)  # Actor

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.actor: Actor | None = None
        self.setWindowTitle(_("担当者の選択"))
        self.setStyleSheet(STYLE_SHEET)
        self.setMinimumSize(420, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(_("窓口にいるのは誰ですか")))
        layout.addWidget(intro(_("自分の名前を選んで Enter を押してください。記録には選んだ人の名前が残ります。")))
        self.list = QListWidget()
        self.list.setObjectName("staffList")
        self.list.setFont(scaled_font(self.list, 1.15))
        self.list.itemActivated.connect(lambda _item: self.sign_in())
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.addButton(_("この人で始める"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._load()

    def _load(self) -> None:
        staff = self.ctx.services.staff
        self.ctx.tasks.run(lambda _p: staff.list(), on_done=self._fill, owner=self)

    def _fill(self, records) -> None:
        self.list.clear()
        chosen = 0
        for row, record in enumerate(records):
            item = QListWidgetItem(f"{record.display_name}  ({record.role.label()})")
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            self.list.addItem(item)
            if record.id == self.ctx.prefs.last_staff_id:
                chosen = row
        if records:
            self.list.setCurrentRow(chosen)
        self.list.setFocus()

    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def select_staff(self, staff_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == staff_id:
                self.list.setCurrentRow(row)

    def sign_in(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        staff_id = item.data(Qt.ItemDataRole.UserRole)
        staff = self.ctx.services.staff
        self.ok_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda _p: staff.sign_in(staff_id), on_done=self._signed_in, on_error=self._failed, write=True, owner=self
        )

    def _signed_in(self, actor: Actor) -> None:
        remember_staff(self.ctx, actor)
        self.actor = actor
        self.signed_in.emit(actor)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        report_error(self, exc, self.ctx.log_file)


def remember_staff(ctx: AppContext, actor: Actor) -> None:
    """Pre-select this person next time (this desk's preferences)."""
    if actor.staff_id is not None and ctx.prefs.last_staff_id != actor.staff_id:
        ctx.save_preferences(ctx.prefs.with_changes(last_staff_id=actor.staff_id))


class FirstRunDialog(QDialog):
    """A new database has no staff yet: try it with demo data, or create the first administrator."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.created_admin = None  # StaffRecord when the admin form was used
        self.demo_loaded = False
        self.setWindowTitle(_("協働デスクへようこそ"))
        self.setStyleSheet(STYLE_SHEET)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(_("はじめに")))
        layout.addWidget(intro(_("このデータベースにはまだスタッフが登録されていません。どちらかを選んでください。")))
        row = QHBoxLayout()
        layout.addLayout(row)

        demo_box = QGroupBox(_("デモデータで試す"))
        demo_col = QVBoxLayout(demo_box)
        demo_col.addWidget(intro(_(
            "架空の団体・個人・スタッフ・相談の記録を入れて、すぐに操作を試せます。"
            "本番で使うデータベースには入れないでください。"
        )))
        demo_col.addStretch(1)
        self.demo_button = QPushButton(_("デモデータで試す"))
        self.demo_button.setObjectName("demoButton")
        self.demo_button.setAutoDefault(False)  # Enter never loads demo data: only a click or Space
        self.demo_button.clicked.connect(self.load_demo)
        demo_col.addWidget(self.demo_button)
        row.addWidget(demo_box, 1)

        admin_box = QGroupBox(_("最初の管理者を作成"))
        admin_col = QVBoxLayout(admin_box)
        admin_col.addWidget(intro(_("本番で使い始めるときはこちら。設定やスタッフの追加ができる管理者を登録します。")))
        form = QFormLayout()
        self.errors = FieldErrors()
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("adminLogin")
        self.login_edit.setPlaceholderText(_("半角英数字(例: yamada)"))
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("adminName")
        self.kana_edit = QLineEdit()
        self.kana_edit.setObjectName("adminKana")
        self.errors.add_row(form, "login_name", _("ログイン名"), self.login_edit)
        self.errors.add_row(form, "display_name", _("氏名"), self.name_edit)
        self.errors.add_row(form, "display_kana", _("氏名(カナ)"), self.kana_edit)
        admin_col.addLayout(form)
        admin_col.addStretch(1)
        self.create_button = QPushButton(_("管理者を作成して始める(Enter)"))
        self.create_button.setObjectName("createAdminButton")
        self.create_button.setDefault(True)  # Enter anywhere in the form creates the administrator
        self.create_button.clicked.connect(self.create_admin)
        admin_col.addWidget(self.create_button)
        row.addWidget(admin_box, 1)

        self.role_error = plain_label()
        self.role_error.setObjectName("fieldError")
        self.role_error.hide()
        layout.addWidget(self.role_error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            button.setAutoDefault(False)
        layout.addWidget(buttons)
        self.setMinimumSize(820, 500)  # room for the field messages under the form
        # the form comes first for the keyboard: ログイン名 → 氏名 → カナ → 作成, then the demo
        QWidget.setTabOrder(self.login_edit, self.name_edit)
        QWidget.setTabOrder(self.name_edit, self.kana_edit)
        QWidget.setTabOrder(self.kana_edit, self.create_button)
        QWidget.setTabOrder(self.create_button, self.demo_button)
        self.login_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self.created_admin and not self.demo_loaded:
            self.login_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _busy(self, busy: bool) -> None:
        self.demo_button.setEnabled(not busy)
        self.create_button.setEnabled(not busy)

    def load_demo(self) -> None:
        self._busy(True)
        db = self.ctx.db
        self.ctx.tasks.run(
            lambda progress: demo.generate(db, size="small", progress=progress),
            _("デモデータを作成しています…"),
            on_done=self._demo_done,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _demo_done(self, _counts) -> None:
        self.demo_loaded = True
        self.accept()

    def create_admin(self) -> None:
        self._busy(True)
        self.errors.clear()
        login, name, kana = self.login_edit.text(), self.name_edit.text(), self.kana_edit.text()
        staff = self.ctx.services.staff
        self.ctx.tasks.run(
            lambda _p: staff.create(SYSTEM, login, name, StaffRole.ADMIN, kana),
            on_done=self._admin_created,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _admin_created(self, record) -> None:
        self.created_admin = record
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            others = self.errors.unknown(exc.errors)
            self.role_error.setText("\n".join(others))
            self.role_error.setVisible(bool(others))
            if first:
                self.errors.widgets[first].setFocus()
            return
        report_error(self, exc, self.ctx.log_file)


def sign_in_at_start(ctx: AppContext) -> Actor | None:
    """First-run set-up if needed, then the staff picker.  None when the user closed the window."""
    staff = ctx.services.staff
    if ctx.tasks.call(lambda _p: staff.count()) == 0:
        first = FirstRunDialog(ctx)
        if first.exec() != QDialog.DialogCode.Accepted:
            return None
        if first.created_admin is not None:
            admin_id = first.created_admin.id
            actor = ctx.tasks.call(lambda _p: staff.sign_in(admin_id), write=True)
            remember_staff(ctx, actor)
            return actor
    picker = StaffPickerDialog(ctx)
    if picker.exec() != QDialog.DialogCode.Accepted:
        return None
    return picker.actor
