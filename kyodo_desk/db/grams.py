"""One- and two-character search tokens (the part of Japanese search a trigram index cannot serve).

A search term of 1 or 2 characters (「金」, 「町会」) is found through the set of every character and
every pair of neighbouring characters of a record's folded text (pairs never span a space, which
separates fields).  SQLite: triggers on ``search_document`` feed :func:`gram_tokens` into a
contentless FTS5 table ``search_grams`` (document ids only, ``detail='none'``), so every way a row
is written — services, bulk demo loads, migrations — keeps the index right in the same transaction.
The function is registered on every SQLite connection the app opens (below); another SQLite tool
can read the file but cannot write ``search_document`` (it lacks ``kyodo_grams``).
PostgreSQL: the SQL function ``kyodo_grams(text) → text[]`` with an expression GIN index
(migration 0007); no triggers.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.pool import Pool

SQL_FUNCTION = "kyodo_grams"


def gram_token(term: str) -> str:
    """The FTS5 token (ASCII) standing for a 1- or 2-character *term*."""
    if len(term) == 1:
        return f"u{ord(term):x}"
    if len(term) == 2:
        return f"b{ord(term[0]):x}g{ord(term[1]):x}"
    raise ValueError(term)


def gram_tokens(text: str | None) -> str:
    """Every distinct single character and neighbouring pair of *text* as tokens, sorted, space-separated."""
    if not text:
        return ""
    out: set[str] = set()
    prev = None
    for ch in text:
        if ch.isspace():
            prev = None
            continue
        code = ord(ch)
        out.add(f"u{code:x}")
        if prev is not None:
            out.add(f"b{prev:x}g{code:x}")
        prev = code
    return " ".join(sorted(out))


def register_sqlite_function(dbapi_connection) -> None:
    dbapi_connection.create_function(SQL_FUNCTION, 1, gram_tokens, deterministic=True)


@event.listens_for(Pool, "connect")
def _on_connect(dbapi_connection, _record) -> None:  # every pool, every new connection
    if isinstance(dbapi_connection, sqlite3.Connection):
        register_sqlite_function(dbapi_connection)
