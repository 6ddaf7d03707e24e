"""The 「今日の窓口」 cards built on TodayCard: today's advisor visits, reserved devices to hand out,
and 「協働をすすめる市民団体」 registrations to renew (each line: what, who, when)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_number
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dashboard.today import TodayCard

if TYPE_CHECKING:  # pragma: no cover - the service modules are imported by the workers that ask them
    from kyodo_desk.services.desk_today import TodayVisit
    from kyodo_desk.services.registration import RenewalDue
    from kyodo_desk.services.reservations import ReservationRecord

RENEWAL_WITHIN_DAYS = 30


def _md(day: dt.date) -> str:
    return f"{day.month}/{day.day}"


def visit_line(v: TodayVisit) -> tuple[str, bool]:
    when = f"{v.start_at:%H:%M}" + (f"〜{v.end_at:%H:%M}" if v.end_at else "")
    state = _("実施済み") if v.status == "held" else ""
    return (
        _("{when} {org}{state}\n{topic} ・ {advisor} ・ {venue} — {ref}").format(
            when=when,
            org=v.organization_name,
            state=f"({state})" if state else "",
            topic=v.topic,
            advisor=v.advisor_name or _("アドバイザー未定"),
            venue=v.venue or _("会場未定"),
            ref=v.reference,
        ),
        False,
    )


def visits_card(ctx: AppContext, today: dt.date, open_visit: Callable[[TodayVisit], object]) -> TodayCard:
    return TodayCard(
        ctx,
        _("今日のアドバイザー派遣"),
        name="todayVisits",
        permission=Permission.DISPATCH_EDIT,
        load=lambda actor: ctx.services.desk_today.visits_on(actor, today),
        line=visit_line,
        open_entry=open_visit,
        summary=lambda rows: _("今日の派遣 {n} 回").format(n=format_number(len(rows))),
        empty=_("今日のアドバイザー派遣はありません。"),
        denied=_("派遣の情報を見る権限がありません。"),
        kinds=("dispatch",),
        more=_("「アドバイザー派遣」のカレンダーで全部見られます"),
    )


def reservation_line(r: ReservationRecord, today: dt.date) -> tuple[str, bool]:
    late = r.start_on < today  # the period has begun and nobody came yet
    state = _("{d}から(未受取)").format(d=_md(r.start_on)) if late else _("今日から")
    return (
        _("{state} {org} ・ {n}台\n{tags} ・ {start}〜{end} ・ {name} {phone}").format(
            state=state,
            org=r.organization_name,
            n=len(r.device_tags),
            tags="、".join(r.device_tags[:4]) + ("…" if len(r.device_tags) > 4 else ""),
            start=_md(r.start_on),
            end=_md(r.end_on),
            name=r.contact_name,
            phone=r.contact_phone,
        ),
        late,
    )


def reservations_card(ctx: AppContext, today: dt.date, hand_out: Callable[[ReservationRecord], object]) -> TodayCard:
    return TodayCard(
        ctx,
        _("今日渡す予約の機器"),
        name="todayReservations",
        permission=Permission.LENDING_OPERATE,
        load=lambda actor: ctx.services.desk_today.reservations_to_hand_out(actor, today),
        line=lambda r: reservation_line(r, today),
        open_entry=hand_out,
        summary=lambda rows: _("受け取り予定 {n} 件(Enter で貸出の画面へ)").format(n=format_number(len(rows))),
        empty=_("今日渡す予約はありません。"),
        denied=_("貸出の情報を見る権限がありません。"),
        kinds=("loan", "reservation"),
        more=_("「機器貸出」の「予約・カレンダー」で全部見られます"),
    )


def renewal_line(r: RenewalDue, today: dt.date) -> tuple[str, bool]:
    late = r.due_on < today
    if late:
        when = _("更新期限を {n}日過ぎています").format(n=(today - r.due_on).days)
    else:
        when = _("{d}まで(あと{n}日)").format(d=_md(r.due_on), n=(r.due_on - today).days)
    return (
        _("{when} {org}\n登録番号 {number}").format(when=when, org=r.organization_name, number=r.number or "—"),
        late,
    )


def _renewals(ctx: AppContext, today: dt.date):
    def load(actor) -> Sequence:
        registration = getattr(ctx.services, "registration", None)
        if registration is None:
            return []
        return registration.due_for_renewal(actor, today, within_days=RENEWAL_WITHIN_DAYS)

    return load


def renewals_card(ctx: AppContext, today: dt.date, open_registration: Callable[[object], object]) -> TodayCard:
    return TodayCard(
        ctx,
        _("更新の近い登録団体"),
        name="todayRenewals",
        permission=Permission.ORGANIZATION_VIEW,
        load=_renewals(ctx, today),
        line=lambda r: renewal_line(r, today),
        open_entry=open_registration,
        summary=lambda rows: _("{days}日以内に更新 {n} 団体").format(
            days=RENEWAL_WITHIN_DAYS, n=format_number(len(rows))
        ),
        empty=_("{days}日以内に更新を迎える登録団体はありません。").format(days=RENEWAL_WITHIN_DAYS),
        denied=_("団体の情報を見る権限がありません。"),
        kinds=("organization", "registration"),
        more=_("「団体」の一覧で登録状況を選ぶと全部見られます"),
    )
