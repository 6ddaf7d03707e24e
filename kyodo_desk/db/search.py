"""Full-text search that works for Japanese.

Every searchable record keeps one ``search_document`` row whose ``text`` is the folded
(:func:`kyodo_desk.domain.text.fold`) concatenation of its searchable fields.  Folding maps
ｶﾅ/カナ/かな, full-/half-width digits and letters to one form on both sides.

SQLite: FTS5 with the trigram tokenizer (a substring index, so no word segmentation is needed).
Trigrams need 3 characters; shorter terms (「金」, 「町会」) use the index of every character and
neighbouring pair (:mod:`kyodo_desk.db.grams`, migration 0007), so no length falls back to a scan.
PostgreSQL: ``LIKE '%term%'`` over a pg_trgm GIN index for 3+ characters, the kyodo_grams(text)
expression GIN index for 1–2.  A term matching more than :data:`CANDIDATES` records ranks the
newest that many (plus an exact code match), which keeps a one-character search as fast as a long one.

Features register their records with :func:`index_document` inside the same write transaction
as the change, so the index can never disagree with the data.

The search box asks :func:`search_groups`: per kind its count and best rows, in one statement
built by :mod:`kyodo_desk.db.search_groups`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (
    String,
    Text,
    bindparam,
    cast,
    column,
    delete,
    false,
    func,
    select,
    text,
)
from sqlalchemy import table as table_clause
from sqlalchemy.orm import Session

from kyodo_desk.db.grams import gram_token
from kyodo_desk.db.models import SearchDocument
from kyodo_desk.db.search_groups import FEW_RECORDS_KINDS, INDEXED_KINDS, grouped_template
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
    body = with_phone_digits(" ".join(fold(t) for t in (title, subtitle, code, *texts) if t))
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


MAX_QUERY_CHARS = 200  # a query is cut here (a pasted page is not a search)
MAX_TERMS = 8  # words beyond the eighth are ignored: each is one more index list to intersect
MAX_TERM_CHARS = 40  # longer than any name or code the center keeps

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\uff70"  # ‐‑‒–—―−ー－ｰ
_DASH_BETWEEN_DIGITS = re.compile(f"(?<=[0-9])[{_DASHES}](?=[0-9])")
_PHONE = re.compile(r"(?<![0-9-])0[0-9]{1,4}(?:-[0-9]{1,4}){1,2}(?![0-9-])")


def _strip_controls(query: str) -> str:
    """*query* without NUL, control, format and unassigned characters (each becomes a space)."""
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in query)


def split_terms(query: str) -> list[str]:
    """The distinct folded words of *query*: at most :data:`MAX_TERMS` of at most
    :data:`MAX_TERM_CHARS` characters, control characters dropped; a dash of any width between
    digits (０７６ー２３７) is the hyphen of a phone number."""
    folded = fold(_strip_controls(query[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS])
    folded = _DASH_BETWEEN_DIGITS.sub("-", _strip_controls(folded))
    terms: list[str] = []
    for word in folded.split(" "):
        word = word[:MAX_TERM_CHARS]
        if word and word not in terms:
            terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    return terms


def with_phone_digits(body: str) -> str:
    """*body* followed by the digits of each phone number in it (076-220-2026 → 0762202026), so a
    number typed without hyphens finds it too."""
    extra = [m.group(0).replace("-", "") for m in _PHONE.finditer(body)]
    extra = [e for e in dict.fromkeys(extra) if len(e) >= 9 and e not in body]
    return " ".join([body, *extra]) if extra else body


CANDIDATES = 1000  # a term matching more records than this ranks the newest this many
RANKED_MANY = 200  # … and in the search box, of a kind with many records (consultations, loans) this many
COUNT_CAP = 5000  # the search box counts a kind of many records up to this (more: 「5,000件以上」)


def candidates(dialect: str, terms: list[str], kinds: Iterable[str] | None = None, limit: int | None = None):
    """Ids of the newest *limit* documents containing every term, served by an index at every length.

    Terms of 3+ characters: FTS5 trigram (SQLite) / pg_trgm LIKE (PostgreSQL).  Terms of 1–2
    characters: the gram index of :mod:`kyodo_desk.db.grams`."""
    short, long = _split_by_length(terms)
    stmt = _candidates_template(dialect, len(short), len(long), _kinds_key(kinds), limit)
    return stmt.params(_candidate_values(dialect, short, long))


def _split_by_length(terms: list[str]) -> tuple[list[str], list[str]]:
    return [t for t in terms if len(t) < TRIGRAM], [t for t in terms if len(t) >= TRIGRAM]


def _kinds_key(kinds: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if kinds is None else tuple(kinds)


def _candidate_values(dialect: str, short: list[str], long: list[str]) -> dict[str, str]:
    """The values of :func:`_candidates_template`'s parameters for these terms."""
    if dialect == "sqlite":
        gram_expr = " AND ".join(gram_token(t) for t in short)
        trigram_expr = " AND ".join('text : "' + t.replace('"', '""') + '"' for t in long)  # not the kind column
        return {"phrase": trigram_expr if long else gram_expr, "grams": gram_expr}
    values = {f"short_{i}": t for i, t in enumerate(short)}
    values.update({f"long_{i}": like_pattern(t) for i, t in enumerate(long)})
    return values


