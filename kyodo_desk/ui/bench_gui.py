"""The Qt half of ``kyodo-desk bench`` (kyodo_desk/bench stays free of Qt).

``python -m kyodo_desk.ui.bench_gui startup --home DIR --database URL`` is the fresh process whose
start-up is timed: it opens the real main window (signed in as the first administrator, as the
sign-in dialog would leave it), waits until the first page's work is done and the event loop is
idle, then prints one JSON line: its peak RSS and the longest event-loop stall after the window
was shown.  :data:`BASELINE_SCRIPT` is the baseline process: a bare QMainWindow plus
``import sqlalchemy.orm``.
"""

from __future__ import annotations

import json
import sys
import time

BASELINE_SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
import sqlalchemy.orm  # noqa: F401
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1366, 768); w.show()
from PySide6.QtCore import QTimer
QTimer.singleShot(0, app.quit)
app.exec()
import resource
print('{"peak_rss_mib": %.1f}' % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), flush=True)
"""


class Watchdog:
    """Records the longest gap between ticks of a 5 ms timer: the longest the event loop stalled."""

    def __init__(self, interval_ms: int = 5):
        from PySide6.QtCore import QTimer

        self.interval = interval_ms
        self.longest_ms = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest_ms = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_ms = max(self.longest_ms, (now - self._last) * 1000 - self.interval)
        self._last = now

    def stop(self) -> float:
        self._tick()
        self._timer.stop()
        return max(0.0, self.longest_ms)


def _settle(app, ctx, rounds: int = 3) -> None:
    from PySide6.QtCore import QCoreApplication

    for _round in range(rounds):
        QCoreApplication.processEvents()
        ctx.tasks.wait_for_done(30_000)
        QCoreApplication.processEvents()


def startup_main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from kyodo_desk.app import apply_japanese_font, build_context, install_qt_translations
    from kyodo_desk.config import default_paths, load_preferences
    from kyodo_desk.db.engine import Database
    from kyodo_desk.domain.enums import StaffRole
    from kyodo_desk.i18n import setup_i18n
    from kyodo_desk.services.staff import StaffService

    paths = default_paths(args.home)
    prefs = load_preferences(paths)
    language = setup_i18n(prefs.language)
    app = QApplication(sys.argv[:1])
    translators = install_qt_translations(app, language)  # noqa: F841
    apply_japanese_font(app, prefs)
    db = Database.from_url(args.database)
    ctx = build_context(paths, prefs, args.database, db)
    admin = next(s for s in StaffService(db).list() if s.role == StaffRole.ADMIN)
    ctx.actor = admin.as_actor()
    from kyodo_desk.ui.main_window import MainWindow

    window = MainWindow(ctx)
    window.show()
    dog = Watchdog()
    dog.start()
    _settle(app, ctx)
    stall = dog.stop()
    from kyodo_desk.bench.core import peak_rss_mib

    print(json.dumps({"peak_rss_mib": peak_rss_mib(), "stall_ms": stall}), flush=True)
    ctx.shutdown()
    window.close()
    return 0


# ---- in-process GUI cases: lists and tabs, scan-to-answer ----------------------------------------

LIST_PAGES = ("consultations", "lending", "dispatch", "groups")
# a filter typed into each list that has a text filter, then Enter (a 2-character term: the hardest)
FILTER_TERMS = {"consultations": "子育", "lending": "富士", "groups": "町会"}
SCAN_CODES = ("KD-0001", "ORG-00001")


def _views_with_rows(page):
    from PySide6.QtWidgets import QAbstractItemView

    views = [v for v in page.findChildren(QAbstractItemView) if v.isVisible() and v.model() is not None]
    return views, any(v.model().rowCount() > 0 for v in views)


def _wait_until_rows(app, ctx, page, start: float, timeout_s: float = 30.0) -> tuple[float, bool]:
    """Milliseconds from *start* (before the page or tab was asked for) until the visible lists of
    *page* show rows (or its work is done and it has none)."""
    from PySide6.QtCore import QEventLoop

    idle_rounds = 0
    while True:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 2)
        _views, rows = _views_with_rows(page)
        idle_rounds = idle_rounds + 1 if ctx.tasks.pending == 0 else 0
        if rows or idle_rounds >= 3:  # rows shown, or every load finished and delivered (an empty list)
            return (time.perf_counter() - start) * 1000, rows
        if time.perf_counter() - start > timeout_s:
            return (time.perf_counter() - start) * 1000, False
        time.sleep(0.001)


def _text_filter(page):
    """The text filter of a list page (``text_filter`` of the page or of one of its tabs, whose tab
    is brought to the front as a person would click it)."""
    from PySide6.QtWidgets import QLineEdit, QTabWidget, QWidget

    for widget in [page, *page.findChildren(QWidget)]:
        box = getattr(widget, "text_filter", None)
        if not isinstance(box, QLineEdit):
            continue
        for tabs in page.findChildren(QTabWidget):
            for index in range(tabs.count()):
                tab = tabs.widget(index)
                if tab is box or tab.isAncestorOf(box):
                    tabs.setCurrentIndex(index)
        return box
    return None


def _wait_for_tasks(app, ctx, timeout_s: float = 30.0) -> None:
    """Until the filter's reload has been handed to the task runner and come back."""
    start = time.perf_counter()
    while ctx.tasks.pending and time.perf_counter() - start < timeout_s:
        app.processEvents()
        time.sleep(0.001)


