"""The status bar's word on the database connection (PostgreSQL; SQLite never loses it).

Hidden while all is well.  When the change listener (``events.connection_changed(False)``) or a
task (``tasks.connection_lost``: a save being retried, a list that could not load) finds the
server unreachable it says 「サーバーに接続できません。再接続しています…」 and looks every few seconds
whether the server answers again; when it does (or the listener or a retried save gets through)
it says 「サーバーに再接続しました」 for a few seconds and hides.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from kyodo_desk.services import connection_loss
from kyodo_desk.ui.events import EventBus
from kyodo_desk.ui.tasks import TaskRunner

PROBE_MS = 3_000  # while disconnected: how often a tiny read asks whether the server is back
RECONNECTED_SHOWN_MS = 8_000

_LOST_STYLE = "color: #7a1c13; background: #fdecea; border: 1px solid #e0867d; border-radius: 4px; padding: 1px 6px;"
_BACK_STYLE = "color: #1e5631; background: #e8f5e9; border: 1px solid #81c784; border-radius: 4px; padding: 1px 6px;"


class ConnectionStatus(QLabel):
    def __init__(self, tasks: TaskRunner, events: EventBus, probe: Callable[[], object], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("connectionStatus")
        self.tasks, self.probe = tasks, probe
        self.lost = False
        self._probing = False
        self.hide()
        self._probe_timer = QTimer(self)
        self._probe_timer.setInterval(PROBE_MS)
        self._probe_timer.timeout.connect(self._look)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(RECONNECTED_SHOWN_MS)
        self._hide_timer.timeout.connect(self.hide)
        events.connection_changed.connect(self.set_connected)
        tasks.connection_lost.connect(self.disconnected)
        tasks.connection_restored.connect(self.reconnected)

    def disconnected(self) -> None:
        self.set_connected(False)

    def reconnected(self) -> None:
        self.set_connected(True)

    def set_connected(self, connected: bool) -> None:
        if not connected:
            if not self.lost:
                self.lost = True
                self._hide_timer.stop()
                self.setText(connection_loss.message())
                self.setStyleSheet(_LOST_STYLE)
                self.show()
                self._probe_timer.start()
            return
        if self.lost:
            self.lost = False
            self._probe_timer.stop()
            self.setText(connection_loss.reconnected_message())
            self.setStyleSheet(_BACK_STYLE)
            self.show()
            self._hide_timer.start()

    def _look(self) -> None:
        if self._probing:
            return
        self._probing = True
        probe = self.probe

        def answered(_result) -> None:
            self._probing = False
            self.set_connected(True)

        def failed(_exc: BaseException) -> None:
            self._probing = False

        self.tasks.run(lambda _p: probe(), on_done=answered, on_error=failed, owner=self)