@functools.lru_cache(maxsize=128)
def _candidates_template(dialect: str, n_short: int, n_long: int, kinds: tuple[str, ...] | None, limit: int | None):
    """The candidates SELECT for a shape of query (how many short and long terms, which kinds),
    its values left as named parameters: built once per shape, not once per keystroke."""
    doc = SearchDocument
    if dialect == "sqlite":
        table = "search_fts" if n_long else "search_grams"
        fts = table_clause(table, column("rowid"))
        match = text(f"{table} MATCH :phrase").bindparams(bindparam("phrase", type_=String))
        stmt = (
            select(doc.id).select_from(fts).join(doc, doc.id == fts.c.rowid).where(match).order_by(fts.c.rowid.desc())
        )
        if n_long and n_short:
            grams = text("search_grams MATCH :grams").bindparams(bindparam("grams", type_=String))
            gram_table = table_clause("search_grams", column("rowid"))
            stmt = stmt.where(doc.id.in_(select(gram_table.c.rowid).where(grams)))
    else:
        from sqlalchemy.dialects import postgresql  # only on a PostgreSQL desk

        stmt = select(doc.id).order_by(doc.id.desc())
        if n_short:
            wanted = postgresql.array([bindparam(f"short_{i}", type_=Text) for i in range(n_short)])
            stmt = stmt.where(func.kyodo_grams(doc.text).op("@>")(cast(wanted, postgresql.ARRAY(Text))))
        for i in range(n_long):
            stmt = stmt.where(doc.text.like(bindparam(f"long_{i}", type_=Text), escape="\\"))
    if kinds is not None:
        stmt = stmt.where(doc.kind.in_(list(kinds)))
    if limit is not None and limit < 0:  # every match (list filters)
        return stmt.order_by(None)
    return stmt.limit(CANDIDATES if limit is None else limit)


def matching_refs(dialect: str, kind: str, query: str):
    """SELECT of the ref_ids of *kind* whose text contains every term of *query* — every match, for
    list filters (consultations, organizations, devices), served by the same indexes as the box."""
    terms = split_terms(query)
    if not terms:
        return select(SearchDocument.ref_id).where(false())
    if kind in FEW_RECORDS_KINDS:
        # a few thousand rows at most: reading them is quicker (2–3 ms for 2,400 organizations) than
        # taking every record of every kind with the term from the index (60–80 ms for 「町会」,
        # which ten years of consultations contain tens of thousands of times)
        doc = SearchDocument
        likes = [doc.text.like(like_pattern(t), escape="\\") for t in terms]
        return select(doc.ref_id).where(doc.kind == kind, *likes)
    if dialect == "sqlite":
        # one level: this kind's rows whose id the index returned (the index's matches are read
        # once into a list; nested SELECTs around it made SQLite probe the index per row)
        short, long = _split_by_length(terms)
        values = _candidate_values(dialect, short, long)
        doc = SearchDocument
        stmt = select(doc.ref_id).where(doc.kind == kind)
        table = "search_fts" if long else "search_grams"
        fts = table_clause(table, column("rowid"))
        match = text(f"{table} MATCH :phrase").bindparams(bindparam("phrase", values["phrase"], type_=String))
        stmt = stmt.where(doc.id.in_(select(fts.c.rowid).where(match)))
        if long and short:
            grams_table = table_clause("search_grams", column("rowid"))
            grams = text("search_grams MATCH :grams").bindparams(bindparam("grams", values["grams"], type_=String))
            stmt = stmt.where(doc.id.in_(select(grams_table.c.rowid).where(grams)))
        return stmt
    ids = candidates(dialect, terms, [kind], limit=-1)
    return select(SearchDocument.ref_id).where(SearchDocument.id.in_(ids.scalar_subquery()))


