"""Dispatch statistics per month and fiscal year: visits by field, type, advisor and organization
kind; fees and travel against the budget; cancellations and no-shows.

A visit counts in the month it took (or was to take) place.  Fees and travel costs are those of
visits held.  Cancellations = applications withdrawn or rejected (by the month they were
received); no-shows = visits recorded as 不在・未実施.  Attendance (参加者数, recorded per visit with
its report) is added up over the visits held, in total and per field, and averaged per held visit
that has a count (rounded to whole people; a month without one is left empty, not 0).
"""

from __future__ import annotations

from collections import defaultdict
from typing import cast

from sqlalchemy import select

from kyodo_desk.db.dispatch_models import Advisor, DispatchApplication, DispatchSession
from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Organization
from kyodo_desk.domain.dispatch import CANCELLED, DispatchType, Field, SessionStatus
from kyodo_desk.domain.enums import OrganizationKind
from kyodo_desk.domain.fiscal import fiscal_months, fiscal_year_range
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, month_short, wareki_fiscal_year
from kyodo_desk.services.base import Actor, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.consultation_stats import StatsRow
from kyodo_desk.services.consultations import fiscal_year_bounds
from kyodo_desk.services.lending_stats import LendingStats


@conflict_retrying
class DispatchStatsService:
    def __init__(self, db: Database, settings):
        self.db = db
        self.settings = settings

    def statistics(self, actor: Actor, fiscal_year: int) -> LendingStats:
        require(actor, Permission.REPORT)
        months = fiscal_months(fiscal_year)
        col = {ym: i for i, ym in enumerate(months)}
        n = len(months)
        start, end = fiscal_year_bounds(fiscal_year)
        first, last = fiscal_year_range(fiscal_year)
        with self.db.read() as s:
            visits = s.execute(
                select(
                    DispatchSession.start_at,
                    DispatchSession.status,
                    DispatchSession.fee,
                    DispatchSession.travel_cost,
                    Advisor.name,
                    DispatchApplication.field,
                    DispatchApplication.dispatch_type,
                    Organization.kind,
                    DispatchApplication.status,
                    DispatchSession.attendance,
                )
                .join(DispatchApplication, DispatchApplication.id == DispatchSession.application_id)
                .join(Organization, Organization.id == DispatchApplication.organization_id)
                .outerjoin(Advisor, Advisor.id == DispatchSession.advisor_id)
                .where(DispatchSession.start_at >= start, DispatchSession.start_at < end)
            ).all()
            cancelled = s.execute(
                select(DispatchApplication.received_on).where(
                    DispatchApplication.status.in_(CANCELLED),
                    DispatchApplication.received_on >= first,
                    DispatchApplication.received_on <= last,
                )
            ).all()

        def blank() -> list[int]:
            return [0] * (n + 1)

        def add(counter: list[int], c: int, amount: int = 1) -> None:
            counter[c] += amount
            counter[n] += amount

        total, fees, travel, no_show, cancel = blank(), blank(), blank(), blank(), blank()
        people, counted = blank(), blank()  # attendance of held visits, and how many of them have a count
        people_by_field: defaultdict[str, list[int]] = defaultdict(blank)
        by_field: defaultdict[str, list[int]] = defaultdict(blank)
        by_type: defaultdict[str, list[int]] = defaultdict(blank)
        by_advisor: defaultdict[str, list[int]] = defaultdict(blank)
        by_org: defaultdict[str, list[int]] = defaultdict(blank)
        for start_at, status, fee, cost, advisor, fld, dtype, org_kind, app_status, attendance in visits:
            assert start_at is not None  # the query selects sessions by their start
            c = col[(start_at.year, start_at.month)]
            if status == SessionStatus.CANCELLED.value or app_status in CANCELLED:
                continue
            if status == SessionStatus.NO_SHOW.value:
                add(no_show, c)
                continue
            add(total, c)
            add(by_field[fld], c)
            add(by_type[dtype], c)
            add(by_advisor[advisor or _("(未定)")], c)
            add(by_org[org_kind], c)
            if status == SessionStatus.HELD.value:
                add(fees, c, fee)
                add(travel, c, cost)
                if attendance is not None:
                    add(people, c, attendance)
                    add(counted, c)
                    add(people_by_field[fld], c, attendance)
        for (received_on,) in cancelled:
            add(cancel, col[(received_on.year, received_on.month)])
        budget = self.settings.get().dispatch_budget_yen
        spent = fees[n] + travel[n]
        remaining, running = [], budget
        for c in range(n):
            running -= fees[c] + travel[c]
            remaining.append(running)
        sec_total, sec_field, sec_type, sec_adv, sec_org, sec_money, sec_issue = (
            _("合計"),
            _("分野別"),
            _("派遣の種類別"),
            _("アドバイザー別"),
            _("団体の種別"),
            _("費用(円)"),
            _("取下げ・不在"),
        )
        # a month with no held visit has no average: empty (None), like the other tables' blanks
        average = cast(
            tuple[int, ...],
            tuple((2 * p + k) // (2 * k) if k else None for p, k in zip(people, counted)),  # rounded half up
        )
        sec_people, sec_people_avg, sec_people_field = (
            _("参加者数(人)"),
            _("参加者数の平均(人)"),
            _("分野別の参加者数(人)"),
        )
        rows = [StatsRow(sec_total, _("派遣回数"), tuple(total))]
        rows += [
            StatsRow(sec_people, _("参加者数の合計"), tuple(people)),
            StatsRow(sec_people, _("参加者数を記録した回"), tuple(counted)),
            StatsRow(sec_people_avg, _("実施1回あたりの平均"), average),
        ]
        rows += [StatsRow(sec_people_field, f.label(), tuple(people_by_field.get(f.value, blank()))) for f in Field]
        rows += [StatsRow(sec_field, f.label(), tuple(by_field.get(f.value, blank()))) for f in Field]
        rows += [StatsRow(sec_type, t.label(), tuple(by_type.get(t.value, blank()))) for t in DispatchType]
        rows += [StatsRow(sec_adv, name, tuple(v)) for name, v in sorted(by_advisor.items())]
        rows += [StatsRow(sec_org, k.label(), tuple(by_org.get(k.value, blank()))) for k in OrganizationKind]
        rows += [
            StatsRow(sec_money, _("謝金"), tuple(fees)),
            StatsRow(sec_money, _("交通費"), tuple(travel)),
            # each month: the year's budget and what was left of it at the month's end (not 0円)
            StatsRow(sec_money, _("予算"), tuple([budget] * (n + 1))),
            StatsRow(sec_money, _("予算残額"), tuple(remaining) + (budget - spent,)),
        ]
        rows += [
            StatsRow(sec_issue, _("取下げ・却下"), tuple(cancel)),
            StatsRow(sec_issue, _("不在・未実施"), tuple(no_show)),
        ]
        columns = tuple(month_short(y, m) for y, m in months) + (_("合計"),)
        return LendingStats(
            fiscal_year, _("{fy} アドバイザー派遣統計").format(fy=wareki_fiscal_year(fiscal_year)), columns, tuple(rows)
        )
