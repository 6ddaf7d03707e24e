"""A scanner burst typed while the cursor is in each kind of field on each page lands per the
rule of ui/keys.py: a device code reaches the 機器貸出 desk's scan field, the field keeps what it
held, and the scanner's Enter presses nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTextEdit,
    QTreeView,
    QWidget,
)

from kyodo_desk.ui.keys import snapshot
from kyodo_desk.ui.widgets.date_edit import _TypedField
from tests.ui.replay import activate, describe, desk, focused, scan, status_text, type_text  # noqa: F401 - fixtures

PAGES = ["home", "consultations", "lending", "dispatch", "groups", "printing", "settings"]


def _inside(widget: QWidget, classes) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, classes):
            return True
        parent = parent.parentWidget()
    return False


def _plain_line(w) -> bool:
    return (
        isinstance(w, QLineEdit)
        and not w.isReadOnly()
        and w.objectName() not in ("scanField", "globalSearch")
        and not _inside(w, (QAbstractSpinBox, QComboBox, _TypedField))
    )


KINDS = {  # lists first: a filter box typed into later reloads them
    "table": lambda w: isinstance(w, QTableView),
    "tree": lambda w: isinstance(w, QTreeView),
    "line edit": _plain_line,
    "text edit": lambda w: isinstance(w, (QPlainTextEdit, QTextEdit)) and not w.isReadOnly(),
    "combo": lambda w: isinstance(w, QComboBox),
    "spin": lambda w: isinstance(w, QAbstractSpinBox),
    "date field": lambda w: isinstance(w, QLineEdit) and _inside(w, _TypedField) and not w.isReadOnly(),
    "button": lambda w: isinstance(w, QPushButton),
}


def _first(page: QWidget, test) -> QWidget | None:
    for w in page.findChildren(QWidget):
        if test(w) and w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return w
    return None


def _state(widget):
    if isinstance(widget, (QTableView, QTreeView)):
        return widget.currentIndex().row()  # a list may reload meanwhile: compare the row
    return snapshot(widget).state


@pytest.fixture
def device_tag(services):
    def find(actor):
        return services.inventory.page(actor, state="available", limit=1)[0].asset_tag

    return find


@pytest.mark.parametrize("page_key", PAGES)
def test_a_scan_in_any_field_reaches_the_lending_desk_and_the_field_keeps_its_text(qtbot, desk, device_tag, page_key):
    win = desk()
    tag = device_tag(win.ctx.actor)
    lending = win.pages["lending"]
    win.show_page(page_key)  # pages are built when first shown: let its lists load as a person would see them
    qtbot.waitUntil(lambda: win.ctx.tasks.pending == 0, timeout=10000)
    tried = []
    for kind, test in KINDS.items():
        page = win.show_page(page_key)
        activate(qtbot, win)
        widget = _first(page, test)
        if widget is None:
            continue
        tried.append(kind)
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda w=widget: focused() is w, timeout=3000)
        if kind in ("line edit", "text edit"):
            type_text(qtbot, "ab", human=True)  # what the person had typed before the scan
        if kind in ("table", "tree") and widget.model() is not None and widget.model().rowCount() > 1:
            model = widget.model()
            widget.setCurrentIndex(model.index(model.rowCount() - 1, 0))  # the row the person was on
        before = _state(widget)
        clicked = []
        if isinstance(widget, QAbstractButton):
            widget.clicked.connect(lambda *_a, c=clicked: c.append(True))
        with qtbot.waitSignal(lending.desk.scan_answered, timeout=8000, raising=False) as answered:
            scan(qtbot, tag)
        assert answered.signal_triggered, (
            page_key,
            kind,
            describe(widget),
            "the desk never got the scan",
            status_text(win),
        )
        assert _state(widget) == before, (page_key, kind, "the field's content changed")
        if kind in ("line edit", "text edit"):
            text = widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()
            assert text.endswith("ab") and tag not in text, (page_key, kind, text)
        assert not clicked, (page_key, kind, "the scanner's Enter pressed a button")
        assert win.current_page_key() == "lending" and lending.tabs.currentWidget() is lending.desk, (page_key, kind)
        assert win.search.text() == "", (page_key, kind)
        assert tag in status_text(win) or page_key == "lending", (page_key, kind, status_text(win))
        assert QApplication.activeModalWidget() is None, (page_key, kind)
    assert tried, page_key


def test_a_scan_in_the_global_search_goes_to_the_desk_not_the_device_record(qtbot, desk, device_tag):
    from kyodo_desk.ui.lending.device_dialog import DeviceDialog

    win = desk()
    tag = device_tag(win.ctx.actor)
    win.focus_search()
    with qtbot.waitSignal(win.pages["lending"].desk.scan_answered, timeout=8000):
        scan(qtbot, tag)
    assert win.current_page_key() == "lending" and win.search.text() == ""
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, DeviceDialog) and w.isVisible()]


def test_typing_a_code_by_hand_into_a_field_stays_in_the_field(qtbot, desk, device_tag):
    win = desk()
    tag = device_tag(win.ctx.actor)
    page = win.show_page("groups")
    page.text_filter.setFocus()
    qtbot.waitUntil(page.text_filter.hasFocus)
    type_text(qtbot, tag, human=True)  # a person typing the number into the filter: ordinary typing
    assert page.text_filter.text() == tag and win.current_page_key() == "groups"


def test_an_unknown_code_is_reported_not_lost(qtbot, desk):
    win = desk()
    page = win.show_page("groups")
    page.text_filter.setFocus()
    qtbot.waitUntil(page.text_filter.hasFocus)
    scan(qtbot, "KD-9999")
    qtbot.waitUntil(lambda: "KD-9999" in status_text(win), timeout=5000)
    assert "ありません" in status_text(win) and page.text_filter.text() == ""


def test_a_scan_in_an_open_dialog_presses_nothing_and_changes_nothing(qtbot, desk, device_tag):
    from kyodo_desk.ui.groups.edit_dialog import OrganizationDialog
    from tests.ui.replay import wait_dialog

    win = desk()
    tag = device_tag(win.ctx.actor)
    page = win.show_page("groups")
    page.open_organization_window(1)
    dialog = wait_dialog(qtbot, OrganizationDialog)
    activate(qtbot, dialog)
    dialog.name.setFocus()
    qtbot.waitUntil(dialog.name.hasFocus)
    name = dialog.name.text()
    saved = []
    dialog.saved.connect(saved.append)
    scan(qtbot, tag)
    qtbot.waitUntil(lambda: tag in status_text(win), timeout=5000)
    assert dialog.isVisible() and dialog.name.text() == name and not saved  # Enter did not press 保存
    assert win.current_page_key() == "groups" and "閉じて" in status_text(win)


def test_an_organization_card_scanned_on_home_selects_it_on_its_page(qtbot, desk):
    win = desk()
    win.show_page("home")
    press_target = win.pages["home"]
    assert press_target.isVisible()
    scan(qtbot, "ORG-00002")
    page = win.pages["groups"]
    qtbot.waitUntil(
        lambda: (
            page.isVisible()
            and page.model.record(page.table.currentIndex().row()) is not None
            and page.model.record(page.table.currentIndex().row()).id == 2
        ),
        timeout=5000,
    )
    assert page.dialog is None and focused() is page.table
