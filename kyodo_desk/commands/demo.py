"""``kyodo-desk demo [--size small|large] [--seed N]`` — fill a new database with demo data."""

from __future__ import annotations

import sys
import time

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("demo", help=_("新しいデータベースにデモデータを入れる"))
    p.add_argument(
        "--size",
        choices=["small", "large"],
        default="small",
        help=_("small: 数週間分 / large: 大規模センターの10年分(2,000団体以上)"),
    )
    p.add_argument("--seed", type=int, default=2021, help=_("乱数の種(同じ種なら同じデータ)"))
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from kyodo_desk.services.demo import generate

    services = ctx.services(create_shared=True)  # a new database: PostgreSQL is migrated too
    started = time.perf_counter()
    last = [-1]

    def progress(done: int, total: int, text: str) -> None:
        pct = int(100 * done / max(1, total))
        if pct != last[0]:
            last[0] = pct
            print(f"\r{pct:3d}% {text}        ", end="", file=sys.stderr, flush=True)

    counts = generate(services.db, size=args.size, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    for table, n in counts.items():
        print(f"{table}\t{n}")
    print(_("デモデータを作成しました({sec:.1f}秒)。").format(sec=time.perf_counter() - started))
    return 0
