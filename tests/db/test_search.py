"""Full-text search for Japanese (FTS5 trigram on SQLite, pg_trgm on PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kyodo_desk.db.search import find_by_code, index_document, remove_document, search
from tests.db.conftest import sqlite_only

DOCS = [
    # (ref_id, title, code, extra texts)
    (1, "広坂町会", "ORG-00001", ["ヒロサカチョウカイ", "076-220-2026"]),
    (2, "金沢大学", "ORG-00002", ["カナザワダイガク"]),
    (3, "金石町会", "ORG-00003", ["カナイワチョウカイ"]),
    (4, "NPO法人 かなざわ子育てサポート", "ORG-00004", ["ｴﾇﾋﾟｰｵｰﾎｳｼﾞﾝ ｶﾅｻﾞﾜｺｿﾀﾞﾃｻﾎﾟｰﾄ", "０７６－２６０－１１７８"]),
    (5, "長町まちづくりの会", "ORG-00005", ["ナガマチマチヅクリノカイ"]),
    (6, "100%達成の会", None, []),
    (7, "100円の会", None, []),
    (8, "a_b研究会", None, []),
    (9, "axb研究会", None, []),
    (10, "広坂一丁目町内会", "ORG-00010", []),
]


@pytest.fixture
def indexed(db):
    with db.write() as s:
        for ref_id, title, code, texts in DOCS:
            index_document(s, "organization", ref_id, title=title, subtitle="団体", code=code, texts=texts)
        index_document(s, "person", 1, title="山田 花子", texts=["ヤマダ ハナコ"])
    return db


def _ids(db, query, **kw) -> list[int]:
    with db.read() as s:
        return sorted(h.ref_id for h in search(s, query, kinds=kw.pop("kinds", ["organization"]), **kw))


def test_one_character_query(indexed):
    assert _ids(indexed, "金") == [2, 3]


def test_two_character_query(indexed):
    assert _ids(indexed, "町会") == [1, 3]


@pytest.mark.parametrize(
    "query, expected", [("広坂町", [1]), ("まちづくり", [5]), ("子育てサポート", [4]), ("研究会", [8, 9])]
)
def test_three_or_more_character_query(indexed, query, expected):
    assert _ids(indexed, query) == expected


@pytest.mark.parametrize("query", ["ｶﾅｻﾞﾜ", "カナザワ", "かなざわ", "ｶﾅｻﾞﾜｺｿﾀﾞﾃ"])
def test_kana_and_width_variants_match_each_other(indexed, query):
    # 2 has カナザワダイガク; 4 was typed in half-width ｶﾅ and has かなざわ in its name
    assert 4 in _ids(indexed, query)
    if len(query) <= 5:
        assert 2 in _ids(indexed, query)


@pytest.mark.parametrize("query, expected", [("076", [1, 4]), ("０７６", [1, 4]), ("260-1178", [4]), ("２２０", [1])])
def test_full_and_half_width_digits_match(indexed, query, expected):
    assert _ids(indexed, query) == expected


def test_latin_letters_ignore_case_and_width(indexed):
    assert _ids(indexed, "npo") == _ids(indexed, "ＮＰＯ") == [4]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("広坂 町会", [1]),
        ("町会 金", [3]),
        ("金 大学", [2]),
        ("広坂　町内会", [10]),
        ("広坂 金", []),
        ("カナザワ 子育て", [4]),
    ],
)
def test_several_terms_must_all_match(indexed, query, expected):
    assert _ids(indexed, query) == expected


@pytest.mark.parametrize(
    "query, expected", [("100%", [6]), ("0%", [6]), ("%", [6]), ("a_b", [8]), ("_b", [8]), ("_", [8])]
)
def test_like_wildcards_in_the_query_are_literal(indexed, query, expected):
    assert _ids(indexed, query) == expected


def test_quotes_and_fts_syntax_are_plain_text(indexed):
    for query in ('"広坂', "広坂 OR 金沢", "NEAR(広坂)", "町会*", "-町会", "\\"):
        with indexed.read() as s:
            search(s, query)  # no syntax error


def test_empty_query_finds_nothing(indexed):
    assert _ids(indexed, "") == [] and _ids(indexed, "   ") == []


def test_kinds_filter_and_limit(indexed):
    assert _ids(indexed, "山田", kinds=["organization"]) == []
    assert _ids(indexed, "ヤマダ", kinds=["person"]) == [1]
    assert len(_ids(indexed, "会", limit=3)) == 3


def test_exact_code_ranks_first(indexed):
    with indexed.read() as s:
        hits = search(s, "ORG-00001")
    assert hits[0].ref_id == 1 and hits[0].code == "ORG-00001"


@pytest.mark.parametrize("typed", ["ORG-00003", "org-00003", "ＯＲＧ－００００３", "  Org-00003 "])
def test_find_by_code_ignores_case_and_width(indexed, typed):
    with indexed.read() as s:
        hit = find_by_code(s, typed)
    assert hit is not None and (hit.kind, hit.ref_id, hit.title) == ("organization", 3, "金石町会")


def test_find_by_code_unknown_or_empty(indexed):
    with indexed.read() as s:
        assert find_by_code(s, "ORG-99999") is None
        assert find_by_code(s, "") is None


def test_reindex_and_remove_keep_the_index_in_step(indexed):
    with indexed.write() as s:
        index_document(s, "organization", 3, title="金石港町会", code="ORG-00003", texts=["カナイワミナトチョウカイ"])
        remove_document(s, "organization", 2)
    assert _ids(indexed, "金石港") == [3]
    assert _ids(indexed, "金沢大学") == [] and _ids(indexed, "金") == [3]
    assert _ids(indexed, "カナイワチョウカイ") == []  # old text gone from the trigram index too


@sqlite_only
def test_sqlite_fts_table_mirrors_search_document(indexed):
    with indexed.read() as s:
        n_docs = s.execute(text("SELECT count(*) FROM search_document")).scalar()
        n_fts = s.execute(text("SELECT count(*) FROM search_fts")).scalar()
        s.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))
    assert n_docs == n_fts == len(DOCS) + 1


# ---- 1- and 2-character terms are served by an index, whichever way rows are written ----------


def test_rows_written_without_index_document_are_found_by_short_terms(db):
    """Bulk loads (the demo, imports) insert and change search_document directly; 1–2 character
    searches must still find, follow and forget those rows."""
    from sqlalchemy import delete, insert, update

    from kyodo_desk.db.models import SearchDocument

    with db.write() as s:
        s.execute(
            insert(SearchDocument),
            [
                {"kind": "organization", "ref_id": 1, "title": "鳴和町会", "subtitle": "", "text": "鳴和町会"},
                {"kind": "organization", "ref_id": 2, "title": "森山町会", "subtitle": "", "text": "森山町会"},
            ],
        )
    assert _ids(db, "鳴") == [1] and _ids(db, "町会") == [1, 2]
    with db.write() as s:
        s.execute(update(SearchDocument).where(SearchDocument.ref_id == 1).values(text="鳴和公民館"))
        s.execute(delete(SearchDocument).where(SearchDocument.ref_id == 2))
    assert _ids(db, "町会") == [] and _ids(db, "鳴") == [1] and _ids(db, "公民") == [1]
    assert _ids(db, "森") == []  # the removed row's characters are gone from the index


def test_two_character_term_never_spans_two_fields(indexed):
    # 「山田 花子」: 田 and 花 sit side by side only across the space between family and given name
    assert _ids(indexed, "田花", kinds=["person"]) == []
    assert _ids(indexed, "山田", kinds=["person"]) == [1]


def test_very_common_term_ranks_the_newest_matches_and_keeps_the_exact_code(db, monkeypatch):
    from kyodo_desk.db import search as search_module

    with db.write() as s:
        index_document(s, "organization", 1, title="会 最初", code="ORG-00001")
        for ref_id in range(2, 30):
            index_document(s, "organization", ref_id, title=f"会 {ref_id:02d}", code=f"ORG-{ref_id:05d}")
    monkeypatch.setattr(search_module, "CANDIDATES", 10)
    with db.read() as s:
        hits = search(s, "会", kinds=["organization"], limit=50)
        by_code = search(s, "ORG-00001", kinds=["organization"], limit=5)
    assert sorted(h.ref_id for h in hits) == list(range(20, 30))  # the newest ten
    assert by_code[0].ref_id == 1


@sqlite_only
def test_sqlite_short_terms_use_the_gram_index_not_a_scan(indexed):
    from kyodo_desk.db.search import search_statement

    for query in ("金", "町会", "町会 金石"):
        stmt = search_statement("sqlite", query, kinds=["organization"])
        sql = str(stmt.compile(dialect=indexed.engine.dialect, compile_kwargs={"literal_binds": True}))
        with indexed.read() as s:
            plan = " | ".join(row[-1] for row in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        assert "search_grams VIRTUAL TABLE" in plan or "search_fts VIRTUAL TABLE" in plan, plan
        assert "SCAN search_document" not in plan, plan
    with indexed.read() as s:
        s.execute(text("INSERT INTO search_grams(search_grams) VALUES ('integrity-check')"))


def test_list_filters_get_every_match_not_only_the_newest(db, monkeypatch):
    from kyodo_desk.db import search as search_module
    from kyodo_desk.db.search import matching_refs

    with db.write() as s:
        for ref_id in range(1, 30):
            index_document(s, "organization", ref_id, title=f"町会 {ref_id:02d}")
        index_document(s, "person", 1, title="町会 花子")
    monkeypatch.setattr(search_module, "CANDIDATES", 10)
    for query in ("町", "町会", "町会 01", "町会 0"):
        with db.read() as s:
            refs = sorted(s.scalars(matching_refs(db.engine.dialect.name, "organization", query)))
        expected = [i for i in range(1, 30) if all(t in f"町会 {i:02d}" for t in query.split())]
        assert refs == expected, query


def test_upgrading_an_existing_database_indexes_its_rows_for_short_terms(tmp_path):
    """Migration 0007 on a database that already holds records: 1–2 character searches find them
    at once, and writes after the upgrade keep the new index in step."""
    from sqlalchemy import insert

    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import upgrade
    from kyodo_desk.db.models import SearchDocument

    db = Database.from_url(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(db, revision="0006")
        with db.write() as s:
            s.execute(
                insert(SearchDocument),
                [{"kind": "organization", "ref_id": 1, "title": "鳴和町会", "subtitle": "", "text": "鳴和町会"}],
            )
        upgrade(db)
        assert _ids(db, "鳴") == [1] and _ids(db, "町会") == [1]
        with db.write() as s:
            index_document(s, "organization", 1, title="鳴和公民館")
        assert _ids(db, "町会") == [] and _ids(db, "公民") == [1]
    finally:
        db.dispose()
