"""「Excel・CSV から取り込む」: one dialog for devices (在庫), organizations (団体) and advisors.

Steps (Enter = 次へ on each, Alt+B = 戻る): ① the file (type or paste a path, or 参照… / Ctrl+O);
② the file's columns → fields (the remembered or guessed mapping preselected); ③ only when the file
holds values the desk does not know: what each means; ④ the preview of every row (new / update /
unchanged / error, with reasons); 取り込む writes all or nothing on the task runner.  Error rows stop
the import unless 「エラーの行を飛ばして取り込む」 is checked.  Reading, previewing and writing all run
off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.imports import ImportRowsRefused, Preview, Table
from kyodo_desk.services.imports.fields import SPECS
from kyodo_desk.services.imports.plan import ERROR
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.imports.steps import MappingStep, PreviewModel, ValuesStep
from kyodo_desk.ui.lending.common import MessageLine
from kyodo_desk.ui.widgets.page import page_title, plain_label

ENTITY = {"devices": "device", "organizations": "organization", "advisors": "advisor"}
FILE, MAPPING, VALUES, PREVIEW, DONE = range(5)


class ImportDialog(QDialog):
    imported = Signal(object)  # ImportResult
    step_shown = Signal(int)

    def __init__(self, ctx: AppContext, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.ctx, self.kind, self.spec = ctx, kind, SPECS[kind]
        self.service = ctx.services.imports
        self.table: Table = Table("csv", (), ())
        self.mapping: tuple[str, ...] = ()
        self.values: dict[str, dict[str, str]] = {}
        self.preview: Preview | None = None
        self.mapping_step: MappingStep | None = None
        self.values_step: ValuesStep | None = None
        self.busy = False
        self.setWindowTitle(_("{what}を Excel・CSV から取り込む").format(what=self.spec.title))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.title = page_title(self.windowTitle())
        layout.addWidget(self.title)
        self.step_label = plain_label()
        self.step_label.setObjectName("hint")
        self.step_label.setWordWrap(True)
        layout.addWidget(self.step_label)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.message = MessageLine()
        layout.addWidget(self.message)
        self._file_page()
        self.stack.addWidget(QWidget())  # mapping, values, preview: built when reached
        self.stack.addWidget(QWidget())
        self.stack.addWidget(self._preview_page())
        self.stack.addWidget(self._done_page())
        buttons = QHBoxLayout()
        self.back_button = QPushButton(_("戻る (Alt+B)"))
        self.back_button.setShortcut(QKeySequence("Alt+B"))
        self.next_button = QPushButton(_("次へ"))
        self.close_button = QPushButton(_("閉じる"))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+O"), self).activated.connect(self.browse)
        self.resize(1000, 620)
        self._show(FILE)

    # ---- pages ----------------------------------------------------------------------------
    def _file_page(self) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        intro = plain_label(
            _(
                "取り込むファイルを選んでください: Excel (.xlsx) か CSV(Excel の「CSV」「CSV UTF-8」"
                "「Unicode テキスト」)。1行目が見出しの表にしてください。次の画面で、列と項目の対応を確かめます。"
            )
        )
        intro.setWordWrap(True)
        box.addWidget(intro)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText(_("ファイルの場所(貼り付けも可)"))
        self.path_edit.returnPressed.connect(self.next)
        browse = QPushButton(_("参照… (Ctrl+O)"))
        browse.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        box.addLayout(row)
        fields = "・".join(f.label + ("*" if f.required else "") for f in self.spec.fields)
        hint = plain_label(_("取り込める項目: {fields}(* は必須)").format(fields=fields))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        box.addWidget(hint)
        box.addStretch(1)
        self.stack.addWidget(page)

    def _preview_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        self.counts_label = plain_label()
        self.counts_label.setObjectName("importCounts")
        self.counts_label.setWordWrap(True)
        box.addWidget(self.counts_label)
        self.preview_view = QTableView()
        self.preview_view.setObjectName("importPreview")
        self.preview_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.preview_view.verticalHeader().setVisible(False)
        box.addWidget(self.preview_view, 1)
        options = QHBoxLayout()
        self.attention_only = QCheckBox(_("エラーと注意のある行だけ表示"))
        self.attention_only.toggled.connect(self._filter_preview)
        self.skip_errors = QCheckBox(_("エラーの行を飛ばして取り込む"))
        self.skip_errors.setObjectName("importSkipErrors")
        self.skip_errors.toggled.connect(lambda _c: self._update_buttons())
        options.addWidget(self.attention_only)
        options.addStretch(1)
        options.addWidget(self.skip_errors)
        box.addLayout(options)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.done_label = plain_label()
        self.done_label.setObjectName("importDone")
        self.done_label.setWordWrap(True)
        box.addWidget(self.done_label)
        box.addStretch(1)
        return page

    def _replace_page(self, index: int, widget: QWidget) -> None:
        old = self.stack.widget(index)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self.stack.insertWidget(index, widget)

    # ---- moving between steps ---------------------------------------------------------------
    def _show(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        texts = {
            FILE: _("① ファイルを選ぶ"),
            MAPPING: _("② 列と項目の対応(見出しから推測しています。違うものは選び直してください)"),
            VALUES: _("③ この窓口にない値の意味を選ぶ(次から同じ値は自動で読みます)"),
            PREVIEW: _("④ 確認: まだ何も登録していません"),
            DONE: _("完了"),
        }
        self.step_label.setText(texts[step])
        self._update_buttons()
        focus: QWidget | None = {FILE: self.path_edit, PREVIEW: self.preview_view}.get(step)
        if step == MAPPING and self.mapping_step is not None and self.mapping_step.combos:
            focus = self.mapping_step.combos[0]
        if step == VALUES and self.values_step is not None and self.values_step.choices:
            focus = self.values_step.choices[0][1]
        if focus is not None:
            focus.setFocus()
        self.step_shown.emit(step)

    def _update_buttons(self) -> None:
        step = self.stack.currentIndex()
        self.back_button.setEnabled(step in (MAPPING, VALUES, PREVIEW) and not self.busy)
        self.next_button.setVisible(step != DONE)
        self.next_button.setEnabled(not self.busy)
        if step == PREVIEW:
            errors = self.preview.count(ERROR) if self.preview else 0
            self.next_button.setText(_("取り込む"))
            self.next_button.setEnabled(not self.busy and (errors == 0 or self.skip_errors.isChecked()))
        else:
            self.next_button.setText(_("次へ"))
        self.next_button.setDefault(True)
        self.close_button.setText(_("閉じる") if step == DONE else _("やめる"))

    def back(self) -> None:
        step = self.stack.currentIndex()
        if step == PREVIEW and self.values_step is not None:
            self._show(VALUES)
        elif step in (MAPPING, VALUES, PREVIEW):
            self._show(step - 1 if step != PREVIEW else MAPPING)
        self.message.show_message("")

    def next(self) -> None:
        if self.busy:
            return
        step = self.stack.currentIndex()
        self.message.show_message("")
        if step == FILE:
            self.open_path(self.path_edit.text().strip().strip('"'))
        elif step == MAPPING:
            assert self.mapping_step is not None
            self.mapping = self.mapping_step.mapping()
            self._after_mapping()
        elif step == VALUES:
            assert self.values_step is not None
            self.values = self.values_step.values(self.values)
            self._run_preview()
        elif step == PREVIEW:
            self._run_import()

    def browse(self) -> None:
        path, _f = QFileDialog.getOpenFileName(
            self,
            self.windowTitle(),
            str(Path.home()),
            _("Excel・CSV (*.xlsx *.csv *.txt *.tsv);;すべてのファイル (*)"),
        )
        if path:
            self.path_edit.setText(path)
            self.open_path(path)

    # ---- work on the task runner ------------------------------------------------------------
    def _task(self, work, text: str, on_done, *, write: bool = False) -> None:
        self.busy = True
        self._update_buttons()

        def done(result) -> None:
            self.busy = False
            on_done(result)

        self.ctx.tasks.run(work, text, on_done=done, on_error=self._failed, write=write, owner=self, parent=self)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_buttons()
        if isinstance(exc, ImportRowsRefused):
            self._shown_preview(exc.preview)
            self.message.show_message(_("エラーの行があるため、何も登録していません。"), "error")
        elif isinstance(exc, ServiceError):  # the file refused, a mapping to fix: said in words
            self.message.show_message(str(exc), "error")
        else:
            report_error(self, exc, self.ctx.log_file)

    def open_path(self, path: str) -> None:
        if not path:
            self.message.show_message(_("ファイルを選んでください(参照… か Ctrl+O)。"), "error")
            return
        actor, service, kind = self.ctx.require_actor(), self.service, self.kind

        def work(_progress):
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise ServiceError(
                    _("ファイル {path} を読めません({why})。").format(path=path, why=exc.strerror or exc)
                ) from exc
            return service.open_file(actor, kind, data, Path(path).name)

        self._task(work, _("ファイルを読んでいます…"), self._opened)

    def _opened(self, result) -> None:
        self.table, self.mapping, self.values = result
        self.mapping_step = MappingStep(self.spec, self.table, self.mapping)
        self._replace_page(MAPPING, self.mapping_step)
        rows = len(self.table.rows)
        note = " ".join(self.table.notes)
        self.message.show_message(_("{n} 行あります。").format(n=rows) + (" " + note if note else ""), "info")
        self._show(MAPPING)

    def _after_mapping(self) -> None:
        actor, service, kind, table, mapping, values = (
            self.ctx.require_actor(), self.service, self.kind, self.table, self.mapping, self.values,
        )  # fmt: skip

        def work(_progress):
            service.check_mapping(actor, kind, mapping)
            return service.unknown_values(actor, kind, table, mapping, values)

        self._task(work, _("値を確かめています…"), self._unknown_found)

    def _unknown_found(self, unknown) -> None:
        if unknown:
            self.values_step = ValuesStep(self.spec, unknown)
            self._replace_page(VALUES, self.values_step)
            self._show(VALUES)
        else:
            self.values_step = None
            self._run_preview()

    def _run_preview(self) -> None:
        actor, service, kind, table, mapping, values = (
            self.ctx.require_actor(), self.service, self.kind, self.table, self.mapping, self.values,
        )  # fmt: skip
        self._task(
            lambda progress: service.preview(actor, kind, table, mapping, values, progress),
            _("各行を確かめています…"),
            self._shown_preview,
        )

    def _shown_preview(self, preview: Preview) -> None:
        self.preview = preview
        key_label = self.spec.field(self.spec.key_field).label
        self.preview_model = PreviewModel(preview, key_label, self.preview_view)
        self.preview_view.setModel(self.preview_model)
        self.preview_model.show_only_attention(self.attention_only.isChecked())
        header = self.preview_view.horizontalHeader()
        for column, width in enumerate((56, 80, 150, 300)):
            self.preview_view.setColumnWidth(column, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        text = preview.summary()
        if preview.count(ERROR):
            text += _("。エラーの行を直して取り込み直すか、「エラーの行を飛ばして取り込む」を選んでください。")
        self.counts_label.setText(text)
        self._show(PREVIEW)

    def _filter_preview(self, only: bool) -> None:
        if self.preview is not None:
            self.preview_model.show_only_attention(only)

    def _run_import(self) -> None:
        actor, service, kind, table, mapping, values = (
            self.ctx.require_actor(), self.service, self.kind, self.table, self.mapping, self.values,
        )  # fmt: skip
        skip = self.skip_errors.isChecked()
        self._task(
            lambda progress: service.run(actor, kind, table, mapping, values, skip_errors=skip, progress=progress),
            _("取り込んでいます…"),
            self._imported,
            write=True,
        )

    def _imported(self, result) -> None:
        self.ctx.events.emit_changed(ENTITY[self.kind], [])
        if self.kind == "devices":  # new models and their accessory checklists
            self.ctx.events.emit_changed("device_model", [])
        self.done_label.setText(result.summary())
        self._show(DONE)
        self.close_button.setFocus()
        self.imported.emit(result)
