"""Case group 2: the global search box, against the same SQL run by hand on the raw DB-API connection."""

from __future__ import annotations

from kyodo_desk.bench.core import CaseResult, Target, interleaved, peak_rss_mib

QUERIES = [
    ("1文字", "金"),
    ("1文字", "会"),
    ("2文字", "町会"),
    ("5文字", "タブレット"),
    ("2文字", "子育"),
    ("3文字", "子育て"),
    ("6文字", "定款の作り方"),
    ("電話番号", "076-237"),
    ("電話番号", "0762371234"),
    ("コード", "ORG-01234"),
    ("全角コード", "ＯＲＧ－０１２３４"),
]
PER_KIND = 4  # what the search box asks for (ui/widgets/search_box.py PER_KIND): its one grouped statement


def run(services, actor, repeat: int) -> list[CaseResult]:
    from kyodo_desk.db import search as search_index
    from kyodo_desk.services.search import SearchService

    service = SearchService(services.db)
    engine = services.db.engine
    dialect = engine.dialect
    kinds = service._visible_kinds(actor)  # noqa: SLF001 - the same kinds the box searches
    results = []
    for label, query in QUERIES:
        stmt = search_index.search_statement(dialect.name, query, kinds=kinds, limit=PER_KIND)
        sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        raw = engine.raw_connection()
        try:

            def by_hand(raw=raw, sql=sql):
                cur = raw.cursor()
                cur.execute(sql)
                rows = cur.fetchall()
                cur.close()
                raw.rollback()
                return rows

            expected = [(r[0], r[1]) for r in by_hand()]
            got = [(h.kind, h.ref_id) for h in service.search(actor, query, limit=PER_KIND)]
            if got != expected:
                raise RuntimeError(f"search {query!r}: the service and the raw SQL disagree")

            def query_only(q=query):
                with services.db.read() as session:
                    return search_index.search_groups(session, q, kinds=kinds, limit=PER_KIND)

            def box_call(q: str = query) -> object:
                return service.search_grouped(actor, q, per_kind=PER_KIND)

            box, _none = interleaved(box_call, repeat)
            samples, base = interleaved(query_only, repeat, by_hand)
        finally:
            raw.close()
        name = f"{label} 「{query}」 ({len(expected)} hits)"
        results.append(
            CaseResult(
                "search box",
                name,
                box,
                peak_rss_mib=peak_rss_mib(),
                note="SearchService.search_grouped: every kind's count and best 4 (one statement) plus the audit rows",
                targets=[Target("p95_ms", 20)],
            )
        )
        results.append(
            CaseResult(
                "search query",
                name,
                samples,
                base,
                baseline="same SQL by hand on the DB-API connection",
                peak_rss_mib=peak_rss_mib(),
                note="db.search in a read session (ORM, no audit) against the raw SQL",
                targets=[Target("p95_ms", 20), Target("ratio", 3)],
            )
        )
    return results
