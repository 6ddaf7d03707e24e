"""The main window: side navigation, the global search-and-scan box, a status bar.

Pages live in their own packages (dashboard/, groups/, settings/ ...); this file only arranges them.
A page may define ``register_openers(registry)`` (to open records of its kinds from the search
box) and ``page_shown()`` (to refresh when the user comes back to it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.i18n import _
from kyodo_desk.services.search import Hit, kind_label
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.idle_lock import IdleWatcher, cover_windows, uncover
from kyodo_desk.ui.keys import KeyRule, visible_scan_field
from kyodo_desk.ui.openers import OpenerRegistry
from kyodo_desk.ui.pages import PageSpec, default_pages
from kyodo_desk.ui.signin import StaffPickerDialog
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.connection_status import ConnectionStatus
from kyodo_desk.ui.widgets.page import has_tab_keys, plain_label, scaled_font, tab_keys
from kyodo_desk.ui.widgets.screen import scrolling
from kyodo_desk.ui.widgets.search_box import GlobalSearch
from kyodo_desk.ui.widgets.stray_windows import no_stray_windows

PREFERRED_SIZE = (1280, 800)
# kinds whose list can be filtered by the search box's words (「すべて表示」), and the page that has it
# (a page registers a kind's list only for a role that may see it; the box shows only such kinds)
LIST_PAGES = {
    "organization": "groups",
    "person": "groups",  # 個人の一覧, over the 団体 page
    "device": "lending",
    "loan": "lending",  # 貸出記録
    "consultation": "consultations",
    "advisor": "dispatch",
    "dispatch": "dispatch",
    "project": "projects",
}


class LazyPages(Mapping[str, QWidget]):
    """``window.pages``: page key → page.  Asking for a page builds it if it was not built yet."""

    def __init__(self, window: "MainWindow"):
        self.window = window
        self.built: dict[str, QWidget] = {}
        self._building: set[str] = set()

    def __getitem__(self, key: str) -> QWidget:
        if key not in self.built:
            if key not in self or key in self._building:
                raise KeyError(key)
            self._building.add(key)
            try:
                self.window._build_page(key)
            finally:
                self._building.discard(key)
        return self.built[key]

    def __contains__(self, key: object) -> bool:
        return any(spec.key == key for spec in self.window.specs)

    def __iter__(self) -> Iterator[str]:
        return iter([spec.key for spec in self.window.specs])

    def __len__(self) -> int:
        return len(self.window.specs)

    def clear(self) -> None:
        self.built.clear()


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, pages: list[PageSpec] | None = None):
        super().__init__()
        self.ctx = ctx
        self.specs = pages or default_pages()
        self.openers = OpenerRegistry()
        self.pages = LazyPages(self)
        self.setObjectName("mainWindow")
        self.setWindowTitle(_("協働デスク"))
        self.setStyleSheet(STYLE_SHEET)
        self.resize(*PREFERRED_SIZE)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        top = QWidget()
        top.setObjectName("topBar")
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(16, 8, 16, 8)
        title = plain_label(_("協働デスク"))
        title.setObjectName("appTitle")
        title.setFont(scaled_font(title, 1.3, bold=True))
        top_row.addWidget(title)
        top_row.addSpacing(24)
        self.search = GlobalSearch(ctx, self, can_list=lambda kind: kind in LIST_PAGES)
        self.search.list_chosen.connect(self.open_list)
        self.search.setMinimumWidth(420)
        self.search.hit_chosen.connect(self.open_hit)
        self.search.code_found.connect(self._code_found)
        top_row.addWidget(self.search, 1)
        top_row.addSpacing(180)
        outer.addWidget(top)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("sideNav")
        self.nav.setFixedWidth(190)
        self.nav.setFont(scaled_font(self.nav, 1.08))
        self.stack = QStackedWidget()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._page_selected)

        self.db_label = plain_label()
        self.staff_label = plain_label()
        self.switch_button = QPushButton(_("交代"))
        self.switch_button.setToolTip(_("窓口の担当者を交代します"))
        self.switch_button.clicked.connect(self.switch_staff)
        self.statusBar().addWidget(self.db_label, 1)
        # 「サーバーに接続できません。再接続しています…」 until the server answers again
        self.connection_status = ConnectionStatus(ctx.tasks, ctx.events, ctx.services.changes.marker, self)
        self.statusBar().addPermanentWidget(self.connection_status)  # stays while messages show
        self.statusBar().addPermanentWidget(self.staff_label)
        self.statusBar().addPermanentWidget(self.switch_button)
        self.password_button = QPushButton(_("パスワード・PIN…"))
        self.password_button.setToolTip(_("自分のパスワードやPINを変更します"))
        self.password_button.clicked.connect(self.change_own_password)
        self.statusBar().addPermanentWidget(self.password_button)

        for number in range(1, len(self.specs) + 1):
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, activated=lambda n=number: self.nav.setCurrentRow(n - 1))
        QShortcut(QKeySequence("Ctrl+K"), self, activated=self.focus_search)
        self._build_pages()
        self._app = QApplication.instance()  # only to watch keys typed anywhere in this window
        self.keys = KeyRule(self, route=self.route_scan, search=self._type_into_search)
        self._app.installEventFilter(self.keys)
        # Idle lock (ui/idle_lock.py): after the center's N minutes without a key or mouse event
        # every window is covered until the same person signs in again, or someone else (交代).
        self.locked = False
        self.lock_screen: StaffPickerDialog | None = None
        self._covers: list = []
        self.idle = IdleWatcher(10, parent=self)  # the center's setting replaces the default once read
        self.idle.idle.connect(self.lock)
        self._app.installEventFilter(self.idle)
        ctx.events.data_changed.connect(self._settings_changed)
        self._settings_changed("setting", [])

    def show_on_screen(self) -> None:
        """Show the window as the app opens it: its preferred size, or maximised when the screen's
        free area (the screen less the taskbar, e.g. 1366×728) is smaller; never larger than that."""
        screen = self.screen() or QApplication.primaryScreen()
        free = screen.availableGeometry() if screen is not None else None
        if free is not None and (free.width() < PREFERRED_SIZE[0] or free.height() < PREFERRED_SIZE[1]):
            self.resize(min(PREFERRED_SIZE[0], free.width()), min(PREFERRED_SIZE[1], free.height()))
            self.move(free.topLeft())
            self.showMaximized()
        else:
            self.show()

    # ---- pages ---------------------------------------------------------------------
    def _build_pages(self) -> None:
        """The navigation and an empty holder per page; each page is built the first time it is
        shown or asked for (``self.pages[key]``), so start-up does not pay for all seven."""
        current = self.nav.currentRow()
        self.nav.blockSignals(True)
        self.nav.clear()
        while self.stack.count():
            old = self.stack.widget(0)
            self.stack.removeWidget(old)
            old.deleteLater()
        self.pages.clear()
        for number, spec in enumerate(self.specs, start=1):
            holder = QWidget()
            holder.setObjectName(f"holder_{spec.key}")
            holder_layout = QVBoxLayout(holder)
            holder_layout.setContentsMargins(0, 0, 0, 0)
            self.stack.addWidget(holder)
            self.nav.addItem(_(spec.title))
            self.nav.item(number - 1).setToolTip(f"Ctrl+{number}")
            for kind in spec.opens:  # the search box may open such a record before the page exists
                self.openers.register(kind, self._lazy_opener(spec.key, kind))
        self.nav.blockSignals(False)
        self.nav.setCurrentRow(max(current, 0))
        self._page_selected(self.nav.currentRow())
        actor = self.ctx.require_actor()
        is_admin = actor.role == StaffRole.ADMIN
        self.db_label.setText(self.ctx.db.describe() if is_admin else "")  # where the file is: administrators only
        self.db_label.setVisible(is_admin)
        self.staff_label.setText(_("担当: {name}({role})").format(name=actor.name, role=actor.role.label()))

    def _build_page(self, key: str) -> QWidget:
        keys = [spec.key for spec in self.specs]
        index, spec = keys.index(key), self.specs[keys.index(key)]
        with no_stray_windows():
            page = spec.build(self.ctx, self)
        page.setObjectName(f"page_{spec.key}")
        self.pages.built[spec.key] = page
        # scrolls only when the screen is smaller than the page (big fonts)
        self.stack.widget(index).layout().addWidget(scrolling(page))
        if hasattr(page, "register_openers"):
            page.register_openers(self.openers)
        tabs = getattr(page, "tabs", None)
        if isinstance(tabs, QTabWidget) and not has_tab_keys(page):
            tab_keys(page, tabs)  # every tabbed page: Alt+N for its tabs
        return page

    def _lazy_opener(self, key: str, kind: str):
        def open_(ref_id: int) -> None:
            self.openers.remove(kind, open_)
            self.pages[key]  # building it registers its own opener for *kind* (if this person may open it)
            self.openers.open(kind, ref_id)

        return open_

    def _page_selected(self, row: int) -> None:
        if 0 <= row < self.stack.count():
            page = self.pages[self.specs[row].key]
            self.stack.setCurrentIndex(row)
            if hasattr(page, "page_shown"):
                page.page_shown()
            self._focus_into(page)

    def _focus_into(self, page: QWidget) -> None:
        """Keys typed next belong to the page just shown (its Alt+N tabs, its lists), unless the
        user is in the search box or the navigation."""
        focus = QApplication.focusWidget()
        if focus is not None and (page.isAncestorOf(focus) or focus in (self.search, self.nav)):
            return
        widget = page.nextInFocusChain()
        for _step in range(500):
            if widget is page or widget is None:
                break
            if (
                page.isAncestorOf(widget)
                and widget.isVisible()
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            widget = widget.nextInFocusChain()

    def show_page(self, key: str) -> QWidget:
        keys = [spec.key for spec in self.specs]
        self.nav.setCurrentRow(keys.index(key))
        return self.pages[key]

    def current_page_key(self) -> str:
        return self.specs[self.nav.currentRow()].key

    # ---- search and scan -------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_hit(self, hit: Hit) -> None:
        owner = next((spec.key for spec in self.specs if hit.kind in spec.opens), None)
        if owner is not None:
            self.pages[owner]  # built now if it was not yet: its openers are the real ones
        if not self.openers.open(hit.kind, hit.ref_id):
            self.statusBar().showMessage(
                _("「{kind}」を開く画面はまだありません({title})。").format(kind=hit.kind_label, title=hit.title), 8000
            )

    def open_list(self, kind: str, text: str) -> None:
        """「すべて表示」: the list of *kind* filtered by *text* (the page is built first if need be)."""
        owner = LIST_PAGES.get(kind)
        if owner is not None:
            self.pages[owner]  # building it registers its list
        if not self.openers.open_list(kind, text):
            self.statusBar().showMessage(
                _("「{kind}」には語で絞り込める一覧がありません。語を足して検索してください。").format(
                    kind=kind_label(kind)
                ),
                8000,
            )

    def _type_into_search(self, text: str) -> QWidget:
        self.search.start_with(text)
        return self.search

    def route_scan(self, code: str, origin: QWidget | None) -> None:
        """Where a scanned code goes (the rule in ui/keys.py): a scan field, else by what it names."""
        if self.locked:  # nothing opens behind the lock screen
            QApplication.beep()
            return
        window = origin.window() if origin is not None else self
        field = visible_scan_field(window)
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            field.scanned.emit(code)
            if window is self:
                self.statusBar().showMessage(_("スキャン「{code}」を読み取り欄に入れました。").format(code=code), 8000)
            return
        if window is not self:
            QApplication.beep()
            self.statusBar().showMessage(
                _(
                    "スキャン「{code}」は使いませんでした。開いている画面を閉じてから、もう一度スキャンしてください。"
                ).format(code=code),
                12000,
            )
            return
        actor, search = self.ctx.require_actor(), self.ctx.services.search
        self.ctx.tasks.run(
            lambda _p: search.resolve_code(actor, code), on_done=lambda hit: self._code_found(code, hit), owner=self
        )

    def _code_found(self, code: str, hit: Hit | None) -> None:
        if hit is None:
            QApplication.beep()
            self.statusBar().showMessage(
                _("スキャン「{code}」に当たる記録はありません。ラベルを確かめてください。").format(code=code), 12000
            )
            return
        lending = self.pages.get("lending")
        desk = getattr(lending, "desk", None)
        if hit.kind == "device" and desk is not None:
            self.show_page("lending")
            lending.show_tab(desk)
            desk.refocus()
            desk.feed(code)
            self.statusBar().showMessage(
                _("スキャン「{code}」を機器貸出の窓口で読み取りました。").format(code=code), 8000
            )
            return
        self.open_hit(hit)
        self.statusBar().showMessage(
            _("スキャン「{code}」: {kind}「{title}」を表示しました。").format(
                code=code, kind=hit.kind_label, title=hit.title
            ),
            8000,
        )

    # ---- who is at the desk --------------------------------------------------------------
    def switch_staff(self) -> StaffPickerDialog:
        dialog = StaffPickerDialog(self.ctx, self)
        dialog.signed_in.connect(self._staff_switched)
        dialog.open()
        return dialog

    def change_own_password(self) -> None:
        """「パスワード・PIN…」: the PIN fields only when the center allows PINs (read first)."""
        settings = self.ctx.services.settings
        self.ctx.tasks.run(lambda _p: settings.get().pin_sign_in, on_done=self._open_own_password, owner=self)

    def _open_own_password(self, pin_allowed: bool) -> None:
        from kyodo_desk.ui.own_password import OwnPasswordDialog

        dialog = OwnPasswordDialog(self.ctx, bool(pin_allowed), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.statusBar().showMessage(_("パスワード・PINを変更しました。"), 5000))
        dialog.open()

    def _staff_switched(self, actor) -> None:
        old = self.ctx.actor
        if old is not None and old != actor:
            staff = self.ctx.services.staff
            self.ctx.tasks.run(lambda _p: staff.sign_out(old), write=True)
        self.ctx.actor = actor
        self._build_pages()
        self.statusBar().showMessage(_("{name} さんに交代しました。").format(name=actor.name), 5000)

    # ---- idle lock ---------------------------------------------------------------------------
    def _settings_changed(self, kind: str, _ids) -> None:
        if kind == "setting":
            settings = self.ctx.services.settings
            self.ctx.tasks.run(lambda _p: settings.get().idle_lock_minutes, on_done=self.idle.set_minutes, owner=self)

    def lock(self) -> StaffPickerDialog | None:
        """Hide every record (the main window and any dialog left open) behind the lock screen."""
        if self.locked or self.ctx.actor is None:
            return self.lock_screen
        self.locked = True
        self.idle.paused = True
        self._covers = cover_windows()
        self.statusBar().hide()
        dialog = StaffPickerDialog(self.ctx, self, locked_by=self.ctx.actor)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)  # above a dialog left open, too
        dialog.signed_in.connect(self._unlocked)
        self.lock_screen = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _unlocked(self, actor) -> None:
        old = self.ctx.actor
        dialog, self.lock_screen = self.lock_screen, None
        uncover(self._covers)
        self._covers = []
        self.locked = False
        self.statusBar().show()
        if dialog is not None:
            dialog.deleteLater()
        if old is not None and actor.staff_id != old.staff_id:
            # 交代: what the previous person left open is theirs (closed unsaved, like a sign-out)
            for window in QApplication.topLevelWidgets():
                if window is not self and window is not dialog and isinstance(window, QDialog) and window.isVisible():
                    window.reject()
            self._staff_switched(actor)
        else:
            self.statusBar().showMessage(_("ロックを解除しました。"), 5000)
        self.idle.resume()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if getattr(self, "keys", None) is not None:  # not when building the window failed
            QApplication.instance().removeEventFilter(self.keys)
        if getattr(self, "idle", None) is not None:
            QApplication.instance().removeEventFilter(self.idle)
            self.idle.stop()
        if self.ctx.actor is not None:
            actor, staff = self.ctx.actor, self.ctx.services.staff
            self.ctx.tasks.run(lambda _p: staff.sign_out(actor), write=True)
        super().closeEvent(event)
