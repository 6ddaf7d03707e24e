"""Work off the GUI thread, progress and cancel; screens hear about other desks' writes."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QPushButton

from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.ui.tasks import TaskRunner


def test_work_runs_off_the_gui_thread_and_reports_back_on_it(qtbot):
    runner = TaskRunner(lambda parent, exc: None)
    gui = threading.get_ident()
    seen = {}

    def work(progress):
        seen["worker"] = threading.get_ident()
        progress(1, 2, "半分")
        return 42

    def done(value):
        seen["done_thread"] = threading.get_ident()
        seen["value"] = value

    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(work, on_done=done)
    assert seen["worker"] != gui and seen["done_thread"] == gui and seen["value"] == 42


def test_cancel_stops_long_work_at_the_next_progress_call(qtbot):
    reported = []
    runner = TaskRunner(lambda parent, exc: reported.append(exc))
    started, steps = threading.Event(), []

    def long_work(progress):
        for i in range(10_000):
            progress(i, 10_000, "処理中")
            steps.append(i)
            started.set()
            threading.Event().wait(0.001)
        return "finished"

    results = []
    task = runner.run(long_work, "長い処理", on_done=results.append, cancellable=True)
    assert started.wait(5)
    cancel = next(b for b in task.dialog.findChildren(QPushButton) if b.text() == "中止")
    cancel.click()  # the user presses 中止 in the progress dialog
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    assert results == [] and reported == []  # cancelling is not an error
    assert len(steps) < 10_000


def test_errors_without_a_handler_reach_the_user(qtbot):
    reported = []
    runner = TaskRunner(lambda parent, exc: reported.append(exc))
    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(lambda _p: 1 / 0)
    assert isinstance(reported[0], ZeroDivisionError)


def test_writes_are_serialised(qtbot):
    runner = TaskRunner(lambda parent, exc: None)
    lock, overlaps, active = threading.Lock(), [], [0]

    def write(_p):
        with lock:
            active[0] += 1
            overlaps.append(active[0])
        threading.Event().wait(0.02)
        with lock:
            active[0] -= 1

    for _ in range(4):
        runner.run(write, write=True)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    assert max(overlaps) == 1


def test_another_desks_write_is_announced(qtbot, make_ctx, services, admin, staff_actor):
    ctx = make_ctx(admin)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=5000):
        ctx.events.poll()  # first look: remembers where the log is
    record = services.organizations.create(
        staff_actor, OrganizationInput(name="犀川清掃の会", name_kana="サイガワセイソウノカイ")
    )
    with qtbot.waitSignal(
        ctx.events.data_changed, timeout=5000, check_params_cb=lambda kind, ids: kind == "organization"
    ) as blocker:
        ctx.events.poll()
    assert blocker.args == ["organization", [record.id]]


def test_own_write_is_not_announced_twice(qtbot, make_ctx, services, admin):
    ctx = make_ctx(admin)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=5000):
        ctx.events.poll()
    record = services.organizations.create(admin, OrganizationInput(name="長町の会"))
    heard = []
    ctx.events.data_changed.connect(lambda kind, ids: heard.append((kind, ids)))
    ctx.events.emit_changed("organization", [record.id])  # what the edit dialog does after saving
    with qtbot.waitSignal(ctx.tasks.idle, timeout=5000):
        ctx.events.poll()
    assert heard == [("organization", [record.id])]


def test_polling_refreshes_the_organization_list(qtbot, make_ctx, services, admin, staff_actor):
    from kyodo_desk.ui.groups.page import OrganizationsPage

    ctx = make_ctx(admin)
    page = OrganizationsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.total == 0)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=5000):
        ctx.events.poll()
    services.organizations.create(staff_actor, OrganizationInput(name="別の窓口で登録した会"))
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        ctx.events.poll()
    assert page.model.record(0).name == "別の窓口で登録した会"
    assert page.count_label.text() == "1 団体"


def test_failure_without_a_window_still_shows_a_message(qtbot, make_ctx, admin):
    """A background failure with no screen to attach to must not vanish silently."""
    ctx = make_ctx(admin)
    with qtbot.waitSignal(ctx.tasks.idle, timeout=5000):
        ctx.tasks.run(lambda _p: {}["missing"])
    [box] = ctx.tasks.report_error.open_boxes
    assert box.isVisible() and str(ctx.paths.log_file) in box.text()
    box.close()
    del box
    qtbot.waitUntil(lambda: not ctx.tasks.report_error.open_boxes)


def test_finished_tasks_do_not_pile_up(qtbot):
    """A desk runs a search or a poll every few seconds all day; finished tasks must be freed."""
    import gc
    import weakref

    runner = TaskRunner(lambda parent, exc: None)
    refs = [weakref.ref(runner.run(lambda _p: None)) for _ in range(20)]
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    runner.wait_for_done()  # worker threads have let go of their tasks
    gc.collect()
    assert all(ref() is None for ref in refs)
