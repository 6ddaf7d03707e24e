"""``kyodo-desk bench [--size small|large] [--reuse FILE] [--out FILE.json] [--repeat N] [--only GROUPS]``.

Measures the targets of issue 12 on a demo database: builds one (and reports how long that took)
or reuses a file made earlier, runs every case several times interleaved with its baseline, and
prints a Markdown table (median, p95, baseline, ratio, longest event-loop stall, peak RSS,
PASS/FAIL per target) ready for the README; ``--out`` writes the same as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from kyodo_desk.i18n import _

GROUPS = ("startup", "search", "documents", "reports", "gui")


def register(sub) -> None:
    p = sub.add_parser("bench", help=_("性能を測る(デモデータで、目標との比較つき)"))
    p.add_argument(
        "what", nargs="?", choices=["targets", "desks"], default="targets",
        help=_("targets: 目標との比較(既定)/ desks: 複数の窓口プロセスで同時に作業する負荷試験"),
    )  # fmt: skip
    p.add_argument("--desks", type=int, default=4, help=_("desks: 同時に作業する窓口の数(既定 4)"))
    p.add_argument(
        "--seconds",
        type=float,
        default=60.0,
        help=_("desks: 複数の窓口が作業する秒数(既定 60)。1つの窓口だけの回はその窓口数倍の時間"),
    )
    p.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help=_("desks: 1巡(受付・貸出・返却・派遣・検索)ごとの間隔の秒数(既定 0 = 休みなし)"),
    )
    p.add_argument("--size", choices=["small", "large"], default="large", help=_("作るデモデータの大きさ"))
    p.add_argument("--reuse", type=Path, metavar="FILE", help=_("前に作ったデモデータベース(SQLite ファイル)を使う"))
    p.add_argument("--out", type=Path, metavar="FILE.json", help=_("結果を JSON で保存する"))
    p.add_argument("--repeat", type=int, default=10, help=_("各項目を何回測るか(既定 10)"))
    p.add_argument("--only", default=",".join(GROUPS), help=_("測る項目(カンマ区切り): ") + ",".join(GROUPS))
    p.set_defaults(func=run)


def _database(args, workdir: Path) -> tuple[str, float | None]:
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import upgrade

    if args.reuse:
        if not args.reuse.exists():
            raise FileNotFoundError(args.reuse)
        db = Database.from_url(f"sqlite:///{args.reuse.resolve()}")
        upgrade(db)
        db.engine.dispose()
        return f"sqlite:///{args.reuse.resolve()}", None
    from kyodo_desk.services.demo import generate

    url = f"sqlite:///{workdir / f'bench-{args.size}.db'}"
    db = Database.from_url(url)
    started = time.perf_counter()
    upgrade(db)
    generate(db, size=args.size, seed=2021)
    built = time.perf_counter() - started
    db.engine.dispose()
    return url, built


def run(args, ctx) -> int:
    if args.what == "desks":
        return run_desks(args, ctx)
    from kyodo_desk.bench import core
    from kyodo_desk.bench.core import CaseResult, Target
    from kyodo_desk.db.engine import Database
    from kyodo_desk.domain.enums import StaffRole
    from kyodo_desk.domain.fiscal import fiscal_year_of
    from kyodo_desk.services.container import Services

    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = set(groups) - set(GROUPS)
    if unknown:
        print(_("エラー: 知らない項目です: {names}").format(names=", ".join(sorted(unknown))), file=sys.stderr)
        return 2
    repeat = max(1, args.repeat)
    _compile_bytecode()
    work = tempfile.TemporaryDirectory(prefix="kyodo-bench-")
    workdir = Path(work.name)
    print(_("デモデータベースを準備しています…"), file=sys.stderr, flush=True)
    url, built = _database(args, workdir)
    results: list[CaseResult] = []
    if built is not None:
        results.append(
            CaseResult(
                "build",
                f"demo database ({args.size})",
                [built * 1000],
                peak_rss_mib=core.peak_rss_mib(),
                targets=[Target("seconds", 60)] if args.size == "large" else [],
            )
        )
    db = Database.from_url(url)
    services = Services(db)
    admin = next(s for s in services.staff.list() if s.role == StaffRole.ADMIN)
    actor = admin.as_actor()
    fiscal_year = fiscal_year_of(dt.date.today()) - 1  # the last complete year of the demo data

    def step(name: str, fn) -> None:
        print(_("測定中: {name}").format(name=name), file=sys.stderr, flush=True)
        out = fn()
        results.extend(out if isinstance(out, list) else [out])

    if "startup" in groups:
        from kyodo_desk.bench import startup

        home = workdir / "home"
        home.mkdir(exist_ok=True)
        step("start-up", lambda: startup.run(str(home), url, repeat))
    if "search" in groups:
        from kyodo_desk.bench import search_cases

        step("search", lambda: search_cases.run(services, actor, repeat))
    if "documents" in groups:
        from kyodo_desk.bench import document_cases

        step("labels", lambda: document_cases.label_case(services, actor, repeat))
        step("handbook", lambda: document_cases.handbook_cases(services, actor, repeat))
    if "reports" in groups:
        from kyodo_desk.bench import document_cases

        step("reports", lambda: document_cases.statistics_cases(services, actor, repeat, fiscal_year))

    # the GUI cases run in this process and last, so the peak RSS of the cases before stays their own
    if "gui" in groups:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from kyodo_desk.ui import bench_gui  # Qt only here, imported when the GUI cases run

        step("gui", lambda: bench_gui.run_cases(workdir / "home", url, services, actor, repeat))
    info = core.machine()
    print()
    print(
        f"Kyodo Desk bench — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {args.size if built is not None else args.reuse}, "
        f"{repeat} runs each; {info['processor']}, {info['cpus']} CPUs, Python {info['python']}, "
        f"load {info.get('load_average', '?')}"
    )
    print()
    print(core.table(results))
    failed = [r for r in results if not r.passed]
    print()
    print(f"{len(results) - len(failed)} PASS, {len(failed)} FAIL")
    if args.out:
        payload = {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": info,
            "size": args.size,
            "database": {"reused": str(args.reuse) if args.reuse else None, "build_s": built},
            "repeat": repeat,
            "groups": groups,
            "cases": [r.to_json() for r in results],
            "pass": not failed,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    db.engine.dispose()
    work.cleanup()
    return 0


def _compile_bytecode() -> None:
    """Write the package's bytecode first, as an installed copy (wheel or installer) has it: with
    PYTHONDONTWRITEBYTECODE set, a source checkout would otherwise compile every module it
    imports in every start-up process and time the compiler instead of the desk."""
    import compileall

    import kyodo_desk

    compileall.compile_dir(str(Path(kyodo_desk.__file__).parent), quiet=1, workers=1)


def run_desks(args, ctx) -> int:
    """1 desk, then ``--desks`` desks, each for ``--seconds``, on the database given (issue 16)."""
    from kyodo_desk.bench.desks import run_desks as run_many
    from kyodo_desk.bench.desks import table

    url = ctx.database_url  # --database / KYODO_DESK_DATABASE (a PostgreSQL server for several desks)
    desks = max(1, args.desks)
    # one desk works desks × as long, so both p95 come from about as many samples (a p95 of 20
    # samples is the largest but one: it measured the single run's worst moment, not its tail)
    alone = args.seconds * desks
    print(_("1つの窓口で {s} 秒…").format(s=f"{alone:g}"), file=sys.stderr, flush=True)
    single = run_many(url, 1, alone, args.pause)
    print(_("{n} の窓口で {s} 秒…").format(n=desks, s=f"{args.seconds:g}"), file=sys.stderr, flush=True)
    many = run_many(url, desks, args.seconds, args.pause)
    print(
        f"{os.cpu_count()} CPU, 1 desk × {alone:g} s, then {many.desks} desks × {args.seconds:g} s, "
        f"pause {args.pause:g} s between rounds"
    )
    print(table(single, many))
    for e in (single.errors + many.errors)[:20]:
        print(e, file=sys.stderr)
    lost = any(v for r in (single, many) for v in r.lost.values())
    return 1 if single.errors or many.errors or lost else 0
