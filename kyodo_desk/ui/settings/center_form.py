"""Center details (shared by every desk, kept in the database).  Only administrators may save;
the service checks that too."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import N_, _, weekday_short
from kyodo_desk.services.settings import CenterSettings, SettingsConflict, changed_fields
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.settings.common import admin_only_note
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import plain_label

_TEXT_FIELDS = [
    ("center_name", N_("センター名")),
    ("department", N_("担当課")),
    ("postal_code", N_("郵便番号")),
    ("address", N_("住所")),
    ("phone", N_("電話番号")),
    ("fax", N_("FAX番号")),
    ("email", N_("メールアドレス")),
    ("website_url", N_("ホームページ")),
]


class CenterSettingsForm(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.can_edit = ctx.require_actor().can(Permission.SETTINGS_EDIT)
        self.current: CenterSettings | None = None
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        if not self.can_edit:
            layout.addWidget(admin_only_note())
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for name, label in _TEXT_FIELDS:
            edit = QLineEdit()
            edit.setReadOnly(not self.can_edit)
            edit.setMaximumWidth(560)
            self.edits[name] = edit
            self.errors.add_row(form, name, _(label), edit)
        self.retention = QSpinBox()
        self.retention.setRange(1, 30)
        self.retention.setSuffix(_(" 年"))
        self.retention.setEnabled(self.can_edit)
        self.retention.setMaximumWidth(120)
        self.errors.add_row(form, "retention_years", _("個人情報の保存年数"), self.retention)
        if ctx.require_actor().can(Permission.PRIVACY_REQUEST):  # APPI: preview and erase what is past it
            self.retention_button = QPushButton(_("保存期間の確認と消去…"))
            self.retention_button.setObjectName("openRetention")
            self.retention_button.clicked.connect(self.open_retention)
            form.addRow("", self.retention_button)
        week = QWidget()
        week_row = QHBoxLayout(week)
        week_row.setContentsMargins(0, 0, 0, 0)
        self.weekdays = []
        for day in range(7):
            box = QCheckBox(weekday_short(day))
            box.setEnabled(self.can_edit)
            self.weekdays.append(box)
            week_row.addWidget(box)
        week_row.addStretch(1)
        self.errors.add_row(form, "weekly_closed_days", _("定休日(毎週)"), week)
        self.holidays = QCheckBox(_("祝日は休館"))
        self.year_end = QCheckBox(_("年末年始(12月29日〜1月3日)は休館"))
        for box in (self.holidays, self.year_end):
            box.setEnabled(self.can_edit)
        self.errors.add_row(form, "observe_public_holidays", "", self.holidays)
        self.errors.add_row(form, "observe_year_end", "", self.year_end)
        self.idle_lock = QSpinBox()  # sign-in (ui/idle_lock.py): lock after N minutes without input
        self.idle_lock.setObjectName("idleLockMinutes")
        self.idle_lock.setRange(1, 120)
        self.idle_lock.setSuffix(_(" 分"))
        self.idle_lock.setEnabled(self.can_edit)
        self.idle_lock.setMaximumWidth(120)
        self.errors.add_row(form, "idle_lock_minutes", _("操作がないとき画面をロックするまで"), self.idle_lock)
        self.pin_sign_in = QCheckBox(_("交代のとき、パスワードの代わりに各自のPIN(6桁以上の数字)も使える"))
        self.pin_sign_in.setEnabled(self.can_edit)
        self.errors.add_row(form, "pin_sign_in", "", self.pin_sign_in)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("センター情報を保存"))
        self.save_button.setEnabled(self.can_edit)
        self.save_button.setVisible(self.can_edit)  # staff read; only an administrator saves
        self.save_button.clicked.connect(self.save)
        self.status = plain_label()
        self.status.setObjectName("hint")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        ctx.events.data_changed.connect(self._data_changed)
        self.load()

    def load(self) -> None:
        settings = self.ctx.services.settings
        self.ctx.tasks.run(lambda _p: settings.get(), on_done=self._fill, owner=self)

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind != "setting":
            return
        if self.current is None or self.collect() == self.current:
            self.load()  # another desk saved; nothing typed here would be lost
            return
        # something is typed here: show the other desk's values in the fields not touched here,
        # and keep what was loaded as the base of the touched ones (a save then sees a conflict)
        settings = self.ctx.services.settings
        self.ctx.tasks.run(lambda _p: settings.get(), on_done=self._rebase, owner=self)

    def _rebase(self, fresh: CenterSettings, *, take_theirs: bool = False) -> None:
        """Fields not changed here take *fresh*; fields changed here keep what was typed.
        *take_theirs*: after a refused save, the typed values become a deliberate overwrite."""
        if self.current is None:
            self._fill(fresh)
            return
        typed = self.collect()
        mine = changed_fields(self.current, typed)
        base = fresh if take_theirs else replace(fresh, **{n: getattr(self.current, n) for n in mine})
        self._fill(replace(fresh, **{n: getattr(typed, n) for n in mine}))
        self.current = base

    def open_retention(self):
        from kyodo_desk.ui.privacy.retention_dialog import RetentionDialog

        dialog = RetentionDialog(self.ctx, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _fill(self, settings: CenterSettings) -> None:
        """Show *settings*; they become the copy a save is compared with (only fields that differ
        from it are saved)."""
        self.current = settings
        for name, edit in self.edits.items():
            edit.setText(getattr(settings, name) or "")
        self.retention.setValue(int(settings.retention_years))
        for day, box in enumerate(self.weekdays):
            box.setChecked(day in settings.weekly_closed_days)
        self.holidays.setChecked(settings.observe_public_holidays)
        self.year_end.setChecked(settings.observe_year_end)
        self.idle_lock.setValue(int(settings.idle_lock_minutes))
        self.pin_sign_in.setChecked(bool(settings.pin_sign_in))

    def collect(self) -> CenterSettings:
        base = self.current or CenterSettings()
        return replace(
            base,
            **{name: edit.text() for name, edit in self.edits.items()},
            retention_years=self.retention.value(),
            weekly_closed_days=tuple(d for d, box in enumerate(self.weekdays) if box.isChecked()),
            observe_public_holidays=self.holidays.isChecked(),
            observe_year_end=self.year_end.isChecked(),
            idle_lock_minutes=self.idle_lock.value(),
            pin_sign_in=self.pin_sign_in.isChecked(),
        )

    def save(self) -> None:
        """Save the fields changed here; the service refuses anyone without the permission, and a
        field another desk changed meanwhile, and we show its message."""
        new, loaded = self.collect(), self.current
        actor, settings = self.ctx.require_actor(), self.ctx.services.settings
        self.errors.clear()
        self.status.clear()
        self.ctx.tasks.run(
            lambda _p: settings.update(actor, new, loaded=loaded),
            on_done=self._saved,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _saved(self, settings: CenterSettings) -> None:
        self._fill(settings)
        self.status.setText(_("保存しました。"))
        self.ctx.events.emit_changed("setting", [])

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            if first:
                self.errors.widgets[first].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if isinstance(exc, SettingsConflict):
            self.status.setText(
                str(exc) + _("ほかの項目は最新の内容にしました。この入力で上書きするときは、もう一度保存してください。")
            )
            settings = self.ctx.services.settings
            self.ctx.tasks.run(
                lambda _p: settings.get(), on_done=lambda fresh: self._rebase(fresh, take_theirs=True), owner=self
            )
            self.last_error = report_error(self, exc, self.ctx.log_file)
            return
        self.status.setText(str(exc))
        self.last_error = report_error(self, exc, self.ctx.log_file)
