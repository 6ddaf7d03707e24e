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


if __name__ == "__main__":
    if sys.argv[1:2] == ["startup"]:
        sys.exit(startup_main(sys.argv[2:]))
    print("usage: python -m kyodo_desk.ui.bench_gui startup --home DIR --database URL", file=sys.stderr)
    sys.exit(2)
