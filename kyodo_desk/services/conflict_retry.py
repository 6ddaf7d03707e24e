"""Re-run a service call that PostgreSQL rolled back as a deadlock (40P01) or serialization
failure (40001).

The server has already rolled the whole transaction back, so nothing of it was stored and running
the unit of work again is safe — as long as no COMMIT has left this thread during the call (a
COMMIT whose reply was lost is :mod:`kyodo_desk.services.connection_loss`'s job, with a request
key).  ``with db.write() as s:`` is a context manager and its body cannot be run twice, so the
smallest callable that holds a whole unit of work is the public service method: each service class
is marked ``@conflict_retrying``, which wraps its public methods with :func:`retry_conflicts`.

Only the outermost service call retries (a service calling another passes straight through), at
most :data:`ATTEMPTS` tries with a short jittered pause.  Other errors — lock timeouts (55P03),
statement timeouts, SQLite's busy — are not retried here: they already waited, and the desk shows
「データベースが混み合っています」.  The log says the code and the try, never a value.
"""

from __future__ import annotations

import functools
import inspect
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger("kyodo_desk.services.conflict_retry")

RETRY_CODES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
ATTEMPTS = 3
BASE_DELAY_S = 0.05  # pause before try n+1: n × BASE_DELAY_S × a random factor in [0.5, 1.5)

_depth = threading.local()
C = TypeVar("C", bound=type)
F = TypeVar("F", bound=Callable[..., Any])


def conflict_code(exc: BaseException | None) -> str | None:
    """``"40P01"`` / ``"40001"`` when *exc* (or what it was raised from) is one, else None."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        orig = getattr(exc, "orig", None)
        code = getattr(orig, "sqlstate", None) or getattr(exc, "sqlstate", None)
        if code in RETRY_CODES:
            return str(code)
        exc = exc.__cause__ or exc.__context__
    return None


def _pause(tries_failed: int) -> float:
    return tries_failed * BASE_DELAY_S * random.uniform(0.5, 1.5)


def retry_conflicts(fn: F) -> F:
    """Wrap a service method (``self.db`` a :class:`~kyodo_desk.db.engine.Database`)."""

    @functools.wraps(fn)
    def call(self, *args, **kwargs):
        if getattr(_depth, "n", 0):
            return fn(self, *args, **kwargs)  # an outer service call owns the retry
        db = getattr(self, "db", None)
        _depth.n = 1
        try:
            failed = 0
            while True:
                mark = db.commits_sent() if db is not None else None
                try:
                    return fn(self, *args, **kwargs)
                except Exception as exc:
                    code = conflict_code(exc)
                    if code is None or db is None or failed + 1 >= ATTEMPTS or db.commits_sent() != mark:
                        if code is not None:
                            log.warning(
                                "write conflict %s in %s: not retried (try %d)", code, fn.__qualname__, failed + 1
                            )
                        raise
                    failed += 1
                    log.info(
                        "write conflict %s in %s: running it again (try %d of %d)",
                        code,
                        fn.__qualname__,
                        failed + 1,
                        ATTEMPTS,
                    )
                    time.sleep(_pause(failed))
        finally:
            _depth.n = 0

    call.__conflict_retry__ = True  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


def conflict_retrying(cls: C) -> C:
    """Class decorator: every public method of *cls* (its mixins' too) retries write conflicts."""
    for name in dir(cls):
        if name.startswith("_"):
            continue
        raw = inspect.getattr_static(cls, name)
        if not inspect.isfunction(raw) or getattr(raw, "__conflict_retry__", False):
            continue  # properties, static/class methods, already wrapped
        if inspect.isgeneratorfunction(raw):
            continue  # its body runs after the call returns: nothing to retry here
        setattr(cls, name, retry_conflicts(raw))
    cls.__conflict_retrying__ = True  # type: ignore[attr-defined]
    return cls
