"""The organizations page's row for the 「協働をすすめる市民団体」 scheme: how many groups are registered
today, the selected group's registration (Ctrl+R), the publication list (PDF preview, CSV) and,
for administrators, the scheme's settings.  On first show, registrations whose renewal is overdue
lapse (when the setting says so) on the write thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QMenu, QMessageBox, QPushButton, QWidget

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_number, wareki
from kyodo_desk.services.organizations import OrganizationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.printing.dialog import ask_save_path, show_pdf
from kyodo_desk.ui.widgets.date_edit import DateField
from kyodo_desk.ui.widgets.page import plain_label


class RegistrationBar(QWidget):
    def __init__(self, ctx: AppContext, page: QWidget, selected: Callable[[], OrganizationRecord | None]):
        super().__init__()
        self.ctx, self.page, self.selected = ctx, page, selected
        actor = ctx.require_actor()
        self.dialog = None
        self.settings_dialog = None
        self.ask_path = ask_save_path  # tests replace it
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(plain_label(_("協働をすすめる市民団体:")))
        self.count_label = plain_label("")
        self.count_label.setObjectName("registeredCount")
        row.addWidget(self.count_label)
        # the count on any day (the plan's target 2 is counted at the end of each fiscal year)
        self.count_day = DateField(label=_("時点"), hint=False)
        self.count_day.setObjectName("registeredCountDay")
        self.count_day.setValue(dt.date.today())
        self.count_day.setToolTip(_("この日に登録中だった団体の数を表示します"))
        self.count_day.changed.connect(self.refresh_count)
        row.addWidget(self.count_day)
        row.addStretch(1)
        self.open_button = QPushButton(_("登録の手続き… (Ctrl+R)"))
        self.open_button.setObjectName("registrationOpenButton")
        self.open_button.setToolTip(_("選んだ団体の登録の手続き・履歴・公開項目・登録証"))
        self.open_button.clicked.connect(self.open_selected)
        # one button with a menu (Enter or Space opens it, arrows choose): with two buttons the bar made
        # the page wider than a 1366-pixel laptop screen
        self.list_button = QPushButton(_("登録団体一覧"))
        self.list_button.setObjectName("publicationListButton")
        self.list_button.setToolTip(_("公開に同意した項目だけを載せた一覧(ポータル・広報誌用)"))
        menu = QMenu(self.list_button)
        self.list_action = menu.addAction(_("プレビュー・印刷…"), self.preview_list)
        self.list_action.setObjectName("publicationPdfAction")
        self.list_action.setVisible(actor.can(Permission.PRINT))
        self.csv_action = menu.addAction(_("CSVで保存…"), self.save_csv)
        self.csv_action.setObjectName("publicationCsvAction")
        self.list_button.setMenu(menu)
        self.settings_button = QPushButton(_("登録制度の設定…"))
        self.settings_button.setObjectName("registrationSettingsButton")
        self.settings_button.clicked.connect(self.open_settings)
        self.settings_button.setVisible(actor.can(Permission.SETTINGS_EDIT))
        for b in (self.open_button, self.list_button, self.settings_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        shortcut = QShortcut(QKeySequence("Ctrl+R"), page, activated=self.open_selected)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        ctx.events.data_changed.connect(self._data_changed)
        self._start()

    # ---- count and lapse ---------------------------------------------------------------------
    def _start(self) -> None:
        actor, reg = self.ctx.require_actor(), self.ctx.services.registration
        today = dt.date.today()
        if actor.can(Permission.REGISTRATION_EDIT):

            def lapsed(ids: list[int]) -> None:
                if ids:
                    self.ctx.events.emit_changed("registration", ids)
                self.refresh_count()

            self.ctx.tasks.run(lambda _p: reg.lapse_overdue(actor, today), on_done=lapsed, write=True, owner=self)
        else:
            self.refresh_count()

    def refresh_count(self) -> None:
        reg = self.ctx.services.registration
        day = self.count_day.value() or dt.date.today()
        self.ctx.tasks.run(
            lambda _p: (day, reg.registered_count_at(day)), on_done=lambda r: self._show_count(*r), owner=self
        )

    def _show_count(self, day: dt.date, n: int) -> None:
        self.count_label.setText(_("登録中 {n} 団体({date}現在)").format(n=format_number(n), date=wareki(day)))

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in ("organization", "registration"):
            self.refresh_count()

    # ---- actions ------------------------------------------------------------------------------
    def open_selected(self):
        record = self.selected()
        if record is None:
            return None
        from kyodo_desk.ui.groups.registration_dialog import RegistrationDialog

        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        dialog = RegistrationDialog(self.ctx, record.id, record.name, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self._closed())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self) -> None:
        self.dialog = None
        table = getattr(self.page, "table", None)
        if table is not None:
            table.setFocus()

    def preview_list(self) -> None:
        actor, reg, today = self.ctx.require_actor(), self.ctx.services.registration, dt.date.today()
        show_pdf(
            self.ctx,
            self,
            lambda: reg.publication_pdf(actor, today),
            _("登録団体一覧"),
            f"registered-groups-{today:%Y%m%d}.pdf",
        )

    def save_csv(self) -> None:
        today = dt.date.today()
        path = self.ask_path(
            self.window(), _("登録団体一覧をCSVで保存"), f"registered-groups-{today:%Y%m%d}.csv", _("CSV (*.csv)")
        )
        if path is None:
            return
        actor, reg = self.ctx.require_actor(), self.ctx.services.registration

        def write(_p):
            data = reg.publication_csv(actor, today)
            target = path.with_suffix(".csv") if path.suffix.lower() != ".csv" else path
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")  # the file appears whole, never half-written
            partial.write_bytes(data)
            partial.replace(target)
            return target

        def done(target) -> None:
            self.saved_box = QMessageBox(
                QMessageBox.Icon.Information,
                _("保存しました"),
                _("登録団体一覧を保存しました: {path}").format(path=target),
                parent=self.window(),
            )
            self.saved_box.open()

        self.ctx.tasks.run(write, _("登録団体一覧を保存しています…"), on_done=done, write=True, owner=self)

    def open_settings(self):
        if not self.ctx.require_actor().can(Permission.SETTINGS_EDIT):
            return None
        from kyodo_desk.ui.groups.registration_settings_dialog import RegistrationSettingsDialog

        reg = self.ctx.services.registration

        def show(current) -> None:
            dialog = RegistrationSettingsDialog(self.ctx, current, self.window())
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.saved.connect(lambda _v: self.refresh_count())
            self.settings_dialog = dialog
            dialog.open()

        self.ctx.tasks.run(lambda _p: reg.settings(), on_done=show, owner=self)
        return None
