"""``kyodo-desk report consultations|lending|dispatch --fiscal-year 2025 [--month 4] --out FILE.csv|.pdf|.xlsx``
and ``kyodo-desk report annual --fiscal-year 2025 --out FILE.pdf|FILE.xlsx`` (年次報告 for 市民協働推進課)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.i18n import _

KINDS = {
    "consultations": "相談受付統計(年度・月別)",
    "lending": "機器貸出統計(種類別・団体種別・稼働率・延滞・破損)",
    "dispatch": "アドバイザー派遣統計(分野・種類・アドバイザー・費用と予算)",
    "annual": "年次報告(計画の目標・月別の活動・登録団体と事業・各統計)",
}


def register(sub) -> None:
    p = sub.add_parser("report", help=_("統計を CSV・PDF・Excel(.xlsx)に出力する"))
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
        formats = _("出力ファイル(.pdf か .xlsx)") if kind == "annual" else _("出力ファイル(.csv・.pdf・.xlsx)")
        c.add_argument("--out", required=True, type=Path, help=formats)
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
    from kyodo_desk.services.consultation_stats import stats_table, stats_values
    from kyodo_desk.services.csv_export import write_csv

    services = ctx.services()
    suffix = args.out.suffix.lower()
    if args.report_kind == "annual":
        if suffix not in (".pdf", ".xlsx"):
            print(_("エラー: 年次報告の出力ファイルの拡張子は .pdf か .xlsx にしてください。"))
            return 2
        return run_annual(services, args.fiscal_year, args.out)
    if suffix not in (".csv", ".pdf", ".xlsx"):
        print(_("エラー: 出力ファイルの拡張子は .csv・.pdf・.xlsx のどれかにしてください。"))
        return 2
    stats = build(services, args.report_kind, args.fiscal_year, getattr(args, "month", None))
    if suffix == ".csv":
        write_csv(args.out, stats_table(stats))
    elif suffix == ".xlsx":
        from kyodo_desk.documents.xlsx import build_xlsx, stats_sheet, write_xlsx

        write_xlsx(args.out, build_xlsx([stats_sheet(stats, stats_values(stats))], title=stats.title))
    else:
        from kyodo_desk.documents.statistics import build_statistics_pdf

        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(build_statistics_pdf(stats, services.settings.get()))
    print(_("{title} を {path} に出力しました。").format(title=stats.title, path=args.out))
    return 0


def run_annual(services, fiscal_year: int, out: Path) -> int:
    """The annual report, with a line per part gathered (it takes a few seconds on ten years of data)."""
    import time

    from kyodo_desk.services.base import batch_actor

    started = time.perf_counter()

    def progress(done: int, total: int, text: str) -> None:
        print(_("[{done}/{total}] {text}").format(done=done, total=total, text=text), flush=True)

    report = services.annual_report.build(batch_actor("report"), fiscal_year, progress=progress)
    if out.suffix.lower() == ".xlsx":
        from kyodo_desk.documents.xlsx import Sheet, build_xlsx, write_xlsx

        print(_("Excel ファイルを作っています…"), flush=True)
        sheets = [Sheet(t.name, t.columns, t.rows, t.note) for t in report.tables()]
        write_xlsx(out, build_xlsx(sheets, title=report.title, author=report.center_name))
    else:
        from kyodo_desk.documents.annual_report import build_annual_report_pdf
        from kyodo_desk.documents.base import write_pdf

        print(_("PDF を作っています…"), flush=True)
        write_pdf(out, build_annual_report_pdf(report, services.settings.get()))
    print(
        _("{title} を {path} に出力しました({s:.1f}秒)。").format(
            title=report.title, path=out, s=time.perf_counter() - started
        )
    )
    return 0
