"""Error text without personal values, for the log file and the error dialog.

A database error's ``str()`` is built from the driver's message, and drivers put the values of
the failing row into it: SQLAlchemy appends the statement's parameters (switched off at the
source with ``create_engine(hide_parameters=True)`` in :mod:`kyodo_desk.db.engine`), and
PostgreSQL adds a DETAIL line such as ``Failing row contains (…, 山田 太郎, 090-…)`` or
``Key (login)=(yamada) already exists``.  Python's own messages quote values too
(``invalid literal for int(): '山田'``, ``KeyError: '090-…'``).

So nothing here ever uses a database driver's message text: a database error is described by
its kind, the SQLSTATE and the names of the table, column and constraint involved.  Other
exceptions keep their message with every quoted part replaced by ``'…'``.  Tracebacks keep file
names, line numbers and the source lines (code, not data).
"""

from __future__ import annotations

import logging
import re
import traceback

MASK = "…"
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
_MAX_MESSAGE = 300


def mask_quoted(text: str) -> str:
    """*text* with every quoted part ('…' or "…") replaced by a mask."""
    return _QUOTED.sub(lambda m: m.group(0)[0] + MASK + m.group(0)[0], text)


def _driver_error_summary(orig: BaseException) -> str:
    """The driver exception under a SQLAlchemy error, described without its message's values."""
    kind = type(orig).__name__
    diag = getattr(orig, "diag", None)  # psycopg: structured fields, names only
    if diag is not None:
        parts = [f"SQLSTATE {getattr(orig, 'sqlstate', None) or getattr(diag, 'sqlstate', None) or '?'}"]
        for label, attr in (("table", "table_name"), ("column", "column_name"), ("constraint", "constraint_name")):
            value = getattr(diag, attr, None)
            if value:
                parts.append(f"{label} {value}")
        return f"{kind} ({', '.join(parts)})"
    # sqlite3 messages name tables/columns ("NOT NULL constraint failed: consultation.received_at");
    # any quoted part could be data, so it is masked.
    first = str(orig).splitlines()[0] if str(orig) else ""
    return f"{kind}: {mask_quoted(first)[:_MAX_MESSAGE]}" if first else kind


def _database_error(exc: BaseException) -> tuple[str, str | None] | None:
    """(summary, statement) for SQLAlchemy / DB-API errors, None for anything else."""
    try:
        from sqlalchemy import exc as sa_exc
    except ImportError:  # pragma: no cover - SQLAlchemy is a hard dependency
        return None
    if isinstance(exc, sa_exc.StatementError):
        orig = exc.orig
        summary = _driver_error_summary(orig) if orig is not None else type(exc).__name__
        statement = exc.statement if isinstance(exc.statement, str) else None
        return summary, statement
    if isinstance(exc, sa_exc.SQLAlchemyError):
        return type(exc).__name__ + (
            ": " + mask_quoted(str(exc).splitlines()[0])[:_MAX_MESSAGE] if str(exc) else ""
        ), None
    module = type(exc).__module__ or ""
    if module.startswith(("sqlite3", "psycopg", "_sqlite3")):
        return _driver_error_summary(exc), None
    return None


def safe_message(exc: BaseException, *, with_sql: bool = False) -> str:
    """``Type: message`` for *exc* with no personal values in it (see module doc)."""
    db = _database_error(exc)
    if db is not None:
        summary, statement = db
        text = summary if summary.startswith(type(exc).__name__) else f"{type(exc).__name__}: {summary}"
        if with_sql and statement:
            text += f"\n[SQL: {mask_quoted(' '.join(statement.split()))[:500]}]"
        return text
    message = str(exc)
    if not message:
        return type(exc).__name__
    return f"{type(exc).__name__}: {mask_quoted(message)[:_MAX_MESSAGE]}"


def format_exception_safely(exc: BaseException) -> str:
    """A traceback like :func:`traceback.format_exception` (causes and contexts included) whose
    exception lines come from :func:`safe_message`."""
    chain: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link: str | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "cause"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "context"
        else:
            current = None
    lines: list[str] = []
    for index in range(len(chain) - 1, -1, -1):  # the root cause first, as Python prints it
        item, _link = chain[index]
        if item.__traceback__ is not None:
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.format_tb(item.__traceback__))
        lines.append(safe_message(item, with_sql=True) + "\n")
        if index > 0:
            linked_by = chain[index - 1][1]
            lines.append(
                "\nThe above exception was the direct cause of the following exception:\n\n"
                if linked_by == "cause"
                else "\nDuring handling of the above exception, another exception occurred:\n\n"
            )
    return "".join(lines).rstrip("\n")


class SafeFormatter(logging.Formatter):
    """Log formatter for the log file: tracebacks and exception arguments go through
    :func:`format_exception_safely` / :func:`safe_message`, whoever logged them."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        exc = ei[1] if ei else None
        if exc is None:
            return super().formatException(ei)
        return format_exception_safely(exc)

    def format(self, record: logging.LogRecord) -> str:
        if isinstance(record.args, tuple) and any(isinstance(a, BaseException) for a in record.args):
            record.args = tuple(safe_message(a) if isinstance(a, BaseException) else a for a in record.args)
        record.exc_text = None  # never reuse a text another (unsafe) formatter cached
        return super().format(record)
