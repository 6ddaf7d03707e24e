"""Lending statistics per month and fiscal year: loans by device kind and borrower kind,
utilisation, overdue returns and damage.

* A loan counts in the month it went out.  Under a device kind it counts once per kind it held.
* Utilisation of a kind = device-days on loan ÷ device-days owned in the period (retired and lost
  devices are left out).
* 延滞 = loans returned after their due date or still out past it; 破損・欠品 = returned items with
  a damaged condition or a missing/damaged accessory.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from sqlalchemy import select

from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Device, DeviceModel, Loan, LoanItem
from kyodo_desk.db.models import Organization
from kyodo_desk.domain.enums import OrganizationKind
from kyodo_desk.domain.fiscal import fiscal_months, fiscal_year_range
from kyodo_desk.domain.lending import DeviceKind
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, month_short, wareki_fiscal_year
from kyodo_desk.services.base import Actor, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.consultation_stats import StatsRow


class LendingStats:
    def __init__(self, fiscal_year: int, title: str, columns: tuple[str, ...], rows: tuple[StatsRow, ...]):
        self.fiscal_year, self.title, self.columns, self.rows = fiscal_year, title, columns, rows

    def value(self, section: str, label: str) -> int:
        return next(r.total for r in self.rows if r.section == section and r.label == label)


@conflict_retrying
class LendingStatsService:
    def __init__(self, db: Database):
        self.db = db

    def statistics(self, actor: Actor, fiscal_year: int, *, today: dt.date | None = None) -> LendingStats:
        require(actor, Permission.REPORT)
        today = today or dt.date.today()
        months = fiscal_months(fiscal_year)
        first, last = fiscal_year_range(fiscal_year)
        col = {ym: i for i, ym in enumerate(months)}
        n = len(months)
        with self.db.read() as s:
            rows = s.execute(
                select(
                    Loan.id,
                    Loan.out_at,
                    Loan.due_on,
                    Loan.closed_at,
                    Organization.kind,
                    LoanItem.returned_at,
                    LoanItem.condition,
                    LoanItem.accessories_back,
                    DeviceModel.kind,
                    LoanItem.device_id,
                )
                .join(Organization, Organization.id == Loan.organization_id)
                .join(LoanItem, LoanItem.loan_id == Loan.id)
                .join(Device, Device.id == LoanItem.device_id)
                .join(DeviceModel, DeviceModel.id == Device.model_id)
                .where(
                    Loan.out_at <= dt.datetime.combine(last, dt.time.max),
                    Loan.out_at >= dt.datetime.combine(first - dt.timedelta(days=120), dt.time()),
                )
            ).all()
            owned = s.execute(
                select(DeviceModel.kind, Device.created_at, Device.state).join(
                    DeviceModel, DeviceModel.id == Device.model_id
                )
            ).all()

        def blank() -> list[int]:
            return [0] * (n + 1)

        by_kind: dict[str, list[int]] = defaultdict(blank)
        by_borrower: dict[str, list[int]] = defaultdict(blank)
        total, overdue, damage = blank(), blank(), blank()
        loan_days: dict[str, list[int]] = defaultdict(blank)
        seen_loans: set[int] = set()
        seen_kind: set[tuple[int, str]] = set()
        for loan_id, out_at, due_on, closed_at, org_kind, returned_at, condition, acc_back, dev_kind, _dev in rows:
            end = returned_at.date() if returned_at else today
            # device-days on loan inside each month of the year
            day = max(out_at.date(), first)
            while day <= min(end, last):
                add_to = col[(day.year, day.month)]
                loan_days[dev_kind][add_to] += 1
                loan_days[dev_kind][n] += 1
                day += dt.timedelta(days=1)
            if not first <= out_at.date() <= last:
                continue
            c = col[(out_at.year, out_at.month)]
            if loan_id not in seen_loans:
                seen_loans.add(loan_id)
                for counter in (total, by_borrower[org_kind]):
                    counter[c] += 1
                    counter[n] += 1
                late = (closed_at.date() > due_on) if closed_at else (today > due_on)
                if late:
                    overdue[c] += 1
                    overdue[n] += 1
            if (loan_id, dev_kind) not in seen_kind:
                seen_kind.add((loan_id, dev_kind))
                by_kind[dev_kind][c] += 1
                by_kind[dev_kind][n] += 1
            back = json.loads(acc_back or "{}")
            if returned_at and (condition == "damaged" or any(v in ("missing", "damaged") for v in back.values())):
                damage[c] += 1
                damage[n] += 1

        month_days = [(dt.date(y + (m == 12), m % 12 + 1, 1) - dt.date(y, m, 1)).days for y, m in months]
        year_days = (last - first).days + 1
        devices_of: dict[str, int] = defaultdict(int)
        for kind, created_at, state in owned:
            if state not in ("retired", "lost") and created_at.date() <= last:
                devices_of[kind] += 1

        sec_total, sec_kind, sec_org, sec_util, sec_issue = (
            _("合計"),
            _("機器の種類別 貸出件数"),
            _("借りた団体の種別"),
            _("稼働率(%)"),
            _("延滞・破損"),
        )
        out = [StatsRow(sec_total, _("貸出件数"), tuple(total))]
        out += [StatsRow(sec_kind, k.label(), tuple(by_kind.get(k.value, blank()))) for k in DeviceKind]
        out += [StatsRow(sec_org, k.label(), tuple(by_borrower.get(k.value, blank()))) for k in OrganizationKind]
        for k in DeviceKind:
            owned_n = devices_of.get(k.value, 0)
            if not owned_n:
                continue
            used = loan_days.get(k.value, blank())
            pct = [round(100 * used[i] / (owned_n * month_days[i])) for i in range(n)] + [
                round(100 * used[n] / (owned_n * year_days))
            ]
            out.append(StatsRow(sec_util, k.label(), tuple(pct)))
        out += [StatsRow(sec_issue, _("延滞"), tuple(overdue)), StatsRow(sec_issue, _("破損・欠品"), tuple(damage))]
        columns = tuple(month_short(y, m) for y, m in months) + (_("合計"),)
        return LendingStats(
            fiscal_year, _("{fy} 機器貸出統計").format(fy=wareki_fiscal_year(fiscal_year)), columns, tuple(out)
        )
