"""The steps of the import dialog: the file's columns mapped to fields, unknown coded values mapped to
known ones, and the preview table (a model over the preview rows, so 50,000 rows cost nothing)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QScrollArea, QWidget

from kyodo_desk.i18n import _
from kyodo_desk.services.imports import Preview, PreviewRow, Table, UnknownValue
from kyodo_desk.services.imports.fields import KindSpec
from kyodo_desk.services.imports.plan import ERROR
from kyodo_desk.ui.widgets.page import plain_label


def _header(text: str) -> QLabel:
    label = plain_label(text)
    label.setObjectName("hint")
    return label


class MappingStep(QScrollArea):
    """One line per column of the file: its heading, a field combo (guess preselected), first values."""

    def __init__(self, spec: KindSpec, table: Table, mapping: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importMapping")
        self.setWidgetResizable(True)
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setHorizontalSpacing(12)
        for c, text in enumerate((_("ファイルの列"), _("取り込む項目"), _("はじめの行の値"))):
            grid.addWidget(_header(text), 0, c)
        self.combos: list[QComboBox] = []
        for i, heading in enumerate(table.header):
            name = plain_label(heading or _("(見出しなし {n}列目)").format(n=i + 1))
            combo = QComboBox()
            combo.addItem(_("(取り込まない)"), "")
            for f in spec.fields:
                combo.addItem(f.label + (_("(必須)") if f.required else ""), f.key)
            combo.setCurrentIndex(max(0, combo.findData(mapping[i] if i < len(mapping) else "")))
            combo.setAccessibleName(_("「{heading}」の列").format(heading=heading))
            name.setBuddy(combo)
            samples = plain_label(" / ".join(v[:30] for v in table.column(i, 3) if v))
            samples.setObjectName("hint")
            samples.setWordWrap(True)
            grid.addWidget(name, i + 1, 0)
            grid.addWidget(combo, i + 1, 1)
            grid.addWidget(samples, i + 1, 2)
            self.combos.append(combo)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(table.header) + 1, 1)
        self.setWidget(inner)

    def mapping(self) -> tuple[str, ...]:
        return tuple(c.currentData() or "" for c in self.combos)


class ValuesStep(QScrollArea):
    """One line per value the desk does not know: which known value it means (or: leave as an error)."""

    def __init__(self, spec: KindSpec, unknown: list[UnknownValue], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importValues")
        self.setWidgetResizable(True)
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setHorizontalSpacing(12)
        for c, text in enumerate((_("項目"), _("ファイルの値"), _("この値の意味"))):
            grid.addWidget(_header(text), 0, c)
        self.choices: list[tuple[UnknownValue, QComboBox]] = []
        for r, value in enumerate(unknown, start=1):
            codes = spec.field(value.field).codes
            combo = QComboBox()
            combo.addItem(_("(エラーの行にする)"), "")
            for member in codes or ():
                combo.addItem(member.label(), member.value)
            combo.setAccessibleName(_("「{value}」の意味").format(value=value.value))
            grid.addWidget(plain_label(value.field_label), r, 0)
            grid.addWidget(plain_label(_("「{value}」({n} 行)").format(value=value.value[:40], n=value.rows)), r, 1)
            grid.addWidget(combo, r, 2)
            self.choices.append((value, combo))
        grid.setColumnStretch(3, 1)  # the combo stays next to its value
        grid.setRowStretch(len(unknown) + 1, 1)
        self.setWidget(inner)

    def values(self, base: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        out = {k: dict(v) for k, v in base.items()}
        for value, combo in self.choices:
            if combo.currentData():
                out.setdefault(value.field, {})[value.folded] = combo.currentData()
        return out


class PreviewModel(QAbstractTableModel):
    """行 · 結果 · 管理番号/名前 · 内容 · 理由・注意."""

    def __init__(self, preview: Preview, key_label: str, parent=None):
        super().__init__(parent)
        self.preview = preview
        self.rows: list[PreviewRow] = list(preview.rows)
        self.headers = [_("行"), _("結果"), key_label, _("内容"), _("理由・注意")]

    def show_only_attention(self, only: bool) -> None:
        self.beginResetModel()
        self.rows = [r for r in self.preview.rows if not only or r.action == ERROR or r.notes]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == 0:
                return str(row.number)
            if index.column() == 1:
                return row.action_label
            if index.column() == 2:
                return row.key[:60]
            if index.column() == 3:
                return row.summary[:120]
            return "、".join(row.problems + row.notes)[:500]
        if role == Qt.ItemDataRole.ForegroundRole and row.action == ERROR:
            from PySide6.QtGui import QBrush, QColor

            return QBrush(QColor("#b00020"))
        return None
