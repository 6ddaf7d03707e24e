"""``kyodo-desk staff list|add|passwd`` — manage desk accounts from the command line.

``add`` asks for the new account's password twice (no echo), or with ``--temporary`` issues a
random temporary password to hand over (changed at first sign-in).  ``passwd LOGIN`` sets a new
password and clears a lock-out: the way back in for an administrator who is locked out or forgot.
"""

from __future__ import annotations

import getpass
import sys

from kyodo_desk.domain import passwords
from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("staff", help=_("スタッフの一覧・追加・パスワード"))
    ssub = p.add_subparsers(dest="staff_command", required=True, metavar=_("操作"))
    ls = ssub.add_parser("list", help=_("スタッフの一覧"))
    ls.set_defaults(func=_list)
    add = ssub.add_parser("add", help=_("スタッフを追加する(最初の一人は管理者)"))
    add.add_argument("--login", required=True, help=_("ログイン名(半角英数字)"))
    add.add_argument("--name", required=True, help=_("氏名"))
    add.add_argument("--kana", default="", help=_("氏名(カナ)"))
    add.add_argument("--role", choices=[r.value for r in StaffRole], default="staff", help=_("役割"))
    add.add_argument(
        "--temporary",
        action="store_true",
        help=_("パスワードを聞かずに仮パスワードを発行して表示する(最初のサインインで本人が変更)"),
    )
    add.set_defaults(func=_add)
    pw = ssub.add_parser("passwd", help=_("パスワードを設定し直し、ロックを解除する"))
    pw.add_argument("login", metavar="LOGIN", help=_("ログイン名"))
    pw.add_argument(
        "--temporary", action="store_true", help=_("仮パスワードを発行して表示する(最初のサインインで変更)")
    )
    pw.set_defaults(func=_passwd)


def _list(args, ctx) -> int:
    for s in ctx.services().staff.list(include_inactive=True):
        state = [] if s.active else [_("無効")]
        if not s.has_password:
            state.append(_("パスワード未設定"))
        elif s.password_temporary:
            state.append(_("仮パスワード"))
        print(f"{s.id}\t{s.login_name}\t{s.display_name}\t{s.role.label()}\t{' '.join(state)}")
    return 0


class _NoPassword(Exception):
    pass


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _prompt(text: str) -> str:
    return getpass.getpass(text)  # no echo


def ask_new_password() -> str:
    """The new password, typed twice without echo (three tries)."""
    if not _interactive():
        raise _NoPassword
    for _try in range(3):
        first = _prompt(_("新しいパスワード: "))
        problem = passwords.password_problem(first, _prompt(_("もう一度(確認): ")))
        if problem is None:
            return first
        print(problem, file=sys.stderr)
    raise _NoPassword


def _no_password_message() -> str:
    return _(
        "パスワードを入力できませんでした。端末から実行して2回入力するか、"
        "--temporary で仮パスワードを発行してください。"
    )


def _add(args, ctx) -> int:
    from kyodo_desk.services.base import batch_actor

    actor = batch_actor("staff")  # named in the audit log
    if args.temporary:
        password = passwords.temporary_password()
    else:
        try:
            password = ask_new_password()
        except _NoPassword:
            print(_no_password_message(), file=sys.stderr)
            return 2
    rec = ctx.services().staff.create(
        actor, args.login, args.name, args.role, args.kana, password=password, temporary=args.temporary
    )
    print(_("追加しました: {name}({role})").format(name=rec.display_name, role=rec.role.label()))
    if args.temporary:
        print(
            _("仮パスワード: {password}(本人に渡してください。最初のサインインで変更します)").format(password=password)
        )
    return 0


def _passwd(args, ctx) -> int:
    from kyodo_desk.services.base import batch_actor

    actor = batch_actor("staff passwd")
    staff = ctx.services().staff
    record = staff.find_login(args.login)
    if record is None:
        print(
            _("ログイン名「{login}」のスタッフはいません(kyodo-desk staff list で確かめてください)。").format(
                login=args.login
            ),
            file=sys.stderr,
        )
        return 2
    if args.temporary:
        temporary = staff.issue_temporary_password(actor, record.id)
        print(
            _("{name} さんの仮パスワード: {password}(最初のサインインで変更します。ロックも解除しました)").format(
                name=record.display_name, password=temporary
            )
        )
        return 0
    try:
        password = ask_new_password()
    except _NoPassword:
        print(_no_password_message(), file=sys.stderr)
        return 2
    staff.set_password(actor, record.id, password)
    print(_("{name} さんのパスワードを設定しました。ロックも解除しました。").format(name=record.display_name))
    return 0
