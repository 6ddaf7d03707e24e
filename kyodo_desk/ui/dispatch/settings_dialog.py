"""「派遣の設定」 (administrators): yearly quota per organization, monthly quota per advisor, the
travel buffer between two visits of one advisor, the yearly budget, and the dispatch types that
only 「協働をすすめる市民団体」 may apply for."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QVBoxLayout, QWidget

from kyodo_desk.domain.dispatch import DispatchType
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.settings import CenterSettings, SettingsConflict
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.common import banner, show_text
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import intro, page_title


def _spin(low: int, high: int, suffix: str, step: int = 1) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setSingleStep(step)
    spin.setGroupSeparatorShown(True)
    return spin


class DispatchSettingsDialog(QDialog):
    saved = Signal(object)  # CenterSettings

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.current: CenterSettings | None = None
        self.setObjectName("dispatchSettings")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("派遣の設定"))
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(_("派遣の設定")))
        layout.addWidget(
            intro(
                _(
                    "どの窓口にも同じ値が使われます。回数の上限を超える予約は、理由を入力すれば上書きできます(記録に残ります)。"
                )
            )
        )
        self.error_banner = banner()
        layout.addWidget(self.error_banner)
        self.errors = FieldErrors()
        form = QFormLayout()
        self.per_organization = _spin(0, 50, _(" 回"))
        self.per_advisor_month = _spin(0, 100, _(" 回"))
        self.buffer = _spin(0, 480, _(" 分"), 15)
        self.budget = _spin(0, 2_000_000_000, _(" 円"), 10_000)
        self.errors.add_row(
            form, "dispatch_quota_per_organization", _("団体ごとの年間派遣回数(4月〜3月)"), self.per_organization
        )
        self.errors.add_row(
            form, "dispatch_quota_per_advisor_month", _("アドバイザーごとの月間派遣回数"), self.per_advisor_month
        )
        self.errors.add_row(form, "dispatch_travel_buffer_minutes", _("移動の余裕時間(前後)"), self.buffer)
        self.errors.add_row(form, "dispatch_budget_yen", _("年間予算(謝金・交通費)"), self.budget)
        types = QWidget()
        tcol = QVBoxLayout(types)
        tcol.setContentsMargins(0, 0, 0, 0)
        self.requiring = {}
        for value, label in DispatchType.choices():
            self.requiring[value] = QCheckBox(label)
            tcol.addWidget(self.requiring[value])
        self.errors.add_row(
            form, "dispatch_types_requiring_registration", _("「協働をすすめる市民団体」だけが\n申請できる派遣"), types
        )
        layout.addLayout(form)
        layout.addStretch(1)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("保存 (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(_("キャンセル"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self.save_button.setEnabled(False)
        settings = ctx.services.settings
        ctx.tasks.run(lambda _p: settings.get(), on_done=self._fill, owner=self)
        self.resize(640, 400)

    def _fill(self, current: CenterSettings) -> None:
        self.current = current
        self.per_organization.setValue(current.dispatch_quota_per_organization)
        self.per_advisor_month.setValue(current.dispatch_quota_per_advisor_month)
        self.buffer.setValue(current.dispatch_travel_buffer_minutes)
        self.budget.setValue(current.dispatch_budget_yen)
        for value, box in self.requiring.items():
            box.setChecked(value in current.dispatch_types_requiring_registration)
        self.save_button.setEnabled(True)
        self.per_organization.setFocus(Qt.FocusReason.OtherFocusReason)

    def _typed(self) -> dict:
        return dict(
            dispatch_quota_per_organization=self.per_organization.value(),
            dispatch_quota_per_advisor_month=self.per_advisor_month.value(),
            dispatch_travel_buffer_minutes=self.buffer.value(),
            dispatch_budget_yen=self.budget.value(),
            dispatch_types_requiring_registration=tuple(v for v, b in self.requiring.items() if b.isChecked()),
        )

    def save(self) -> None:
        if self.current is None or not self.save_button.isEnabled():
            return
        self.save_button.setEnabled(False)
        show_text(self.error_banner, "")
        changes = self._typed()
        actor, settings, loaded = self.ctx.require_actor(), self.ctx.services.settings, self.current
        # only the fields changed here since they were shown are saved: another desk's change to any
        # other setting stays, and one to a field changed here too is refused with its name
        self.ctx.tasks.run(
            lambda _p: settings.update(actor, loaded.with_changes(**changes), loaded=loaded),
            on_done=self._saved,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _saved(self, result: CenterSettings) -> None:
        self.save_button.setEnabled(True)
        self.ctx.events.emit_changed("setting", [])
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.errors.show(exc.errors)
            show_text(self.error_banner, "\n".join(self.errors.unknown(exc.errors)))
        else:
            if isinstance(exc, SettingsConflict):  # told now: saving again overwrites on purpose
                settings = self.ctx.services.settings
                self.ctx.tasks.run(lambda _p: settings.get(), on_done=self._rebase, owner=self)
            self.last_error = report_error(self, exc, self.ctx.log_file)

    def _rebase(self, fresh: CenterSettings) -> None:
        """Fields not changed here show *fresh*; fields changed here keep what was typed."""
        assert self.current is not None
        mine = {k: v for k, v in self._typed().items() if getattr(self.current, k) != v}
        self._fill(fresh.with_changes(**mine))
        self.current = fresh
