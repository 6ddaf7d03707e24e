"""監査ログ (administrators): who opened, listed, searched, printed, exported or changed which
record, and when — never the personal values.  Filters by staff (or the batch commands), action,
kind of record, record number (opened/changed, or shown in a list or search) and dates; a lazy list
(the trail grows every day); CSV export, which is itself recorded.

Keyboard: Alt+P 操作した人, Alt+A 操作, Alt+K 記録の種類, Alt+N 記録番号, Alt+D 期間; Enter in the
record number applies it, Tab or Down goes on to the list; Ctrl+E (or 「CSVで保存…」) exports
what the filters show.  The list loads when the screen is first shown, not at start-up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.audit_log import SYSTEM_STAFF, AuditFilter, action_label, entity_label
from kyodo_desk.ui.audit.model import AuditTableModel
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.date_edit import OptionalDateEdit
from kyodo_desk.ui.widgets.page import plain_label
from kyodo_desk.ui.widgets.record_list import record_list
from kyodo_desk.ui.widgets.search_box import down_to_results

FILTER_DELAY_MS = 300
_WIDTHS = [150, 170, 90, 110, 220]  # 詳細 (last column) takes what is left


def ask_export_path(parent: QWidget, suggested: str) -> Path | None:
    """The 名前を付けて保存 question (tests replace it)."""
    from kyodo_desk.ui.printing.dialog import ask_save_path

    return ask_save_path(parent, _("監査ログをCSVで保存"), suggested, _("CSV ファイル (*.csv)"))


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class AuditLogPage(QWidget):
    exported = Signal(str, int)  # path, rows

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.setObjectName("auditLogPage")
        self._started = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        note = plain_label(
            _(
                "誰が・いつ・どの記録を開いた/一覧に表示した/検索した/印刷・ファイルに保存/変更したかの記録です。"
                "個人の氏名や電話番号などの内容は記録しません(記録の番号だけ)。"
            )
        )
        note.setWordWrap(True)
        note.setObjectName("hint")
        layout.addWidget(note)

        self.staff = QComboBox()
        self.staff.setObjectName("auditStaff")
        self.staff.addItem(_("すべての人"), None)
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.addItem(_("すべての操作"), None)
        self.entity = QComboBox()
        self.entity.setObjectName("auditKind")
        self.entity.addItem(_("すべての種類"), None)
        self.record = QLineEdit()
        self.record.setObjectName("auditRecord")
        self.record.setPlaceholderText(_("番号(例: 42)"))
        self.record.setClearButtonEnabled(True)
        self.record.setMaximumWidth(150)
        self.date_from = OptionalDateEdit(label=_("日付(から)"), hint=False)
        self.date_to = OptionalDateEdit(label=_("日付(まで)"), hint=False)
        self.clear_button = QPushButton(_("条件をクリア"))
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setAutoDefault(False)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.addWidget(_label(_("操作した人(&P)"), self.staff), 0, 0)
        grid.addWidget(self.staff, 0, 1)
        grid.addWidget(_label(_("操作(&A)"), self.action), 0, 2)
        grid.addWidget(self.action, 0, 3)
        grid.addWidget(_label(_("記録の種類(&K)"), self.entity), 0, 4)
        grid.addWidget(self.entity, 0, 5)
        grid.addWidget(_label(_("記録番号(&N)"), self.record), 0, 6)
        grid.addWidget(self.record, 0, 7)
        grid.addWidget(_label(_("期間(&D)"), self.date_from), 1, 0)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(plain_label("〜"))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        grid.addLayout(dates, 1, 1, 1, 5)
        grid.addWidget(self.clear_button, 1, 7)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(5, 1)
        layout.addLayout(grid)

        self.model = AuditTableModel(ctx)
        self.table = record_list(self.model, widths=_WIDTHS, name="auditTable")
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        down_to_results(self.record, self.table)
        self.empty_note = plain_label()
        self.empty_note.setObjectName("emptyNote")
        self.empty_note.setWordWrap(True)
        self.empty_note.hide()
        layout.addWidget(self.empty_note)

        bar = QHBoxLayout()
        self.count_label = plain_label()
        self.count_label.setObjectName("hint")
        bar.addWidget(self.count_label, 1)
        self.message = plain_label()
        self.message.setObjectName("auditMessage")
        bar.addWidget(self.message, 2)
        self.reload_button = QPushButton(_("最新にする (F5)"))
        self.export_button = QPushButton(_("CSVで保存… (Ctrl+E)"))
        self.export_button.setObjectName("auditExport")
        for b in (self.reload_button, self.export_button):
            b.setAutoDefault(False)
            bar.addWidget(b)
        layout.addLayout(bar)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.record.textChanged.connect(lambda _t: self._timer.start())
        self.record.returnPressed.connect(self.apply_filter)
        for combo in (self.staff, self.action, self.entity):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.date_from.changed.connect(self.apply_filter)
        self.date_to.changed.connect(self.apply_filter)
        self.clear_button.clicked.connect(self.clear_filters)
        self.reload_button.clicked.connect(self.reload)
        self.export_button.clicked.connect(lambda: self.export_csv())
        here = Qt.ShortcutContext.WidgetWithChildrenShortcut  # only while the focus is on this screen
        QShortcut(QKeySequence("F5"), self, self.reload, here)
        QShortcut(QKeySequence("Ctrl+E"), self, lambda: self.export_csv(), here)
        self.model.modelReset.connect(self._show_count)
        self.model.fetched.connect(lambda _n: self._show_count())

    # ---- first show: choices and the first page -------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._started:
            self._started = True
            self._load_choices()
            self.apply_filter()

    def _load_choices(self) -> None:
        actor, sv = self.ctx.require_actor(), self.ctx.services

        def load(_p):
            return sv.staff.list(include_inactive=True), sv.audit.actions(actor), sv.audit.entities(actor)

        self.ctx.tasks.run(load, on_done=self._fill_choices, owner=self)

    def _fill_choices(self, result) -> None:
        staff, actions, entities = result
        for combo in (self.staff, self.action, self.entity):
            combo.blockSignals(True)
        for s in staff:
            self.staff.addItem(f"{s.display_name}({s.login_name})", s.id)
        self.staff.addItem(_("システム・バッチ処理"), SYSTEM_STAFF)
        for a in actions:
            self.action.addItem(action_label(a), a)
        for e in entities:
            self.entity.addItem(entity_label(e), e)
        for combo in (self.staff, self.action, self.entity):
            combo.blockSignals(False)

    # ---- filtering ------------------------------------------------------------------------------
    def record_id(self) -> int | None:
        text = self.record.text().strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        return int(text) if text.isdigit() else None

    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            staff_id=self.staff.currentData(),
            action=self.action.currentData(),
            entity=self.entity.currentData(),
            record_id=self.record_id(),
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
        )

    def apply_filter(self) -> None:
        self._timer.stop()
        bad = bool(self.record.text().strip()) and self.record_id() is None
        self.message.setText(_("記録番号は数字で入力してください。") if bad else "")
        self.model.set_filter(self.current_filter())

    def clear_filters(self) -> None:
        widgets = (self.staff, self.action, self.entity, self.record, self.date_from, self.date_to)
        for w in widgets:
            w.blockSignals(True)
        for combo in (self.staff, self.action, self.entity):
            combo.setCurrentIndex(0)
        self.record.clear()
        self.date_from.setValue(None)
        self.date_to.setValue(None)
        for w in widgets:
            w.blockSignals(False)
        self.apply_filter()

    def reload(self) -> None:
        if self.model.total is None:
            self.apply_filter()
        else:
            self.model.reload()

    def active_filters(self) -> list[str]:
        out = [
            f"{label}: {combo.currentText()}"
            for label, combo in (
                (_("操作した人"), self.staff),
                (_("操作"), self.action),
                (_("記録の種類"), self.entity),
            )
            if combo.currentData() is not None
        ]
        if self.record_id() is not None:
            out.append(_("記録番号 {n}").format(n=self.record_id()))
        if self.date_from.value() or self.date_to.value():
            out.append(
                _("期間 {start}〜{end}").format(
                    start=self.date_from.edit.text() if self.date_from.value() else "",
                    end=self.date_to.edit.text() if self.date_to.value() else "",
                )
            )
        return out

    def _show_count(self) -> None:
        if self.model.total is None:
            return
        self.count_label.setText(_("{n} 件").format(n=format_number(self.model.total)))
        active = self.active_filters()
        empty = self.model.total == 0
        if empty:
            self.empty_note.setText(
                _("条件に合う記録はありません。絞り込み中: {filters}。「条件をクリア」ですべて表示します。").format(
                    filters="、".join(active)
                )
                if active
                else _("監査ログはまだ空です。")
            )
        self.empty_note.setVisible(empty)

    # ---- export ---------------------------------------------------------------------------------
    def export_csv(self, path: str | Path | None = None) -> None:
        flt = self.current_filter()
        target = Path(path) if path else ask_export_path(self, _("監査ログ.csv"))
        if target is None:
            return
        if target.suffix.lower() != ".csv":
            target = target.with_suffix(".csv")
        actor, service = self.ctx.require_actor(), self.ctx.services.audit
        self.ctx.tasks.run(
            lambda progress: (str(target), service.export_csv(actor, target, flt, progress=progress)),
            _("CSVを保存しています…"),
            on_done=self._exported,
            write=True,
            owner=self,
            cancellable=True,
            parent=self,
        )

    def _exported(self, result) -> None:
        path, n = result
        self.message.setText(_("{n}件を {path} に保存しました。").format(n=format_number(n), path=path))
        self.exported.emit(path, n)
        self.model.reload()  # the export is in the trail now
