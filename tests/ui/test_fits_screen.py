"""Every window and dialog fits a 1366×768 desk laptop, with its buttons on screen.

The usable area of that screen under Windows is 1366×728 (the taskbar takes 40 px), and a window's
title bar and borders take another 16×39 px (``WINDOWS_FRAME``).

How the small screen is made: Qt's ``offscreen`` platform reads a JSON configuration given as
``QT_QPA_PLATFORM=offscreen:configfile=<file>`` with a list of ``screens`` (name, x, y, width,
height, logicalDpi).  The offscreen platform has no taskbar (available geometry == geometry), so
the screen is made 1366×728 — the area a Windows desk can use.  The QApplication of the normal test
session already exists with Qt's default 800×600 offscreen screen, so
``test_every_window_fits_a_1366x768_desk`` runs this file again in a child pytest with that
configuration; the per-window tests run only there (``KYODO_FIT_SCREEN`` is set).  To run them by
hand::

    echo '{"screens":[{"name":"desk","x":0,"y":0,"width":1366,"height":728,"logicalDpi":96}]}' >/tmp/s.json
    KYODO_FIT_SCREEN=1 QT_QPA_PLATFORM=offscreen:configfile=/tmp/s.json python -m pytest tests/ui/test_fits_screen.py

Every QDialog subclass in kyodo_desk.ui is found by walking the package, so a new dialog without
a factory below fails ``test_every_dialog_is_checked``.  Each is built on the small demo (with
consultations, loans and dispatch) the way the app opens it, shown, and checked:

* the window plus a Windows frame fits 1366×728;
* every visible push/tool button lies inside the window and is not cut off by any parent — a
  button inside a scroll area counts as reachable (the user scrolls to it), the scroll area's
  viewport must then itself be visible.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SCREEN_W, SCREEN_H = 1366, 728
CHILD = bool(os.environ.get("KYODO_FIT_SCREEN"))

PRIVATE_BASES = {
    "kyodo_desk.ui.consultations.timeline._Dialog",
    "kyodo_desk.ui.lending.device_dialog._WriteDialog",
    "kyodo_desk.ui.projects.plan_dialogs._PlanFormDialog",
}


def dialog_classes() -> dict[str, type]:
    """Every QDialog subclass defined in kyodo_desk.ui, by dotted name."""
    from PySide6.QtWidgets import QDialog

    from kyodo_desk import ui

    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(ui.__path__, "kyodo_desk.ui."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, QDialog) and cls.__module__ == info.name:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


# ---- what the check looks at ---------------------------------------------------------------------
def _rect_in(widget, window):
    from PySide6.QtCore import QPoint, QRect

    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _scroll_area_of(widget):
    """The scroll area whose viewport *widget* is, else None."""
    from PySide6.QtWidgets import QAbstractScrollArea

    parent = widget.parentWidget()
    if isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget:
        return parent
    return None


def _button_text(button) -> str:
    return (button.text() or button.toolTip() or button.objectName() or type(button).__name__).replace("\n", " ")


def problems_of(window) -> list[str]:
    """What a person at a 1366×728 screen could not see or reach in *window* as it is shown now."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QPushButton, QToolButton

    from kyodo_desk.ui.widgets.screen import WINDOWS_FRAME

    found = []
    name = window.windowTitle() or type(window).__name__
    geo = window.geometry()
    if window.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        needed_w, needed_h = window.frameGeometry().width(), window.frameGeometry().height()
    else:
        needed_w = geo.width() + WINDOWS_FRAME.left() + WINDOWS_FRAME.right()
        needed_h = geo.height() + WINDOWS_FRAME.top() + WINDOWS_FRAME.bottom()
    if needed_w > SCREEN_W or needed_h > SCREEN_H:
        found.append(
            f"{name}: {geo.width()}×{geo.height()} plus its title bar needs {needed_w}×{needed_h}, "
            f"the screen has {SCREEN_W}×{SCREEN_H} (minimum size {window.minimumSizeHint().width()}×"
            f"{window.minimumSizeHint().height()})"
        )
    area = QGuiApplication.primaryScreen().availableGeometry()
    seen = window.rect().intersected(QRect(window.mapFromGlobal(area.topLeft()), area.size()))
    for button in window.findChildren(QPushButton) + window.findChildren(QToolButton):
        if not button.isVisibleTo(window) or button.window() is not window:
            continue
        if button.parentWidget() is not None and type(button.parentWidget()).__name__ in ("QTabBar", "QCalendarWidget"):
            continue  # a tab bar's own scroll arrows
        rect, via = _rect_in(button, window), ""
        holder = button.parentWidget()
        while holder is not None and holder is not window:
            area = _scroll_area_of(holder)
            shown = _rect_in(holder, window)
            if area is not None:
                # inside a scrolling view: reachable if the view can scroll to it; carry on with the view
                ok = True
                if rect.bottom() > shown.bottom() or rect.top() < shown.top():
                    ok = area.verticalScrollBar().maximum() > 0
                if rect.right() > shown.right() or rect.left() < shown.left():
                    ok = ok and area.horizontalScrollBar().maximum() > 0
                if not ok:
                    found.append(
                        f"{name}: 「{_button_text(button)}」 is outside the part of "
                        f"{type(area).__name__} that can be scrolled to"
                    )
                    break
                rect, via = shown, f" (in the {type(area).__name__} {area.objectName()!r} holding it)"
            elif not shown.contains(rect):
                found.append(
                    f"{name}: 「{_button_text(button)}」{via} at {rect.x()},{rect.y()} {rect.width()}×{rect.height()} "
                    f"is cut off by {type(holder).__name__} {holder.objectName()!r} "
                    f"({shown.x()},{shown.y()} {shown.width()}×{shown.height()})"
                )
                break
            holder = holder.parentWidget()
        else:
            if not seen.contains(rect):
                found.append(
                    f"{name}: 「{_button_text(button)}」{via} at {rect.x()},{rect.y()} {rect.width()}×{rect.height()} lies outside the part of the window "
                    f"on screen ({seen.width()}×{seen.height()})"
                )
    return found


