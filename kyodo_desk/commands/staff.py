"""``kyodo-desk staff list|add`` — manage desk accounts from the command line."""

from __future__ import annotations

from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("staff", help=_("スタッフの一覧・追加"))
    ssub = p.add_subparsers(dest="staff_command", required=True, metavar=_("操作"))
    ls = ssub.add_parser("list", help=_("スタッフの一覧"))
    ls.set_defaults(func=_list)
    add = ssub.add_parser("add", help=_("スタッフを追加する(最初の一人は管理者)"))
    add.add_argument("--login", required=True, help=_("ログイン名(半角英数字)"))
    add.add_argument("--name", required=True, help=_("氏名"))
    add.add_argument("--kana", default="", help=_("氏名(カナ)"))
    add.add_argument("--role", choices=[r.value for r in StaffRole], default="staff", help=_("役割"))
    add.set_defaults(func=_add)


def _list(args, ctx) -> int:
    for s in ctx.services().staff.list(include_inactive=True):
        print(f"{s.id}\t{s.login_name}\t{s.display_name}\t{s.role.label()}\t{'' if s.active else _('無効')}")
    return 0


def _add(args, ctx) -> int:
    from kyodo_desk.services.base import batch_actor

    actor = batch_actor("staff")  # named in the audit log

    rec = ctx.services().staff.create(actor, args.login, args.name, args.role, args.kana)
    print(_("追加しました: {name}({role})").format(name=rec.display_name, role=rec.role.label()))
    return 0
