"""``kyodo-desk audit [--since DATE] [--until DATE] [--staff LOGIN] [--action A] [--kind K]
[--record N] --out FILE.csv`` — the audit trail as CSV for the administrator (Excel opens it).

Who did what to which record and when; never the personal values.  ``--staff system`` picks the
rows of the system and the batch commands.  The export is itself recorded in the trail, as the
named system actor 「バッチ処理(kyodo-desk audit)」.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kyodo_desk.i18n import _, format_number


def _date(text: str) -> dt.date:
    from kyodo_desk.domain.date_input import parse_date

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_date(text)
    except Exception as exc:  # noqa: BLE001 - argparse turns this into a usage error
        raise ValueError(text) from exc


def register(sub) -> None:
    p = sub.add_parser("audit", help=_("監査ログ(誰が・いつ・どの記録を見た/変えたか)をCSVで保存する"))
    p.add_argument("--since", type=_date, metavar=_("日付"), help=_("この日から(YYYY-MM-DD)"))
    p.add_argument("--until", type=_date, metavar=_("日付"), help=_("この日まで(YYYY-MM-DD、その日を含む)"))
    p.add_argument("--staff", metavar=_("ログイン名"), help=_("このスタッフの操作だけ(system = システムとバッチ処理)"))
    p.add_argument(
        "--action",
        metavar=_("操作"),
        help=_("操作の種類だけ(view, list, search, export, print, create, update, delete ...)"),
    )
    p.add_argument("--kind", metavar=_("種類"), help=_("記録の種類だけ(consultation, person, organization, loan ...)"))
    p.add_argument(
        "--record", type=int, metavar=_("番号"), help=_("この番号の記録(開いた・変えた・一覧に表示した)だけ")
    )
    p.add_argument("--out", required=True, type=Path, help=_("出力ファイル(.csv)"))
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from kyodo_desk.services.audit_log import SYSTEM_STAFF, AuditFilter
    from kyodo_desk.services.base import batch_actor

    if args.out.suffix.lower() != ".csv":
        print(_("エラー: 出力ファイルの拡張子は .csv にしてください。"))
        return 2
    services = ctx.services()
    staff_id = None
    if args.staff:
        if args.staff.lower() == "system":
            staff_id = SYSTEM_STAFF
        else:
            found = [s for s in services.staff.list(include_inactive=True) if s.login_name == args.staff]
            if not found:
                print(
                    _(
                        "エラー: ログイン名「{login}」のスタッフはいません(kyodo-desk staff list で確かめてください)。"
                    ).format(login=args.staff)
                )
                return 2
            staff_id = found[0].id
    flt = AuditFilter(
        staff_id=staff_id,
        action=args.action,
        entity=args.kind,
        record_id=args.record,
        date_from=args.since,
        date_to=args.until,
    )
    n = services.audit.export_csv(batch_actor("audit"), args.out, flt)
    print(_("監査ログ {n}件を {path} に保存しました。").format(n=format_number(n), path=args.out))
    return 0
