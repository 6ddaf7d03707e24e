"""Reading the audit trail (administrators only): filters, pages for the lazy list, CSV export.

A row says who (a staff member, or a batch command's named system actor), when, what kind of
action, which kind of record and which ids — never the personal values.  A list, search or export
row carries the ids it showed in ``record_ids`` (",12,15,"), so "who saw record 12?" finds the
pages that showed it as well as the times it was opened.  Exporting the trail is itself audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Select, func, or_, select

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import AuditLog, Staff
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import N_, _
from kyodo_desk.services.base import Actor, audit_shown, batch_label, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.csv_export import safe_cell

SYSTEM_STAFF = -1  # AuditFilter.staff_id for rows of the system and batch commands (no staff member)
EXPORT_BATCH = 2000

ACTION_LABELS: dict[str, str] = {
    "create": N_("登録"),
    "update": N_("変更"),
    "delete": N_("削除"),
    "view": N_("閲覧"),
    "list": N_("一覧表示"),
    "search": N_("検索"),
    "export": N_("ファイルに保存"),
    "print": N_("印刷"),
    "login": N_("サインイン"),
    "login_failed": N_("サインイン失敗"),
    "lockout": N_("アカウントのロック"),
    "password": N_("パスワードの設定"),
    "logout": N_("サインアウト"),
    "override": N_("例外の承認"),
}

ENTITY_LABELS: dict[str, str] = {
    "organization": N_("団体"),
    "person": N_("個人"),
    "consultation": N_("相談"),
    "consultation_case": N_("相談の案件"),
    "consultation_category": N_("相談分類"),
    "loan": N_("貸出"),
    "reservation": N_("予約"),
    "device": N_("機器"),
    "device_model": N_("機種"),
    "advisor": N_("アドバイザー"),
    "dispatch": N_("派遣申請"),
    "staff": N_("スタッフ"),
    "setting": N_("設定"),
    "closed_day": N_("休館日"),
    "label": N_("ラベル"),
    "label_template": N_("ラベル用紙"),
    "document": N_("印刷物"),
    "search": N_("検索(該当なし)"),
    "audit_log": N_("監査ログ"),
    "database": N_("データベース"),
}


def action_label(action: str) -> str:
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def entity_label(entity: str) -> str:
    return _(ENTITY_LABELS[entity]) if entity in ENTITY_LABELS else entity


@dataclass(frozen=True)
class AuditFilter:
    staff_id: int | None = None  # SYSTEM_STAFF: the system and batch commands
    action: str | None = None
    entity: str | None = None
    record_id: int | None = None  # opened, changed, or shown in a list/search/export
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive

    def describe(self) -> str:
        """The filter for the export's own audit row (codes and ids only)."""
        parts = [
            f"{k}={v}"
            for k, v in (
                ("staff", self.staff_id),
                ("action", self.action),
                ("entity", self.entity),
                ("record", self.record_id),
                ("from", self.date_from),
                ("to", self.date_to),
            )
            if v is not None
        ]
        return " ".join(parts)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    staff_name: str  # the staff member, or the batch command's label, or システム
    action: str
    entity: str
    entity_id: int | None
    detail: str
    staff_id: int | None = None
    login_name: str = ""
    record_ids: tuple[int, ...] = ()

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def entity_label(self) -> str:
        return entity_label(self.entity)

    @property
    def records_text(self) -> str:
        """The record opened or changed, or the ids a list showed (shortened)."""
        if self.entity_id is not None and not self.record_ids:
            return str(self.entity_id)
        shown = ", ".join(map(str, self.record_ids[:12]))
        if len(self.record_ids) > 12:
            shown += _(" …ほか{n}件").format(n=len(self.record_ids) - 12)
        if self.entity_id is not None:
            return f"{self.entity_id}: {shown}"
        return shown


CSV_HEADERS = [
    N_("番号"),
    N_("日時"),
    N_("操作した人"),
    N_("ログイン名"),
    N_("操作"),
    N_("記録の種類"),
    N_("記録番号"),
    N_("表示した記録の番号"),
    N_("詳細"),
]


def _who(staff_id: int | None, display_name: str | None, actor: str) -> str:
    if staff_id is not None:
        return display_name or _("(削除されたスタッフ {id})").format(id=staff_id)
    return batch_label(actor) if actor else _("システム")


def _parse_ids(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.strip(",").split(",") if x.isdigit())


