"""Fixtures for GUI tests: an AppContext over the per-test database, demo data, the main window."""

from __future__ import annotations

import os
import shutil

import pytest

PG_URL = os.environ.get("KYODO_DESK_TEST_DATABASE", "").strip()


@pytest.fixture(scope="session", autouse=True)
def _japanese_font(qapp):
    """Use the same Japanese font as the app, so screenshots and text metrics are real."""
    from kyodo_desk.app import apply_japanese_font
    from kyodo_desk.config import LocalPreferences

    apply_japanese_font(qapp, LocalPreferences())
    yield


@pytest.fixture(autouse=True)
def _collect_qt_garbage(qapp):
    """Delete each test's windows while the QApplication still exists.

    Screens connect their bound methods to the events bus; such connections live in C++, so
    Python's garbage collector cannot free a test's windows.  Left to interpreter shutdown,
    PySide6 destroys them after the QApplication and crashes ("bool_dealloc ... refcount
    error").  The app itself deletes replaced pages with deleteLater(), which disconnects them.
    """
    yield
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def no_demo_steps(monkeypatch):
    """Demo data without the later features' steps (consultations): organizations, people,
    staff and closed days are what these screens show, and the CPU is shared."""
    from kyodo_desk.services import demo

    monkeypatch.setattr(demo, "DEMO_STEPS", [])


@pytest.fixture
def make_ctx(db, db_url, tmp_path):
    """Build an AppContext the way app.py does, for *actor*; work is drained after the test."""
    from kyodo_desk.app import build_context
    from kyodo_desk.config import default_paths, load_preferences

    made = []

    def make(actor=None, database=None):
        paths = default_paths()
        paths.ensure()
        database = database or db
        ctx = build_context(paths, load_preferences(paths), database.url if database is not db else db_url, database)
        ctx.actor = actor
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.events.stop_polling()
        ctx.tasks.wait_for_done()
        ctx.events.deleteLater()
        ctx.tasks.deleteLater()


@pytest.fixture
def demo_small(db, no_demo_steps):
    from kyodo_desk.services import demo

    return demo.generate(db, size="small")


@pytest.fixture(scope="session")
def _large_template(tmp_path_factory, _template_sqlite):
    """A migrated SQLite file with the large demo registry (2,400 organizations), built once."""
    from kyodo_desk.db.engine import Database
    from kyodo_desk.services import demo

    path = tmp_path_factory.mktemp("large") / "large.db"
    shutil.copyfile(_template_sqlite, path)
    saved, demo.DEMO_STEPS[:] = list(demo.DEMO_STEPS), []
    try:
        database = Database.from_url(f"sqlite:///{path}")
        demo.generate(database, size="large")
        database.dispose()
    finally:
        demo.DEMO_STEPS[:] = saved
    return path


@pytest.fixture
def large_db(request, tmp_path, no_demo_steps):
    """A Database holding ≥2,000 organizations (a copy of the session template on SQLite)."""
    from kyodo_desk.db.engine import Database
    from kyodo_desk.services import demo

    if PG_URL:
        database = request.getfixturevalue("db")
        demo.generate(database, size="large")
        yield database
        return
    target = tmp_path / "large.db"
    shutil.copyfile(request.getfixturevalue("_large_template"), target)
    database = Database.from_url(f"sqlite:///{target}")
    yield database
    database.dispose()


def sign_in(services, login: str):
    """The Actor of the demo staff member with *login*, as after signing in (the password screens
    themselves are driven in test_replay_signin.py and test_startup.py)."""
    record = next(r for r in services.staff.list() if r.login_name == login)
    return record.as_actor()


@pytest.fixture
def window(qtbot, make_ctx, services, demo_small):
    """The main window over the small demo data, signed in as the demo administrator."""
    from kyodo_desk.ui.main_window import MainWindow

    ctx = make_ctx(sign_in(services, "admin"))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.pages["home"].loaded)
    yield win
    win.close()
