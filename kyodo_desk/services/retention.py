"""Retention (保存期間): what personal data is older than the 「個人情報の保存年数」 setting, and
erasing it.

One period (years, from the center's settings) and one cutoff date (today minus that many years)
for everything the 個人情報ファイル簿 (:mod:`kyodo_desk.domain.personal_data`) promises:

* consultations received before the cutoff: their text is erased, statistics fields stay;
* loans returned before the cutoff: responsible person, phone and reminder notes erased;
* reservations that ended before the cutoff: contact name and phone erased;
* people last changed before the cutoff with no consultation since: the record is removed;
* audit rows older than the cutoff: free text in their details (reasons) erased;
* log files and backup files last written before the cutoff: deleted;
* and the search index forgets all of it (rows removed/rewritten; FTS5 segments merged).

:meth:`RetentionService.preview` counts without changing anything (``kyodo-desk retention
--dry-run``, the administrator's dialog, the home page's notice); :meth:`purge` does it in one
write transaction and writes one audit row with the counts.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from kyodo_desk.db import search as search_index
from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Loan, Reservation
from kyodo_desk.db.models import AuditLog, Person
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.services.appi import (
    LOAN_ERASED,
    erase_consultation_text,
    erase_loan_contacts,
    erase_reservation_contacts,
)
from kyodo_desk.services.base import Actor, audit, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.people import remove_person

log = logging.getLogger(__name__)

# Keys in audit details after which the rest of the detail is free text typed by staff.
FREE_TEXT_KEYS = ("reason=", "note=", "query=", "text=")
AUDIT_ERASED = "(消去)"
BACKUP_PATTERNS = ("*.db", "*.dump", "*.sql", "*.sql.gz", "*.backup")


def cutoff_for(today: dt.date, years: int) -> dt.date:
    """The first day that is kept: *today* minus *years* (29 February → 28 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


@dataclass(frozen=True)
class RetentionReport:
    """Counts of what is (preview) or was (purge) past the retention period."""

    years: int
    cutoff: dt.date
    consultations: int = 0
    loans: int = 0
    reservations: int = 0
    people: int = 0
    audit_details: int = 0
    log_files: tuple[Path, ...] = ()
    backup_files: tuple[Path, ...] = ()
    not_deleted: tuple[str, ...] = field(default=())  # files that could not be deleted, with why
    applied: bool = False

    @property
    def total(self) -> int:
        return (
            self.consultations
            + self.loans
            + self.reservations
            + self.people
            + self.audit_details
            + len(self.log_files)
            + len(self.backup_files)
        )

    @property
    def due(self) -> bool:
        return self.total > 0

    def lines(self) -> list[tuple[str, int]]:
        """(what, how many) in the order the administrator reads them."""
        return [
            (_("相談の文章(受付日が基準日より前)"), self.consultations),
            (_("貸出の責任者・電話・督促の記録(返却が基準日より前)"), self.loans),
            (_("予約の連絡先(予約期間の終わりが基準日より前)"), self.reservations),
            (_("相談者(個人)の記録(最後の相談・変更が基準日より前)"), self.people),
            (_("監査ログの自由記述(理由など)"), self.audit_details),
            (_("ログファイル"), len(self.log_files)),
            (_("バックアップファイル"), len(self.backup_files)),
        ]

    def short_summary(self) -> str:
        """「相談 3件、ログファイル 1件」 for the home page's notice."""
        short = (_("相談"), _("貸出"), _("予約"), _("個人"), _("監査ログ"), _("ログファイル"), _("バックアップ"))
        parts = [_("{what} {n}件").format(what=w, n=n) for w, (_label, n) in zip(short, self.lines(), strict=True) if n]
        return "、".join(parts) if parts else _("ありません")

    def summary(self) -> str:
        parts = [f"{label} {n}" for label, n in self.lines() if n]
        return "、".join(parts) if parts else _("ありません")


def _old_files(folder: Path | None, patterns: tuple[str, ...], before: dt.datetime) -> tuple[Path, ...]:
    if folder is None or not Path(folder).is_dir():
        return ()
    limit = before.timestamp()
    found = set()
    for pattern in patterns:
        for path in Path(folder).glob(pattern):
            try:
                if path.is_file() and path.stat().st_mtime < limit:
                    found.add(path)
            except OSError:
                continue
    return tuple(sorted(found))


def _erased_detail(detail: str) -> str:
    """*detail* with everything from the first free-text key on replaced by the erased marker."""
    positions = [detail.find(k) for k in FREE_TEXT_KEYS if k in detail]
    if not positions:
        return detail
    start = min(positions)
    key = detail[start:].split("=", 1)[0] + "="
    return detail[:start] + key + AUDIT_ERASED


@conflict_retrying
class RetentionService:
    def __init__(self, db: Database, settings):
        self.db = db
        self.settings = settings

    # ------------------------------------------------------------------ queries

    def _conditions(self, cutoff: dt.date):
        before = dt.datetime.combine(cutoff, dt.time())
        consultations = and_(Consultation.received_at < before, Consultation.anonymized_at.is_(None))
        loans = and_(
            Loan.status == "closed",
            Loan.closed_at < before,
            or_(Loan.responsible_name != LOAN_ERASED, Loan.contact_phone != ""),
        )
        reservations = and_(
            Reservation.end_on < cutoff, or_(Reservation.contact_name != "", Reservation.contact_phone != "")
        )
        recent = exists().where(Consultation.person_id == Person.id, Consultation.received_at >= before)
        people = and_(Person.updated_at < before, not_(recent))
        free_text = or_(*[AuditLog.detail.like(f"%{k}%") for k in FREE_TEXT_KEYS])
        already = or_(*[AuditLog.detail.like(f"%{k}{AUDIT_ERASED}") for k in FREE_TEXT_KEYS])
        audit_rows = and_(AuditLog.at < before, free_text, not_(already))
        return consultations, loans, reservations, people, audit_rows

    def _count(self, s: Session, model, condition) -> int:
        return int(s.scalar(select(func.count()).select_from(model).where(condition)) or 0)

    def years(self) -> int:
        return int(self.settings.get().retention_years)

    # ------------------------------------------------------------------ preview / purge

    def preview(
        self,
        actor: Actor,
        today: dt.date | None = None,
        *,
        log_dir: Path | None = None,
        backup_dir: Path | None = None,
    ) -> RetentionReport:
        """What a purge on *today* would erase (nothing is changed)."""
        require(actor, Permission.PRIVACY_REQUEST)
        years = self.years()
        cutoff = cutoff_for(today or dt.date.today(), years)
        before = dt.datetime.combine(cutoff, dt.time())
        c, lo, r, p, a = self._conditions(cutoff)
        with self.db.read() as s:
            return RetentionReport(
                years,
                cutoff,
                consultations=self._count(s, Consultation, c),
                loans=self._count(s, Loan, lo),
                reservations=self._count(s, Reservation, r),
                people=self._count(s, Person, p),
                audit_details=self._count(s, AuditLog, a),
                log_files=_old_files(log_dir, ("*.log", "*.log.*"), before),
                backup_files=self._backups(backup_dir, before),
            )

    def _backups(self, backup_dir: Path | None, before: dt.datetime) -> tuple[Path, ...]:
        """Backups taken before *before*: every kind (daily, manual, before-upgrade, before-restore,
        pg_dump), dated by the time in their name (db/backup_files.py names them), so copying a
        folder does not make old copies look new.  Files the program did not name are left alone."""
        if backup_dir is None or not Path(backup_dir).is_dir():
            return ()
        try:
            from kyodo_desk.db.backup_files import parse_backup_name
        except ImportError:  # pragma: no cover - older layout: file times
            return _old_files(backup_dir, BACKUP_PATTERNS, before)
        found = []
        for path in Path(backup_dir).iterdir():
            item = parse_backup_name(path)
            if item is not None and item.taken_at < before and path.is_file():
                found.append(path)
        return tuple(sorted(found))

    def purge(
        self,
        actor: Actor,
        today: dt.date | None = None,
        *,
        log_dir: Path | None = None,
        backup_dir: Path | None = None,
    ) -> RetentionReport:
        """Erase everything :meth:`preview` lists; returns what was erased."""
        require(actor, Permission.PRIVACY_REQUEST)
        years = self.years()
        cutoff = cutoff_for(today or dt.date.today(), years)
        before = dt.datetime.combine(cutoff, dt.time())
        c, lo, r, p, a = self._conditions(cutoff)
        with self.db.write() as s:
            n_consultations = erase_consultation_text(
                s, s.scalars(select(Consultation).where(c)).all(), _("(保存期間経過のため消去)")
            )
            n_loans = erase_loan_contacts(s, s.scalars(select(Loan).where(lo)).all())
            n_reservations = erase_reservation_contacts(s, s.scalars(select(Reservation).where(r)).all())
            people = s.scalars(select(Person).where(p)).all()
            for person in people:
                remove_person(s, person)
            audit_rows = s.scalars(select(AuditLog).where(a)).all()
            for row in audit_rows:
                row.detail = _erased_detail(row.detail)
            search_index.purge_erased_terms(s)
            counts = (n_consultations, n_loans, n_reservations, len(people), len(audit_rows))
            if any(counts):
                audit(
                    s,
                    actor,
                    AuditAction.DELETE,
                    "retention",
                    None,
                    "retention purge before={} consultations={} loans={} reservations={} people={} audit_details={}".format(
                        cutoff.isoformat(), *counts
                    ),
                )
        self._checkpoint()
        logs, log_failures = self._delete_files(_old_files(log_dir, ("*.log", "*.log.*"), before))
        backups, backup_failures = self._delete_backups(backup_dir, before)
        if logs or backups:
            with self.db.write() as s:
                audit(s, actor, AuditAction.DELETE, "retention", None, f"files logs={len(logs)} backups={len(backups)}")
        return RetentionReport(
            years,
            cutoff,
            *counts,
            log_files=logs,
            backup_files=backups,
            not_deleted=log_failures + backup_failures,
            applied=True,
        )

    def _delete_backups(self, backup_dir: Path | None, before: dt.datetime):
        paths = self._backups(backup_dir, before)
        done, failed = self._delete_files(paths)
        try:
            from kyodo_desk.config import database_side_files
        except ImportError:  # pragma: no cover
            return done, failed
        for path in done:  # a copied -wal/-shm beside an old backup goes with it
            self._delete_files(tuple(p for p in database_side_files(path) if p.exists()))
        return done, failed

    @staticmethod
    def _delete_files(paths: tuple[Path, ...]) -> tuple[tuple[Path, ...], tuple[str, ...]]:
        done, failed = [], []
        for path in paths:
            try:
                path.unlink()
                done.append(path)
            except FileNotFoundError:
                continue
            except OSError as exc:  # e.g. the log file this program has open, on Windows
                failed.append(f"{path.name}: {exc.strerror or exc}")
        return tuple(done), tuple(failed)

    def _checkpoint(self) -> None:
        """SQLite: copy the WAL into the database file and empty it, so no erased page stays in the -wal."""
        if not self.db.is_sqlite:
            return
        try:
            with self.db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:  # noqa: BLE001 - another desk reading: the next checkpoint does it
            log.info("wal checkpoint after retention purge postponed", exc_info=True)
