"""Migration 0014: PostgreSQL's planner reads 1–2 character terms from the GIN index over
kyodo_grams(text) instead of computing the function row by row.

Before it, a kind with a few hundred rows and fresh statistics (the small demo after ANALYZE) was
searched by filtering the (kind, ref_id) index's rows with ``kyodo_grams(text) @> …`` — the function
run for every row (「会計」 110–150 ms a search).  The check reads the plan, not a time."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.dialects import postgresql

from kyodo_desk.db.search import index_document, search, search_statement
from tests.conftest import PG_URL
from tests.db.conftest import postgres_only

SUMMARIES = ("会計の相談", "町会の役員交代", "パソコン教室の講師", "補助金の申請書", "子ども食堂の場所")


def _fill(db) -> None:
    with db.write() as s:
        for i in range(400):
            index_document(
                s, "consultation", i + 1, title=f"S2025-{i + 1:05d}", texts=[SUMMARIES[i % len(SUMMARIES)], f"窓口{i}"]
            )
        for i in range(40):
            index_document(s, "organization", i + 1, title=f"団体{i}", code=f"ORG-{i + 1:05d}")
    owner = create_engine(PG_URL)  # ANALYZE is the table owner's (the tests may run as the desk role)
    with owner.begin() as conn:
        conn.exec_driver_sql("ANALYZE search_document")
    owner.dispose()


@postgres_only
def test_the_grams_function_is_priced_as_expensive(db):
    with db.read() as s:
        cost = s.execute(text("SELECT procost FROM pg_proc WHERE proname = 'kyodo_grams'")).scalar_one()
    assert cost >= 10000


def _rows_the_function_ran_on(conn, sql: str) -> int:
    """Rows for which a plan node computed kyodo_grams as a filter (EXPLAIN ANALYZE)."""
    plan = conn.execute(text("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)).scalar_one()[0]["Plan"]
    total, nodes = 0, [plan]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", []))
        if "kyodo_grams" in node.get("Filter", ""):
            total += (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * node.get("Actual Loops", 1)
    return total


@postgres_only
def test_a_two_character_search_reads_the_grams_index(db):
    _fill(db)
    stmt = search_statement("postgresql", "会計")
    sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    with db.read() as s:
        hits = search(s, "会計", kinds=["consultation"], limit=200)
    assert sorted(h.ref_id for h in hits) == list(range(1, 401, 5))  # every match

    owner = create_engine(PG_URL)
    with owner.connect() as conn:
        assert _rows_the_function_ran_on(conn, sql) <= 40  # at most a kind of a few rows, never the 400
        conn.exec_driver_sql("ALTER FUNCTION kyodo_grams(text) COST 100")  # the price before 0014 …
        assert _rows_the_function_ran_on(conn, sql) >= 400
        conn.rollback()  # … taken back
    owner.dispose()