def search_statement(
    dialect: str, query: str, *, kinds: Iterable[str] | None = None, limit: int = 50, count_cap: int | None = None
):
    """The one SELECT behind :func:`search_groups` with its values (None when *query* has no
    terms): for each kind its best *limit* hits and its total, every kind in one round trip.  The
    benchmark runs exactly this SQL raw."""
    prepared = _prepared_search(dialect, query, kinds, limit, count_cap)
    return None if prepared is None else prepared[0].params(prepared[1])


def _prepared_search(dialect: str, query: str, kinds: Iterable[str] | None, limit: int, count_cap: int | None = None):
    """(statement with named parameters, their values) for *query*, or None without terms."""
    terms = split_terms(query)
    if not terms:
        return None
    short, long = _split_by_length(terms)
    values: dict[str, object] = dict(_candidate_values(dialect, short, long))
    name = " ".join(terms)
    values.update(code=query_code(query), name=name, name_start=name + " ", name_len=len(name) + 1, first=terms[0])
    kinds_key = _kinds_key(kinds)
    if kinds_key == ():
        return None
    if kinds_key is None:
        kinds_key = tuple(sorted(INDEXED_KINDS))
    cap = COUNT_CAP if count_cap is None else count_cap
    template = grouped_template(dialect, len(short), len(long), kinds_key, max(1, limit), CANDIDATES, RANKED_MANY, cap)
    return template, values


def query_code(query: str) -> str:
    """The code a query names if it is one (ＯＲＧ－０００１２ → ORG-00012), as codes are stored."""
    return fold(_strip_controls(query)[:MAX_QUERY_CHARS]).upper().strip()


@dataclass(frozen=True)
class GroupedHit:
    kind: str
    ref_id: int
    title: str
    subtitle: str
    code: str | None
    total: int  # how many records of this kind match


def search_groups(
    session: Session,
    query: str,
    *,
    kinds: Iterable[str] | None = None,
    limit: int = 50,
    count_cap: int | None = None,
) -> list[GroupedHit]:
    """The best *limit* records of each kind containing every term of *query* (AND), kind by
    kind in the order of *kinds*, each row with its kind's total — for a kind of many records at
    most *count_cap* + 1 (:data:`COUNT_CAP` by default), which means 「more than *count_cap*」."""
    prepared = _prepared_search(session.get_bind().dialect.name, query, kinds, limit, count_cap)
    if prepared is None:
        return []
    stmt, values = prepared
    return [GroupedHit(*row) for row in session.execute(stmt, values)]


def search(session: Session, query: str, *, kinds: Iterable[str] | None = None, limit: int = 50) -> list[SearchHit]:
    """Records whose text contains every term of *query* (AND): the best *limit* of each kind."""
    return [
        SearchHit(h.kind, h.ref_id, h.title, h.subtitle, h.code)
        for h in search_groups(session, query, kinds=kinds, limit=limit)
    ]


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
    changing the rows is enough (VACUUM reclaims the dead tuples).  The 1–2 character index
    (search_grams, contentless) is merged the same way."""
    if session.get_bind().dialect.name == "sqlite":
        for name in ("search_fts", "search_grams"):
            exists = session.execute(
                text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": name}
            ).first()
            if exists:
                session.execute(text(f"INSERT INTO {name}({name}) VALUES ('optimize')"))
