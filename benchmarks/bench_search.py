"""How fast the desk answers on a large database (not a test; prints figures).

    python benchmarks/bench_search.py                      # builds a large demo DB in a temp folder
    python benchmarks/bench_search.py --database big.db    # or uses one you made with
                                                           #   kyodo-desk --database big.db demo --size large
    python benchmarks/bench_search.py --database postgresql+psycopg://postgres@127.0.0.1:5432/bench

Each figure is the median of --repeat runs in milliseconds, measured through the same service calls
the screens use (global search box, organization list pages).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from kyodo_desk.config import default_paths, resolve_database_url  # noqa: E402
from kyodo_desk.db.engine import Database  # noqa: E402
from kyodo_desk.db.migrate import upgrade  # noqa: E402
from kyodo_desk.db.models import Organization, SearchDocument  # noqa: E402
from kyodo_desk.i18n import setup_i18n  # noqa: E402
from kyodo_desk.services.base import SYSTEM, Actor  # noqa: E402
from kyodo_desk.services.container import Services  # noqa: E402
from kyodo_desk.services.organizations import OrganizationFilter  # noqa: E402

SEARCHES = [
    ("1 char", "金"),
    ("1 char", "会"),
    ("2 chars", "町会"),
    ("2 chars", "子育"),
    ("3 chars", "広坂町"),
    ("3+ chars", "まちづくり"),
    ("3+ chars, half-width kana", "ｶﾅｻﾞﾜ"),
    ("3+ chars, no hit", "存在しない団体"),
    ("AND of 2 terms", "町会 長町"),
    ("code", "ORG-01234"),
]


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm the cache: the desk has been running
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="SQLite file or URL (default: a new large demo database in a temp folder)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    setup_i18n("ja")

    tmp = None
    if args.database:
        url = resolve_database_url(args.database, default_paths(tempfile.gettempdir()))
    else:
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    db = Database.from_url(url)
    upgrade(db)
    services = Services(db)
    with db.read() as s:
        n_orgs = s.scalar(select(func.count()).select_from(Organization)) or 0
    if n_orgs == 0:
        from kyodo_desk.services.demo import generate

        print("building the large demo database (about a minute) ...", file=sys.stderr)
        started = time.perf_counter()
        generate(db, size="large")
        print(f"  built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    with db.read() as s:
        n_orgs = s.scalar(select(func.count()).select_from(Organization))
        n_docs = s.scalar(select(func.count()).select_from(SearchDocument))

    staff = Actor(None, "bench", SYSTEM.role)
    print(f"database: {db.describe()}")
    print(f"rows: {n_orgs:,} organizations, {n_docs:,} search documents (all kinds); median of {args.repeat} runs\n")
    print(f"{'global search (limit 50)':<44}{'hits':>6}{'ms':>10}")
    for label, query in SEARCHES:
        hits = len(services.search.search(staff, query))
        ms = _median_ms(lambda q=query: services.search.search(staff, q), args.repeat)
        print(f"  {label + ' 「' + query + '」':<42}{hits:>6}{ms:>10.1f}")

    print(f"\n{'organization list':<44}{'rows':>6}{'ms':>10}")
    orgs = services.organizations
    cases = [
        ("page(200) by name, first page", OrganizationFilter(), 0, "name", False),
        ("page(200) by name, offset 2,000", OrganizationFilter(), 2000, "name", False),
        ("page(200) by name, descending", OrganizationFilter(), 0, "name", True),
        ("page(200) by code", OrganizationFilter(), 0, "code", False),
        ("page(200) filter 「町会」 by name", OrganizationFilter(text="町会"), 0, "name", False),
        ("page(200) kind=npo by name", OrganizationFilter(kind="npo"), 0, "name", False),
    ]
    for label, flt, offset, sort, desc in cases:
        call = lambda f=flt, o=offset, s=sort, d=desc: orgs.page(staff, f, offset=o, limit=200, sort=s, descending=d)  # noqa: E731
        rows = len(call())
        print(f"  {label:<42}{rows:>6}{_median_ms(call, args.repeat):>10.1f}")
    for label, flt in (
        ("count(), all", OrganizationFilter()),
        ("count(), filter 「町会」", OrganizationFilter(text="町会")),
    ):
        n = orgs.count(staff, flt)
        print(f"  {label:<42}{n:>6}{_median_ms(lambda f=flt: orgs.count(staff, f), args.repeat):>10.1f}")

    db.dispose()
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
