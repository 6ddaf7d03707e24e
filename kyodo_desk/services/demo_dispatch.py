"""Demo advisors and dispatch applications (no advisor is ever double-booked)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kyodo_desk.db.consultation_models import ReferenceCounter
from kyodo_desk.db.dispatch_models import (
    Advisor,
    AdvisorAvailability,
    DispatchApplication,
    DispatchSession,
    DispatchStatusChange,
)
from kyodo_desk.db.models import Organization, SearchDocument
from kyodo_desk.domain.fiscal import fiscal_year_of

ADVISORS = [
    ("浅野 修", "アサノ オサム", "accounting,fundraising", "advisor", 10000, 1000),
    ("米田 真由美", "ヨネダ マユミ", "npo_law,management", "advisor", 10000, 800),
    ("谷口 悠斗", "タニグチ ユウト", "pr_design", "advisor", 8000, 600),
    ("東 千尋", "ヒガシ チヒロ", "ict", "advisor,ict_promoter", 5000, 500),
    ("辻 拓也", "ツジ タクヤ", "ict", "ict_promoter", 3000, 500),
    ("新谷 結衣", "シンタニ ユイ", "facilitation", "facilitator,advisor", 8000, 700),
    ("沢田 博", "サワダ ヒロシ", "management,accounting", "advisor", 10000, 1200),
    ("表 和子", "オモテ カズコ", "fundraising,pr_design", "advisor", 8000, 900),
]
TOPICS = {
    "accounting": "会計・決算の基礎",
    "npo_law": "NPO法人の設立",
    "pr_design": "チラシとSNSの作り方",
    "ict": "オンライン会議の始め方",
    "facilitation": "住民ワークショップの進行",
    "management": "役員の引き継ぎ",
    "fundraising": "助成金申請書の書き方",
}
# weekday evenings and weekend afternoons, as the center's coordinators work
WINDOWS = [
    (1, dt.time(18), dt.time(21)),
    (3, dt.time(18), dt.time(21)),
    (5, dt.time(13), dt.time(17)),
    (6, dt.time(13), dt.time(17)),
]


def step(ctx) -> None:
    s, rng, today = ctx.session, ctx.rng, ctx.today
    years = 10 if ctx.size == "large" else 1
    per_year = 200 if ctx.size == "large" else 40
    advisor_rows = []
    for name, kana, fields, types, fee, travel in ADVISORS:
        a = Advisor(
            name=name,
            name_kana=kana,
            fields=fields,
            dispatch_types=types,
            fee=fee,
            travel_cost=travel,
            phone=f"076-{rng.randint(200, 299)}-{rng.randint(1000, 9999)}",
        )
        s.add(a)
        s.flush()
        for w in rng.sample(WINDOWS, 2):
            s.add(AdvisorAvailability(advisor_id=a.id, weekday=w[0], start_time=w[1], end_time=w[2]))
        advisor_rows.append((a, list(WINDOWS)))
        s.add(
            SearchDocument(
                kind="advisor",
                ref_id=a.id,
                code=None,
                title=name,
                subtitle="アドバイザー",
                text=f"{name} {kana}".lower(),
            )
        )
    s.flush()
    windows = {
        a.id: [
            (w.weekday, w.start_time, w.end_time)
            for w in s.scalars(select(AdvisorAvailability).where(AdvisorAvailability.advisor_id == a.id))
        ]
        for a, _w in advisor_rows
    }
    orgs = [r.id for r in s.execute(select(Organization.id).where(Organization.id.in_(ctx.organization_ids)))]
    booked: set[tuple[int, dt.date]] = set()
    counters: dict[int, int] = {}
    start = today - dt.timedelta(days=365 * years)
    total = per_year * years
    for i in range(total):
        received = start + dt.timedelta(days=int(i * 365 * years / total) + rng.randint(0, 3))
        advisor, _w = rng.choice(advisor_rows)
        fld = rng.choice(advisor.fields.split(","))
        dtype = advisor.dispatch_types.split(",")[0]
        day = received + dt.timedelta(days=rng.randint(14, 40))
        for _try in range(30):
            win = [w for w in windows[advisor.id] if w[0] == day.weekday()]
            if win and (advisor.id, day) not in booked:
                break
            day += dt.timedelta(days=1)
        else:
            continue
        booked.add((advisor.id, day))
        w = win[0]
        begin = dt.datetime.combine(day, w[1])
        fy = fiscal_year_of(received)
        counters[fy] = counters.get(fy, 0) + 1
        past = day < today
        roll = rng.random()
        status = (
            ("completed" if roll < 0.85 else "reported" if roll < 0.9 else "withdrawn")
            if past
            else rng.choice(["decided", "decided", "scheduling", "received"])
        )
        app = DispatchApplication(
            reference=f"D{fy}-{counters[fy]:05d}",
            fiscal_year=fy,
            organization_id=rng.choice(orgs),
            dispatch_type=dtype,
            field=fld,
            topic=TOPICS[fld],
            preferred="[]",
            venue=rng.choice(["公民館", "町会集会所", "金沢市市民活動サポートセンター 会議室"]),
            expected_participants=rng.randint(5, 40),
            support="childcare" if rng.random() < 0.1 else "",
            status=status,
            received_on=received,
        )
        s.add(app)
        s.flush()
        booked_ok = status in ("decided", "completed", "reported", "withdrawn")
        no_show = past and status != "withdrawn" and rng.random() < 0.03
        s.add(
            DispatchSession(
                application_id=app.id,
                number=1,
                advisor_id=advisor.id if booked_ok else None,
                start_at=begin if booked_ok else None,
                end_at=begin + dt.timedelta(hours=2) if booked_ok else None,
                status=(
                    "cancelled" if status == "withdrawn" else "no_show" if no_show else "held" if past else "planned"
                ),
                attendance=rng.randint(5, 35) if past and not no_show and status != "withdrawn" else None,
                report_summary="実施しました。参加者から質問が多く出ました。" if past and status != "withdrawn" else "",
                fee=advisor.fee,
                travel_cost=advisor.travel_cost,
            )
        )
        s.add(
            DispatchStatusChange(
                application_id=app.id,
                at=dt.datetime.combine(received, dt.time(10)),
                from_status=None,
                to_status="received",
            )
        )
        if status != "received":
            s.add(
                DispatchStatusChange(
                    application_id=app.id,
                    at=dt.datetime.combine(received, dt.time(11)),
                    from_status="received",
                    to_status=status,
                )
            )
        s.add(
            SearchDocument(
                kind="dispatch",
                ref_id=app.id,
                code=app.reference,
                title=app.topic,
                subtitle="",
                text=f"{app.topic} {app.reference.lower()}",
            )
        )
    for fy, value in counters.items():
        s.add(ReferenceCounter(prefix="D", fiscal_year=fy, last_value=value))
    s.flush()
