"""``kyodo-desk retention`` — erase personal data older than the retention period (設定).

Meant for a monthly scheduled task.  Consultations keep their statistics fields; loans keep the
devices, dates and organization.  The number of years is the 「個人情報の保存年数」 setting.
"""

from __future__ import annotations

import datetime as dt

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("retention", help=_("保存期間を過ぎた個人情報を消去する(相談・貸出)"))
    p.add_argument("--today", type=dt.date.fromisoformat, default=None, help=_("基準日(YYYY-MM-DD、既定は今日)"))
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from kyodo_desk.services.base import SYSTEM
    from kyodo_desk.services.loans import purge_expired_loans

    services = ctx.services()
    today = args.today or dt.date.today()
    years = services.settings.get().retention_years
    consultations = services.consultations.purge_expired(SYSTEM, today, years)
    loans = purge_expired_loans(services.loans, SYSTEM, today, years)
    print(
        _("保存期間 {years}年: 相談 {c}件、貸出 {l}件の個人情報を消去しました。").format(
            years=years, c=consultations, l=loans
        )
    )
    return 0
