"""Which errors mean "the database server cannot be reached" — the one classification shared by the
task runner (retry a save with backoff), the error dialogs and the status bar.

A lost connection is not the person's fault and not a bug: the server restarted, the network
dropped, or an administrator ended the session.  It shows as psycopg's ``OperationalError``
(wrapped by SQLAlchemy as ``DBAPIError`` / ``OperationalError``, with ``connection_invalidated``
when the pool noticed).  SQLite's OperationalError ("database is locked") is *not* one: the file
is on this PC, so only PostgreSQL messages and invalidated connections count.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from kyodo_desk.i18n import _

T = TypeVar("T")

# lower-case fragments of libpq / psycopg / PostgreSQL messages that mean the link is gone
_LOST = (
    "server closed the connection",
    "connection refused",
    "terminating connection due to administrator command",
    "could not connect to server",
    "connection to server at",
    "connection timed out",
    "connection is lost",
    "connection is closed",
    "consuming input failed",
    "sending query failed",
    "no connection to the server",
    "ssl connection has been closed unexpectedly",
    "ssl syscall error",
    "connection reset by peer",
    "broken pipe",
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is in recovery mode",
    "cannot connect now",
    "server conn crashed",
)


def message() -> str:
    """What the desk says while the server cannot be reached."""
    return _("サーバーに接続できません。再接続しています…")


def reconnected_message() -> str:
    return _("サーバーに再接続しました")


def is_connection_lost(exc: BaseException | None) -> bool:
    """True when *exc* (or an exception it was raised from) says the database server is unreachable."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if _one(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _one(exc: BaseException) -> bool:
    if getattr(exc, "connection_invalidated", False):
        return True
    module = type(exc).__module__ or ""
    orig = getattr(exc, "orig", None)
    if orig is not None:  # SQLAlchemy's wrapper: judge the driver's own error
        return _one(orig) if orig is not exc else False
    if module.startswith("psycopg") or module.startswith("sqlalchemy"):
        if type(exc).__name__ not in {"OperationalError", "InterfaceError", "AdminShutdown", "DBAPIError"}:
            return False
        text = str(exc).lower()
        return any(fragment in text for fragment in _LOST) or type(exc).__name__ == "AdminShutdown"
    return isinstance(exc, (ConnectionRefusedError, ConnectionResetError, BrokenPipeError))


RETRY_DELAYS_S = (0.5, 1.0, 2.0, 3.0, 5.0)  # backoff between tries (the last one repeats)


def retry_while_unreachable(
    fn: Callable[[], T],
    *,
    window_s: float,
    wait: Callable[[float], bool],
    may_retry: Callable[[], bool] = lambda: True,
    on_lost: Callable[[int], None] | None = None,
) -> tuple[T, int]:
    """Call *fn*; while it fails because the server cannot be reached, call it again with backoff
    for up to *window_s* seconds.  Returns ``(result, tries that failed)``.

    ``wait(seconds)`` sleeps and returns True when the caller wants to stop (shutdown); then, or
    when the window is over or ``may_retry()`` says no, the last error is raised.  Safe for a
    create only when it carries a request key (a COMMIT whose reply was lost is not repeated)."""
    deadline = time.monotonic() + window_s
    failed = 0
    while True:
        try:
            return fn(), failed
        except Exception as exc:
            if not (is_connection_lost(exc) and may_retry() and time.monotonic() < deadline):
                raise
            failed += 1
            if on_lost is not None:
                on_lost(failed)
            if wait(RETRY_DELAYS_S[min(failed, len(RETRY_DELAYS_S)) - 1]):
                raise