def every_tab(window, qtbot, check: Callable[[str], None], where: str = "") -> None:
    """Run *check* for every tab of every visible QTabWidget (nested tabs too)."""
    from PySide6.QtWidgets import QTabWidget

    tabs = [t for t in window.findChildren(QTabWidget) if t.isVisibleTo(window)]
    for tab in tabs:
        for index in range(tab.count()):
            if not tab.isTabEnabled(index) or not tab.isTabVisible(index):
                continue
            tab.setCurrentIndex(index)
            label = f"{where} › {tab.tabText(index)}"
            settle(_CTX[0], qtbot)
            check(label)
            inner = [t for t in tab.widget(index).findChildren(QTabWidget) if t.isVisibleTo(window)]
            for sub in inner:
                for j in range(sub.count()):
                    sub.setCurrentIndex(j)
                    settle(_CTX[0], qtbot)
                    check(f"{label} › {sub.tabText(j)}")


_CTX: list = []


def settle(ctx, qtbot) -> None:
    """Let loads started by showing a window come back (and the loads those start)."""
    from PySide6.QtWidgets import QApplication

    for _round in range(3):
        qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=20_000)
        QApplication.processEvents()


# ---- the parent test: run the checks on a 1366×728 screen -------------------------------------------
@pytest.mark.skipif(CHILD, reason="this is the run on the small screen")
def test_every_window_fits_a_1366x768_desk(tmp_path):
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "synchronousWindowSystemEvents": True,
                "windowFrameMargins": False,
                "screens": [
                    {
                        "name": "desk-1366x768-less-taskbar",
                        "x": 0,
                        "y": 0,
                        "width": SCREEN_W,
                        "height": SCREEN_H,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", KYODO_FIT_SCREEN="1")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "--tb=short",
            str(Path(__file__)),
            "-k",
            "fits_on_the_desk_screen",
        ],
        check=False,
        env=env,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-4000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "passed" in summary and "skipped" not in summary, result.stdout[-3000:]


def test_every_dialog_is_checked():
    """A new dialog must get a factory here (so it is opened on the small screen)."""
    names = set(dialog_classes()) - PRIVATE_BASES
    assert names - set(FACTORIES) == set(), "dialogs nobody opens on a 1366×728 screen"
    assert set(FACTORIES) - names == set(), "factories for dialogs that no longer exist"


# ---- building each dialog on the demo ---------------------------------------------------------------
def _first(items, what: str, pick: Callable = lambda _x: True):
    for item in items:
        if pick(item):
            return item
    raise AssertionError(f"the small demo has no {what}")


def _applications(ctx):
    actor = ctx.require_actor()
    return [ctx.services.dispatch.get(actor, a.id) for a in ctx.services.dispatch.list(actor)]


def _busiest_application(ctx):
    return max(_applications(ctx), key=lambda a: (len(a.sessions), len(a.history)))


def _series(ctx):
    """An open application with the most visits a series may have (12): the tallest report form."""
    from kyodo_desk.services.dispatch import CLOSED_FOR_EDIT, MAX_SESSIONS

    actor, dispatch = ctx.require_actor(), ctx.services.dispatch
    app = _first(_applications(ctx), "open application", lambda a: a.status not in CLOSED_FOR_EDIT)
    for _n in range(MAX_SESSIONS - len(app.sessions)):
        dispatch.add_session(actor, app.id)
    return dispatch.get(actor, app.id)


def _loan(ctx):
    actor = ctx.require_actor()
    loans = ctx.services.loans.history(actor)
    return max((loan for loan in loans if loan.status == "open"), key=lambda loan: len(loan.items))


def _device(ctx):
    actor = ctx.require_actor()
    return ctx.services.inventory.page(actor, limit=1)[0]


def _organization(ctx):
    actor = ctx.require_actor()
    orgs = ctx.services.organizations.page(actor, limit=50)
    return max(orgs, key=lambda o: len(o.notes or "") + len(o.address or ""))


def _long_pdf(ctx) -> bytes:
    from kyodo_desk.services.labels import LabelService

    service = LabelService(ctx.services.db, ctx.services.settings)
    return service.build(ctx.require_actor(), None, next(iter(service.templates())))


def _case_id(ctx):
    actor = ctx.require_actor()
    return _first(ctx.services.consultations.cases(actor), "consultation case").id


def _consultation_id(ctx):
    from kyodo_desk.services.consultations import ConsultationFilter

    actor = ctx.require_actor()
    page = ctx.services.consultations.page(actor, ConsultationFilter(), limit=100)
    return max(page, key=lambda r: len(r.summary or "") + len(getattr(r, "details", "") or "")).id


def _reason_kwargs() -> dict:
    return {
        "window_title": "取下げ",
        "title": "申請を取り下げる",
        "what": "R7-0001 テスト団体 「スマホ講座」",
        "warning": "取り下げると元に戻せません。",
        "field_label": "理由",
        "placeholder": "例: 日程が合わなかった",
        "ok_label": "取り下げる",
        "cancel_label": "やめる",
        "max_length": 200,
        "action": lambda _text: None,
    }


def _class(name: str) -> type:
    module, _dot, cls = name.rpartition(".")
    return getattr(importlib.import_module(module), cls)


FACTORIES: dict[str, Callable] = {}


def opens(name: str):
    """Register how the app opens dialog *name* (relative to kyodo_desk.ui): fn(cls, ctx, parent)."""

    def register(fn):
        FACTORIES[f"kyodo_desk.ui.{name}"] = fn
        return fn

    return register


@opens("consultations.categories_dialog.CategoriesDialog")
def _categories(cls, ctx, parent):
    return cls(ctx, parent=parent)


@opens("consultations.dialog.ConsultationDialog")
def _consultation(cls, ctx, parent):
    return cls(ctx, _consultation_id(ctx), parent)


@opens("consultations.referral_outcome_dialog.ReferralOutcomeDialog")
def _referral_outcome(cls, ctx, parent):
    from kyodo_desk.services.consultations import ConsultationFilter

    actor = ctx.require_actor()
    page = ctx.services.consultations.page(actor, ConsultationFilter(), limit=500)
    referred = _first([r for r in page if r.referral_to], "referred consultation")
    return cls(ctx, ctx.services.consultations.get(actor, referred.id), parent)


@opens("consultations.timeline.OrganizationTimelineDialog")
def _org_timeline(cls, ctx, parent):
    return cls(ctx, _first(_applications(ctx), "application").organization_id, parent)


@opens("consultations.timeline.CaseTimelineDialog")
def _case_timeline(cls, ctx, parent):
    return cls(ctx, _case_id(ctx), parent)


@opens("dispatch.advisor_dialog.AdvisorDialog")
def _advisor(cls, ctx, parent):
    return cls(ctx, ctx.services.advisors.list(ctx.require_actor())[0], parent)


@opens("dispatch.application_dialog.NewApplicationDialog")
def _application_edit(cls, ctx, parent):
    return cls(ctx, parent, record=_busiest_application(ctx))


@opens("dispatch.detail.ApplicationDetailDialog")
def _application_detail(cls, ctx, parent):
    return cls(ctx, _series(ctx).id, parent)


@opens("dispatch.reason_dialog.AskReasonDialog")
def _ask_reason(cls, ctx, parent):
    return cls(ctx, parent=parent, **_reason_kwargs())


@opens("dispatch.scheduling.ScheduleDialog")
def _schedule(cls, ctx, parent):
    app = _first(_applications(ctx), "application with a visit", lambda a: a.sessions)
    return cls(ctx, app, app.sessions[0], parent)


@opens("dispatch.session_cancel.CancelSessionDialog")
def _cancel_session(cls, ctx, parent):
    app = _busiest_application(ctx)
    return cls(ctx, app, app.sessions[0], parent)


@opens("dispatch.settings_dialog.DispatchSettingsDialog")
def _dispatch_settings(cls, ctx, parent):
    return cls(ctx, parent)


@opens("dispatch.workflow.ReasonDialog")
def _step_reason(cls, ctx, parent):
    return cls(ctx, _busiest_application(ctx), "withdrawn", parent)


@opens("dispatch.workflow.ReportDialog")
def _report(cls, ctx, parent):
    return cls(ctx, _series(ctx), parent, advance=False)


@opens("groups.edit_dialog.OrganizationDialog")
def _organization_edit(cls, ctx, parent):
    return cls(ctx, _organization(ctx), parent)


def _registered(ctx):
    """The demo's registered group with the longest history (its registration window is tallest)."""
    from kyodo_desk.services.organizations import OrganizationFilter

    actor, reg = ctx.require_actor(), ctx.services.registration
    orgs = ctx.services.organizations.page(actor, OrganizationFilter(registration_status="registered"), limit=50)
    return max((reg.get(actor, o.id) for o in orgs), key=lambda r: len(r.history))


@opens("groups.registration_dialog.RegistrationDialog")
def _registration(cls, ctx, parent):
    record = _registered(ctx)
    dialog = cls(ctx, record.organization_id, record.organization_name, parent)
    dialog.show_record(record, ctx.services.registration.settings().documents)
    return dialog


@opens("groups.registration_step_dialog.RegistrationStepDialog")
def _registration_step(cls, ctx, parent):
    from dataclasses import replace

    record = replace(_registered(ctx), status="none", allowed_steps=("apply",))
    return cls(ctx, record, "apply", ctx.services.registration.settings().documents, parent)  # the tallest step


@opens("groups.registration_settings_dialog.RegistrationSettingsDialog")
def _registration_settings(cls, ctx, parent):
    return cls(ctx, ctx.services.registration.settings(), parent)


@opens("imports.dialog.ImportDialog")
def _import(cls, ctx, parent):
    return cls(ctx, "devices", parent)


@opens("lending.device_dialog.DeviceDialog")
def _device_edit(cls, ctx, parent):
    return cls(ctx, ctx.services.inventory.models(ctx.require_actor()), _device(ctx), parent)


@opens("lending.device_dialog.StateDialog")
def _device_state(cls, ctx, parent):
    return cls(ctx, _device(ctx), parent)


@opens("lending.device_models.DeviceModelsDialog")
def _device_models(cls, ctx, parent):
    return cls(ctx, parent)


@opens("lending.history.DeviceHistoryDialog")
def _device_history(cls, ctx, parent):
    return cls(ctx, _device(ctx), parent)


@opens("lending.label_template_dialog.LabelTemplateDialog")
def _label_template(cls, ctx, parent):
    from kyodo_desk.services.labels import LabelService

    service = LabelService(ctx.services.db, ctx.services.settings)
    templates = service.templates()
    return cls(ctx, service, templates, next(iter(templates.values())), parent=parent)


@opens("lending.labels_dialog.LabelDialog")
def _labels(cls, ctx, parent):
    return cls(ctx, None, parent)


@opens("lending.loan_dialog.LoanDialog")
def _loan_dialog(cls, ctx, parent):
    return cls(ctx, _loan(ctx), parent=parent)


@opens("lending.org_history_dialog.OrganizationLoanHistoryDialog")
def _org_loans(cls, ctx, parent):
    loan = _loan(ctx)
    return cls(ctx, loan.organization_id, loan.organization_name, parent)


@opens("lending.renew_dialog.RenewDialog")
def _renew(cls, ctx, parent):
    return cls(ctx, _loan(ctx), parent)


@opens("printing.dialog.PdfPreviewDialog")
def _preview(cls, ctx, parent):
    return cls(ctx, _long_pdf(ctx), "備品ラベル", "labels.pdf", parent)


@opens("dispatch.preview_dialog.DocumentPreviewDialog")
@opens("consultations.receipt.ReceiptPreviewDialog")
def _area_preview(cls, ctx, parent):
    return cls(ctx, _long_pdf(ctx), "派遣決定通知書", "notice.pdf", parent)


@opens("settings.staff_edit.StaffEditDialog")
def _staff_edit(cls, ctx, parent):
    return cls(ctx, ctx.services.staff.list()[-1], parent)


@opens("signin.FirstRunDialog")
def _first_run(cls, ctx, parent):
    return cls(ctx, None)


@opens("own_password.OwnPasswordDialog")
def _own_password(cls, ctx, parent):
    return cls(ctx, True, parent)  # with the PIN part: the tallest form


@opens("signin.StaffPickerDialog")
def _staff_picker(cls, ctx, parent):
    return cls(ctx, None)


@opens("own_password.OwnPasswordDialog")
def _own_password(cls, ctx, parent):
    return cls(ctx, True, parent)  # with the PIN fields (the taller form)


def _person_record(ctx):
    from sqlalchemy import select

    from kyodo_desk.db.models import Person

    with ctx.db.read() as s:
        person_id = s.scalars(select(Person.id).order_by(Person.id)).first()
    return ctx.services.people.get(ctx.require_actor(), person_id)


@opens("privacy.person_dialog.PersonDialog")
def _person(cls, ctx, parent):
    return cls(ctx, _person_record(ctx), parent)


@opens("privacy.people_list.PeopleListDialog")
def _people_list(cls, ctx, parent):
    dialog = cls(ctx, parent)
    dialog.apply_filter()  # every person: the longest list
    return dialog


@opens("privacy.requests_dialog.RequestsDialog")
def _privacy_requests(cls, ctx, parent):
    org = _first(_applications(ctx), "application").organization_id
    return cls(ctx, "organization", org, "団体", parent)


@opens("privacy.retention_dialog.RetentionDialog")
def _retention(cls, ctx, parent):
    return cls(ctx, parent)


def _project(ctx):
    """The demo project with the longest texts and the most partners, as the list opens it."""
    actor, projects = ctx.require_actor(), ctx.services.projects
    rows = projects.page(actor, limit=100)
    records = [projects.get(actor, r.id) for r in rows]
    return max(records, key=lambda r: (len(r.partners), len(r.review_done) + len(r.review_evaluation)))


def _plan_period(ctx):
    return ctx.services.plan.periods(ctx.require_actor())[0]


@opens("projects.editor.ProjectDialog")
def _project_edit(cls, ctx, parent):
    actor = ctx.require_actor()
    return cls(ctx, _project(ctx), ctx.services.projects.programmes(actor), parent)


@opens("projects.programmes_dialog.ProgrammesDialog")
def _programmes(cls, ctx, parent):
    return cls(ctx, parent)


@opens("projects.plan_dialogs.PeriodDialog")
def _period(cls, ctx, parent):
    return cls(ctx, None, parent, previous=_plan_period(ctx))


@opens("projects.plan_dialogs.ItemDialog")
def _plan_item(cls, ctx, parent):
    period = _plan_period(ctx)
    return cls(ctx, period, period.items[0], parent)


@opens("projects.plan_dialogs.SurveyDialog")
def _survey(cls, ctx, parent):
    return cls(ctx, "satisfaction", None, parent)


@opens("projects.plan_dialogs.YearValueDialog")
def _year_value(cls, ctx, parent):
    return cls(ctx, _plan_period(ctx).items[1], 2025, 48, parent)


# ---- the checks on the small screen (child process) ---------------------------------------------------
@pytest.fixture
def desk(qtbot, make_ctx, db, services):
    """The real main window over the small demo with every area's data, shown on the small screen."""
    from PySide6.QtGui import QGuiApplication

    from kyodo_desk.services import demo
    from kyodo_desk.ui.main_window import MainWindow
    from tests.ui.conftest import sign_in

    area = QGuiApplication.primaryScreen().availableGeometry()
    assert (area.width(), area.height()) == (SCREEN_W, SCREEN_H), "not running on the 1366×728 test screen"
    demo.generate(db, size="small")
    ctx = make_ctx(sign_in(services, "admin"))
    _CTX[:] = [ctx]
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show_on_screen()  # as app.run_gui opens it
    qtbot.waitUntil(lambda: win.pages["home"].loaded)
    settle(ctx, qtbot)
    yield ctx, win
    win.close()


@pytest.fixture(params=[None, 14], ids=["default text size", "14 pt text"])
def text_size(request, qapp):
    """The desk's text size (設定 › この端末 › 文字の大きさ goes up to 24 pt; 11 pt is the default)."""
    if request.param is None:
        yield None
        return
    from PySide6.QtGui import QFont

    old = QFont(qapp.font())
    big = QFont(old)
    big.setPointSize(request.param)
    qapp.setFont(big)
    yield request.param
    qapp.setFont(old)


@pytest.mark.skipif(not CHILD, reason="runs in its own process on a 1366×728 screen")
def test_main_window_fits_on_the_desk_screen(text_size, desk, qtbot):
    ctx, win = desk
    problems: list[str] = []

    def check(where: str) -> None:
        problems.extend(f"{where}: {p}" for p in problems_of(win))

    check("as opened")
    # the pages are looked at in the largest framed window the screen holds (offscreen draws no title bar
    # on a maximised window; a window opened too tall was reported just now)
    from kyodo_desk.ui.widgets.screen import fitted_size

    if win.isMaximized():
        win.showNormal()
        qtbot.waitUntil(lambda: not win.isMaximized())
    win.resize(fitted_size(win, SCREEN_W, SCREEN_H))
    for spec in win.specs:
        win.show_page(spec.key)
        settle(ctx, qtbot)
        check(spec.key)
        every_tab(win.pages[spec.key], qtbot, check, spec.key)
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(not CHILD, reason="runs in its own process on a 1366×728 screen")
@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_dialog_fits_on_the_desk_screen(name, desk, qtbot):
    ctx, win = desk
    dialog = FACTORIES[name](_class(name), ctx, win)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    settle(ctx, qtbot)
    problems: list[str] = []

    def check(where: str) -> None:
        problems.extend(f"{where}: {p}" for p in problems_of(dialog))

    check(name.rsplit(".", 1)[-1])
    every_tab(dialog, qtbot, check, name.rsplit(".", 1)[-1])
    dialog.done(0) if not hasattr(dialog, "_close") else dialog._close()
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_cut_off_button_and_accepts_a_scrolled_one(qtbot):
    """The checker itself: a button pushed below a fixed-height box is reported; the same button
    inside a scroll area is reachable; a window taller than the screen is reported."""
    from PySide6.QtWidgets import QDialog, QFrame, QPushButton, QVBoxLayout, QWidget

    from kyodo_desk.ui.widgets.screen import scrolling

    def dialog_with(box_of) -> QDialog:
        dialog = QDialog()
        qtbot.addWidget(dialog)
        layout = QVBoxLayout(dialog)
        content = QWidget()
        column = QVBoxLayout(content)
        spacer = QFrame()
        spacer.setFixedHeight(300)
        column.addWidget(spacer)
        column.addWidget(QPushButton("保存"))
        layout.addWidget(box_of(content))
        dialog.resize(400, 200)
        dialog.show()
        qtbot.waitUntil(dialog.isVisible)
        return dialog

    def fixed_box(content: QWidget) -> QWidget:
        box = QFrame()
        box.setFixedHeight(120)
        content.setParent(box)
        content.setGeometry(0, 0, 380, 360)
        return box

    clipped = problems_of(dialog_with(fixed_box))
    assert any("「保存」" in p and "cut off" in p for p in clipped), clipped
    assert problems_of(dialog_with(scrolling)) == []
    tall = QDialog()
    qtbot.addWidget(tall)
    tall.resize(600, SCREEN_H)
    tall.show()
    qtbot.waitUntil(tall.isVisible)
    assert any("title bar" in p for p in problems_of(tall))
