"""Full-text search that works for Japanese.

Every searchable record keeps one ``search_document`` row whose ``text`` is the folded
(:func:`kyodo_desk.domain.text.fold`) concatenation of its searchable fields.  Folding maps
ｶﾅ/カナ/かな, full-/half-width digits and letters to one form on both sides.

SQLite: FTS5 with the trigram tokenizer (a substring index, so no word segmentation is needed).
Trigrams need 3 characters; shorter terms (「金」, 「町会」) fall back to LIKE over the same column.
PostgreSQL: ``LIKE '%term%'`` over a pg_trgm GIN index (which likewise needs 3 characters to help).

Features register their records with :func:`index_document` inside the same write transaction
as the change, so the index can never disagree with the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String, and_, bindparam, case, delete, select, text
from sqlalchemy.orm import Session

from kyodo_desk.db.models import SearchDocument
from kyodo_desk.domain.text import fold

TRIGRAM = 3


@dataclass(frozen=True)
class SearchHit:
    kind: str
    ref_id: int
    title: str
    subtitle: str
    code: str | None


def index_document(
    session: Session,
    kind: str,
    ref_id: int,
    *,
    title: str,
    subtitle: str = "",
    code: str | None = None,
    texts: Iterable[str | None] = (),
) -> None:
    """Insert or replace the search row of (*kind*, *ref_id*)."""
    body = " ".join(fold(t) for t in (title, subtitle, code, *texts) if t)
    row = session.scalar(select(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id == ref_id))
    if row is None:
        session.add(SearchDocument(kind=kind, ref_id=ref_id, title=title, subtitle=subtitle, code=code, text=body))
    else:
        row.title, row.subtitle, row.code, row.text = title, subtitle, code, body
    session.flush()


def remove_document(session: Session, kind: str, ref_id: int) -> None:
    session.execute(delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id == ref_id))


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def split_terms(query: str) -> list[str]:
    return [t for t in fold(query).split(" ") if t]


def search_statement(dialect: str, query: str, *, kinds: Iterable[str] | None = None, limit: int = 50):
    """The SELECT behind :func:`search` (None when *query* has no terms); the benchmark runs it raw."""
    terms = split_terms(query)
    if not terms:
        return None
    doc = SearchDocument
    stmt = select(doc.kind, doc.ref_id, doc.title, doc.subtitle, doc.code)
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    conditions = []
    if dialect == "sqlite" and long_terms:
        phrase = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        match = text("search_fts MATCH :phrase").bindparams(bindparam("phrase", phrase, type_=String))
        stmt = stmt.where(doc.id.in_(select(text("rowid")).select_from(text("search_fts")).where(match)))
        conditions += [doc.text.like(like_pattern(t), escape="\\") for t in terms if len(t) < TRIGRAM]
    else:
        conditions += [doc.text.like(like_pattern(t), escape="\\") for t in terms]
    if conditions:
        stmt = stmt.where(and_(*conditions))
    if kinds is not None:
        stmt = stmt.where(doc.kind.in_(list(kinds)))
    first = terms[0]
    rank = case(
        (doc.code == query.strip().upper(), 0),
        (doc.text.like(like_pattern(first)[1:], escape="\\"), 1),  # starts with the first term
        else_=2,
    )
    return stmt.order_by(rank, doc.title, doc.id).limit(limit)


def search(session: Session, query: str, *, kinds: Iterable[str] | None = None, limit: int = 50) -> list[SearchHit]:
    """Records whose text contains every term of *query* (AND), best first."""
    stmt = search_statement(session.get_bind().dialect.name, query, kinds=kinds, limit=limit)
    if stmt is None:
        return []
    return [SearchHit(*row) for row in session.execute(stmt)]


def find_by_code(session: Session, code: str) -> SearchHit | None:
    """The record a scanned code names (asset tags, organization numbers ...), or None."""
    value = fold(code).upper().strip()
    if not value:
        return None
    row = session.execute(
        select(
            SearchDocument.kind,
            SearchDocument.ref_id,
            SearchDocument.title,
            SearchDocument.subtitle,
            SearchDocument.code,
        )
        .where(SearchDocument.code == value)
        .limit(1)
    ).first()
    return SearchHit(*row) if row else None


def rebuild_sqlite_index(session: Session) -> None:
    """Rebuild the FTS5 table from search_document (after a bulk load that bypassed triggers)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))


def purge_erased_terms(session: Session) -> None:
    """Make erased text unrecoverable from the index after rows were deleted or rewritten.

    SQLite: FTS5 only marks deleted entries; their trigrams stay in older index segments until they
    are merged.  'optimize' merges every segment into one, dropping them (with secure_delete=ON the
    freed pages are zeroed).  PostgreSQL: the pg_trgm index is over search_document.text itself, so
    changing the rows is enough (VACUUM reclaims the dead tuples)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
