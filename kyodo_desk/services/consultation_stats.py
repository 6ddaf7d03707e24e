"""Consultation statistics for the city: per month and per fiscal year (April–March).

Counting rules (they are what the city's report asks for, and the tests pin them down):
* 件数 counts consultations; 人数 sums the people present; 案件数 counts matters — the distinct
  cases touched, plus each consultation that belongs to no case.  The 合計 column is computed over
  the whole period, so a case active in three months counts once in 合計.
* A consultation counts under every category it has; under a top-level category it counts once
  even when it has two sub-categories of it.
* 新規/継続: a consultation is 継続 when its case had an earlier consultation (in any year).
* Follow-up completion: of the consultations with a next action, how many are done, open, overdue.
* 紹介の結果: each referral counts once under its outcome (連絡済み / つながった / 不調) or under 未確認
  while none is recorded, so the outcome rows add up to 紹介件数.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from kyodo_desk.db.consultation_models import Consultation, ConsultationCategory, consultation_category_link
from kyodo_desk.db.engine import Database
from kyodo_desk.domain.consultation import Channel, ReferralOutcome, ReferralTarget, RequesterType
from kyodo_desk.domain.fiscal import fiscal_months
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, month_short, wareki_fiscal_year
from kyodo_desk.services.base import Actor, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.consultation_references import fiscal_year_bounds


@dataclass(frozen=True)
class StatsRow:
    section: str
    label: str
    values: tuple[int, ...]  # one per column (months), then the period total
    indent: int = 0

    @property
    def total(self) -> int:
        return self.values[-1]


@dataclass(frozen=True)
class ConsultationStats:
    fiscal_year: int
    title: str
    columns: tuple[str, ...]  # month labels + 合計
    rows: tuple[StatsRow, ...]
    followup_total: int
    followup_done: int
    followup_open: int
    followup_overdue: int

    def section(self, name: str) -> list[StatsRow]:
        return [r for r in self.rows if r.section == name]

    def value(self, section: str, label: str) -> int:
        for r in self.rows:
            if r.section == section and r.label == label:
                return r.total
        raise KeyError((section, label))

    @property
    def followup_completion(self) -> float:
        return self.followup_done / self.followup_total if self.followup_total else 0.0


@conflict_retrying
class ConsultationStatsService:
    def __init__(self, db: Database):
        self.db = db

    def statistics(
        self, actor: Actor, fiscal_year: int, *, month: int | None = None, today: dt.date | None = None
    ) -> ConsultationStats:
        """The fiscal year with one column per month, or a single month when *month* is given."""
        require(actor, Permission.REPORT)
        today = today or dt.date.today()
        months = fiscal_months(fiscal_year)
        if month is not None:
            months = [ym for ym in months if ym[1] == month]
        start, end = fiscal_year_bounds(fiscal_year)
        if month is not None:
            y, m = months[0]
            start = dt.datetime(y, m, 1)
            end = dt.datetime(y + (m == 12), m % 12 + 1, 1)
        c = Consultation
        with self.db.read() as s:
            rows = s.execute(
                select(
                    c.id,
                    c.received_at,
                    c.channel,
                    c.requester_type,
                    c.people_count,
                    c.case_id,
                    c.followup_action,
                    c.followup_done,
                    c.followup_due,
                    c.referral_to,
                    c.referral_outcome,
                ).where(c.received_at >= start, c.received_at < end)
            ).all()
            ids = [r.id for r in rows]
            links: dict[int, list[int]] = defaultdict(list)
            for chunk in range(0, len(ids), 5000):
                for cid, cat in s.execute(
                    select(
                        consultation_category_link.c.consultation_id, consultation_category_link.c.category_id
                    ).where(consultation_category_link.c.consultation_id.in_(ids[chunk : chunk + 5000]))
                ):
                    links[cid].append(cat)
            categories = s.execute(
                select(
                    ConsultationCategory.id,
                    ConsultationCategory.parent_id,
                    ConsultationCategory.name,
                    ConsultationCategory.sort_order,
                    ConsultationCategory.fiscal_year,
                )
                .where(ConsultationCategory.fiscal_year == fiscal_year)
                .order_by(ConsultationCategory.sort_order, ConsultationCategory.id)
            ).all()
            categories = list(categories)
            extra_cat_ids = {cat for cats in links.values() for cat in cats} - {cat.id for cat in categories}
            if extra_cat_ids:  # a consultation filed under another year's list
                categories += s.execute(
                    select(
                        ConsultationCategory.id,
                        ConsultationCategory.parent_id,
                        ConsultationCategory.name,
                        ConsultationCategory.sort_order,
                        ConsultationCategory.fiscal_year,
                    ).where(ConsultationCategory.id.in_(extra_cat_ids))
                ).all()
            case_ids = {r.case_id for r in rows if r.case_id}
            first_of_case: dict[int | None, tuple[dt.datetime, int | None]] = {}
            if case_ids:
                # each case's first consultation (earliest received, then lowest id): one query for all cases
                firsts = (
                    select(c.case_id.label("case_id"), func.min(c.received_at).label("first_at"))
                    .where(c.case_id.in_(case_ids))
                    .group_by(c.case_id)
                    .subquery()
                )
                for case_id, first_at, first_id in s.execute(
                    select(firsts.c.case_id, firsts.c.first_at, func.min(c.id))
                    .join(firsts, (c.case_id == firsts.c.case_id) & (c.received_at == firsts.c.first_at))
                    .group_by(firsts.c.case_id, firsts.c.first_at)
                ):
                    first_of_case[case_id] = (first_at, first_id)

        col_of = {ym: i for i, ym in enumerate(months)}
        n = len(months)

        def blank() -> list[int]:
            return [0] * (n + 1)

        def add(counter: list[int], col: int, amount: int = 1) -> None:
            counter[col] += amount
            counter[n] += amount

        total, people, new, cont = blank(), blank(), blank(), blank()
        matters_by_month: list[set] = [set() for _ in range(n)]
        matters_all: set = set()
        channel = {ch.value: blank() for ch in Channel}
        requester = {rt.value: blank() for rt in RequesterType}
        referral = {rt.value: blank() for rt in ReferralTarget}
        referral_all = blank()
        outcome: dict[str | None, list[int]] = {o.value: blank() for o in ReferralOutcome}
        outcome[None] = blank()  # 未確認
        cat_counts: dict[int, list[int]] = defaultdict(blank)
        parent_of = {cat.id: cat.parent_id for cat in categories}
        fu_total = fu_done = fu_open = fu_overdue = 0

        for r in rows:
            col = col_of[(r.received_at.year, r.received_at.month)]
            add(total, col)
            add(people, col, r.people_count)
            matter = ("case", r.case_id) if r.case_id else ("single", r.id)
            matters_by_month[col].add(matter)
            matters_all.add(matter)
            first = first_of_case.get(r.case_id) if r.case_id else None
            if first and first[1] != r.id:
                add(cont, col)
            else:
                add(new, col)
            add(channel[r.channel], col)
            add(requester[r.requester_type], col)
            if r.referral_to:
                add(referral[r.referral_to], col)
                add(referral_all, col)
                add(outcome[r.referral_outcome if r.referral_outcome in outcome else None], col)
            counted = set()
            for cat in links.get(r.id, ()):
                for target in (cat, parent_of.get(cat)):
                    if target is not None and target not in counted:
                        counted.add(target)
                        add(cat_counts[target], col)
            if r.followup_action:
                fu_total += 1
                if r.followup_done:
                    fu_done += 1
                else:
                    fu_open += 1
                    if r.followup_due and r.followup_due < today:
                        fu_overdue += 1

        matters = [len(x) for x in matters_by_month] + [len(matters_all)]
        sec_total, sec_ch, sec_req, sec_cat, sec_ref = (
            _("合計"),
            _("受付方法"),
            _("相談者の種別"),
            _("相談分類"),
            _("他機関紹介"),
        )
        out = [
            StatsRow(sec_total, _("件数"), tuple(total)),
            StatsRow(sec_total, _("案件数"), tuple(matters)),
            StatsRow(sec_total, _("人数"), tuple(people)),
            StatsRow(sec_total, _("新規"), tuple(new)),
            StatsRow(sec_total, _("継続"), tuple(cont)),
        ]
        out += [StatsRow(sec_ch, Channel(k).label(), tuple(v)) for k, v in channel.items()]
        out += [StatsRow(sec_req, RequesterType(k).label(), tuple(v)) for k, v in requester.items()]
        for cat in categories:
            if cat.parent_id is None:
                out.append(StatsRow(sec_cat, cat.name, tuple(cat_counts.get(cat.id, blank()))))
                for sub in categories:
                    if sub.parent_id == cat.id and (sub.id in cat_counts or sub.fiscal_year == fiscal_year):
                        out.append(StatsRow(sec_cat, sub.name, tuple(cat_counts.get(sub.id, blank())), indent=1))
        out.append(StatsRow(sec_ref, _("紹介件数"), tuple(referral_all)))
        out += [StatsRow(sec_ref, ReferralTarget(k).label(), tuple(v), indent=1) for k, v in referral.items()]
        out += [StatsRow(sec_ref, outcome_row_label(k), tuple(v), indent=1) for k, v in outcome.items()]

        columns = tuple(month_short(y, m) for y, m in months) + (_("合計"),)
        title = _("{fy} 相談受付統計").format(fy=wareki_fiscal_year(fiscal_year))
        if month is not None:
            title = _("{fy} {m}月 相談受付統計").format(fy=wareki_fiscal_year(fiscal_year), m=month)
        return ConsultationStats(fiscal_year, title, columns, tuple(out), fu_total, fu_done, fu_open, fu_overdue)


def outcome_row_label(outcome: str | None) -> str:
    """「紹介の結果: つながった」, 「紹介の結果: 未確認」 (None: no outcome recorded yet)."""
    name = ReferralOutcome(outcome).label() if outcome else _("未確認")
    return _("紹介の結果: {outcome}").format(outcome=name)


def stats_table(stats) -> list[list[str]]:
    """Header + rows as text cells (for CSV and PDF) of any statistics with title/columns/rows."""
    return [["" if c is None else str(c) for c in row] for row in stats_values(stats)]


def stats_values(stats) -> list[list[str | int | None]]:
    """Header + rows with the figures as numbers (for .xlsx and the annual report); None = empty."""
    table: list[list[str | int | None]] = [[_("区分"), _("項目"), *stats.columns]]
    for row in stats.rows:
        table.append([row.section, ("　" * row.indent) + row.label, *row.values])
    if isinstance(stats, ConsultationStats):
        pad: list[str | int | None] = [None] * (len(stats.columns) - 1)
        table.append([_("フォローアップ"), _("対応予定あり"), *pad, stats.followup_total])
        table.append([_("フォローアップ"), _("完了"), *pad, stats.followup_done])
        table.append(
            [
                _("フォローアップ"),
                _("未完了(うち期限超過 {n})").format(n=stats.followup_overdue),
                *pad,
                stats.followup_open,
            ]
        )
    return table
