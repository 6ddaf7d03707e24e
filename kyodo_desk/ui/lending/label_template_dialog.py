"""Add a label sheet of one's own (millimetres, measured from the sheet's top-left corner).

The form starts from the sheet chosen in the label dialog; a wrong size is refused with the
reason in Japanese under the form and everything typed stays as it was."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.documents.labels import LabelTemplate
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.labels import LabelService
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.lending.common import LENDING_STYLE, MessageLine
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import plain_label

_MM_FIELDS = ("label_width", "label_height", "left", "top", "pitch_x", "pitch_y")


def _mm_box() -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.0, 300.0)
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setSuffix(" mm")
    return box


def _count_box() -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, 30)
    return box


class LabelTemplateDialog(QDialog):
    saved = Signal(object)  # LabelTemplate

    def __init__(
        self,
        ctx: AppContext,
        service: LabelService,
        existing: dict[str, LabelTemplate],
        start_from: LabelTemplate | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx, self.service, self.existing = ctx, service, existing
        self.setObjectName("labelTemplateDialog")
        self.setStyleSheet(STYLE_SHEET + LENDING_STYLE)
        self.setWindowTitle(_("ラベル用紙を追加"))
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        hint = plain_label(
            _("A4のラベル用紙の寸法をmmで入れます。余白と間隔は用紙の左上から測ります(用紙の箱の寸法図が便利です)。")
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        layout.addWidget(hint)

        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setObjectName("templateName")
        self.name.setPlaceholderText(_("例: my-a4-18(コマンドの --template でも使う名前)"))
        self.title = QLineEdit()
        self.title.setObjectName("templateTitle")
        self.title.setPlaceholderText(_("例: A4 18面(事務室の用紙)"))
        self.columns, self.rows = _count_box(), _count_box()
        self.mm = {name: _mm_box() for name in _MM_FIELDS}
        self.errors.add_row(form, "name", _("用紙の名前"), self.name)
        self.errors.add_row(form, "title", _("表示名"), self.title)
        form.addRow(_("列数(横に並ぶ数)"), self.columns)
        form.addRow(_("段数(縦に並ぶ数)"), self.rows)
        for key, label in (
            ("label_width", _("ラベルの幅")),
            ("label_height", _("ラベルの高さ")),
            ("left", _("左の余白(1列目の左端まで)")),
            ("top", _("上の余白(1段目の上端まで)")),
            ("pitch_x", _("横の間隔(左端から次の左端まで)")),
            ("pitch_y", _("縦の間隔(上端から次の上端まで)")),
        ):
            form.addRow(label, self.mm[key])
        layout.addLayout(form)

        self.message = MessageLine()
        self.message.setObjectName("templateMessage")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("保存する"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveTemplate")
        cancel = buttons.addButton(_("キャンセル"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        if start_from is not None:
            self.set_values(start_from)
        self.name.setFocus()

    def set_values(self, t: LabelTemplate) -> None:
        self.columns.setValue(t.columns)
        self.rows.setValue(t.rows)
        for key in _MM_FIELDS:
            self.mm[key].setValue(getattr(t, key))

    def template(self) -> LabelTemplate:
        name = self.name.text().strip()
        return LabelTemplate(
            name=name,
            title=self.title.text().strip() or name,
            columns=self.columns.value(),
            rows=self.rows.value(),
            **{key: round(self.mm[key].value(), 1) for key in _MM_FIELDS},
        )

    def _local_problems(self, t: LabelTemplate) -> dict[str, str]:
        if not t.name:
            return {"name": _("「用紙の名前」を入力してください。")}
        if t.name in self.existing:
            return {"name": _("「{name}」という用紙はもうあります。別の名前にしてください。").format(name=t.name)}
        return {}

    def save(self) -> None:
        template = self.template()
        self.errors.clear()
        self.message.show_message("")
        problems = self._local_problems(template)
        if problems:
            self._failed(ValidationError(problems))
            return
        actor, service = self.ctx.require_actor(), self.service
        self.save_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda _p: service.save_template(actor, template),  # a new sheet: a name taken meanwhile is refused
            on_done=self._done,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _done(self, template: LabelTemplate) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(template)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            self.message.show_message("\n".join(exc.errors.values()), "error")
            if first:
                self.errors.widgets[first].setFocus()
        elif isinstance(exc, ServiceError):  # e.g. no permission
            self.message.show_message(str(exc), "error")
        else:
            report_error(self, exc, self.ctx.log_file)
