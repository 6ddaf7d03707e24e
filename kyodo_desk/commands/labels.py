"""``kyodo-desk labels --out FILE.pdf [--tags KD-0001,KD-0002 | --all] [--template NAME] [--start N]``."""

from __future__ import annotations

from pathlib import Path

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("labels", help=_("機器のQRラベルを印刷用PDFにする"))
    which = p.add_mutually_exclusive_group()
    which.add_argument("--tags", help=_("管理番号をカンマ区切りで(例: KD-0001,KD-0002)"))
    which.add_argument("--all", action="store_true", help=_("廃棄以外のすべての機器"))
    which.add_argument("--calibration", action="store_true", help=_("位置合わせ用紙を出力する"))
    which.add_argument("--list-templates", action="store_true", help=_("使えるラベル用紙の一覧"))
    p.add_argument(
        "--template",
        default="a4-24",
        help=_("ラベル用紙の名前か製品番号(例: a4-44、72110、KPC-E1121-20N。既定 a4-24。一覧は --list-templates)"),
    )
    p.add_argument("--start", type=int, default=1, help=_("使いかけのシートで最初に印刷する位置(1から)"))
    p.add_argument("--offset-x", type=float, default=0.0, help=_("プリンターのずれ補正 X(mm、右が+)"))
    p.add_argument("--offset-y", type=float, default=0.0, help=_("プリンターのずれ補正 Y(mm、下が+)"))
    p.add_argument("--out", type=Path, help=_("出力するPDFファイル"))
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from kyodo_desk.services.base import batch_actor

    actor = batch_actor("labels")  # named in the audit log
    from kyodo_desk.services.labels import LabelService

    services = ctx.services()
    labels = LabelService(services.db, services.settings)
    if args.list_templates:
        group = None
        for name, t in labels.templates().items():
            heading = t.maker or _("汎用・登録した用紙")
            if heading != group:
                print(f"# {heading}")
                group = heading
            print(f"{name}\t{t.title}\t{_('{n}面').format(n=t.per_sheet)}")
        return 0
    if args.out is None:
        print(_("エラー: --out で出力ファイルを指定してください。"))
        return 2
    if args.calibration:
        pdf = labels.calibration(args.template, offset_x_mm=args.offset_x, offset_y_mm=args.offset_y)
    else:
        if not args.tags and not args.all:
            print(_("エラー: --tags か --all を指定してください。"))
            return 2
        tags = None if args.all else [t for t in args.tags.split(",") if t.strip()]
        pdf = labels.build(
            actor, tags, args.template, start=args.start, offset_x_mm=args.offset_x, offset_y_mm=args.offset_y
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pdf)
    print(_("{path} に出力しました。").format(path=args.out))
    return 0
