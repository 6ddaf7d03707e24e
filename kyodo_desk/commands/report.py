"""``kyodo-desk report consultations|lending|dispatch --fiscal-year 2025 [--month 4] --out FILE.csv|FILE.pdf``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.i18n import _

KINDS = {
    "consultations": "相談受付統計(年度・月別)",
    "lending": "機器貸出統計(種類別・団体種別・稼働率・延滞・破損)",
    "dispatch": "アドバイザー派遣統計(分野・種類・アドバイザー・費用と予算)",
}


def register(sub) -> None:
    p = sub.add_parser("report", help=_("統計を CSV か PDF に出力する"))
    rsub = p.add_subparsers(dest="report_kind", required=True, metavar=_("種類"))
    for kind, help_text in KINDS.items():
        c = rsub.add_parser(kind, help=_(help_text))
        c.add_argument(
            "--fiscal-year",
            type=int,
            default=fiscal_year_of(dt.date.today()),
            help=_("年度(4月始まり。2025 = 令和7年度)"),
        )
        if kind == "consultations":
            c.add_argument("--month", type=int, choices=range(1, 13), metavar="1-12", help=_("この月だけ"))
        c.add_argument("--out", required=True, type=Path, help=_("出力ファイル(.csv か .pdf)"))
        c.set_defaults(func=run)


def build(services, kind: str, fiscal_year: int, month: int | None = None):
    from kyodo_desk.services.base import batch_actor

    actor = batch_actor("report")  # named in the audit log

    if kind == "consultations":
        return services.consultation_stats.statistics(actor, fiscal_year, month=month)
    if kind == "lending":
        return services.lending_stats.statistics(actor, fiscal_year)
    return services.dispatch_stats.statistics(actor, fiscal_year)


def run(args, ctx) -> int:
    from kyodo_desk.services.consultation_stats import stats_table
    from kyodo_desk.services.csv_export import write_csv

    services = ctx.services()
    stats = build(services, args.report_kind, args.fiscal_year, getattr(args, "month", None))
    suffix = args.out.suffix.lower()
    if suffix not in (".csv", ".pdf"):
        print(_("エラー: 出力ファイルの拡張子は .csv か .pdf にしてください。"))
        return 2
    if suffix == ".csv":
        write_csv(args.out, stats_table(stats))
    else:
        from kyodo_desk.documents.statistics import build_statistics_pdf

        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(build_statistics_pdf(stats, services.settings.get()))
    print(_("{title} を {path} に出力しました。").format(title=stats.title, path=args.out))
    return 0
