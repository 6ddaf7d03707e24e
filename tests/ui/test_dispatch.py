"""アドバイザー派遣 screens: taking an application, scheduling with suggestions and quotas,
conflicts overridden only with a reason, and the workflow's required fields."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.dispatch import TRANSITIONS
from kyodo_desk.ui.dispatch.detail import ApplicationDetailDialog
from kyodo_desk.ui.dispatch.scheduling import ScheduleDialog
from kyodo_desk.ui.dispatch.workflow import ReasonDialog, ReportDialog
from tests.ui.test_dispatch_helpers import activate, at, ime_type, open_detail, open_page, world  # noqa: F401 - fixtures

CTRL = Qt.KeyboardModifier.ControlModifier


def test_new_application_through_the_dialog(qtbot, open_page, world, services, admin):
    page = open_page(admin)
    page.applications.table.setFocus()
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(page.applications.table, Qt.Key.Key_N, CTRL)
    dialog = activate(qtbot, opened.args[0])
    ime_type(dialog.topic, "決算書の作り方")
    qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)  # no organization yet: said at once, typing kept
    assert "申請する団体" in dialog.errors.message("organization_id")
    assert dialog.topic.text() == "決算書の作り方" and dialog.isVisible()

    ime_type(dialog.organization.edit, "かなざわ")
    qtbot.waitUntil(
        lambda: dialog.organization.results.isVisible() and dialog.organization.results.count() > 0, timeout=5000
    )
    qtbot.keyClick(dialog.organization.edit, Qt.Key.Key_Return)
    assert dialog.organization.record.id == world.org.id
    assert "登録済" in dialog.organization.status.text()  # 「協働をすすめる市民団体」 status shown
    dialog.preferred_rows[0].day.setValue(world.sat)
    dialog.preferred_rows[1].day.setValue(world.sat + dt.timedelta(days=7))
    dialog.support["sign_language"].setChecked(True)
    dialog.sessions.setValue(2)
    dialog.venue.setText("子育て支援センター")
    dialog.expected_participants.setValue(15)  # 0 would be asked about first
    with qtbot.waitSignal(
        page.dialog_opened, timeout=5000
    ) as detail_opened:  # the new application opens for scheduling
        qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    detail = detail_opened.args[0]
    assert isinstance(detail, ApplicationDetailDialog)
    (app,) = services.dispatch.list(admin)
    assert (app.organization_id, app.topic, app.support, len(app.sessions)) == (
        world.org.id,
        "決算書の作り方",
        ("sign_language",),
        2,
    )
    assert [p[0] for p in app.preferred] == [at(world.sat, 13), at(world.sat + dt.timedelta(days=7), 13)]
    qtbot.waitUntil(lambda: detail.app is not None)
    assert detail.status_label.text() == "状態: 申請受付"
    qtbot.waitUntil(lambda: page.applications.model.rowCount() == 1)


def test_registration_requirement_is_shown_and_enforced(qtbot, open_page, world, services, admin):
    services.settings.update(
        admin, services.settings.get().with_changes(dispatch_types_requiring_registration=("advisor",))
    )
    page = open_page(admin)
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        page.start_for_organization(world.other.id)  # what the consultations screen calls
    dialog = opened.args[0]
    assert dialog.organization.record.id == world.other.id
    qtbot.waitUntil(dialog.registration_banner.isVisible)
    assert "登録済みの団体だけ" in dialog.registration_banner.text()
    dialog.topic.setText("町会の会計")
    dialog.expected_participants.setValue(10)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors.message("organization_id") != "")
    assert "協働をすすめる市民団体" in dialog.errors.message("organization_id")
    assert services.dispatch.list(admin) == []


def _open_schedule(qtbot, detail) -> ScheduleDialog:
    detail.sessions.setFocus()
    with qtbot.waitSignal(detail.child_opened, timeout=5000) as opened:
        qtbot.keyClick(detail, Qt.Key.Key_D, CTRL)
    dialog = opened.args[0]
    assert isinstance(dialog, ScheduleDialog)
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.advisor.count() > 1, timeout=5000)
    return dialog


def test_scheduling_shows_suggestions_and_the_remaining_quota(qtbot, open_page, world, services, admin):
    earlier = world.application(day=world.sat - dt.timedelta(days=7))
    world.book(earlier, at(world.sat - dt.timedelta(days=7), 13), at(world.sat - dt.timedelta(days=7), 15))
    app = world.application()
    page = open_page(admin)
    detail = activate(qtbot, open_detail(qtbot, page, app.id))
    dialog = _open_schedule(qtbot, detail)
    qtbot.waitUntil(lambda: dialog.suggestion_table.rowCount() > 0, timeout=5000)
    first = dialog.suggestions[0]
    assert (first.advisor_name, first.start, first.end) == ("浅野 修", at(world.sat, 13), at(world.sat, 15))
    assert dialog.suggestion_table.item(0, 1).text() == "浅野 修"
    # while choosing, before any save: one visit of the year's three used, one of the advisor's eight
    qtbot.waitUntil(lambda: "残り2回" in dialog.org_quota_label.text(), timeout=5000)
    assert "上限3回" in dialog.org_quota_label.text()
    qtbot.waitUntil(lambda: "浅野 修" in dialog.advisor_quota_label.text())
    expected_left = 7 if (world.sat - dt.timedelta(days=7)).month == world.sat.month else 8
    assert f"残り{expected_left}回" in dialog.advisor_quota_label.text()

    dialog.suggestion_table.setFocus()
    dialog.suggestion_table.setCurrentCell(0, 0)
    qtbot.keyClick(dialog.suggestion_table, Qt.Key.Key_Return)  # the suggestion goes into the fields
    assert dialog.chosen() == (world.advisor.id, at(world.sat, 13), at(world.sat, 15))
    with qtbot.waitSignal(dialog.booked, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    session = services.dispatch.get(admin, app.id).sessions[0]
    assert (session.advisor_id, session.start_at) == (world.advisor.id, at(world.sat, 13))
    qtbot.waitUntil(lambda: detail.sessions.item(0, 2).text() == "浅野 修", timeout=5000)


def test_conflicting_time_lists_problems_and_needs_an_override_reason(qtbot, open_page, world, services, admin, db):
    first = world.application()
    world.book(first, at(world.sat, 13), at(world.sat, 15))
    second = world.application(world.other)
    page = open_page(admin)
    detail = activate(qtbot, open_detail(qtbot, page, second.id))
    dialog = _open_schedule(qtbot, detail)
    dialog.select(world.advisor.id, at(world.sat, 15, 30), at(world.sat, 17))  # inside the 60-minute travel buffer
    qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(dialog.problem_banner.isVisible, timeout=5000)
    text = dialog.problem_banner.text()
    assert "別の派遣" in text and first.reference in text and "60分" in text
    assert dialog.override_row.isVisible() and dialog.override_reason.hasFocus()
    assert "上書き" in dialog.book_button.text()

    qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)  # still no reason: refused, nothing booked
    assert "上書きの理由" in dialog.override_error.text() and dialog.override_error.isVisible()
    assert services.dispatch.get(admin, second.id).sessions[0].advisor_id is None

    ime_type(dialog.override_reason, "講師が移動時間を了承済み")
    with qtbot.waitSignal(dialog.booked, timeout=5000) as booked:
        qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    assert booked.args[0].override_reason == "講師が移動時間を了承済み"
    with db.read() as s:
        assert s.scalar(select(AuditLog.detail).where(AuditLog.action == "override")).endswith(
            "講師が移動時間を了承済み"
        )
    qtbot.waitUntil(lambda: detail.sessions.item(0, 6).text() == "講師が移動時間を了承済み", timeout=5000)


def test_changing_the_choice_forgets_old_problems(qtbot, open_page, world, services, admin):
    app = world.application()
    page = open_page(admin)
    dialog = _open_schedule(qtbot, activate(qtbot, open_detail(qtbot, page, app.id)))
    monday = world.sat + dt.timedelta(days=2)
    dialog.select(world.advisor.id, at(monday, 10), at(monday, 12))
    dialog.book()
    qtbot.waitUntil(dialog.problem_banner.isVisible, timeout=5000)
    assert "対応できる時間帯の外" in dialog.problem_banner.text()
    dialog.select(world.advisor.id, at(world.sat, 13), at(world.sat, 15))
    assert not dialog.problem_banner.isVisible() and not dialog.override_row.isVisible()
    with qtbot.waitSignal(dialog.booked, timeout=5000):
        dialog.book()


def _step(qtbot, detail, status):
    with qtbot.waitSignal(detail.child_opened, timeout=5000) as opened:
        detail.step_buttons[status].click()
    return opened.args[0]


def test_workflow_buttons_show_allowed_steps_and_withdrawal_needs_a_reason(qtbot, open_page, world, services, admin):
    app = world.application()
    page = open_page(admin)
    detail = open_detail(qtbot, page, app.id)
    assert list(detail.step_buttons) == list(TRANSITIONS["received"])
    detail.step_buttons["decided"].click()  # nothing booked yet
    qtbot.waitUntil(detail.message.isVisible, timeout=5000)
    assert "アドバイザーと日時が必要" in detail.message.text()

    dialog = _step(qtbot, detail, "withdrawn")
    assert isinstance(dialog, ReasonDialog)
    dialog.ok_button.click()
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert dialog.error.text() == "「理由」を入力してください(取下げ・却下・延期のときに必要です)。"
    assert services.dispatch.get(admin, app.id).status == "received"
    ime_type(dialog.reason, "団体の総会が延期になったため")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.app.status == "withdrawn", timeout=5000)
    assert detail.step_buttons == {}
    last = detail.history.rowCount() - 1
    assert detail.history.item(last, 1).text() == "申請受付 → 取下げ"
    assert detail.history.item(last, 2).text() == "山田 花子"
    assert detail.history.item(last, 3).text() == "団体の総会が延期になったため"


def test_report_step_needs_attendance_and_summary(qtbot, open_page, world, services, admin):
    past = dt.date.today() - dt.timedelta(days=60)
    past -= dt.timedelta(days=(past.weekday() - 5) % 7)  # a Saturday two months ago (rules overridden below)
    app = world.application(day=past)
    world.book(app, at(past, 13), at(past, 15), override_reason="過去の記録の入力")
    app = services.dispatch.change_status(admin, app.id, services.dispatch.get(admin, app.id).version, "decided")
    page = open_page(admin)
    detail = open_detail(qtbot, page, app.id)
    detail.step_buttons["done"].click()
    qtbot.waitUntil(lambda: detail.app.status == "done", timeout=5000)
    assert list(detail.step_buttons) == ["reported"]
    dialog = _step(qtbot, detail, "reported")
    assert isinstance(dialog, ReportDialog)
    activate(qtbot, dialog)
    row = dialog.rows[0]
    row.attendance.setValue(18)
    dialog.submit()  # no summary
    qtbot.waitUntil(row.error.isVisible, timeout=5000)
    assert "実施内容の要約" in row.error.text()
    assert services.dispatch.get(admin, app.id).status == "done"
    row.summary.setPlainText("決算書の作り方を説明し、質疑応答")
    with qtbot.waitSignal(dialog.done_, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    stored = services.dispatch.get(admin, app.id)
    assert stored.status == "reported"
    assert (stored.sessions[0].attendance, stored.sessions[0].report_summary) == (
        18,
        "決算書の作り方を説明し、質疑応答",
    )
    qtbot.waitUntil(lambda: list(detail.step_buttons) == ["completed"], timeout=5000)
