"""``kyodo-desk stocktake report [--output FILE.pdf]``: the last finished 棚卸 — its counts and
lists on the terminal, or the result paper as a PDF."""

from __future__ import annotations

import sys
from pathlib import Path

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("stocktake", help=_("棚卸の結果を出力する"))
    ssub = p.add_subparsers(dest="stocktake_action", required=True, metavar=_("操作"))
    r = ssub.add_parser("report", help=_("最後に終了した棚卸の結果(画面に表示、または --output でPDF)"))
    r.add_argument("--output", "--out", dest="output", type=Path, help=_("出力するPDFファイル"))
    r.set_defaults(func=run)


def run(args, ctx) -> int:
    from kyodo_desk.documents.base import write_pdf
    from kyodo_desk.services.base import batch_actor

    actor = batch_actor("stocktake report")  # named in the audit log
    services = ctx.services()
    view = services.stocktake.last_finished(actor)
    if view is None:
        print(_("終了した棚卸はまだありません。機器貸出の「棚卸」タブで行ってください。"), file=sys.stderr)
        return 1
    if args.output is not None:
        if args.output.suffix.lower() != ".pdf":
            print(_("エラー: 出力ファイルの拡張子は .pdf にしてください(--output 棚卸結果.pdf)。"), file=sys.stderr)
            return 2
        write_pdf(args.output, services.stocktake.result_pdf(actor, view.summary.id))
        print(_("棚卸 No.{n} の結果を {path} に出力しました。").format(n=view.summary.id, path=args.output))
        return 0
    sm = view.summary
    finished = sm.finished_at.strftime("%Y/%m/%d %H:%M") if sm.finished_at else ""
    print(
        _("棚卸 No.{n}  {start} 〜 {end}  担当 {staff}").format(
            n=sm.id, start=sm.started_at.strftime("%Y/%m/%d %H:%M"), end=finished, staff=sm.staff_name
        )
    )
    print(
        _(
            "確認済み {found} / 予定 {expected} 台 ・ 未確認 {missing} 台 ・ 貸出中 {loan} 台 ・ 不明なコード {unknown} 件"
        ).format(
            found=len(view.found),
            expected=view.expected_total,
            missing=len(view.missing),
            loan=len(view.on_loan),
            unknown=len(view.unknown),
        )
    )
    for title, lines in (
        (_("未確認"), view.missing),
        (_("貸出中"), view.on_loan),
        (_("不明なコード"), view.unknown),
        (_("確認済み"), view.found),
    ):
        print(f"\n[{title}] {len(lines)}")
        for x in lines:
            print("\t".join(v for v in (x.code, x.name, x.storage_place, x.remark) if v))
    return 0
