"""This desk's own preferences (a file on this PC): language, data folder, font."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk import __version__
from kyodo_desk.documents import fonts
from kyodo_desk.i18n import _
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.page import plain_label

LANGUAGES = [("ja", "日本語"), ("en", "English")]


class DeskPreferencesForm(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        prefs = ctx.prefs
        layout = QVBoxLayout(self)
        note = plain_label(
            _(
                "この端末だけの設定です。言語・データフォルダ・フォントは、保存したあと協働デスクを再起動すると反映されます。"
            )
        )
        note.setObjectName("banner")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.language = QComboBox()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.language)))
        self.language.setMaximumWidth(240)
        form.addRow(_("表示言語"), self.language)

        folder_row = QHBoxLayout()
        self.data_dir = QLineEdit(prefs.data_dir or "")
        self.data_dir.setPlaceholderText(_("既定のフォルダ: {path}").format(path=ctx.paths.data_dir))
        self.data_dir.setReadOnly(True)
        choose = QPushButton(_("選ぶ…"))
        choose.clicked.connect(self.choose_folder)
        default = QPushButton(_("既定に戻す"))
        default.clicked.connect(lambda: self.data_dir.setText(""))
        folder_row.addWidget(self.data_dir, 1)
        folder_row.addWidget(choose)
        folder_row.addWidget(default)
        folder_row.addStretch(1)
        self.data_dir.setMinimumWidth(420)
        form.addRow(_("データフォルダ"), folder_row)
        hint = plain_label(
            _("データフォルダを変えると、次回からはそのフォルダのデータベースを使います(いまのデータは移動しません)。")
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        form.addRow("", hint)

        self.font = QComboBox()
        self.font.addItem(_("標準(同梱の BIZ UDゴシック)"), None)
        for font in fonts.system_fonts():  # the bundled face is the standard entry above
            self.font.addItem(font.family, font.family)
        self.font.setCurrentIndex(max(0, self.font.findData(prefs.font_family)))
        self.font.setMaximumWidth(360)
        form.addRow(_("フォント"), self.font)
        self.font_size = QSpinBox()
        self.font_size.setRange(8, 24)
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(int(prefs.font_point_size or 11))
        self.font_size.setMaximumWidth(120)
        form.addRow(_("文字の大きさ"), self.font_size)
        layout.addLayout(form)

        save_row = QHBoxLayout()
        self.save_button = QPushButton(_("この端末の設定を保存"))
        self.save_button.clicked.connect(self.save)
        self.status = plain_label()
        self.status.setObjectName("hint")
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.status, 1)
        layout.addLayout(save_row)

        where = QGroupBox(_("いまの保存場所"))
        where_form = QFormLayout(where)
        for label, value in (
            (_("データベース"), ctx.db.describe()),
            (_("ログ"), str(ctx.paths.log_file)),
            (_("バックアップ"), str(ctx.paths.backup_dir)),
            (_("この端末の設定"), str(ctx.paths.preferences_file)),
        ):
            text = plain_label(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            where_form.addRow(label, text)
        layout.addSpacing(12)
        layout.addWidget(where)
        self.version_label = plain_label(_("協働デスク バージョン {version}").format(version=__version__))
        self.version_label.setObjectName("hint")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.version_label)
        layout.addStretch(1)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("データフォルダを選ぶ"), self.data_dir.text() or str(self.ctx.paths.data_dir)
        )
        if folder:
            self.data_dir.setText(folder)

    def save(self) -> None:
        prefs = self.ctx.prefs.with_changes(
            language=self.language.currentData(),
            data_dir=self.data_dir.text() or None,
            font_family=self.font.currentData(),
            font_point_size=self.font_size.value(),
        )
        try:
            self.ctx.save_preferences(prefs)
        except OSError as exc:
            self.status.setText(_("保存できませんでした: {error}").format(error=exc))
            return
        self.status.setText(_("保存しました。協働デスクを再起動すると反映されます。"))