def _tabs(page):
    from PySide6.QtWidgets import QTabWidget

    return [t for t in page.findChildren(QTabWidget) if t.isVisible()]


def run_cases(home, database_url: str, services, actor, repeat: int) -> list:
    """Open every list and tab of the real main window offscreen (first time, then again), and
    answer scanned codes; each with the longest event-loop stall and the peak RSS after it."""
    from PySide6.QtWidgets import QApplication

    from kyodo_desk.app import apply_japanese_font, build_context
    from kyodo_desk.bench.core import CaseResult, Target, peak_rss_mib
    from kyodo_desk.config import default_paths, load_preferences
    from kyodo_desk.db.engine import Database
    from kyodo_desk.ui.main_window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["kyodo-desk-bench"])
    paths = default_paths(str(home))
    prefs = load_preferences(paths)
    apply_japanese_font(app, prefs)
    ctx = build_context(paths, prefs, database_url, Database.from_url(database_url))
    ctx.actor = actor
    window = MainWindow(ctx)
    window.resize(1366, 768)
    window.show()
    _settle(app, ctx)
    dog = Watchdog()
    results = []
    list_targets = [Target("median_ms", 150), Target("stall_ms", 100), Target("rss_mib", 250)]

    def record(name: str, samples: list[float], stall: float, note: str = "") -> None:
        results.append(
            CaseResult(
                "lists", name, samples, stall_ms=stall, peak_rss_mib=peak_rss_mib(), note=note, targets=list_targets
            )
        )

    try:
        for key in LIST_PAGES:
            dog.start()
            start = time.perf_counter()
            page = window.show_page(key)  # built on first show: counted
            first, rows = _wait_until_rows(app, ctx, page, start)
            record(f"{key}: first time", [first], dog.stop(), "" if rows else "no rows shown")
            again, stalls = [], []
            for _i in range(repeat):
                window.show_page("home")
                _settle(app, ctx, 1)
                dog.start()
                start = time.perf_counter()
                page = window.show_page(key)
                ms, rows = _wait_until_rows(app, ctx, page, start)
                again.append(ms)
                stalls.append(dog.stop())
            record(f"{key}: again", again, max(stalls), "" if rows else "no rows shown")
            for tabs in _tabs(page):
                for index in range(tabs.count()):
                    label = tabs.tabText(index).replace("&", "")
                    samples, stalls = [], []
                    for _attempt in range(repeat + 1):
                        tabs.setCurrentIndex((index + 1) % tabs.count() if tabs.count() > 1 else index)
                        _settle(app, ctx, 1)
                        dog.start()
                        start = time.perf_counter()
                        tabs.setCurrentIndex(index)
                        ms, rows = _wait_until_rows(app, ctx, tabs.widget(index), start)
                        stalls.append(dog.stop())
                        samples.append(ms)
                    record(f"{key} › {label}: first, then again", samples, max(stalls), "" if rows else "no rows shown")
        for key, term in FILTER_TERMS.items():
            page = window.show_page(key)
            _settle(app, ctx, 1)
            samples, stalls = [], []
            for _i in range(repeat):
                box = _text_filter(page)
                if box is None:
                    break
                box.clear()
                box.returnPressed.emit()
                _settle(app, ctx, 1)
                box.setText(term)
                dog.start()
                start = time.perf_counter()
                box.returnPressed.emit()  # as Enter in the filter box
                _wait_for_tasks(app, ctx)
                ms, rows = _wait_until_rows(app, ctx, page, start)
                samples.append(ms)
                stalls.append(dog.stop())
            if samples:
                record(f"{key}: filter 「{term}」 + Enter", samples, max(stalls), "" if rows else "no rows shown")
                box.clear()
                box.returnPressed.emit()
                _settle(app, ctx, 1)
        window.show_page("home")
        _settle(app, ctx)
        for code in SCAN_CODES:
            samples, stalls = [], []
            for _i in range(repeat):
                dog.start()
                start = time.perf_counter()
                window.route_scan(code, None)
                while ctx.tasks.pending:
                    app.processEvents()
                app.processEvents()
                samples.append((time.perf_counter() - start) * 1000)
                stalls.append(dog.stop())
                for w in QApplication.topLevelWidgets():  # close whatever the scan opened
                    if w is not window and w.isVisible():
                        w.close()
                window.show_page("home")
                _settle(app, ctx, 1)
            results.append(
                CaseResult(
                    "scan",
                    f"scan {code} → answer",
                    samples,
                    stall_ms=max(stalls),
                    peak_rss_mib=peak_rss_mib(),
                    note="MainWindow.route_scan until its work is done",
                    targets=[Target("median_ms", 30), Target("stall_ms", 100)],
                )
            )
    finally:
        ctx.shutdown()
        window.close()
        window.deleteLater()
        app.processEvents()
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["startup"]:
        sys.exit(startup_main(sys.argv[2:]))
    print("usage: python -m kyodo_desk.ui.bench_gui startup --home DIR --database URL", file=sys.stderr)
    sys.exit(2)
