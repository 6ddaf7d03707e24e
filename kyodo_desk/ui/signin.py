"""Who is at the desk: the first-run set-up, the staff picker with its password, the lock screen.

``StaffService.sign_in`` is the one entry point.  The picker lists names; choosing one asks for its
password (Enter on the name moves to the password, Enter there signs in).  An account without a
password, or with a temporary one, chooses a new password in the same dialog.  The same dialog is
the idle-lock screen (``locked_by``): the same person unlocks with their password, or someone else
signs in (交代).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain import passwords
from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import SYSTEM, Actor
from kyodo_desk.services.staff import (
    AccountLocked,
    PasswordChangeRequired,
    PasswordSetupRequired,
    SignInRefused,
    StaffRecord,
    WrongPassword,
)
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import intro, page_title, plain_label, scaled_font


def password_edit(name: str) -> QLineEdit:
    """A password field: nothing shown as typed, no input method (Japanese IME) in the way."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    edit.setMaxLength(passwords.MAX_PASSWORD_LENGTH)
    return edit


def password_hint() -> str:
    return _("{n}文字以上。ほかの人に推測されにくいものにしてください。").format(n=passwords.MIN_PASSWORD_LENGTH)


class StaffPickerDialog(QDialog):
    """「窓口にいるのは誰ですか」: choose your name, Enter, type your password, Enter.

    With *locked_by* it is the lock screen: that person is chosen, there is no キャンセル (Esc does
    nothing), and another name signs someone else in (交代)."""

    signed_in = Signal(object)  # Actor

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, locked_by: Actor | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.actor: Actor | None = None
        self.locked_by = locked_by
        self.records: dict[int, StaffRecord] = {}
        self._mode = "password"  # "password" | "new" (first password) | "change" (after a temporary one)
        self._moving_to_password = False
        self.setObjectName("lockScreen" if locked_by else "staffPicker")
        self.setWindowTitle(_("ロック中 — 協働デスク") if locked_by else _("担当者の選択"))
        self.setStyleSheet(STYLE_SHEET)
        self.setMinimumSize(460, 560)
        layout = QVBoxLayout(self)
        if locked_by is not None:
            layout.addWidget(page_title(_("画面をロックしました")))
            layout.addWidget(
                intro(
                    _(
                        "しばらく操作がなかったため、記録を隠しています。{name} さんはパスワードを入力して Enter。"
                        "別の人が使うときは自分の名前を選んでください(交代)。"
                    ).format(name=locked_by.name)
                )
            )
        else:
            layout.addWidget(page_title(_("窓口にいるのは誰ですか")))
            layout.addWidget(
                intro(
                    _(
                        "自分の名前を選んで Enter、パスワードを入力して Enter を押してください。記録には選んだ人の名前が残ります。"
                    )
                )
            )
        self.list = QListWidget()
        self.list.setObjectName("staffList")
        self.list.setFont(scaled_font(self.list, 1.15))
        self.list.itemActivated.connect(lambda _item: self._to_password())
        self.list.currentRowChanged.connect(lambda _row: self._prepare())
        layout.addWidget(self.list, 1)

        form = QFormLayout()
        self.password = password_edit("passwordEdit")
        self.new_password = password_edit("newPasswordEdit")
        self.new_password.setPlaceholderText(password_hint())
        self.confirm = password_edit("confirmPasswordEdit")
        self.password_label = QLabel(_("パスワード"))
        self.new_label = QLabel(_("新しいパスワード"))
        self.confirm_label = QLabel(_("新しいパスワード(確認)"))
        form.addRow(self.password_label, self.password)
        form.addRow(self.new_label, self.new_password)
        form.addRow(self.confirm_label, self.confirm)
        layout.addLayout(form)
        self.message = plain_label()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

        buttons = QDialogButtonBox()
        if locked_by is None:
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.addButton(
            _("ロックを解除") if locked_by else _("サインイン"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("signInButton")
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QWidget.setTabOrder(self.list, self.password)
        QWidget.setTabOrder(self.password, self.new_password)
        QWidget.setTabOrder(self.new_password, self.confirm)
        QWidget.setTabOrder(self.confirm, self.ok_button)
        self._show_fields("password")
        self._load()

    # ---- the list ------------------------------------------------------------------------
    def _load(self) -> None:
        staff = self.ctx.services.staff
        self.ctx.tasks.run(lambda _p: staff.list(), on_done=self._fill, owner=self)

    def _fill(self, records: list[StaffRecord]) -> None:
        self.records = {r.id: r for r in records}
        self.list.blockSignals(True)
        self.list.clear()
        chosen = 0
        wanted = self.locked_by.staff_id if self.locked_by is not None else self.ctx.prefs.last_staff_id
        for row, record in enumerate(records):
            item = QListWidgetItem(f"{record.display_name}  ({record.role.label()})")
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            self.list.addItem(item)
            if record.id == wanted:
                chosen = row
        self.list.blockSignals(False)
        if records:
            self.list.setCurrentRow(chosen)
        self._prepare()
        if self.locked_by is not None and records:
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)  # the same person types at once
        else:
            self.list.setFocus()

    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def select_staff(self, staff_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == staff_id:
                self.list.setCurrentRow(row)

    def chosen(self) -> StaffRecord | None:
        item = self.list.currentItem()
        return self.records.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    # ---- the fields -------------------------------------------------------------------------
    def _show_fields(self, mode: str) -> None:
        self._mode = mode
        for widget in (self.password_label, self.password):
            widget.setVisible(mode != "new")
        for widget in (self.new_label, self.new_password, self.confirm_label, self.confirm):
            widget.setVisible(mode != "password")

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setObjectName("fieldError" if error else "hint")
        self.message.style().unpolish(self.message)  # re-polish for the new object name
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _prepare(self) -> None:
        """Another name was chosen: fresh fields for that account."""
        for edit in (self.password, self.new_password, self.confirm):
            edit.clear()
        record = self.chosen()
        if record is not None and not record.has_password:
            self._show_fields("new")
            self._say(
                _(
                    "{name} さんのパスワードはまだ設定されていません。新しいパスワードを決めて、2回入力してください。"
                ).format(name=record.display_name),
                error=False,
            )
        else:
            self._show_fields("password")
            self._say("")

    def _first_field(self) -> QLineEdit:
        return self.new_password if self._mode == "new" else self.password

    def _to_password(self) -> None:
        """Enter (or a double-click) on a name: the cursor goes to its password."""
        self._moving_to_password = True
        self._first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- signing in ---------------------------------------------------------------------------
    def sign_in(self) -> None:
        record = self.chosen()
        moving, self._moving_to_password = self._moving_to_password, False
        if record is None or not self.ok_button.isEnabled():
            return
        password = self.password.text()
        new = self.new_password.text() if self._mode != "password" else None
        if self._mode != "new" and not password:
            if not moving:
                self._say(_("パスワードを入力してください。"))
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if new is not None:
            if moving and not new:
                return
            problem = passwords.password_problem(new, self.confirm.text())
            if problem:
                self._say(problem)
                target = (
                    self.confirm
                    if new and self.confirm.text() != new and len(new) >= passwords.MIN_PASSWORD_LENGTH
                    else self.new_password
                )
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                target.selectAll()
                return
        staff, staff_id = self.ctx.services.staff, record.id
        self.ok_button.setEnabled(False)
        self._say(_("確認しています…"), error=False)
        self.ctx.tasks.run(
            lambda _p: staff.sign_in(staff_id, password or None, new_password=new),
            on_done=self._signed_in,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _signed_in(self, actor: Actor) -> None:
        remember_staff(self.ctx, actor)
        self.actor = actor
        self.ok_button.setEnabled(True)
        self.signed_in.emit(actor)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, PasswordChangeRequired):
            self._show_fields("change")
            self._say(str(exc), error=False)
            self.new_password.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, PasswordSetupRequired):
            self._show_fields("new")
            self._say(str(exc), error=False)
            self.new_password.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, (WrongPassword, AccountLocked)):
            self._say(str(exc))
            self.password.clear()
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, ValidationError):
            self._say("\n".join(exc.errors.values()))
            self.new_password.setFocus(Qt.FocusReason.OtherFocusReason)
            self.new_password.selectAll()
        elif isinstance(exc, SignInRefused):
            self._say(str(exc))
        else:
            self._say("")
            report_error(self, exc, self.ctx.log_file)

    def reject(self) -> None:
        if self.locked_by is not None:
            return  # the lock screen stays until someone signs in
        super().reject()


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
        self.request_key = str(uuid.uuid4())  # sent with the create: a retried save never stores it twice
        self.actor: Actor | None = None  # the administrator, signed in with the new password
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
        demo_col.addWidget(
            intro(
                _(
                    "架空の団体・個人・スタッフ・相談の記録を入れて、すぐに操作を試せます。"
                    "本番で使うデータベースには入れないでください。"
                )
            )
        )
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
        self.password_edit = password_edit("adminPassword")
        self.password_edit.setPlaceholderText(password_hint())
        self.confirm_edit = password_edit("adminPasswordConfirm")
        self.errors.add_row(form, "password", _("パスワード"), self.password_edit)
        self.errors.add_row(form, "password_confirm", _("パスワード(確認)"), self.confirm_edit)
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
        self.setMinimumSize(820, 560)  # room for the field messages under the form
        # the form comes first for the keyboard: ログイン名 → 氏名 → カナ → パスワード ×2 → 作成, then the demo
        QWidget.setTabOrder(self.login_edit, self.name_edit)
        QWidget.setTabOrder(self.name_edit, self.kana_edit)
        QWidget.setTabOrder(self.kana_edit, self.password_edit)
        QWidget.setTabOrder(self.password_edit, self.confirm_edit)
        QWidget.setTabOrder(self.confirm_edit, self.create_button)
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
            lambda progress: _demo().generate(db, size="small", progress=progress),
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
        self.errors.clear()
        login, name, kana = self.login_edit.text(), self.name_edit.text(), self.kana_edit.text()
        password, confirmation = self.password_edit.text(), self.confirm_edit.text()
        if passwords.password_problem(password) is None and confirmation != password:
            self._failed(
                ValidationError({"password_confirm": passwords.password_problem(password, confirmation) or ""})
            )
            return  # the other fields are checked (together) by the service
        self._busy(True)
        staff, key = self.ctx.services.staff, self.request_key

        def create_and_sign_in(_p):
            record = staff.create(SYSTEM, login, name, StaffRole.ADMIN, kana, password=password, request_key=key)
            return record, staff.sign_in(record.id, password)

        self.ctx.tasks.run(
            create_and_sign_in, on_done=self._admin_created, on_error=self._failed, write=True, owner=self
        )

    def _admin_created(self, result) -> None:
        self.created_admin, self.actor = result
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
        if first.actor is not None:
            remember_staff(ctx, first.actor)
            return first.actor
    picker = StaffPickerDialog(ctx)
    if picker.exec() != QDialog.DialogCode.Accepted:
        return None
    return picker.actor


def _demo():
    """The demo generator is only needed on a brand-new database's first-run screen."""
    from kyodo_desk.services import demo

    return demo
