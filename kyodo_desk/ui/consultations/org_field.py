"""The requester's organization: type part of a name, kana, phone or 団体番号 and pick it from the
drop-down (↓, Enter), or register a new one on the spot with 「新しい団体…」 (the organizations
screen's own dialog).  Empty means anonymous — the fastest path skips this field."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.services.organizations import OrganizationFilter, OrganizationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.page import plain_label

DEBOUNCE_MS = 200
MAX_ROWS = 12


class OrganizationField(QWidget):
    chosen = Signal(object)  # OrganizationRecord | None
    results_shown = Signal(int)
    dialog_opened = Signal(object)  # the 「新しい団体」 dialog

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.record: OrganizationRecord | None = None
        self._seq = 0
        self._results: list[OrganizationRecord] = []
        self._enter_pending = False
        self._fresh = False  # _results answer the text now in the field
        self.dialog = None
        self.edit = QLineEdit()
        self.edit.setObjectName("organizationEdit")
        self.edit.setPlaceholderText(_("団体名・カナ・電話"))
        self.edit.setClearButtonEnabled(True)
        self.new_button = QPushButton(_("新しい団体…"))
        self.new_button.setToolTip(
            _("名簿にない団体をここで登録します(見つからないときは団体名を入れて Enter でも開きます)")
        )
        self.new_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.new_button.setVisible(ctx.require_actor().can(Permission.ORGANIZATION_EDIT))
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(self.new_organization)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.edit, 1)
        row.addWidget(self.new_button)
        self.status = plain_label()
        self.status.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.setFocusProxy(self.edit)

        self._model = QStandardItemModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setMaxVisibleItems(MAX_ROWS)
        self._completer.setWidget(self.edit)
        self._completer.activated[QModelIndex].connect(self._activated)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self.edit.textEdited.connect(self._edited)
        self.edit.returnPressed.connect(self._enter)
        self._show_status()

    # ---- searching ----------------------------------------------------------------------
    def _edited(self, _text: str) -> None:
        if self.record is not None:  # typing again means choosing again
            self.record = None
            self._show_status()
            self.chosen.emit(None)
        self._seq += 1
        self._fresh = False
        self._timer.start()

    def search_now(self) -> None:
        self._timer.stop()
        query = self.edit.text().strip()
        self._seq += 1
        seq = self._seq
        if not query:
            self._model.clear()
            self._results = []
            return
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        self.ctx.tasks.run(
            lambda _p: orgs.page(actor, OrganizationFilter(text=query), limit=MAX_ROWS),
            on_done=lambda rows: self._fill(seq, rows),
            owner=self,
        )

    def _fill(self, seq: int, rows: list[OrganizationRecord]) -> None:
        if seq != self._seq:
            return
        self._model.clear()
        self._results = list(rows)
        self._fresh = True
        if self._enter_pending:
            self._enter_pending = False
            if rows:
                self.choose(rows[0])
            elif self.new_button.isVisible():
                self.new_organization()
            self.results_shown.emit(len(rows))
            return
        for r in rows:
            item = QStandardItem(f"{r.name}({r.code}・{r.kind_label})")
            item.setData(r, Qt.ItemDataRole.UserRole)
            self._model.appendRow(item)
        if rows and self.edit.hasFocus():
            self._completer.complete()
        self.results_shown.emit(len(rows))

    def results(self) -> list[OrganizationRecord]:
        return list(self._results)

    def _activated(self, index) -> None:
        record = index.data(Qt.ItemDataRole.UserRole)
        if record is not None:
            QTimer.singleShot(0, lambda: self.choose(record))

    def _enter(self) -> None:
        """Enter without a highlighted row picks the first match; with none, offers 「新しい団体…」."""
        if self.record is not None or self._completer.popup().isVisible() or not self.edit.text().strip():
            return
        if not self._fresh:  # typed faster than the search: decide when the answer is in
            self._enter_pending = True
            if self._timer.isActive():
                self.search_now()
            return
        if self._results:
            self.choose(self._results[0])
        elif self.new_button.isVisible():
            self.new_organization()

    # ---- choosing -----------------------------------------------------------------------
    def choose(self, record: OrganizationRecord | None, *, emit: bool = True) -> None:
        self._seq += 1
        self._timer.stop()
        self._completer.popup().hide()
        self.record = record
        self.edit.setText(f"{record.name}({record.code})" if record else "")
        self.edit.setCursorPosition(0)
        self._show_status()
        if emit:
            self.chosen.emit(record)

    def organization_id(self) -> int | None:
        return self.record.id if self.record else None

    def _show_status(self) -> None:
        org = self.record
        if org is None:
            self.status.setText(
                _("匿名(団体なし)")
                if not self.edit.text().strip()
                else _("一覧から選んでください(↓ と Enter)。見つからなければ Enter で新しい団体を登録")
            )
        else:
            self.status.setText(
                _("{kind} ・ 登録状況: {registration}").format(kind=org.kind_label, registration=org.registration_label)
            )

    def has_unpicked_text(self) -> bool:
        return self.record is None and bool(self.edit.text().strip())

    # ---- a new organization --------------------------------------------------------------
    def new_organization(self):
        from kyodo_desk.ui.groups.edit_dialog import OrganizationDialog

        typed = self.edit.text().strip() if self.record is None else ""
        self.dialog = OrganizationDialog(self.ctx, None, self.window())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if typed:
            self.dialog.name.setText(typed)
        self.dialog.saved.connect(self._created)
        self.dialog.finished.connect(lambda _r: self.edit.setFocus())
        self.dialog.open()
        self.dialog_opened.emit(self.dialog)
        return self.dialog

    def _created(self, record: OrganizationRecord) -> None:
        self.choose(record)