@conflict_retrying
class AuditService:
    def __init__(self, db: Database):
        self.db = db

    # ---- queries --------------------------------------------------------------------------
    def _filtered(self, flt: AuditFilter) -> Select:
        a = AuditLog
        stmt = select(a, Staff.display_name, Staff.login_name).outerjoin(Staff, Staff.id == a.staff_id)
        if flt.staff_id == SYSTEM_STAFF:
            stmt = stmt.where(a.staff_id.is_(None))
        elif flt.staff_id is not None:
            stmt = stmt.where(a.staff_id == flt.staff_id)
        if flt.action:
            stmt = stmt.where(a.action == flt.action)
        if flt.entity:
            stmt = stmt.where(a.entity == flt.entity)
        if flt.record_id is not None:
            rid = int(flt.record_id)
            stmt = stmt.where(or_(a.entity_id == rid, a.record_ids.like(f"%,{rid},%")))
        if flt.date_from:
            stmt = stmt.where(a.at >= dt.datetime.combine(flt.date_from, dt.time()))
        if flt.date_to:
            stmt = stmt.where(a.at < dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time()))
        return stmt

    @staticmethod
    def _entry(row: AuditLog, name: str | None, login: str | None) -> AuditEntry:
        return AuditEntry(
            row.id,
            row.at,
            _who(row.staff_id, name, row.actor),
            row.action,
            row.entity,
            row.entity_id,
            row.detail,
            row.staff_id,
            login or (row.actor if row.staff_id is None else ""),
            _parse_ids(row.record_ids),
        )

    def count(self, actor: Actor, flt: AuditFilter = AuditFilter()) -> int:
        require(actor, Permission.AUDIT_VIEW)
        stmt = self._filtered(flt).with_only_columns(func.count(AuditLog.id)).order_by(None)
        with self.db.read() as s:
            return int(s.scalar(stmt) or 0)

    def page(
        self, actor: Actor, flt: AuditFilter = AuditFilter(), *, offset: int = 0, limit: int = 200
    ) -> list[AuditEntry]:
        """Newest first; the 監査ログ screen pages through it lazily.  Reading the trail is not
        itself recorded row by row (it holds no personal values); exporting it is."""
        require(actor, Permission.AUDIT_VIEW)
        stmt = self._filtered(flt).order_by(AuditLog.id.desc()).offset(offset).limit(limit)
        with self.db.read() as s:
            return [self._entry(a, name, login) for a, name, login in s.execute(stmt)]

    def recent(
        self, actor: Actor, *, entity: str | None = None, entity_id: int | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        return self.page(actor, AuditFilter(entity=entity, record_id=entity_id), limit=limit)

    def entities(self, actor: Actor) -> list[str]:
        """The kinds of record that appear in the trail (for the filter's choices)."""
        require(actor, Permission.AUDIT_VIEW)
        with self.db.read() as s:
            found = set(s.scalars(select(AuditLog.entity).distinct()))
        known = [e for e in ENTITY_LABELS if e in found]
        return known + sorted(found - set(known))

    def actions(self, actor: Actor) -> list[str]:
        require(actor, Permission.AUDIT_VIEW)
        with self.db.read() as s:
            found = set(s.scalars(select(AuditLog.action).distinct()))
        known = [a for a in ACTION_LABELS if a in found]
        return known + sorted(found - set(known))

    # ---- export ---------------------------------------------------------------------------
    def export_csv(
        self,
        actor: Actor,
        path: Path,
        flt: AuditFilter = AuditFilter(),
        *,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> int:
        """Write the filtered trail, oldest first, to *path* (UTF-8 with BOM for Excel, CRLF,
        formula-safe cells) and record the export; returns the number of rows written."""
        require(actor, Permission.AUDIT_VIEW)
        path = Path(path)
        total = self.count(actor, flt)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        written = 0
        try:
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                if os.name == "posix":
                    os.chmod(tmp, 0o600)  # who looked at what: owner-only, like the database
                out = csv.writer(fh, lineterminator="\r\n")
                out.writerow([_(h) for h in CSV_HEADERS])
                last_id = 0
                while True:  # keyset pages: a long trail is never held in memory at once
                    stmt = self._filtered(flt).where(AuditLog.id > last_id).order_by(AuditLog.id).limit(EXPORT_BATCH)
                    with self.db.read() as s:
                        batch = [self._entry(a, n, lg) for a, n, lg in s.execute(stmt)]
                    if not batch:
                        break
                    for e in batch:
                        out.writerow(
                            safe_cell(v)
                            for v in (
                                e.id,
                                f"{e.at:%Y/%m/%d %H:%M:%S}",
                                e.staff_name,
                                e.login_name,
                                e.action_label,
                                e.entity_label,
                                "" if e.entity_id is None else e.entity_id,
                                " ".join(map(str, e.record_ids)),
                                e.detail,
                            )
                        )
                    written += len(batch)
                    last_id = batch[-1].id
                    if progress:
                        progress(written, max(total, written), _("CSVを保存しています…"))
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        audit_shown(self.db, actor, AuditAction.EXPORT, "audit_log", [], f"csv rows={written} {flt.describe()}".strip())
        return written
