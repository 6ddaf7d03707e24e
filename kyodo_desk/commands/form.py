"""``kyodo-desk form NAME --out FILE.pdf`` / ``kyodo-desk form --list`` — blank forms for visitors."""

from __future__ import annotations

from pathlib import Path

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("form", help=_("窓口で配る申請用紙(白紙)を PDF にする"))
    p.add_argument("name", nargs="?", metavar=_("様式名"), help=_("様式の名前(--list で一覧)"))
    p.add_argument("--list", action="store_true", help=_("使える様式の一覧"))
    p.add_argument("--out", type=Path, metavar="FILE.pdf", help=_("出力する PDF ファイル"))
    p.set_defaults(func=run, form_parser=p)


def run(args, ctx) -> int:
    from kyodo_desk.documents.forms import FORMS

    if args.list:
        for spec in FORMS.values():
            print(f"{spec.name}\t{spec.title}\t{spec.description}")
        return 0
    if not args.name or args.out is None:
        args.form_parser.error(_("様式名と --out を指定してください(様式の一覧は --list)。"))
    if args.name not in FORMS:
        args.form_parser.error(
            _("「{name}」という様式はありません。使える様式: {names}").format(name=args.name, names=", ".join(FORMS))
        )

    from kyodo_desk.documents.base import write_pdf
    from kyodo_desk.services.base import batch_actor

    actor = batch_actor("form")  # named in the audit log
    from kyodo_desk.services.printing import FORM_PREFIX, PrintingService

    services = ctx.services()
    printing = PrintingService(services.db, services.settings, ctx.paths.handbook_override_dir)
    doc = printing.build(actor, FORM_PREFIX + args.name)
    write_pdf(args.out, doc.data)
    printing.record_output(actor, doc, destination="pdf")
    print(_("{path} に出力しました({title}、A4 {n}ページ)。").format(path=args.out, title=doc.title, n=doc.pages))
    return 0
