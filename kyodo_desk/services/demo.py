"""Realistic, deterministic Japanese demo data for a new database.

The same seed always gives the same rows.  ``small`` is a few weeks at a quiet desk; ``large`` is
ten busy years of a center (thousands of organizations; later features add their own records
through :data:`DEMO_STEPS`).  Rows are inserted in bulk so that ``large`` takes seconds, not hours.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Integer, func, insert, select, text
from sqlalchemy.orm import Session

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Base, ClosedDayRow, Organization, Person, SearchDocument, Staff
from kyodo_desk.db.search import with_phone_digits
from kyodo_desk.domain.enums import OrganizationKind, RegistrationStatus, StaffRole
from kyodo_desk.domain.text import fold
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.organizations import organization_code

Progress = Callable[[int, int, str], None]

SIZES = {
    "small": {"organizations": 80, "people": 60, "years": 1},
    "large": {"organizations": 2400, "people": 4000, "years": 10},
}

SURNAMES = [
    ("山田", "ヤマダ"),
    ("田中", "タナカ"),
    ("中村", "ナカムラ"),
    ("北村", "キタムラ"),
    ("松本", "マツモト"),
    ("林", "ハヤシ"),
    ("吉田", "ヨシダ"),
    ("山本", "ヤマモト"),
    ("小林", "コバヤシ"),
    ("村田", "ムラタ"),
    ("坂本", "サカモト"),
    ("中川", "ナカガワ"),
    ("西村", "ニシムラ"),
    ("竹内", "タケウチ"),
    ("前田", "マエダ"),
    ("高橋", "タカハシ"),
    ("浅野", "アサノ"),
    ("宮本", "ミヤモト"),
    ("米田", "ヨネダ"),
    ("谷口", "タニグチ"),
    ("東", "ヒガシ"),
    ("表", "オモテ"),
    ("辻", "ツジ"),
    ("新谷", "シンタニ"),
    ("沢田", "サワダ"),
]
GIVEN = [
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("健一", "ケンイチ"),
    ("美咲", "ミサキ"),
    ("翔太", "ショウタ"),
    ("陽子", "ヨウコ"),
    ("誠", "マコト"),
    ("恵", "メグミ"),
    ("大輔", "ダイスケ"),
    ("由美", "ユミ"),
    ("博", "ヒロシ"),
    ("真由美", "マユミ"),
    ("悠斗", "ユウト"),
    ("結衣", "ユイ"),
    ("修", "オサム"),
    ("和子", "カズコ"),
    ("拓也", "タクヤ"),
    ("さくら", "サクラ"),
    ("隆", "タカシ"),
    ("千尋", "チヒロ"),
]
TOWNS = [
    ("広坂", "ヒロサカ"),
    ("長町", "ナガマチ"),
    ("片町", "カタマチ"),
    ("香林坊", "コウリンボウ"),
    ("東山", "ヒガシヤマ"),
    ("此花町", "コノハナマチ"),
    ("森山", "モリヤマ"),
    ("小立野", "コダツノ"),
    ("寺町", "テラマチ"),
    ("野町", "ノマチ"),
    ("泉野", "イズミノ"),
    ("有松", "アリマツ"),
    ("田上", "タガミ"),
    ("鳴和", "ナルワ"),
    ("千日町", "センニチマチ"),
    ("大手町", "オオテマチ"),
    ("尾張町", "オワリチョウ"),
    ("本町", "ホンマチ"),
    ("駅西", "エキニシ"),
    ("長坂", "ナガサカ"),
    ("額", "ヌカ"),
    ("三馬", "ミンマ"),
    ("米泉", "ヨナイズミ"),
    ("松寺", "マツデラ"),
    ("大徳", "ダイトク"),
    ("粟崎", "アワガサキ"),
    ("湊", "ミナト"),
    ("金石", "カナイワ"),
    ("大野", "オオノ"),
    ("犀川", "サイガワ"),
]
TOWN_SUFFIX = [
    ("町会", "チョウカイ"),
    ("一丁目町会", "イッチョウメチョウカイ"),
    ("二丁目町会", "ニチョウメチョウカイ"),
    ("町内会", "チョウナイカイ"),
    ("地区町会連合会", "チクチョウカイレンゴウカイ"),
]
THEMES = [
    ("子育て", "コソダテ"),
    ("まちづくり", "マチヅクリ"),
    ("環境", "カンキョウ"),
    ("国際交流", "コクサイコウリュウ"),
    ("福祉", "フクシ"),
    ("防災", "ボウサイ"),
    ("伝統工芸", "デントウコウゲイ"),
    ("読み聞かせ", "ヨミキカセ"),
    ("用水保全", "ヨウスイホゼン"),
    ("里山", "サトヤマ"),
    ("ICT", "アイシーティー"),
    ("食育", "ショクイク"),
    ("見守り", "ミマモリ"),
    ("スポーツ", "スポーツ"),
    ("音楽", "オンガク"),
    ("雪かき", "ユキカキ"),
]
GROUP_SUFFIX = [
    ("の会", "ノカイ"),
    ("ネットワーク", "ネットワーク"),
    ("サークル", "サークル"),
    ("クラブ", "クラブ"),
    ("応援団", "オウエンダン"),
    ("プロジェクト", "プロジェクト"),
    ("研究会", "ケンキュウカイ"),
]
BUSINESS = [
    ("加賀", "カガ"),
    ("兼六", "ケンロク"),
    ("浅野川", "アサノガワ"),
    ("白山", "ハクサン"),
    ("北陸", "ホクリク"),
    ("金箔", "キンパク"),
    ("犀星", "サイセイ"),
    ("百万石", "ヒャクマンゴク"),
]
BUSINESS_KIND = [
    ("印刷", "インサツ"),
    ("建設", "ケンセツ"),
    ("商事", "ショウジ"),
    ("システム", "システム"),
    ("食品", "ショクヒン"),
    ("電気", "デンキ"),
    ("不動産", "フドウサン"),
]
UNIVERSITIES = [
    ("金沢大学", "カナザワダイガク"),
    ("金沢工業大学", "カナザワコウギョウダイガク"),
    ("金沢星稜大学", "カナザワセイリョウダイガク"),
    ("北陸大学", "ホクリクダイガク"),
    ("金沢学院大学", "カナザワガクインダイガク"),
    ("金沢美術工芸大学", "カナザワビジュツコウゲイダイガク"),
    ("金城大学", "キンジョウダイガク"),
    ("石川県立大学", "イシカワケンリツダイガク"),
    ("金沢医科大学", "カナザワイカダイガク"),
]
STUDENT = [
    ("ボランティアサークル", "ボランティアサークル"),
    ("まちづくり研究会", "マチヅクリケンキュウカイ"),
    ("学生会議", "ガクセイカイギ"),
    ("雪かき隊", "ユキカキタイ"),
]


@dataclass
class DemoContext:
    session: Session
    rng: random.Random
    size: str
    today: dt.date
    progress: Progress | None
    staff_ids: dict[str, list[int]]
    organization_ids: list[int]
    # The slice of the overall 0..100 that the running step owns (see step_progress).
    step_range: tuple[int, int] = (45, 95)
    _shown: int = 0

    def report(self, done: int, total: int, text: str) -> None:
        """Overall progress; never moves backwards, whatever a step reports."""
        pct = int(100 * done / max(1, total))
        if self.progress and pct >= self._shown:
            self._shown = pct
            self.progress(pct, 100, text)

    def step_progress(self, done: int, total: int, text: str) -> None:
        """Progress *within* the running step (done of total), mapped into its slice of the bar."""
        lo, hi = self.step_range
        self.report(lo + int((hi - lo) * min(done, total) / max(1, total)), 100, text)


# Later features append (name, step) pairs; each step receives the DemoContext.
DEMO_STEPS: list[tuple[str, Callable[[DemoContext], None]]] = []


def _phone(rng: random.Random, mobile: bool = False) -> str:
    if mobile:
        return f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    return f"076-{rng.randint(200, 299)}-{rng.randint(1000, 9999)}"


def _person(rng: random.Random) -> tuple[str, str]:
    s, sk = rng.choice(SURNAMES)
    g, gk = rng.choice(GIVEN)
    return f"{s} {g}", f"{sk} {gk}"


def _kind_and_name(rng: random.Random) -> tuple[OrganizationKind, str, str]:
    roll = rng.random()
    if roll < 0.40:
        town, tk = rng.choice(TOWNS)
        suf, sk = rng.choice(TOWN_SUFFIX)
        return OrganizationKind.NEIGHBORHOOD, f"{town}{suf}", f"{tk}{sk}"
    if roll < 0.68:
        theme, tk = rng.choice(THEMES)
        suf, sk = rng.choice(GROUP_SUFFIX)
        town, twk = rng.choice(TOWNS)
        return OrganizationKind.CITIZEN_GROUP, f"{town}{theme}{suf}", f"{twk}{tk}{sk}"
    if roll < 0.82:
        theme, tk = rng.choice(THEMES)
        place, pk = rng.choice([("かなざわ", "カナザワ"), *TOWNS])
        return OrganizationKind.NPO, f"NPO法人 {place}{theme}サポート", f"エヌピーオーホウジン {pk}{tk}サポート"
    if roll < 0.92:
        b, bk = rng.choice(BUSINESS)
        k, kk = rng.choice(BUSINESS_KIND)
        return OrganizationKind.BUSINESS, f"株式会社{b}{k}", f"カブシキガイシャ{bk}{kk}"
    if roll < 0.96:
        u, uk = rng.choice(UNIVERSITIES)
        return OrganizationKind.UNIVERSITY, u, uk
    u, uk = rng.choice(UNIVERSITIES)
    st, sk = rng.choice(STUDENT)
    return OrganizationKind.STUDENT_GROUP, f"{u}{st}", f"{uk}{sk}"


def _organization(rng: random.Random, i: int, today: dt.date, years: int, used: set[str] | None = None) -> dict:
    """One organization; names already in *used* are drawn again (a registry has no twins)."""
    kind, name, kana = _kind_and_name(rng)
    if used is not None:
        for _attempt in range(40):
            if name not in used:
                break
            kind, name, kana = _kind_and_name(rng)
        else:  # the name space of a kind is exhausted (large registries): number the branch
            base, n = name, 2
            while name in used:
                name, n = f"{base} 第{n}支部", n + 1
        used.add(name)
    rep, _rk = _person(rng)
    contact, _ck = _person(rng)
    town, _tk = rng.choice(TOWNS)
    created = today - dt.timedelta(days=rng.randint(0, 365 * years))
    status, registered_on = RegistrationStatus.NONE, None
    if (
        kind in (OrganizationKind.CITIZEN_GROUP, OrganizationKind.NPO, OrganizationKind.STUDENT_GROUP)
        and rng.random() < 0.25
    ):
        status = rng.choice(
            [RegistrationStatus.REGISTERED] * 4 + [RegistrationStatus.APPLIED, RegistrationStatus.EXPIRED]
        )
        registered_on = created + dt.timedelta(days=rng.randint(10, 200))
        if registered_on > today:
            registered_on = today
    # Registrations are demo_registration's (steps, numbers, renewals); the draws above stay so that
    # the random stream — and every other demo record — is what it always was.
    del status, registered_on
    return {
        "kind": kind.value,
        "name": name,
        "name_kana": kana,
        "representative_name": rep,
        "contact_name": contact,
        "phone": _phone(rng, mobile=rng.random() < 0.3),
        "email": f"info{i}@example.jp" if rng.random() < 0.6 else "",
        "postal_code": f"920-{rng.randint(0, 999):04d}",
        "address": f"金沢市{town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号",
        "notes": "",
        "registration_status": RegistrationStatus.NONE.value,
        "registered_on": None,
        "registration_renewed_on": None,
        "active": rng.random() > 0.03,
        "created_at": dt.datetime.combine(created, dt.time(9, 0)),
        "updated_at": dt.datetime.combine(created, dt.time(9, 0)),
        "version": 1,
    }


def _bulk(session: Session, model, rows: list[dict], chunk: int = 1000) -> None:
    for start in range(0, len(rows), chunk):
        session.execute(insert(model), rows[start : start + chunk])


def _bulk_ids(session: Session, model, rows: list[dict], chunk: int = 1000) -> list[int]:
    """Insert *rows* and return their new ids in the same order.

    The database assigns the ids (RETURNING): guessing them as max(id)+1.. is wrong on PostgreSQL
    once its sequence has moved past the highest row (a rolled-back insert, a deleted row).
    """
    ids: list[int] = []
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), chunk):
        ids.extend(session.scalars(stmt, rows[start : start + chunk]).all())
    return ids


def _advance_id_sequences(session: Session) -> None:
    """Move PostgreSQL's id sequences past the rows the demo steps inserted with explicit ids.

    Bulk steps (devices, loans, consultations, cases) number their rows themselves for speed; on
    PostgreSQL that leaves each table's sequence behind, and the desk's first checkout or intake
    after ``demo`` would collide with a demo row.  SQLite's rowid needs nothing.

    The sequence is moved with ``nextval`` (as many calls as it is behind), not ``setval``: a desk
    role may use a sequence but not set it (resources/sql/roles.sql), and ``demo`` runs as a desk.
    200,000 calls take about a quarter of a second.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        column = table.c.get("id")
        if column is None or not column.primary_key or not isinstance(column.type, Integer):
            continue
        seq = f"pg_get_serial_sequence('{table.name}', 'id')"
        # behind = max(id) - last value handed out (none yet: 0); a sequence set back with
        # setval(..., false) is moved one further than needed, which only leaves an unused id
        session.execute(
            text(
                f"SELECT count(nextval({seq})) FROM generate_series(1, "
                f'(SELECT COALESCE(MAX(id), 0) FROM "{table.name}") - COALESCE(pg_sequence_last_value({seq}), 0)) '
                f"WHERE {seq} IS NOT NULL"
            )
        )


