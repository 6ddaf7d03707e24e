"""Migration 0010: existing search rows get their phone numbers' digits, and (SQLite) the kind of
each record goes into both indexes — the grouped search counts it without reading the rows."""

from __future__ import annotations

from sqlalchemy import text

from kyodo_desk.db.migrate import upgrade
from kyodo_desk.db.search import search_groups
from tests.db.conftest import postgres_only, sqlite_only
from tests.db.test_migrations_pg import scratch_pg  # noqa: F401 - the PostgreSQL scratch database

ROWS = [
    ("organization", 1, "広坂町会", "ORG-00001", "広坂町会 ヒロサカチョウカイ 076-220-2026 org-00001"),
    ("organization", 2, "金石町会", "ORG-00002", "金石町会 カナイワチョウカイ 090-1234-5678 org-00002"),
    ("consultation", 1, "町会の相談", "S2020-00001", "町会ノ相談 s2020-00001 2020-11-29"),
]


def _load_0009(db, tmp_path) -> None:
    upgrade(db, tmp_path / "backups", revision="0009")
    with db.write() as s:
        for kind, ref_id, title, code, body in ROWS:
            s.execute(
                text(
                    "INSERT INTO search_document (kind, ref_id, code, title, subtitle, text)"
                    " VALUES (:k, :r, :c, :t, '', :b)"
                ),
                {"k": kind, "r": ref_id, "c": code, "t": title, "b": body},
            )
    upgrade(db, tmp_path / "backups")


def _check(db) -> None:
    with db.read() as s:
        texts = dict(s.execute(text("SELECT code, text FROM search_document")).all())
        assert texts["ORG-00001"].endswith(" 0762202026") and texts["ORG-00002"].endswith(" 09012345678")
        assert texts["S2020-00001"] == ROWS[2][4]  # a date is not a phone number
        for query, expected in (("0762202026", [1]), ("０９０１２３４５６７８", [2]), ("076-220", [1])):
            assert [h.ref_id for h in search_groups(s, query, kinds=["organization"])] == expected
        totals = {h.kind: h.total for h in search_groups(s, "町会", kinds=["organization", "consultation"])}
        assert totals == {"organization": 2, "consultation": 1}


@sqlite_only
def test_sqlite_rows_of_0009_are_found_by_digits_and_counted_by_kind(fresh_sqlite, tmp_path):
    _load_0009(fresh_sqlite, tmp_path)
    _check(fresh_sqlite)
    with fresh_sqlite.write() as s:  # the rebuilt indexes agree with the rows, and triggers keep them so
        s.execute(text("UPDATE search_document SET text = text || ' 追記' WHERE code = 'ORG-00001'"))
        s.execute(text("DELETE FROM search_document WHERE code = 'ORG-00002'"))
        for table in ("search_fts", "search_grams"):
            s.execute(text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')"))
    with fresh_sqlite.read() as s:
        assert [h.ref_id for h in search_groups(s, "追記", kinds=["organization"])] == [1]


@postgres_only
def test_postgres_rows_of_0009_are_found_by_digits(scratch_pg, tmp_path):  # noqa: F811
    _load_0009(scratch_pg, tmp_path)
    _check(scratch_pg)
