"""協働事業 replayed through the real main window by keys: Ctrl+6 opens the page, Ctrl+N a new
partnership project; saving without a name is refused under the field with what was typed kept;
a partner is found by type-ahead and added with Enter; Ctrl+S saves.  On 計画と目標 (Alt+2) the
administrator enters a survey's respondents and satisfied answers and sees the % computed.
Asserted in the database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from kyodo_desk.db.plan_models import PlanSurvey, Project, project_partner
from tests.ui.replay import activate, desk, focused, press, scan, tab_until, type_text, wait_dialog  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _closed(qtbot, cls) -> None:
    from PySide6.QtWidgets import QApplication

    qtbot.waitUntil(
        lambda: not [w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()], timeout=10000
    )


def _idle(qtbot, ctx) -> None:
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=10000)


def test_a_project_is_created_by_keys_with_a_partner_and_a_refusal_first(qtbot, desk):
    from kyodo_desk.ui.projects.editor import ProjectDialog

    win = desk()
    ctx = win.ctx
    org = ctx.services.organizations.page(ctx.require_actor(), limit=1)[0]
    press(qtbot, Qt.Key.Key_6, CTRL)
    assert win.nav.currentItem().text() == "協働事業"
    page = win.pages["projects"]
    _idle(qtbot, ctx)
    assert page.list_tab.model.total and page.list_tab.model.total > 0  # the demo's projects are listed
    tab_until(qtbot, lambda w: page.isAncestorOf(w))  # from the search box into the page
    press(qtbot, Qt.Key.Key_N, CTRL)
    dialog = wait_dialog(qtbot, ProjectDialog)
    activate(qtbot, dialog)
    assert focused() is dialog.name
    tab_until(qtbot, lambda w: w is dialog.amount)
    type_text(qtbot, "30万", human=True)
    press(qtbot, Qt.Key.Key_S, CTRL)  # no name, no partner: refused, field by field
    _idle(qtbot, ctx)
    assert dialog.isVisible()
    assert "事業名" in dialog.errors.message("name") and "協働の相手" in dialog.errors.message("partners")
    assert focused() is dialog.name and dialog.amount.text() == "30万"  # what was typed stays
    type_text(qtbot, "長町の雪かきボランティア")
    tab_until(qtbot, lambda w: w is dialog.partners.picker.edit)
    type_text(qtbot, org.code, human=True)
    qtbot.waitUntil(lambda: dialog.partners.picker.results.isVisible(), timeout=5000)
    _idle(qtbot, ctx)
    qtbot.waitUntil(lambda: dialog.partners.picker.results.currentItem() is not None, timeout=5000)
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.partners.ids() == (org.id,)
    press(qtbot, Qt.Key.Key_S, CTRL)
    _closed(qtbot, ProjectDialog)
    with ctx.db.read() as s:
        row = s.scalars(select(Project).where(Project.name == "長町の雪かきボランティア")).one()
        partners = s.scalars(select(project_partner.c.organization_id).where(project_partner.c.project_id == row.id))
        assert row.amount == 300_000 and list(partners) == [org.id] and row.status == "planned"


def test_the_administrator_enters_a_survey_and_sees_the_percentage(qtbot, desk):
    from kyodo_desk.ui.projects.plan_dialogs import SurveyDialog

    win = desk()
    ctx = win.ctx
    press(qtbot, Qt.Key.Key_6, CTRL)
    page = win.pages["projects"]
    tab_until(qtbot, lambda w: page.isAncestorOf(w))
    press(qtbot, Qt.Key.Key_2, ALT)
    assert page.tabs.currentIndex() == 1
    plan = page.plan_tab
    _idle(qtbot, ctx)
    qtbot.waitUntil(lambda: plan.items.rowCount() == 3, timeout=5000)
    assert focused() is plan.period_combo  # the tab opens on its period, the one in force
    tab_until(qtbot, lambda w: w is plan.items)
    press(qtbot, Qt.Key.Key_Home)  # 満足度 is the plan's first item
    _idle(qtbot, ctx)
    assert plan.item().source == "survey" and plan.survey_button.isEnabled()
    tab_until(qtbot, lambda w: w is plan.survey_button)
    press(qtbot, Qt.Key.Key_Space)
    dialog = wait_dialog(qtbot, SurveyDialog)
    activate(qtbot, dialog)
    assert focused() is dialog.name  # the survey's usual name is there already
    tab_until(qtbot, lambda w: w is dialog.respondents)
    type_text(qtbot, "800", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "900", human=True)  # more satisfied than respondents: refused
    press(qtbot, Qt.Key.Key_S, CTRL)
    _idle(qtbot, ctx)
    assert "実施日" in dialog.errors.message("conducted_on")
    assert "回答者数を超えて" in dialog.errors.message("satisfied")
    dialog.satisfied.setFocus()
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "612", human=True)
    assert dialog.percent.text().startswith("76.5%")
    tab_until(qtbot, lambda w: w is dialog.conducted_on.edit, backwards=True)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "2025-08-20", human=True)
    press(qtbot, Qt.Key.Key_S, CTRL)
    _closed(qtbot, SurveyDialog)
    with ctx.db.read() as s:
        survey = s.scalars(select(PlanSurvey).where(PlanSurvey.respondents == 800)).one()
        assert (survey.satisfied, survey.fiscal_year) == (612, 2025)
    _idle(qtbot, ctx)
    qtbot.waitUntil(lambda: plan.survey_table.rowCount() >= 1, timeout=5000)
    assert any(plan.survey_table.item(r, 4).text() == "76.5%" for r in range(plan.survey_table.rowCount()))


def test_scanning_a_project_number_opens_the_project(qtbot, desk):
    from kyodo_desk.ui.projects.editor import ProjectDialog

    win = desk()
    ctx = win.ctx
    row = ctx.services.projects.page(ctx.require_actor(), limit=1)[0]
    scan(qtbot, row.reference)  # from the home page, before the 協働事業 page was ever built
    dialog = wait_dialog(qtbot, ProjectDialog, timeout=10000)
    assert dialog.record is not None and dialog.record.id == row.id
    assert win.nav.currentItem().text() == "協働事業"


def test_the_administrator_adds_the_next_plan_period_starting_from_the_2021_items(qtbot, desk):
    from kyodo_desk.ui.projects.plan_dialogs import PeriodDialog

    win = desk()
    ctx = win.ctx
    press(qtbot, Qt.Key.Key_6, CTRL)
    page = win.pages["projects"]
    tab_until(qtbot, lambda w: page.isAncestorOf(w))
    press(qtbot, Qt.Key.Key_2, ALT)
    plan = page.plan_tab
    _idle(qtbot, ctx)
    tab_until(qtbot, lambda w: w is plan.add_period_button)
    press(qtbot, Qt.Key.Key_Space)
    dialog = wait_dialog(qtbot, PeriodDialog)
    activate(qtbot, dialog)
    assert dialog.first.value() == 2026 and dialog.last.value() == 2030 and dialog.copy_items.isChecked()
    press(qtbot, Qt.Key.Key_S, CTRL)  # no name: refused under the field
    _idle(qtbot, ctx)
    assert "計画の名称" in dialog.errors.message("name") and focused() is dialog.name
    type_text(qtbot, "金沢市協働推進計画2026")
    press(qtbot, Qt.Key.Key_S, CTRL)
    _closed(qtbot, PeriodDialog)
    _idle(qtbot, ctx)
    qtbot.waitUntil(lambda: plan.period() is not None and plan.period().name == "金沢市協働推進計画2026", timeout=5000)
    assert [i.key for i in plan.period().items] == ["satisfaction", "registrations", "projects"]
    assert "これから始まる計画です。" in plan.period_state.text() or "実施中の計画です。" in plan.period_state.text()
    # an item taken out again, after a question
    activate(qtbot, win)
    plan.period_combo.setFocus()
    tab_until(qtbot, lambda w: w is plan.items)
    press(qtbot, Qt.Key.Key_End, CTRL)  # the last item (協働事業数)
    assert plan.item().key == "projects"
    tab_until(qtbot, lambda w: w is plan.delete_item_button)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: plan.confirm_box.isVisible(), timeout=5000)
    plan.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    _idle(qtbot, ctx)
    qtbot.waitUntil(lambda: plan.items.rowCount() == 2, timeout=5000)
    assert [i.key for i in plan.period().items] == ["satisfaction", "registrations"]
