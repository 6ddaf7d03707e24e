"""The 報告受領 dialog at two desks: a visit another desk reported while this dialog was open is
refused under that visit (the other desk's report stays, what was typed here stays in the form),
and a second 保存 after a problem does not refuse this desk's own first save."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from kyodo_desk.db.engine import Database
from kyodo_desk.services.container import Services
from kyodo_desk.ui.dispatch.workflow import ReportDialog
from tests.ui.test_dispatch import _step
from tests.ui.test_dispatch_helpers import activate, at, open_detail, open_page, world  # noqa: F401 - fixtures

CTRL = Qt.KeyboardModifier.ControlModifier


def _done_application(services, admin, world, visits: int):
    past = dt.date.today() - dt.timedelta(days=60)
    past -= dt.timedelta(days=(past.weekday() - 5) % 7)  # a Saturday two months ago (rules overridden below)
    app = world.application(day=past, sessions=visits)
    for i, session in enumerate(app.sessions):
        day = past - dt.timedelta(days=7 * i)
        services.dispatch.book(
            admin, session.id, world.advisor.id, at(day, 13), at(day, 15), override_reason="過去の記録の入力"
        )
    app = services.dispatch.get(admin, app.id)
    app = services.dispatch.change_status(admin, app.id, app.version, "decided")
    return services.dispatch.change_status(admin, app.id, app.version, "done")


def _report_dialog(qtbot, open_page, admin, app_id) -> ReportDialog:
    detail = open_detail(qtbot, open_page(admin), app_id)
    dialog = _step(qtbot, detail, "reported")
    assert isinstance(dialog, ReportDialog)
    return activate(qtbot, dialog)


def test_a_visit_reported_at_another_desk_meanwhile_is_refused_under_that_visit(
    qtbot, open_page, world, services, admin, db_url
):
    app = _done_application(services, admin, world, visits=1)
    dialog = _report_dialog(qtbot, open_page, admin, app.id)
    other = Database.from_url(db_url)
    try:  # the other desk reports the visit while this dialog is open
        seen = Services(other).dispatch.get(admin, app.id).sessions[0]
        Services(other).dispatch.record_report(
            admin, seen.id, held=True, attendance=18, summary="決算書の作り方", expected_version=seen.version
        )
    finally:
        other.dispose()
    row = dialog.rows[0]
    row.attendance.setValue(25)
    row.summary.setPlainText("古い画面からの報告")
    dialog.submit()
    qtbot.waitUntil(row.error.isVisible, timeout=5000)
    assert "別の窓口で変更されました" in row.error.text() and "開き直し" in row.error.text()
    assert dialog.isVisible() and row.summary.toPlainText() == "古い画面からの報告"  # typing kept
    assert dialog.banner.text() == "保存できなかった回があります。赤い字の説明を見てください。"  # no visit was saved
    stored = services.dispatch.get(admin, app.id)
    assert stored.status == "done"
    assert (stored.sessions[0].attendance, stored.sessions[0].report_summary) == (18, "決算書の作り方")


def test_a_second_save_after_a_problem_keeps_this_desks_first_save(qtbot, open_page, world, services, admin):
    app = _done_application(services, admin, world, visits=2)
    dialog = _report_dialog(qtbot, open_page, admin, app.id)
    first, second = dialog.rows
    first.attendance.setValue(12)
    first.summary.setPlainText("会計の基礎")
    second.attendance.setValue(9)  # no summary yet: this visit is refused, the first one is saved
    dialog.submit()
    qtbot.waitUntil(second.error.isVisible, timeout=5000)
    assert "実施内容の要約" in second.error.text()
    assert "ほかの回は保存しました" in dialog.banner.text()  # the first visit's report is stored
    assert services.dispatch.get(admin, app.id).sessions[0].attendance == 12
    second.summary.setPlainText("帳簿のつけ方")
    with qtbot.waitSignal(dialog.done_, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    stored = services.dispatch.get(admin, app.id)
    assert stored.status == "reported"
    assert [(s.attendance, s.report_summary) for s in stored.sessions] == [(12, "会計の基礎"), (9, "帳簿のつけ方")]
