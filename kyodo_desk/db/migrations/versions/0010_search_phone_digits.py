"""search: phone numbers also without hyphens; each record's kind in the SQLite indexes

1. Every search row that holds a phone number (076-220-2026) gets its digits too (0762202026), so a
   number typed without hyphens — or in full width — finds it (kyodo_desk.db.search.with_phone_digits
   does the same for rows written from now on).
2. SQLite: the search box counts and ranks each kind separately.  Joining every match to
   search_document to learn its kind costs ~1.5 µs a match (20 ms for the 14,000 records holding
   「町会」 on the large demo), so the kind goes into both indexes instead: search_fts gets a second
   column ``kind`` (trigram, read from search_document.kind), search_grams a token ``k<kind>``.
   PostgreSQL needs no change (the kind is a column next to the text there).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:40:00

"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kyodo_desk.db.grams import register_sqlite_function

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the same pattern as kyodo_desk.db.search._PHONE (kept here so this step never changes)
_PHONE = re.compile(r"(?<![0-9-])0[0-9]{1,4}(?:-[0-9]{1,4}){1,2}(?![0-9-])")

_FTS_TRIGGERS = ("search_document_ai", "search_document_ad", "search_document_au")
_GRAM_TRIGGERS = ("search_document_grams_ai", "search_document_grams_ad", "search_document_grams_au")


def _with_phone_digits(body: str) -> str:
    extra = [m.group(0).replace("-", "") for m in _PHONE.finditer(body)]
    extra = [e for e in dict.fromkeys(extra) if len(e) >= 9 and e not in body]
    return " ".join([body, *extra]) if extra else body


def _add_phone_digits(bind) -> None:
    rows = bind.execute(sa.text("SELECT id, text FROM search_document WHERE text LIKE '%0%-%'")).all()
    changed = [{"i": i, "t": _with_phone_digits(t)} for i, t in rows if t and _with_phone_digits(t) != t]
    if changed:
        bind.execute(sa.text("UPDATE search_document SET text = :t WHERE id = :i"), changed)


def _drop_sqlite_index() -> None:
    for trigger in _FTS_TRIGGERS + _GRAM_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute("DROP TABLE IF EXISTS search_grams")


def _build_sqlite_index(with_kind: bool) -> None:
    columns = "text, kind" if with_kind else "text"
    new_values = "new.text, new.kind" if with_kind else "new.text"
    old_values = "old.text, old.kind" if with_kind else "old.text"
    op.execute(
        f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, "
        "content='search_document', content_rowid='id', tokenize='trigram')"
    )
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    op.execute(
        "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {new_values}); END"
    )
    op.execute(
        "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.id, {old_values}); END"
    )
    op.execute(
        "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO search_fts(rowid, {columns}) VALUES (new.id, {new_values}); END"
    )
    new_grams = "kyodo_grams(new.text) || ' k' || new.kind" if with_kind else "kyodo_grams(new.text)"
    old_grams = "kyodo_grams(old.text) || ' k' || old.kind" if with_kind else "kyodo_grams(old.text)"
    all_grams = "kyodo_grams(text) || ' k' || kind" if with_kind else "kyodo_grams(text)"
    op.execute("CREATE VIRTUAL TABLE search_grams USING fts5(grams, content='', detail='none', tokenize='ascii')")
    op.execute(f"INSERT INTO search_grams(rowid, grams) SELECT id, {all_grams} FROM search_document")
    op.execute(
        "CREATE TRIGGER search_document_grams_ai AFTER INSERT ON search_document BEGIN "
        f"INSERT INTO search_grams(rowid, grams) VALUES (new.id, {new_grams}); END"
    )
    op.execute(
        "CREATE TRIGGER search_document_grams_ad AFTER DELETE ON search_document BEGIN "
        f"INSERT INTO search_grams(search_grams, rowid, grams) VALUES ('delete', old.id, {old_grams}); END"
    )
    op.execute(
        "CREATE TRIGGER search_document_grams_au AFTER UPDATE OF text, kind ON search_document BEGIN "
        f"INSERT INTO search_grams(search_grams, rowid, grams) VALUES ('delete', old.id, {old_grams}); "
        f"INSERT INTO search_grams(rowid, grams) VALUES (new.id, {new_grams}); END"
    )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        register_sqlite_function(bind.connection.driver_connection)  # this connection may predate the hook
        _drop_sqlite_index()  # rebuilt whole below: quicker than keeping both indexes up to date row by row
        _add_phone_digits(bind)
        _build_sqlite_index(with_kind=True)
    else:
        _add_phone_digits(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        register_sqlite_function(bind.connection.driver_connection)
        _drop_sqlite_index()
        _build_sqlite_index(with_kind=False)
    # the digits of phone numbers stay in search_document.text: harmless, and found as before
