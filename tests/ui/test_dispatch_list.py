"""The applications list is lazy: the first page loads, more arrive as the table scrolls."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from kyodo_desk.services.dispatch import ApplicationInput
from kyodo_desk.ui.dispatch.application_model import STATUS_COLUMN
from tests.ui.test_dispatch_helpers import open_page, world  # noqa: F401 - fixtures

N = 250


def _many(services, admin, world):
    today = dt.date.today()
    made = [
        services.dispatch.create(
            admin,
            ApplicationInput(
                organization_id=(world.org if i % 5 else world.other).id,
                dispatch_type="advisor",
                field="accounting",
                topic=f"相談 {i:03}",
                received_on=today - dt.timedelta(days=i % 3),
            ),
        )
        for i in range(N)
    ]
    services.dispatch.change_status(admin, made[0].id, made[0].version, "withdrawn", "取り下げ")
    return made


def test_the_list_loads_lazily(qtbot, open_page, world, services, admin):
    made = _many(services, admin, world)
    page = open_page(admin)
    tab = page.applications
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.fiscal_year.setCurrentIndex(0)  # すべての年度: nothing left out by the year
    assert tab.model.filter.fiscal_year is None
    model = tab.model
    assert model.rowCount() == model.page_size < model.total == services.dispatch.count(admin) == N
    assert tab.count_label.text() == "250 件"
    first = services.dispatch.list(admin, limit=model.page_size)
    assert [model.record(r).id for r in range(model.rowCount())] == [a.id for a in first]  # the database's order
    assert not tab.table.isSortingEnabled()

    with qtbot.waitSignal(model.fetched, timeout=5000):
        model.fetchMore()
    assert model.rowCount() == 2 * model.page_size
    with qtbot.waitSignal(model.fetched, timeout=5000):
        tab.table.scrollToBottom()  # the view asks for the last page itself
        tab.table.verticalScrollBar().setValue(tab.table.verticalScrollBar().maximum())
    assert model.rowCount() == N and not model.canFetchMore()
    assert len({model.record(r).id for r in range(N)}) == N

    # bold only for what needs the desk's action
    withdrawn = model.row_of(made[0].id)
    received = model.row_of(made[1].id)
    assert model.index(received, STATUS_COLUMN).data(Qt.ItemDataRole.FontRole).bold()
    assert not isinstance(model.index(withdrawn, STATUS_COLUMN).data(Qt.ItemDataRole.FontRole), QFont)

    # a filter reloads page 1 with its own count
    with qtbot.waitSignal(model.loaded, timeout=5000):
        tab.status.setCurrentIndex(tab.status.findData("withdrawn"))
    assert model.total == 1 and model.rowCount() == 1 and tab.count_label.text() == "1 件"
    assert model.record(0).id == made[0].id


def test_enter_opens_the_selected_application_and_reload_keeps_it(qtbot, open_page, world, services, admin):
    _many(services, admin, world)
    page = open_page(admin)
    tab = page.applications
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.fiscal_year.setCurrentIndex(0)
    assert tab.model.total == N
    target = tab.model.record(5)
    assert not tab.select(services.dispatch.list(admin, offset=N - 1, limit=1)[0].id)  # not loaded yet: not hunted for
    assert tab.select(target.id) and tab.current().id == target.id
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.reload()  # e.g. another desk changed something: the selection stays
    assert tab.current().id == target.id
    tab.table.setFocus()
    with qtbot.waitSignal(tab.open_requested, timeout=5000) as opened:
        qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert opened.args == [target.id]
