"""The "data changed" bus.

Screens connect to ``data_changed(kind, ids)`` and decide whether they care.  After a write this
desk emits it at once (:meth:`EventBus.emit_changed`).  Other desks' writes are noticed by
polling :meth:`ChangeService.marker` (the newest audit id) every few seconds; when it moves,
the changed entities since the last look are announced.  Kinds are the audit log's entity names
("organization", "staff", "setting", "closed_day", ...).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict

from PySide6.QtCore import QObject, QTimer, Signal

from kyodo_desk.services.changes import ChangeService
from kyodo_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
POLL_INTERVAL_MS = 5_000


class EventBus(QObject):
    data_changed = Signal(str, list)

    def __init__(self, changes: ChangeService, tasks: TaskRunner, *, interval_ms: int = POLL_INTERVAL_MS):
        super().__init__()
        self._changes = changes
        self._tasks = tasks
        self._marker: int | None = None
        self._in_flight = False
        self._own = Counter()  # (kind, id) this desk announced since the last poll
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def emit_changed(self, kind: str, ids: list[int] | None = None) -> None:
        """Announce a write made at this desk."""
        ids = [i for i in (ids or []) if i is not None]
        for i in ids or [None]:
            self._own[(kind, i)] += 1
        self.data_changed.emit(kind, ids)

    # ---- other desks ------------------------------------------------------------
    def start_polling(self) -> None:
        self.poll()
        self._timer.start()

    def stop_polling(self) -> None:
        self._timer.stop()

    @property
    def polling(self) -> bool:
        return self._timer.isActive()

    def poll(self) -> None:
        if self._in_flight:
            return
        self._in_flight = True
        since = self._marker
        self._tasks.run(lambda _p: self._look(since), on_done=self._apply, on_error=self._poll_failed, owner=self)

    def _look(self, since: int | None) -> tuple[int, list[tuple[str, int | None]]]:
        marker = self._changes.marker()
        if since is None or marker == since:
            return marker, []
        return marker, self._changes.changed_entities_since(since)

    def _poll_failed(self, exc: BaseException) -> None:
        self._in_flight = False
        log.warning("could not check for changes from other desks", exc_info=(type(exc), exc, exc.__traceback__))

    def _apply(self, result: tuple[int, list[tuple[str, int | None]]]) -> None:
        self._in_flight = False
        marker, entities = result
        self._marker = marker
        own, self._own = self._own, Counter()
        changed: dict[str, list[int]] = defaultdict(list)
        for kind, ref_id in entities:
            if own[(kind, ref_id)] > 0:  # already announced when this desk wrote it
                own[(kind, ref_id)] -= 1
                continue
            changed[kind]
            if ref_id is not None and ref_id not in changed[kind]:
                changed[kind].append(ref_id)
        for kind, ids in changed.items():
            self.data_changed.emit(kind, ids)
