"""``kyodo-desk handbook --out FILE.pdf [--booklet]`` — the partnership handbook as PDF."""

from __future__ import annotations

import sys
from pathlib import Path

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser(
        "handbook",
        help=_("「金沢版パートナーシップをすすめるハンドブック」を PDF にする"),
        description=_(
            "ハンドブックを PDF にします。データフォルダの handbook フォルダに編集版の原稿があれば、それを使います。"
        ),
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help=_("出力する PDF ファイル"))
    p.add_argument(
        "--booklet",
        action="store_true",
        help=_("A5 冊子にする(A4 横に2ページずつ中とじの順で並べます。両面印刷で「短辺とじ」を選び、重ねて二つ折り)"),
    )
    p.set_defaults(func=run)


def stderr_progress():
    """A progress callback that rewrites one stderr line when the percentage or the step changes."""
    last = [None]

    def progress(done: int, total: int, text: str) -> None:
        state = (min(100, int(100 * done / max(1, total))), text)
        if state != last[0]:
            last[0] = state
            print(f"\r{state[0]:3d}% {text}        ", end="", file=sys.stderr, flush=True)

    return progress


def run(args, ctx) -> int:
    from kyodo_desk.documents.base import write_pdf
    from kyodo_desk.services.base import batch_actor

    actor = batch_actor("handbook")  # named in the audit log
    from kyodo_desk.services.printing import HANDBOOK, Paper, PrintingService

    services = ctx.services()
    printing = PrintingService(services.db, services.settings, ctx.paths.handbook_override_dir)
    print(printing.handbook_source().note)
    paper = Paper.A5_BOOKLET if args.booklet else Paper.A4
    doc = printing.build(actor, HANDBOOK, paper, progress=stderr_progress())
    print(file=sys.stderr)
    for warning in doc.warnings:
        print(_("注意: {message}").format(message=warning), file=sys.stderr)
    write_pdf(args.out, doc.data)
    printing.record_output(actor, doc, destination="pdf")
    if args.booklet:
        print(
            _("{path} に出力しました(A4横 {n}面 = 用紙 {sheets}枚。両面印刷で「短辺とじ」を選んでください)。").format(
                path=args.out, n=doc.pages, sheets=doc.pages // 2
            )
        )
    else:
        print(_("{path} に出力しました(A4 {n}ページ)。").format(path=args.out, n=doc.pages))
    return 0
