"""``kyodo-desk import devices|organizations|advisors FILE [--dry-run] [--skip-errors]``.

Reads an Excel (.xlsx) or CSV file with the column mapping remembered from the last import of that
kind (made in the GUI's import dialog), or the one guessed from the headings; prints the mapping,
the preview summary and every error row in Japanese; writes all rows in one transaction unless
``--dry-run``.  Exit code 0: written (or, with --dry-run, nothing wrong); 1: rows with errors,
nothing written (or left out with --skip-errors); 2: the file or the mapping cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("import", help=_("機器・団体・アドバイザーを Excel・CSV から取り込む"))
    p.add_argument("kind", choices=["devices", "organizations", "advisors"], help=_("取り込むもの"))
    p.add_argument("file", type=Path, metavar="FILE", help=_("Excel (.xlsx) か CSV のファイル"))
    p.add_argument("--dry-run", action="store_true", help=_("確かめるだけで登録しない"))
    p.add_argument("--skip-errors", action="store_true", help=_("エラーの行を飛ばして残りを登録する"))
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from kyodo_desk.services.base import ServiceError, batch_actor
    from kyodo_desk.services.imports import ImportRowsRefused
    from kyodo_desk.services.imports.fields import SPECS
    from kyodo_desk.services.imports.plan import ERROR

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(_("エラー: ファイル {path} を読めません({why})。").format(path=args.file, why=exc.strerror or exc))
        return 2
    services = ctx.services()
    imports = services.imports
    actor = batch_actor("import")
    spec = SPECS[args.kind]
    try:
        table, mapping, values = imports.open_file(actor, args.kind, data, args.file.name)
        print(_("列の割り当て:"))
        for heading, key in zip(table.header, mapping, strict=False):
            print(f"  {heading or '-'} → {spec.field(key).label if key else _('(取り込まない)')}")
        preview = imports.preview(actor, args.kind, table, mapping, values)
    except ServiceError as exc:
        print(_("エラー: {message}").format(message=exc))
        return 2
    print(_("{n} 行: {summary}").format(n=len(preview.rows), summary=preview.summary()))
    for row in preview.rows:
        if row.action == ERROR:
            print(_("{row}行目: {reason}").format(row=row.number, reason="、".join(row.problems)))
        elif row.notes:
            print(_("{row}行目(注意): {note}").format(row=row.number, note="、".join(row.notes)))
    errors = preview.count(ERROR)
    if args.dry_run:
        print(_("--dry-run: 何も登録していません。"))
        return 1 if errors else 0
    if errors and not args.skip_errors:
        print(_("エラーの行があるため、何も登録していません(--skip-errors で残りの行だけ登録できます)。"))
        return 1
    try:
        result = imports.run(actor, args.kind, table, mapping, values, skip_errors=args.skip_errors)
    except ImportRowsRefused as exc:  # another desk changed something since the preview
        print(str(exc))
        return 1
    except ServiceError as exc:
        print(_("エラー: {message}").format(message=exc), file=sys.stderr)
        return 2
    print(result.summary())
    return 1 if result.skipped else 0