def generate(
    db: Database,
    *,
    size: str = "small",
    seed: int = 2021,
    today: dt.date | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> dict[str, int]:
    """Fill a new database; returns counts per table.  Refuses a database that already has data."""
    if size not in SIZES:
        raise ServiceError(_("サイズは small か large を指定してください。"))
    spec = SIZES[size]
    rng = random.Random(seed)
    today = today or dt.date(2026, 11, 27)
    with db.write() as s:
        if not force and (s.scalar(select(func.count()).select_from(Organization)) or 0) > 0:
            raise ServiceError(
                _(
                    "このデータベースにはすでに団体が登録されています。デモデータは新しいデータベースにだけ入れられます。"
                )
            )
        ctx = DemoContext(s, rng, size, today, progress, {}, [])
        ctx.report(0, 100, _("スタッフ"))
        staff_rows = [
            ("admin", "デモ 管理者", "デモ カンリシャ", StaffRole.ADMIN),
            ("tanaka", "田中 健一", "タナカ ケンイチ", StaffRole.STAFF),
            ("nakamura", "中村 美咲", "ナカムラ ミサキ", StaffRole.STAFF),
            ("kitamura", "北村 誠", "キタムラ マコト", StaffRole.ICT_PROMOTER),
            ("hayashi", "林 由美", "ハヤシ ユミ", StaffRole.ICT_PROMOTER),
        ]
        for login, name, kana, role in staff_rows:
            if s.scalar(select(Staff.id).where(Staff.login_name == login)) is None:
                staff = Staff(login_name=login, display_name=name, display_kana=kana, role=role.value)
                s.add(staff)
                s.flush()
            else:
                staff = s.scalars(select(Staff).where(Staff.login_name == login)).one()
            ctx.staff_ids.setdefault(role.value, []).append(staff.id)

        ctx.report(5, 100, _("団体"))
        used_names: set[str] = set()
        orgs = [_organization(rng, i, today, spec["years"], used_names) for i in range(spec["organizations"])]
        ids = _bulk_ids(s, Organization, orgs)
        ctx.organization_ids = ids
        docs = [
            {
                "kind": "organization",
                "ref_id": oid,
                "code": organization_code(oid),
                "title": o["name"],
                "subtitle": OrganizationKind(o["kind"]).label(),
                "text": with_phone_digits(  # as index_document writes it: 0762202026 finds 076-220-2026
                    " ".join(
                        fold(t)
                        for t in (
                            o["name"],
                            o["name_kana"],
                            o["representative_name"],
                            o["contact_name"],
                            o["address"],
                            o["phone"],
                            organization_code(oid),
                        )
                        if t
                    )
                ),
            }
            for oid, o in zip(ids, orgs)
        ]
        _bulk(s, SearchDocument, docs)

        ctx.report(30, 100, _("個人"))
        people = []
        for i in range(spec["people"]):
            name, kana = _person(rng)
            people.append(
                {
                    "name": name,
                    "name_kana": kana,
                    "phone": _phone(rng, mobile=True) if rng.random() < 0.7 else "",
                    "email": f"user{i}@example.jp" if rng.random() < 0.4 else "",
                    "organization_id": rng.choice(ids) if rng.random() < 0.6 else None,
                    "notes": "",
                    "created_at": dt.datetime.combine(today, dt.time(9)),
                    "updated_at": dt.datetime.combine(today, dt.time(9)),
                    "version": 1,
                }
            )
        person_ids = _bulk_ids(s, Person, people)
        _bulk(
            s,
            SearchDocument,
            [
                {
                    "kind": "person",
                    "ref_id": pid,
                    "code": None,
                    "title": p["name"],
                    "subtitle": "",
                    "text": " ".join(fold(str(t)) for t in (p["name"], p["name_kana"]) if t),
                }
                for pid, p in zip(person_ids, people)
            ],
        )

        ctx.report(40, 100, _("休館日"))
        for year in range(today.year - spec["years"] + 1, today.year + 2):
            for month, day, reason in ((6, 15, "館内設備点検"), (11, 10, "館内清掃")):
                d = dt.date(year, month, day)
                if s.scalar(select(ClosedDayRow.id).where(ClosedDayRow.day == d)) is None:
                    s.add(ClosedDayRow(day=d, reason=reason))

        for n, (label, step) in enumerate(DEMO_STEPS):
            lo, hi = (45 + int(50 * k / max(1, len(DEMO_STEPS))) for k in (n, n + 1))
            ctx.step_range = (lo, hi)
            ctx.report(lo, 100, label)
            step(ctx)
        ctx.report(95, 100, _("協働をすすめる市民団体"))
        from kyodo_desk.services import demo_registration

        demo_registration.step(ctx)  # always, like the organizations themselves; last, so it shifts nothing
        s.flush()
        _advance_id_sequences(s)
        counts = {
            "staff": s.scalar(select(func.count()).select_from(Staff)) or 0,
            "organizations": s.scalar(select(func.count()).select_from(Organization)) or 0,
            "people": s.scalar(select(func.count()).select_from(Person)) or 0,
            "closed_days": s.scalar(select(func.count()).select_from(ClosedDayRow)) or 0,
        }
    _analyze(db)
    ctx.report(100, 100, _("完了"))
    return counts


def _analyze(db: Database) -> None:
    """PostgreSQL: planner statistics for the tables just filled, before a desk's first search
    (without them the planner takes tables for empty until autovacuum comes by)."""
    if db.is_sqlite:
        return
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


# Each feature's demo records, in dependency order (registrations run last, in generate()).
from kyodo_desk.services import demo_consultations  # noqa: E402

DEMO_STEPS.append(("相談", demo_consultations.step))
from kyodo_desk.services import demo_lending  # noqa: E402

DEMO_STEPS.append(("機器貸出", demo_lending.step))
from kyodo_desk.services import demo_dispatch  # noqa: E402

DEMO_STEPS.append(("アドバイザー派遣", demo_dispatch.step))
from kyodo_desk.services import demo_projects  # noqa: E402

DEMO_STEPS.append(("協働事業", demo_projects.step))
