"""Demo 「協働をすすめる市民団体」 registrations: a history that matches the city's plan.

``large`` (ten years): about 35 groups registered at the end of 平成28年度 (FY2016), 43 around
FY2020 and 50 by FY2025, each renewed every year, with a few lapses, withdrawals and one
cancellation a year, and applications in progress today.  ``small``: a handful over three years.
Rows are inserted in bulk; the same seed gives the same history.  Runs after every other demo step
(it draws from the shared random stream last, so it changes nothing they made).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update

from kyodo_desk.db.consultation_models import ReferenceCounter
from kyodo_desk.db.models import Organization
from kyodo_desk.db.registration_models import Registration, RegistrationStep
from kyodo_desk.domain.enums import OrganizationKind
from kyodo_desk.domain.fiscal import fiscal_year_of, fiscal_year_range
from kyodo_desk.domain.registration import DEFAULT_DOCUMENTS, DEFAULT_NUMBER_PATTERN, format_number, valid_until

ELIGIBLE = (OrganizationKind.CITIZEN_GROUP.value, OrganizationKind.NPO.value, OrganizationKind.STUDENT_GROUP.value)
# registered at the close of each fiscal year (the plan: 35 in 2016, 43 in 2020, 50+ in 2025)
LARGE_TARGETS = {2016: 35, 2017: 37, 2018: 38, 2019: 41, 2020: 43, 2021: 44, 2022: 46, 2023: 47, 2024: 48, 2025: 50}
ACTIVITIES = [
    ("地域の子どもの居場所づくりと学習支援", "子ども・子育て"),
    ("高齢者の見守りと交流サロンの運営", "福祉"),
    ("用水と川の清掃、生き物調べ", "環境"),
    ("町家の保存と活用、まち歩きの案内", "まちづくり"),
    ("防災訓練と避難所運営の学習会", "防災・防犯"),
    ("外国人住民の日本語学習と生活相談", "国際交流"),
    ("スマートフォン教室とオンライン会議の手伝い", "ICT・情報"),
    ("伝統芸能の継承と発表会", "文化・芸術"),
    ("雪かきボランティアの取りまとめ", "まちづくり"),
    ("読み聞かせと図書の整理", "教育・学習"),
]
AREAS = ["金沢市内全域", "長町・野町", "犀川周辺", "浅野川周辺", "金石・大野", "駅西地区", "東山・橋場", "森本地区"]
REASONS_WITHDRAW = ["会員の高齢化で活動を休止するため", "団体を解散したため", "他の団体と統合したため"]
REASONS_CANCEL = ["活動の実態が確認できなくなったため(2年間連絡がつかない)"]


@dataclass
class _Group:
    org_id: int
    applied: dt.date
    registered: dt.date
    number: str
    end: tuple[str, dt.date, str] | None = None  # (step, date, reason)
    steps: list[dict] = field(default_factory=list)


def _anniversaries(start: dt.date, until: dt.date) -> list[dt.date]:
    """Expiry days (the day before each anniversary) after *start*, up to *until*."""
    days: list[dt.date] = []
    n = 1
    while True:
        try:
            day = start.replace(year=start.year + n)
        except ValueError:
            day = start.replace(year=start.year + n, day=28)
        expiry = day - dt.timedelta(days=1)
        if expiry > until:
            return days
        days.append(expiry)
        n += 1


def step(ctx) -> None:
    s, rng, today = ctx.session, ctx.rng, ctx.today
    staff = ctx.staff_ids.get("staff", []) + ctx.staff_ids.get("admin", [])
    admin = (ctx.staff_ids.get("admin") or staff or [None])[0]
    this_fy = fiscal_year_of(today)
    if ctx.size == "large":
        targets = {fy: n for fy, n in LARGE_TARGETS.items() if fy <= this_fy}
        targets[this_fy] = max(targets.get(this_fy, 0), targets.get(this_fy - 1, 0) + 1)
        pending = 4
    else:
        targets = {this_fy - 2: 3, this_fy - 1: 5, this_fy: 6}
        pending = 2
    first_fy = min(targets)
    candidates = (
        s.execute(
            select(Organization.id)
            .where(Organization.kind.in_(ELIGIBLE), Organization.active.is_(True))
            .order_by(Organization.id)
        )
        .scalars()
        .all()
    )
    pool = list(candidates)
    rng.shuffle(pool)
    counters: dict[int, int] = {}
    active: list[_Group] = []
    ended: list[_Group] = []

    def register(fy: int) -> None:
        lo, hi = fiscal_year_range(fy)
        hi = min(hi, today - dt.timedelta(days=10))
        registered = lo + dt.timedelta(days=rng.randint(20, max(20, (hi - lo).days)))
        registered = min(registered, hi)
        if (registered.month, registered.day) == (2, 29):
            registered -= dt.timedelta(days=1)
        reg_fy = fiscal_year_of(registered)
        counters[reg_fy] = counters.get(reg_fy, 0) + 1
        number = format_number(DEFAULT_NUMBER_PATTERN, reg_fy, counters[reg_fy])
        applied = registered - dt.timedelta(days=rng.randint(14, 45))
        active.append(_Group(pool.pop(), applied, registered, number))

    for fy in sorted(targets):
        lo, hi = fiscal_year_range(fy)
        if fy > first_fy and active:  # a few leave each year
            for g in rng.sample(active, min(len(active), rng.choice((1, 1, 2, 2, 3)))):
                expiry = next(
                    (e for e in _anniversaries(g.registered, hi) if e >= lo and e + dt.timedelta(days=1) <= today),
                    None,
                )
                roll = rng.random()
                if roll < 0.5 and expiry is not None:
                    g.end = ("lapse", expiry + dt.timedelta(days=1), "更新の期限を過ぎたため、自動で失効しました。")
                elif roll < 0.93:
                    day = lo + dt.timedelta(days=rng.randint(0, max(0, (min(hi, today) - lo).days)))
                    g.end = ("withdraw", max(day, g.registered + dt.timedelta(days=30)), rng.choice(REASONS_WITHDRAW))
                else:
                    day = lo + dt.timedelta(days=rng.randint(0, max(0, (min(hi, today) - lo).days)))
                    g.end = ("cancel", max(day, g.registered + dt.timedelta(days=30)), REASONS_CANCEL[0])
                if g.end[1] > today:
                    g.end = None
                    continue
                active.remove(g)
                ended.append(g)
        while len(active) < targets[fy] and pool:
            register(fy)

    groups = active + ended
    reg_rows: list[dict] = []
    step_rows: list[dict] = []
    cache: list[tuple[int, str, dt.date | None, dt.date | None, dt.date]] = []
    docs = "," + ",".join(DEFAULT_DOCUMENTS) + ","
    for g in groups:
        who = rng.choice(staff) if staff else None

        def add(kind: str, on: dt.date, status: str, *, number=None, until=None, reason="", documents="", by=who, g=g):
            step_rows.append(
                {
                    "organization_id": g.org_id,
                    "step": kind,
                    "on_date": on,
                    "status_after": status,
                    "number": number,
                    "valid_until": until,
                    "reason": reason,
                    "documents": documents,
                    "staff_id": by,
                    "actor": "",
                    "recorded_at": dt.datetime.combine(on, dt.time(10 + rng.randint(0, 6), rng.randint(0, 59))),
                }
            )

        add("apply", g.applied, "applied", documents=docs)
        add(
            "approve", g.registered - dt.timedelta(days=rng.randint(1, 10)), "reviewed", reason="書類審査済み", by=admin
        )
        expires = valid_until(g.registered, 12)
        add("register", g.registered, "registered", number=g.number, until=expires, by=admin)
        end_day = g.end[1] if g.end else today
        renewed = None
        for expiry in _anniversaries(g.registered, end_day + dt.timedelta(days=400)):
            if expiry != expires:
                continue
            if g.end and g.end[0] == "lapse" and expiry + dt.timedelta(days=1) == g.end[1]:
                break  # this year it was not renewed
            on = expiry - dt.timedelta(days=rng.randint(0, 40))
            if on > today or (g.end and on >= g.end[1]):
                break  # not due yet (shows on the renewals list) or ended first
            expires = valid_until(expiry + dt.timedelta(days=1), 12)
            renewed = on
            add("renew", on, "registered", number=g.number, until=expires)
        if rng.random() < 0.15 and not g.end:
            add(
                "change",
                min(today, g.registered + dt.timedelta(days=rng.randint(60, 300))),
                "registered",
                reason=rng.choice(["代表者の交代", "活動場所の変更", "連絡先の変更"]),
            )
        status = "registered"
        if g.end:
            kind, day, reason = g.end
            status = {"lapse": "expired", "withdraw": "withdrawn", "cancel": "cancelled"}[kind]
            add(kind, day, status, reason=reason, by=admin if kind == "cancel" else who)
        activity, _field = rng.choice(ACTIVITIES)
        publish = ["name", "activity", "activity_area"] + [
            code
            for code, p in (
                ("phone", 0.5),
                ("email", 0.5),
                ("website", 0.3),
                ("representative", 0.15),
                ("address", 0.25),
            )
            if rng.random() < p
        ]
        if rng.random() < 0.05:
            publish.remove("name")  # keeps even its name private
        reg_rows.append(
            {
                "organization_id": g.org_id,
                "status": status,
                "number": g.number,
                "applied_on": g.applied,
                "registered_on": g.registered,
                "renewed_on": renewed,
                "expires_on": expires,
                "ended_on": g.end[1] if g.end else None,
                "activity": activity,
                "activity_area": rng.choice(AREAS),
                "website": f"https://example.jp/g{g.org_id}" if "website" in publish else "",
                "publish_fields": "," + ",".join(publish) + ",",
                "created_at": dt.datetime.combine(g.applied, dt.time(9)),
                "updated_at": dt.datetime.combine(end_day, dt.time(9)),
                "version": 1,
            }
        )
        cache.append((g.org_id, status, g.registered, renewed, g.applied))

    # applications in progress today (and one not approved)
    for n in range(pending + 1):
        if not pool:
            break
        oid = pool.pop()
        applied = today - dt.timedelta(days=rng.randint(3, 40))
        status = "applied" if n < pending - 1 else ("reviewed" if n == pending - 1 else "rejected")
        step_rows.append(
            {
                "organization_id": oid,
                "step": "apply",
                "on_date": applied,
                "status_after": "applied",
                "number": None,
                "valid_until": None,
                "reason": "",
                "documents": docs,
                "staff_id": staff[0] if staff else None,
                "actor": "",
                "recorded_at": dt.datetime.combine(applied, dt.time(11)),
            }
        )
        if status != "applied":
            step_rows.append(
                {
                    "organization_id": oid,
                    "step": "approve" if status == "reviewed" else "reject",
                    "on_date": min(today, applied + dt.timedelta(days=2)),
                    "status_after": status,
                    "number": None,
                    "valid_until": None,
                    "reason": "" if status == "reviewed" else "市内での活動が確認できないため",
                    "documents": "",
                    "staff_id": admin,
                    "actor": "",
                    "recorded_at": dt.datetime.combine(min(today, applied + dt.timedelta(days=2)), dt.time(15)),
                }
            )
        reg_rows.append(
            {
                "organization_id": oid,
                "status": status,
                "number": None,
                "applied_on": applied,
                "registered_on": None,
                "renewed_on": None,
                "expires_on": None,
                "ended_on": applied + dt.timedelta(days=2) if status == "rejected" else None,
                "activity": rng.choice(ACTIVITIES)[0],
                "activity_area": rng.choice(AREAS),
                "website": "",
                "publish_fields": ",name,activity,",
                "created_at": dt.datetime.combine(applied, dt.time(9)),
                "updated_at": dt.datetime.combine(applied, dt.time(9)),
                "version": 1,
            }
        )
        cache.append((oid, status, None, None, applied))

    if not reg_rows:
        return
    ids = s.scalars(insert(Registration).returning(Registration.id, sort_by_parameter_order=True), reg_rows).all()
    by_org = {row["organization_id"]: rid for row, rid in zip(reg_rows, ids)}
    step_rows.sort(key=lambda r: (r["organization_id"], r["on_date"]))
    for row in step_rows:
        row["registration_id"] = by_org[row["organization_id"]]
    s.execute(insert(RegistrationStep), step_rows)
    for oid, status, registered, renewed, applied in cache:
        s.execute(
            update(Organization)
            .where(Organization.id == oid)
            .values(registration_status=status, registered_on=registered, registration_renewed_on=renewed)
        )
        s.execute(
            update(Organization)
            .where(Organization.id == oid, Organization.created_at > dt.datetime.combine(applied, dt.time(9)))
            .values(created_at=dt.datetime.combine(applied - dt.timedelta(days=30), dt.time(9)))
        )
    s.execute(
        insert(ReferenceCounter), [{"prefix": "REG", "fiscal_year": fy, "last_value": n} for fy, n in counters.items()]
    )
