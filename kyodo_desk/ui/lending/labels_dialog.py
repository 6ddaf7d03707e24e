"""QR label sheets: which devices (the ones selected, typed tags, or all), which sheet, where to start
on a partly used sheet (click the first free label), and this desk's printer offset — saved in the
desk's preferences — with a calibration page to measure it.  Printed at 100% through the preview."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.documents.labels import LabelTemplate, ordered_templates
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.labels import LabelService
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.lending.common import LENDING_STYLE, MessageLine, confirm_shortcuts, no_default_buttons
from kyodo_desk.ui.lending.label_template_dialog import LabelTemplateDialog
from kyodo_desk.ui.lending.print_path import show_pdf
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen


class StartGrid(QWidget):
    """The sheet in miniature: one button per label; click the first free one."""

    start_changed = Signal(int)

    def __init__(self):
        super().__init__()
        self.setObjectName("startGrid")
        self.grid = QGridLayout(self)
        self.grid.setSpacing(2)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idClicked.connect(self.set_start)
        self.start = 1
        self.template: LabelTemplate | None = None

    def set_template(self, template: LabelTemplate) -> None:
        self.template = template
        for button in self.group.buttons():
            self.group.removeButton(button)
            button.deleteLater()
        size = 22 if template.per_sheet > 30 else 30
        for index in range(template.per_sheet):
            row, col = divmod(index, template.columns)
            button = QToolButton()
            button.setCheckable(True)
            button.setFixedSize(round(size * 1.6) if template.columns <= 3 else size + 8, size)
            button.setText(str(index + 1))
            button.setToolTip(_("{n} 番目のラベルから印刷する").format(n=index + 1))
            self.group.addButton(button, index + 1)
            self.grid.addWidget(button, row, col)
        self.set_start(min(self.start, template.per_sheet))

    def set_start(self, start: int) -> None:
        self.start = start
        for button in self.group.buttons():
            n = self.group.id(button)
            button.setChecked(n == start)
            used = n < start
            button.setText(_("済") if used else str(n))
            button.setStyleSheet(
                "background: #d5dbe1; color: #6b7580;"
                if used
                else ("background: #1f5f99; color: white;" if n == start else "")
            )
        self.start_changed.emit(start)


class LabelDialog(QDialog):
    built = Signal(bytes)
    templates_loaded = Signal()

    def __init__(self, ctx: AppContext, selected_tags: list[str] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.service = LabelService(ctx.services.db, ctx.services.settings)
        self.templates: dict[str, LabelTemplate] = {}
        self.last_pdf: bytes | None = None
        self.setObjectName("labelDialog")
        self.setStyleSheet(STYLE_SHEET + LENDING_STYLE)
        self.setWindowTitle(_("機器ラベルの印刷"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("機器ラベルの印刷")))
        self.message = MessageLine()
        layout.addWidget(self.message)

        which = QGroupBox(_("印刷する機器"))
        which_layout = QVBoxLayout(which)
        self.pick_tags = QRadioButton(_("管理番号を指定(一覧で選んだ機器が入っています)"))
        self.tags = QLineEdit(", ".join(selected_tags or []))
        self.tags.setObjectName("labelTags")
        self.tags.setPlaceholderText(_("例: KD-0001, KD-0002"))
        self.pick_all = QRadioButton(_("すべての機器(廃棄を除く)"))
        which_layout.addWidget(self.pick_tags)
        which_layout.addWidget(self.tags)
        which_layout.addWidget(self.pick_all)
        (self.pick_tags if selected_tags else self.pick_all).setChecked(True)
        self.pick_tags.toggled.connect(self.tags.setEnabled)
        self.tags.setEnabled(self.pick_tags.isChecked())
        layout.addWidget(which)

        body = QHBoxLayout()
        sheet = QGroupBox(_("用紙と開始位置"))
        sheet_layout = QVBoxLayout(sheet)
        self.template = QComboBox()
        self.template.setObjectName("labelTemplate")
        self.template.currentIndexChanged.connect(self._template_changed)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.template, 1)
        self.add_template_button = QPushButton(_("用紙を追加…"))
        self.add_template_button.setObjectName("addTemplate")
        self.add_template_button.clicked.connect(self.add_template)
        can_add = ctx.require_actor().can(Permission.INVENTORY_EDIT)
        self.add_template_button.setEnabled(can_add)
        self.add_template_button.setToolTip(
            _("手持ちのラベル用紙の寸法を登録します")
            if can_add
            else _("用紙の追加は、機器の登録ができる職員が行います")
        )
        sheet_row.addWidget(self.add_template_button)
        sheet_layout.addLayout(sheet_row)
        self.sheet_info = plain_label()
        self.sheet_info.setObjectName("hint")
        self.sheet_info.setWordWrap(True)
        sheet_layout.addWidget(self.sheet_info)
        sheet_layout.addWidget(plain_label(_("使いかけの用紙なら、最初の空いているラベルをクリック:")))
        self.grid = StartGrid()
        self.grid.start_changed.connect(lambda n: self.start_label.setText(_("{n} 番目から印刷します").format(n=n)))
        sheet_layout.addWidget(self.grid, 0, Qt.AlignmentFlag.AlignLeft)
        self.start_label = plain_label()
        sheet_layout.addWidget(self.start_label)
        sheet_layout.addStretch(1)
        body.addWidget(sheet, 1)

        printer = QGroupBox(_("この端末のプリンターのずれ"))
        pform = QFormLayout(printer)
        self.offset_x = self._offset_box(ctx.prefs.label_offset_x_mm)
        self.offset_y = self._offset_box(ctx.prefs.label_offset_y_mm)
        self.offset_x.setObjectName("offsetX")
        self.offset_y.setObjectName("offsetY")
        pform.addRow(_("右へ (X)"), self.offset_x)
        pform.addRow(_("下へ (Y)"), self.offset_y)
        explain = plain_label(
            _(
                "位置合わせ用紙を普通紙に100%で印刷し、ラベル用紙に重ねて透かして、枠とラベルのずれを測って入れます。"
                "値はこの端末に保存されます。"
            )
        )
        explain.setWordWrap(True)
        explain.setObjectName("hint")
        pform.addRow(explain)
        self.calibration_button = QPushButton(_("位置合わせ用紙を印刷…"))
        self.calibration_button.clicked.connect(self.print_calibration)
        pform.addRow(self.calibration_button)
        body.addWidget(printer, 1)
        layout.addLayout(body, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.print_button = QPushButton(_("ラベルを印刷… (Ctrl+Enter)"))
        self.print_button.setObjectName("printLabels")
        self.print_button.clicked.connect(self.print_labels)
        close = QPushButton(_("閉じる"))
        close.clicked.connect(self.accept)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        # Enter (typed, or a scanner's after a tag) never prints: in the tag list it starts the next tag
        no_default_buttons(self)
        confirm_shortcuts(self, self.print_labels)
        self.tags.returnPressed.connect(self._next_tag)
        fit_to_screen(self, 780, 620)
        self.template_dialog: LabelTemplateDialog | None = None
        self.reload_templates()

    def reload_templates(self, select: str | None = None) -> None:
        service = self.service
        self.ctx.tasks.run(
            lambda _p: service.templates(), on_done=lambda t: self._templates_loaded(t, select), owner=self
        )

    def _offset_box(self, value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(-20.0, 20.0)
        box.setSingleStep(0.5)
        box.setDecimals(1)
        box.setSuffix(" mm")
        box.setValue(value)
        return box

    def _templates_loaded(self, templates: dict[str, LabelTemplate], select: str | None = None) -> None:
        self.templates = templates
        self.template.blockSignals(True)
        self.template.clear()
        group = None
        for t in ordered_templates(templates):  # generic and own sheets, then by maker and product number
            heading = t.maker or ""
            if group is not None and heading != group:
                self.template.insertSeparator(self.template.count())
            group = heading
            self.template.addItem(t.title, t.name)
            if t.maker:
                self.template.setItemData(
                    self.template.count() - 1,
                    _("寸法の出典: {source}").format(source=t.source),
                    Qt.ItemDataRole.ToolTipRole,
                )
        self.template.blockSignals(False)
        self.template.setCurrentIndex(max(0, self.template.findData(select)) if select else 0)
        self._template_changed()
        self.templates_loaded.emit()

    def add_template(self) -> LabelTemplateDialog | None:
        if not self.add_template_button.isEnabled():
            return None
        current = self.templates.get(self.template.currentData())
        self.template_dialog = LabelTemplateDialog(self.ctx, self.service, self.templates, current, self)
        self.template_dialog.saved.connect(self._template_saved)
        self.template_dialog.open()
        return self.template_dialog

    def _template_saved(self, template: LabelTemplate) -> None:
        self.message.show_message(
            _("用紙「{title}」を追加しました。「位置合わせ用紙を印刷…」で、ずれがないか確かめてください。").format(
                title=template.title
            ),
            "ok",
        )
        self.reload_templates(select=template.name)

    def _template_changed(self, *_args) -> None:
        name = self.template.currentData()
        if name in self.templates:
            t = self.templates[name]
            self.grid.set_template(t)
            self.sheet_info.setText(
                _(
                    "ラベル {w}×{h}mm・{cols}列×{rows}段・上の余白 {top}mm・左の余白 {left}mm(用紙の箱の寸法図と同じか確かめてください)"
                ).format(w=t.label_width, h=t.label_height, cols=t.columns, rows=t.rows, top=t.top, left=t.left)
            )

    def _next_tag(self) -> None:
        text = self.tags.text().rstrip(" ,、")
        if text:
            self.tags.setText(text + ", ")
            self.tags.end(False)

    # ---- building -------------------------------------------------------------------------------
    def chosen_tags(self) -> list[str] | None:
        if self.pick_all.isChecked():
            return None
        return [t.strip() for t in self.tags.text().replace("、", ",").replace(" ", ",").split(",") if t.strip()]

    def _save_offsets(self) -> tuple[float, float]:
        x, y = round(self.offset_x.value(), 1), round(self.offset_y.value(), 1)
        prefs = self.ctx.prefs
        if (prefs.label_offset_x_mm, prefs.label_offset_y_mm) != (x, y):
            self.ctx.save_preferences(prefs.with_changes(label_offset_x_mm=x, label_offset_y_mm=y))
        return x, y

    def print_labels(self) -> None:
        tags = self.chosen_tags()
        if tags is not None and not tags:
            self.message.show_message(_("印刷する機器の管理番号を入れてください(または「すべての機器」)。"), "error")
            return
        x, y = self._save_offsets()
        actor, service, name, start = (
            self.ctx.require_actor(),
            self.service,
            self.template.currentData(),
            self.grid.start,
        )
        self.message.show_message("")
        self._build(
            lambda: service.build(actor, tags, name, start=start, offset_x_mm=x, offset_y_mm=y),
            _("機器ラベル"),
            "labels.pdf",
        )

    def print_calibration(self) -> None:
        x, y = self._save_offsets()
        service, name = self.service, self.template.currentData()
        self._build(
            lambda: service.calibration(name, offset_x_mm=x, offset_y_mm=y),
            _("ラベル位置合わせ用紙"),
            "label-calibration.pdf",
            write=False,
        )

    def _build(self, build, title: str, filename: str, *, write: bool = True) -> None:
        def shown(dialog) -> None:
            self.last_pdf = dialog.pdf
            self.built.emit(dialog.pdf)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, (ServiceError, ValueError)):  # unknown tags, nothing to print, a bad start
                self.message.show_message(str(exc), "error")
            else:
                report_error(self, exc, self.ctx.log_file)

        show_pdf(self.ctx, self, build, title, filename, on_shown=shown, on_error=failed, write=write)
