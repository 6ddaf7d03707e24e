"""The AppContext: everything a screen needs, built once by ``app.py`` and handed down.

No module-level singletons: widgets receive the context (or the parts of it they need).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kyodo_desk.config import AppPaths, LocalPreferences, save_preferences
from kyodo_desk.db.engine import Database
from kyodo_desk.services.base import Actor
from kyodo_desk.services.container import Services

if TYPE_CHECKING:  # pragma: no cover
    from kyodo_desk.ui.events import EventBus
    from kyodo_desk.ui.tasks import TaskRunner


@dataclass
class AppContext:
    paths: AppPaths
    prefs: LocalPreferences
    database_url: str
    db: Database
    services: Services
    tasks: "TaskRunner"
    events: "EventBus"
    actor: Actor | None = None

    @property
    def log_file(self):
        return self.paths.log_file

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise RuntimeError("no staff member is signed in")
        return self.actor

    def save_preferences(self, prefs: LocalPreferences) -> None:
        """Write this desk's preferences file and keep the new values in the context."""
        save_preferences(self.paths, prefs)
        self.prefs = prefs

    def shutdown(self) -> None:
        """Stop polling, let running work finish, close the database."""
        self.events.stop_polling()
        self.tasks.wait_for_done()
        self.db.dispose()
