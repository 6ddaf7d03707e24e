"""Retention (APPI) for consultations alone: erase the personal text of those received more than
the retention period ago.  The erasing itself is :func:`kyodo_desk.services.appi.erase_consultation_text`,
the same one the full retention run (services/retention.py) and an erasure request use."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, audit, require
from kyodo_desk.services.consultation_records import KIND, ServiceBase


class ConsultationRetention(ServiceBase):
    def purge_expired(self, actor: Actor, today: dt.date, retention_years: int) -> int:
        """Erase personal text of consultations received more than *retention_years* ago.

        Channel, requester type, categories, dates, counts, referral targets and outcomes stay, so
        past statistics do not change.  Returns how many consultations were anonymised."""
        # imported here: services.appi imports services.loans, which imports services.consultations
        from kyodo_desk.services.appi import erase_consultation_text

        require(actor, Permission.SETTINGS_EDIT)
        try:
            cutoff = today.replace(year=today.year - retention_years)
        except ValueError:  # 29 February
            cutoff = today.replace(year=today.year - retention_years, day=28)
        with self.db.write() as s:
            rows = s.scalars(
                select(Consultation).where(
                    Consultation.received_at < dt.datetime.combine(cutoff, dt.time()),
                    Consultation.anonymized_at.is_(None),
                )
            ).all()
            n = erase_consultation_text(s, rows, _("(保存期間経過のため消去)"))
            if n:
                audit(
                    s,
                    actor,
                    AuditAction.DELETE,
                    KIND,
                    None,
                    f"retention purge count={n} before={cutoff.isoformat()}",
                )
            return n
