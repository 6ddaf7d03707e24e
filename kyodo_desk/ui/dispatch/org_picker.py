"""Organization type-ahead: type part of a name, kana, phone or 団体番号; pick with ↓ and Enter.

Shows the chosen organization's 「協働をすすめる市民団体」 registration status next to it, because
some dispatch types are only for registered groups.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem, QToolButton, QVBoxLayout, QWidget

from kyodo_desk.domain.enums import RegistrationStatus
from kyodo_desk.i18n import _
from kyodo_desk.services.organizations import OrganizationFilter, OrganizationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.page import plain_label

DEBOUNCE_MS = 200
MAX_ROWS = 8


def registration_text(org: OrganizationRecord) -> str:
    if org.registration_status == RegistrationStatus.REGISTERED.value:
        return _("「協働をすすめる市民団体」登録済")
    return _("「協働をすすめる市民団体」{status}").format(status=org.registration_label)


class OrganizationPicker(QWidget):
    chosen = Signal(object)  # OrganizationRecord or None

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, placeholder: str | None = None, compact: bool = False
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.compact = compact
        self.record: OrganizationRecord | None = None
        self._seq = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(4)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder or _("団体名・カナ・電話番号・団体番号で検索"))
        self.clear_button = QToolButton()
        self.clear_button.setText("×")
        self.clear_button.setToolTip(_("選んだ団体を外す"))
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.clear)
        row.addWidget(self.edit, 1)
        row.addWidget(self.clear_button)
        layout.addLayout(row)
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.setFixedHeight(self.results.fontMetrics().lineSpacing() * 6 + 14)
        self.results.hide()
        layout.addWidget(self.results)
        self.status = plain_label()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.setVisible(not compact)
        layout.addWidget(self.status)
        self.setFocusProxy(self.edit)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self.edit.textEdited.connect(self._edited)
        self.edit.installEventFilter(self)
        self.results.itemClicked.connect(lambda item: self._pick(item.data(Qt.ItemDataRole.UserRole)))
        self.clear_button.setEnabled(False)

    # ---- searching -------------------------------------------------------------------
    def _edited(self, text: str) -> None:
        self._seq += 1
        if self.record is not None:  # typing again means choosing again
            self.record = None
            self._show_status()
            self.chosen.emit(None)
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.results.hide()

    def search_now(self) -> None:
        text = self.edit.text().strip()
        if not text:
            return
        self._seq += 1
        seq = self._seq
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        self.ctx.tasks.run(
            lambda _p: orgs.page(actor, OrganizationFilter(text=text), limit=MAX_ROWS),
            on_done=lambda rows: self._fill(seq, rows),
            owner=self,
        )

    def _fill(self, seq: int, rows: list[OrganizationRecord]) -> None:
        if seq != self._seq:
            return
        self.results.clear()
        for org in rows:
            item = QListWidgetItem(f"{org.code}  {org.name}({org.registration_label})")
            item.setToolTip(f"{org.name}\n{org.kind_label} · {registration_text(org)}")
            item.setData(Qt.ItemDataRole.UserRole, org)
            self.results.addItem(item)
        if not rows:
            item = QListWidgetItem(_("該当する団体がありません。"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.results.addItem(item)
        else:
            self.results.setCurrentRow(0)
        self.results.show()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is self.edit and event.type() == event.Type.KeyPress and self.results.isVisible():
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                self.results.setCurrentRow(max(0, min(self.results.count() - 1, self.results.currentRow() + step)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                item = self.results.currentItem()
                if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
                    self._pick(item.data(Qt.ItemDataRole.UserRole))
                return True
            if key == Qt.Key.Key_Escape:
                self.results.hide()
                return True
        return False

    # ---- choosing ----------------------------------------------------------------------
    def _pick(self, org: OrganizationRecord | None) -> None:
        if org is None:
            return
        self.set_record(org)
        self.chosen.emit(org)

    def set_record(self, org: OrganizationRecord | None) -> None:
        """Show *org* as chosen (without emitting ``chosen``)."""
        self._seq += 1
        self._timer.stop()
        self.record = org
        self.results.hide()
        self.edit.setText(f"{org.code} {org.name}" if org else "")
        self._show_status()

    def clear(self) -> None:
        had = self.record is not None or bool(self.edit.text())
        self.set_record(None)
        if had:
            self.chosen.emit(None)
        self.edit.setFocus()

    def _show_status(self) -> None:
        org = self.record
        self.clear_button.setEnabled(org is not None or bool(self.edit.text()))
        if org is None:
            self.status.setText(_("団体を選んでください。") if not self.compact else "")
            self.status.setObjectName("hint")
        else:
            self.status.setText(
                _("{kind} · {registration}").format(kind=org.kind_label, registration=registration_text(org))
            )
            self.status.setObjectName(
                "hint" if org.registration_status == RegistrationStatus.REGISTERED.value else "banner"
            )
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def organization_id(self) -> int | None:
        return self.record.id if self.record else None
