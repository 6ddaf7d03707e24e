"""Demo partnership projects and satisfaction surveys (bulk inserted, the same rows for the same seed).

large: about 68 projects in FY2016 rising to about 88 in FY2020 and past 100 by FY2025, as the
plan's target 3 says; small: a dozen in the current and the previous fiscal year.  Surveys: one a
year (the 2020 one, 732 respondents and 66.8%, is the plan's own and comes with migration 0009).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from kyodo_desk.db.consultation_models import Consultation, ReferenceCounter
from kyodo_desk.db.models import SearchDocument
from kyodo_desk.db.plan_models import (
    PlanItem,
    PlanPeriod,
    PlanSurvey,
    Project,
    ProjectDivision,
    ProjectProgramme,
    project_consultation,
    project_partner,
)
from kyodo_desk.domain import plan_2021
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.text import fold

AREAS = ("長町", "広坂", "菊川", "東山", "金石", "大野", "森本", "湯涌", "犀川", "浅野川", "野町", "寺町", "粟崎", "額")
THEMES = (
    "子ども食堂",
    "防災マップづくり",
    "学生等雪かきボランティア",
    "竹林整備と里山体験",
    "多世代交流サロン",
    "空き家を活かした居場所づくり",
    "用水の清掃と生きもの調べ",
    "伝統工芸の体験教室",
    "外国人住民との交流会",
    "学生によるまちあるきガイド",
    "高齢者の見守りネットワーク",
    "町会のSNS発信講座",
    "花いっぱい運動",
    "子育て広場",
    "地産地消マルシェ",
    "オンライン町会の試行",
)
DEPARTMENTS = (
    "市民協働推進課",
    "危機管理課",
    "福祉政策課",
    "こども未来課",
    "文化政策課",
    "環境政策課",
    "生涯学習課",
    "国際交流課",
)
EVALUATIONS = (
    "参加者が増え、次年度も継続したいとの声が多かった。",
    "学生と町会の役割分担が明確になり、連携が深まった。",
    "広報が遅れ参加が伸び悩んだ。次回は早めに告知する。",
    "行政との情報共有が進み、課題が整理できた。",
    "新しい担い手が加わり、団体の基盤が強くなった。",
)
# the plan's satisfaction figure per fiscal year (2020 is the plan's own survey)
SATISFACTION = {
    2016: 60.4,
    2017: 61.9,
    2018: 63.2,
    2019: 65.0,
    2021: 68.1,
    2022: 69.6,
    2023: 71.2,
    2024: 72.5,
    2025: 73.8,
}
MAX_AMOUNT = {"スタート部門": 100_000, "一般部門": 300_000, "団体連携部門": 500_000, "学生・高校生部門": 200_000}


def _target_count(fy: int) -> int:
    if fy <= 2020:
        return round(68 + 5 * (fy - 2016))
    return 88 + 3 * (fy - 2020)


def _programmes(s) -> tuple[int | None, list[tuple[int, str]], int | None]:
    challenge = s.scalar(select(ProjectProgramme.id).order_by(ProjectProgramme.sort_order, ProjectProgramme.id))
    if challenge is None:  # a database whose seed rows were removed (tests): make the two programmes
        challenge = s.scalar(
            insert(ProjectProgramme).returning(ProjectProgramme.id),
            {"name": plan_2021.CHALLENGE, "sort_order": 10, "active": True, "version": 1},
        )
        s.execute(
            insert(ProjectDivision),
            [{"programme_id": challenge, "name": n, "sort_order": i, "active": True} for i, n in enumerate(MAX_AMOUNT)],
        )
        s.execute(insert(ProjectProgramme), {"name": plan_2021.OTHER, "sort_order": 20, "active": True, "version": 1})
    divisions = [
        (i, n)
        for i, n in s.execute(
            select(ProjectDivision.id, ProjectDivision.name)
            .where(ProjectDivision.programme_id == challenge)
            .order_by(ProjectDivision.sort_order)
        )
    ]
    other = s.scalar(select(ProjectProgramme.id).where(ProjectProgramme.id != challenge).order_by(ProjectProgramme.id))
    return challenge, divisions, other


def _ensure_plan(s) -> None:
    """The 2021 plan as migration 0009 seeds it, when a database has no plan period at all."""
    if s.scalar(select(PlanPeriod.id).limit(1)) is not None:
        return
    period = PlanPeriod(
        name=plan_2021.NAME,
        first_fiscal_year=plan_2021.FIRST_FISCAL_YEAR,
        last_fiscal_year=plan_2021.LAST_FISCAL_YEAR,
        notes=plan_2021.NOTE,
    )
    s.add(period)
    s.flush()
    for i, (key, name, unit, source, ref, base, target, minimum, note) in enumerate(plan_2021.ITEMS):
        s.add(
            PlanItem(
                period_id=period.id,
                key=key,
                sort_order=i + 1,
                name=name,
                unit=unit,
                source=source,
                reference_year=2016 if ref is not None else None,
                reference_value=ref,
                baseline_year=2020,
                baseline_value=base,
                target_year=plan_2021.LAST_FISCAL_YEAR,
                target_value=target,
                target_is_minimum=minimum,
                note=note,
            )
        )
    name, day, fy, respondents, satisfied = plan_2021.SURVEY_2020
    s.add(
        PlanSurvey(
            item_key="satisfaction",
            name=name,
            conducted_on=day,
            fiscal_year=fy,
            respondents=respondents,
            satisfied=satisfied,
        )
    )
    s.flush()


def step(ctx) -> None:
    s, rng, today = ctx.session, ctx.rng, ctx.today
    _ensure_plan(s)
    this_fy = fiscal_year_of(today)
    years = list(range(2016, this_fy + 1)) if ctx.size == "large" else [this_fy - 1, this_fy]
    orgs = ctx.organization_ids
    if not orgs:
        return
    challenge, divisions, other = _programmes(s)
    next_id = (s.scalar(select(func.max(Project.id))) or 0) + 1
    projects, partners, links, docs = [], [], [], []
    counters: dict[int, int] = {}
    for fy in years:
        n = _target_count(fy) + rng.randint(-2, 2) if ctx.size == "large" else 12
        if fy == this_fy:
            n = round(n * 0.95)  # the year's projects are mostly decided by its spring
        cancelled = max(0, round(n * 0.03))
        consultations = list(
            s.scalars(
                select(Consultation.id).where(Consultation.fiscal_year == fy).order_by(Consultation.id).limit(300)
            )
        )
        for k in range(n + cancelled):
            pid, counters[fy] = next_id, counters.get(fy, 0) + 1
            next_id += 1
            reference = f"P{fy}-{counters[fy]:05d}"
            is_challenge = rng.random() < 0.45 and divisions
            division = rng.choice(divisions) if is_challenge else None
            start = dt.date(fy, 4, 1) + dt.timedelta(days=rng.randint(30, 200))
            end = start + dt.timedelta(days=rng.randint(30, 150))
            status = "cancelled" if k >= n else ("done" if end < today else ("active" if start <= today else "planned"))
            name = f"{rng.choice(AREAS)}の{rng.choice(THEMES)}"
            amount = None
            if division is not None:
                amount = rng.randint(3, MAX_AMOUNT.get(division[1], 300_000) // 10_000) * 10_000
            elif rng.random() < 0.3:
                amount = rng.randint(1, 10) * 10_000
            departments = rng.sample(DEPARTMENTS, rng.choice((0, 1, 1, 2)))
            done = status == "done"
            projects.append(
                {
                    "id": pid,
                    "reference": reference,
                    "name": name,
                    "fiscal_year": fy,
                    "programme_id": challenge if division else other,
                    "division_id": division[0] if division else None,
                    "status": status,
                    "amount": amount,
                    "starts_on": start,
                    "ends_on": end,
                    "city_departments": "\n".join(departments),
                    "summary": f"{name}を地域の団体と協働で実施する。",
                    "review_done": f"{name}を{rng.randint(2, 12)}回実施した。" if done else "",
                    "review_participants": rng.randint(10, 400) if done else None,
                    "review_evaluation": rng.choice(EVALUATIONS) if done else "",
                    "reviewed_on": end + dt.timedelta(days=rng.randint(7, 40)) if done else None,
                    "created_at": dt.datetime.combine(min(start, today), dt.time(10)),
                    "updated_at": dt.datetime.combine(min(end, today), dt.time(10)),
                    "version": 1,
                }
            )
            for oid in rng.sample(orgs, min(len(orgs), rng.choice((1, 1, 2, 2, 3)))):
                partners.append({"project_id": pid, "organization_id": oid})
            if consultations and rng.random() < 0.2:
                links.append({"project_id": pid, "consultation_id": rng.choice(consultations)})
            docs.append(
                {
                    "kind": "project",
                    "ref_id": pid,
                    "code": reference,
                    "title": name,
                    "subtitle": f"{fy}年度 パートナーシップ事業",
                    "text": " ".join((fold(name), fold("\n".join(departments)), reference.lower())),
                }
            )
        ctx.step_progress(years.index(fy) + 1, len(years), "協働事業")
    s.execute(insert(Project), projects)
    s.execute(insert(project_partner), partners)
    if links:
        s.execute(insert(project_consultation), links)
    s.execute(insert(SearchDocument), docs)
    for fy, value in counters.items():
        row = s.get(ReferenceCounter, ("P", fy))
        if row is None:
            s.add(ReferenceCounter(prefix="P", fiscal_year=fy, last_value=value))
        else:
            row.last_value = max(row.last_value, value)
    _surveys(ctx, years)
    s.flush()


def _surveys(ctx, years: list[int]) -> None:
    s, rng, today = ctx.session, ctx.rng, ctx.today
    key = s.scalar(select(PlanItem.key).where(PlanItem.source == "survey").order_by(PlanItem.id)) or "satisfaction"
    have = set(s.scalars(select(PlanSurvey.fiscal_year).where(PlanSurvey.item_key == key)))
    rows = []
    for fy in years:
        percent = SATISFACTION.get(fy, 74.6 if fy > 2025 else None)
        day = dt.date(fy, 8, 1) + dt.timedelta(days=rng.randint(0, 20))
        if percent is None or fy in have or day >= today:
            continue
        respondents = rng.randint(650, 900)
        rows.append(
            {
                "item_key": key,
                "name": "市民の地域活動・市民活動に関する意識調査",
                "conducted_on": day,
                "fiscal_year": fy,
                "respondents": respondents,
                "satisfied": round(respondents * percent / 100),
                "version": 1,
            }
        )
    if rows:
        s.execute(insert(PlanSurvey), rows)
