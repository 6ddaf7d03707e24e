"""``kyodo-desk retention [--dry-run] [--today DATE]`` — erase personal data older than the retention
period (設定 「個人情報の保存年数」).

Meant for a monthly scheduled task.  Covers consultations (text erased, statistics fields stay),
loans and reservations (contacts erased), people, free text in the audit log, log files and
backups; the search index keeps nothing of it.  ``--dry-run`` lists what would go and changes
nothing.  Exit code 0 either way.
"""

from __future__ import annotations

import datetime as dt

from kyodo_desk.i18n import _, format_number


def register(sub) -> None:
    p = sub.add_parser(
        "retention", help=_("保存期間を過ぎた個人情報を消去する(相談・貸出・予約・個人・監査ログ・ログ・バックアップ)")
    )
    p.add_argument("--today", type=dt.date.fromisoformat, default=None, help=_("基準日(YYYY-MM-DD、既定は今日)"))
    p.add_argument("--dry-run", action="store_true", help=_("消去せずに、消去されるものの件数だけを表示する"))
    p.set_defaults(func=run)


def print_report(report) -> None:
    if report.applied:
        head = _("保存期間 {years}年(基準日 {cutoff} より前): 次の個人情報を消去しました。")
    else:
        head = _("保存期間 {years}年(基準日 {cutoff} より前): 次の個人情報が消去の対象です(まだ消去していません)。")
    print(head.format(years=report.years, cutoff=report.cutoff.isoformat()))
    for label, n in report.lines():
        print(f"  {label}: {format_number(n)}")
    for path in (*report.log_files, *report.backup_files):
        print(f"    {path}")
    for problem in report.not_deleted:
        print(_("  消去できなかったファイル: {what}").format(what=problem))
    if not report.due and not report.applied:
        print(_("消去が必要な個人情報はありません。"))


def run(args, ctx) -> int:
    from kyodo_desk.commands.person import command_actor

    services = ctx.services()
    actor = command_actor("retention")
    folders = {"log_dir": ctx.paths.log_dir, "backup_dir": ctx.paths.backup_dir}
    if args.dry_run:
        report = services.retention.preview(actor, args.today, **folders)
    else:
        report = services.retention.purge(actor, args.today, **folders)
    print_report(report)
    return 1 if report.not_deleted else 0
