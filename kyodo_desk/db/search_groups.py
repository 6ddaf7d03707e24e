"""The search box's one statement: for each kind, its count and its best rows (see
:func:`kyodo_desk.db.search.search_groups`, which fills in the values).

On SQLite each record's kind is in both full-text indexes (migration 0010) — the trigram index
``search_fts`` as a second column, the 1–2 character index ``search_grams`` as a token ``k<kind>`` —
so a kind's matches are counted by the index alone, without reading a row of search_document.
On PostgreSQL the kind is a column beside the text.
"""

from __future__ import annotations

import functools

from sqlalchemy import (
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy import table as table_clause

from kyodo_desk.db.models import SearchDocument

# every kind the application indexes; each is also in the SQLite indexes (migration 0010), where
# the trigram index (search_fts) finds a kind by a three-letter piece of its name no other has
INDEXED_KINDS = frozenset(
    {"organization", "person", "consultation", "device", "loan", "advisor", "dispatch", "project"}
)
# kinds a center holds at most thousands of (their list filters read the rows instead of the index)
FEW_RECORDS_KINDS = frozenset({"organization", "device", "advisor", "person", "project"})


@functools.lru_cache(maxsize=128)
def grouped_template(
    dialect: str,
    n_short: int,
    n_long: int,
    kinds: tuple[str, ...],
    limit: int,
    candidates: int,
    ranked_many: int,
    count_cap: int,
):
    """UNION ALL of one branch per kind: the kind's matches counted (by the index alone on
    SQLite: each kind's name is in the index too) and its best *limit* rows — the exact code, then
    the exact name (or its first word), then names holding the first term, each tier newest
    first — taken from its newest *candidates* (*ranked_many* for a kind of many records), and the
    exact code however old.  Built once per shape of query; the values are named parameters."""
    doc = SearchDocument
    code = bindparam("code", type_=String)
    name = bindparam("name", type_=String)
    name_start = bindparam("name_start", type_=String)
    name_len = bindparam("name_len", type_=Integer)
    first = bindparam("first", type_=String)
    in_title = (
        func.instr(func.lower(doc.title), first) if dialect == "sqlite" else func.strpos(func.lower(doc.title), first)
    )
    rank = case(
        (doc.code == code, 0),
        (or_(doc.text == name, func.substr(doc.text, 1, name_len) == name_start), 1),
        (in_title > 0, 2),  # the first word in the name (金石町会 before a group at 金沢市 …)
        else_=3,
    ).label("rank")
    branches = []
    for position, kind in enumerate(kinds):
        matches = _kind_matches(dialect, n_short, n_long, kind, kinds)
        # a kind of many records is counted up to count_cap + 1 (shown 「5,000件以上」): counting all
        # 14,000 consultations holding 「タブレット」 is 7 ms of the box's 20, the first 5,001 2 ms
        counted = matches if kind in FEW_RECORDS_KINDS else matches.limit(count_cap + 1)
        total = select(func.count()).select_from(counted.subquery()).scalar_subquery().label("total")
        # the newest records ranked: a few-records kind all of them (an old group whose name is the
        # query still comes first), a kind of tens of thousands its newest *ranked_many*
        ranked = candidates if kind in FEW_RECORDS_KINDS else min(candidates, ranked_many)
        columns = (
            doc.kind,
            doc.ref_id,
            doc.title,
            doc.subtitle,
            doc.code,
            total,
            literal(position).label("position"),
            rank,
            doc.id.label("doc_id"),
        )
        if dialect == "sqlite":
            found = doc.id.in_(matches.order_by(matches.selected_columns[0].desc()).limit(ranked).scalar_subquery())
            exact = and_(doc.code == code, doc.kind == kind)
            # the kind checked row by row, not through the (kind, ref_id) index (SQLite would walk
            # every row of the kind instead of the few found)
            rows = select(*columns).where(or_(found, exact), func.coalesce(doc.kind, "") == kind)
        else:
            # the newest *ranked* matches by id + 0: sorting the index's matches, never walking the
            # primary key backwards testing every row (1.5 s for 「町会」 over 95,000 loans holding
            # none); the exact code as a second list, so both are read by index (an OR of the two
            # made PostgreSQL read every row of search_document for each kind)
            newest = matches.order_by((doc.id + 0).desc()).limit(ranked)
            by_code = select(doc.id).where(doc.code == code, doc.kind == kind)
            rows = select(*columns).where(doc.id.in_(union_all(newest, by_code)))
        branch = rows.order_by(rank, doc.id.desc()).limit(limit).subquery(f"k{position}")
        branches.append(select(*branch.c))
    everything = union_all(*branches).subquery("hits")
    return select(
        everything.c.kind,
        everything.c.ref_id,
        everything.c.title,
        everything.c.subtitle,
        everything.c.code,
        everything.c.total,
    ).order_by(everything.c.position, everything.c.rank, everything.c.doc_id.desc())


def _kind_matches(dialect: str, n_short: int, n_long: int, kind: str, kinds: tuple[str, ...]):
    """SELECT of the document ids of *kind* containing every term (no order, no limit)."""
    doc = SearchDocument
    if dialect == "sqlite":
        tag = _kind_tag(kind)
        if n_long:
            fts = table_clause("search_fts", column("rowid"))
            phrase = bindparam("phrase", type_=String) + literal_column(f"' AND kind : \"{tag}\"'")
            stmt = select(fts.c.rowid).where(literal_column("search_fts").op("MATCH")(phrase))
            if n_short:
                grams = table_clause("search_grams", column("rowid"))
                # rowid + 0: the list is checked row by row; as a plain rowid IN, SQLite hands each
                # id of the list to the trigram index as its own query (seconds for 「町会」)
                stmt = stmt.where(
                    (fts.c.rowid + 0).in_(
                        select(grams.c.rowid).where(
                            literal_column("search_grams").op("MATCH")(bindparam("grams", type_=String))
                        )
                    )
                )
        else:
            grams = table_clause("search_grams", column("rowid"))
            wanted = bindparam("grams", type_=String) + literal_column(f"' AND k{kind}'")
            stmt = select(grams.c.rowid).where(literal_column("search_grams").op("MATCH")(wanted))
        return stmt
    from sqlalchemy.dialects import postgresql  # only on a PostgreSQL desk

    stmt = select(doc.id).where(doc.kind == kind)
    if n_short:
        wanted_pg = postgresql.array([bindparam(f"short_{i}", type_=Text) for i in range(n_short)])
        stmt = stmt.where(func.kyodo_grams(doc.text).op("@>")(cast(wanted_pg, postgresql.ARRAY(Text))))
    for i in range(n_long):
        stmt = stmt.where(doc.text.like(bindparam(f"long_{i}", type_=Text), escape="\\"))
    return stmt


@functools.lru_cache(maxsize=64)
def _kind_tag(kind: str) -> str:
    """The shortest piece of *kind* that the trigram index finds in no other indexed kind's name
    (「con」 for consultation): one trigram is one list to walk, the whole name ten."""
    others = [k for k in INDEXED_KINDS | {kind} if k != kind]
    for i in range(len(kind) - 2):
        piece = kind[i : i + 3]
        if not any(piece in other for other in others):
            return piece
    return kind
