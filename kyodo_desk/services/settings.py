"""Center-wide settings kept in the database (every desk sees the same values).

Defaults come from the back page of 金沢市協働推進計画2021 (市民協働推進課の連絡先).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Setting, now
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import Validator, normalize_email, normalize_phone, normalize_postal_code
from kyodo_desk.i18n import N_, _
from kyodo_desk.services.base import Actor, ServiceError, StaleEdit, audit, require
from kyodo_desk.services.conflict_retry import conflict_retrying


@dataclass(frozen=True)
class CenterSettings:
    center_name: str = "金沢市市民活動サポートセンター"
    department: str = "金沢市市民局市民協働推進課"
    postal_code: str = "920-8577"
    address: str = "金沢市広坂1丁目1番1号"
    phone: str = "076-220-2026"
    fax: str = "076-260-1178"
    email: str = "kyoudou@city.kanazawa.lg.jp"
    website_url: str = "https://www4.city.kanazawa.lg.jp/"
    # APPI: how long personal data in consultations and loans is kept before it is erased (years).
    retention_years: int = 5
    # Sign-in: the window locks after this many minutes without a key or mouse event (1–120).
    idle_lock_minutes: int = 10
    # Quick 交代 at a shared desk with a personal PIN (≥ 6 digits) instead of the password.
    pin_sign_in: bool = False
    # SQLite desks: how many backup files (daily, manual, before-upgrade, before-restore) to keep.
    backup_keep: int = 14
    weekly_closed_days: tuple[int, ...] = ()  # 0=Mon .. 6=Sun
    observe_public_holidays: bool = True
    observe_year_end: bool = True
    # Device lending: asset tags are PREFIX + 4 digits (KD-0001), never reused.
    asset_tag_prefix: str = "KD-"
    # Days a returned device stays unavailable for the next borrower (charging, wiping).
    lending_buffer_days: int = 1
    # Advisor dispatch (per fiscal year, April–March).
    dispatch_quota_per_organization: int = 3
    dispatch_quota_per_advisor_month: int = 8
    dispatch_travel_buffer_minutes: int = 60
    dispatch_budget_yen: int = 1_000_000
    dispatch_types_requiring_registration: tuple[str, ...] = ()

    def with_changes(self, **changes) -> "CenterSettings":
        return replace(self, **changes)


_FIELDS = {f.name: f for f in fields(CenterSettings)}

# how each field is named on screen (a conflict message names the field)
FIELD_LABELS: dict[str, str] = {
    "center_name": N_("センター名"),
    "department": N_("担当課"),
    "postal_code": N_("郵便番号"),
    "address": N_("住所"),
    "phone": N_("電話番号"),
    "fax": N_("FAX番号"),
    "email": N_("メールアドレス"),
    "website_url": N_("ホームページ"),
    "retention_years": N_("個人情報の保存年数"),
    "idle_lock_minutes": N_("操作がないとき画面をロックするまで"),
    "pin_sign_in": N_("PINでの交代"),
    "backup_keep": N_("残すバックアップの数"),
    "weekly_closed_days": N_("定休日(毎週)"),
    "observe_public_holidays": N_("祝日は休館"),
    "observe_year_end": N_("年末年始(12月29日〜1月3日)は休館"),
    "asset_tag_prefix": N_("管理番号の接頭辞"),
    "lending_buffer_days": N_("貸出の間隔(日)"),
    "dispatch_quota_per_organization": N_("団体ごとの年間派遣回数(4月〜3月)"),
    "dispatch_quota_per_advisor_month": N_("アドバイザーごとの月間派遣回数"),
    "dispatch_travel_buffer_minutes": N_("移動の余裕時間(前後)"),
    "dispatch_budget_yen": N_("年間予算(謝金・交通費)"),
    "dispatch_types_requiring_registration": N_("「協働をすすめる市民団体」だけが\n申請できる派遣"),
}


class SettingsConflict(StaleEdit):
    """Another desk changed a field this desk changed too, after this desk loaded the settings."""

    def __init__(self, names: list[str]):
        self.fields = names
        shown = "」「".join(_(FIELD_LABELS.get(n, n)).replace("\n", "") for n in names)
        ServiceError.__init__(
            self,
            _(
                "「{fields}」は、この画面を開いた後に別の窓口で変更されました。保存していません"
                "(入力内容は残してあります)。"
            ).format(fields=shown),
        )


def changed_fields(before: CenterSettings, after: CenterSettings) -> list[str]:
    return [n for n in _FIELDS if getattr(before, n) != getattr(after, n)]


def _decode(stored: dict[str, str]) -> CenterSettings:
    values: dict[str, Any] = {}
    for name in _FIELDS:
        if name in stored:
            try:
                value = json.loads(stored[name])
            except ValueError:
                continue
            values[name] = tuple(value) if isinstance(value, list) else value
    return CenterSettings(**values)


def validate(settings: CenterSettings) -> CenterSettings:
    v = Validator()
    v.required("center_name", _("センター名"), settings.center_name)
    v.phone("phone", _("電話番号"), settings.phone)
    v.phone("fax", _("FAX番号"), settings.fax)
    v.email("email", _("メールアドレス"), settings.email)
    v.postal_code("postal_code", _("郵便番号"), settings.postal_code)
    if settings.website_url and not settings.website_url.startswith(("http://", "https://")):
        v.add("website_url", _("「ホームページ」は http:// か https:// で始まるアドレスを入力してください。"))
    if not 1 <= int(settings.retention_years) <= 30:
        v.add("retention_years", _("「個人情報の保存年数」は1〜30年の範囲で入力してください。"))
    if not 1 <= int(settings.idle_lock_minutes) <= 120:
        v.add("idle_lock_minutes", _("「自動ロックまでの時間(分)」は1〜120の数で入力してください。"))
    if not 1 <= int(settings.backup_keep) <= 365:
        v.add("backup_keep", _("「残すバックアップの数」は1〜365の数で入力してください。"))
    if any(d not in range(7) for d in settings.weekly_closed_days):
        v.add("weekly_closed_days", _("「定休日」の曜日が正しくありません。"))
    import re

    if not re.fullmatch(r"[A-Z0-9]{1,6}-?", settings.asset_tag_prefix or ""):
        v.add(
            "asset_tag_prefix",
            _("「管理番号の接頭辞」は半角の英大文字・数字1〜6文字(末尾に - 可)にしてください(例: KD-)。"),
        )
    if not 0 <= int(settings.dispatch_quota_per_organization) <= 50:
        v.add("dispatch_quota_per_organization", _("「団体ごとの年間派遣回数」は0〜50の数で入力してください。"))
    if not 0 <= int(settings.dispatch_travel_buffer_minutes) <= 480:
        v.add("dispatch_travel_buffer_minutes", _("「移動の余裕時間(分)」は0〜480の数で入力してください。"))
    if not 0 <= int(settings.lending_buffer_days) <= 14:
        v.add("lending_buffer_days", _("「貸出の間隔(日)」は0〜14の数で入力してください。"))
    v.raise_if_any()
    return replace(
        settings,
        center_name=settings.center_name.strip(),
        phone=normalize_phone(settings.phone) or "" if settings.phone else "",
        fax=normalize_phone(settings.fax) or "" if settings.fax else "",
        postal_code=normalize_postal_code(settings.postal_code) or "" if settings.postal_code else "",
        email=normalize_email(settings.email),
        weekly_closed_days=tuple(sorted(set(settings.weekly_closed_days))),
    )


@conflict_retrying
class SettingsService:
    def __init__(self, db: Database):
        self.db = db

    def get(self) -> CenterSettings:
        with self.db.read() as s:
            return _decode({row.key: row.value for row in s.scalars(select(Setting))})

    def update(self, actor: Actor, new: CenterSettings, *, loaded: CenterSettings | None = None) -> CenterSettings:
        """Save the fields *new* changes and return the settings as they now are.

        *loaded* is the copy the desk showed: only the fields that differ from it are written,
        so another desk's change to any other field survives.  A field this desk changed that
        another desk changed too since *loaded* was read is refused (:class:`SettingsConflict`
        names it).  Without *loaded* the fields that differ from the stored values are written.
        """
        require(actor, Permission.SETTINGS_EDIT)
        new = validate(new)
        with self.db.write() as s:
            current = self._locked_current(s)
            base = current if loaded is None else loaded
            changed = changed_fields(base, new)
            conflicts = [
                n for n in changed if getattr(current, n) != getattr(base, n) and getattr(current, n) != getattr(new, n)
            ]
            if conflicts:
                raise SettingsConflict(conflicts)
            writes = [n for n in changed if getattr(current, n) != getattr(new, n)]
            if not writes:
                return replace(current, **{n: getattr(new, n) for n in changed})
            data = asdict(new)
            for name in writes:
                value = json.dumps(
                    list(data[name]) if isinstance(data[name], tuple) else data[name], ensure_ascii=False
                )
                row = s.get(Setting, name)
                if row is None:
                    s.add(Setting(key=name, value=value, updated_by=actor.staff_id))
                else:
                    row.value, row.updated_by, row.updated_at = value, actor.staff_id, now()
            audit(s, actor, AuditAction.UPDATE, "setting", None, "fields=" + ",".join(writes))
            return replace(current, **{n: getattr(new, n) for n in changed})

    @staticmethod
    def _locked_current(s: Session) -> CenterSettings:
        """The stored settings, read after taking the settings' write lock: SQLite's BEGIN IMMEDIATE
        already holds it; PostgreSQL takes a transaction advisory lock (a key never saved has no row
        to lock), so two desks' saves of the settings run one after the other."""
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(hashtext('kyodo_desk.setting'))"))
        return _decode({row.key: row.value for row in s.scalars(select(Setting))})
