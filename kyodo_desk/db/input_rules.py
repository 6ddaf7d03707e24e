"""Every text a write session is about to store, checked the same way on SQLite and PostgreSQL.

Installed on the write sessions of :class:`kyodo_desk.db.engine.Database` (``before_flush``): a value
longer than its column (``String(n)``) or holding a NUL or another invisible control character is
refused with a :class:`ValidationError` naming the field in Japanese, before the database sees it —
SQLite would store it, PostgreSQL would fail with a raw DataError.  The search index and the audit
log, which only copy text, shorten such a copy instead.  Field names and allowed characters:
:mod:`kyodo_desk.domain.text_fields`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Session

from kyodo_desk.domain import text_fields
from kyodo_desk.domain.validation import ValidationError


def check_session(session: Session, _flush_context: Any = None, _instances: Any = None) -> None:
    errors: dict[str, str] = {}
    for obj in list(session.new) + list(session.dirty):
        errors.update(problems(obj, only_changed=obj not in session.new))
    if errors:
        raise ValidationError(errors)


def problems(obj: object, *, only_changed: bool = False) -> dict[str, str]:
    """Field → message for every text of *obj* that may not be stored (shortening the copies)."""
    state = inspect(obj)
    table = state.mapper.local_table.name
    shorten = table in text_fields.SHORTENED_TABLES
    errors: dict[str, str] = {}
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if not isinstance(column.type, String):
            continue
        if only_changed and not state.attrs[attr.key].history.has_changes():
            continue
        value = getattr(obj, attr.key)
        if not isinstance(value, str):
            continue
        limit = column.type.length
        if shorten:
            fixed = text_fields.without_bad_characters(value)
            if limit and len(fixed) > limit:
                fixed = fixed[: limit - 1] + "…"
            if fixed != value:
                setattr(obj, attr.key, fixed)
            continue
        name = text_fields.label(table, column.name)
        if text_fields.bad_characters(value):
            errors.setdefault(attr.key, text_fields.bad_characters_message(name))
        elif limit and len(value) > limit:
            errors.setdefault(attr.key, text_fields.too_long_message(name, limit, len(value)))
    return errors
