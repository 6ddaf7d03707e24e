"""The "data changed" bus.

Screens connect to ``data_changed(kind, ids)`` and decide whether they care.  After a write this
desk emits it at once (:meth:`EventBus.emit_changed`).  Other desks' writes come from the change
feed (:mod:`kyodo_desk.services.changes`), which cannot miss a change committed out of order:

* PostgreSQL: a listener thread (its own connection, LISTEN/NOTIFY) hands each batch of changes
  to this bus through a queued signal, so the GUI thread never waits on the network; it catches up
  by itself after a lost connection.
* SQLite: a look every few seconds on the task runner (polling).

:meth:`poll` runs one catch-up look on either database.  Kinds are the audit log's entity names
("organization", "staff", "setting", "closed_day", ...).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

from PySide6.QtCore import QObject, QTimer, Signal

from kyodo_desk.services.changes import Change, ChangeListener, ChangeService
from kyodo_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
POLL_INTERVAL_MS = 5_000
OWN_KEPT_S = 120.0  # how long this desk's own announcements wait for their echo from the feed


class EventBus(QObject):
    data_changed = Signal(str, list)
    connection_changed = Signal(bool)  # PostgreSQL listener: connected (True) / reconnecting (False)
    _remote = Signal(object)  # a batch from the listener thread, delivered on the GUI thread

    def __init__(self, changes: ChangeService, tasks: TaskRunner, *, interval_ms: int = POLL_INTERVAL_MS):
        super().__init__()
        self._changes = changes
        self._tasks = tasks
        self._cursor = changes.cursor()
        self._listener: ChangeListener | None = None
        self._in_flight = False
        self._own: dict[tuple[str, int | None], list[float]] = defaultdict(list)  # announced here, when
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._remote.connect(self._apply)

    def emit_changed(self, kind: str, ids: list[int] | None = None) -> None:
        """Announce a write made at this desk."""
        ids = [i for i in (ids or []) if i is not None]
        stamp = time.monotonic()
        for i in ids or [None]:
            self._own[(kind, i)].append(stamp)
        self.data_changed.emit(kind, ids)

    # ---- other desks ------------------------------------------------------------
    def start_polling(self) -> None:
        """Watch other desks' writes: the listener on PostgreSQL, a timer on SQLite."""
        if self._changes.can_listen:
            if self._listener is None or not self._listener.running:
                self._listener = self._changes.listen(self._cursor, self._remote.emit, self.connection_changed.emit)
            return
        self.poll()
        self._timer.start()

    def stop_polling(self) -> None:
        self._timer.stop()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()

    @property
    def polling(self) -> bool:
        return self._timer.isActive() or (self._listener is not None and self._listener.running)

    def poll(self) -> None:
        """One catch-up look (off the GUI thread)."""
        if self._in_flight:
            return
        self._in_flight = True
        self._tasks.run(
            lambda _p: self._changes.look(self._cursor), on_done=self._looked, on_error=self._poll_failed, owner=self
        )

    def _poll_failed(self, exc: BaseException) -> None:
        self._in_flight = False
        log.warning("could not check for changes from other desks", exc_info=(type(exc), exc, exc.__traceback__))

    def _looked(self, changes: list[Change]) -> None:
        self._in_flight = False
        self._apply(changes)

    def _is_own(self, key: tuple[str, int | None], now: float) -> bool:
        stamps = [t for t in self._own.get(key, []) if now - t < OWN_KEPT_S]
        if not stamps:
            self._own.pop(key, None)
            return False
        stamps.pop(0)
        if stamps:
            self._own[key] = stamps
        else:
            self._own.pop(key, None)
        return True

    def _apply(self, changes: list[Change]) -> None:
        now = time.monotonic()
        changed: dict[str, list[int]] = {}
        for change in changes:
            if self._is_own((change.entity, change.entity_id), now):  # announced when this desk wrote it
                continue
            ids = changed.setdefault(change.entity, [])
            if change.entity_id is not None and change.entity_id not in ids:
                ids.append(change.entity_id)
        for key in [k for k, v in self._own.items() if all(now - t >= OWN_KEPT_S for t in v)]:
            del self._own[key]
        for kind, ids in changed.items():
            self.data_changed.emit(kind, ids)
