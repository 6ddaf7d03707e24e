"""貸出記録: every loan, newest first, filtered by the search box's words and by open/returned —
the list 「すべて表示」 opens for the 貸出 kind.  Mixed into :class:`kyodo_desk.services.loans.LoanService`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from kyodo_desk.db import search as search_index
from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Loan
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.services.base import Actor, audit_shown, require
from kyodo_desk.services.loan_records import LoanRecord, _loan_records

KIND = "loan"
LOAN_STATES = ("open", "closed")  # 貸出中, 返却済み (Loan.status)


@dataclass(frozen=True)
class LoanFilter:
    text: str = ""  # the search box's words: the loans the full-text index finds for them
    status: str | None = None  # "open" / "closed" / None (all)


class LoanListMixin:
    db: Database

    def _list_statement(self, flt: LoanFilter) -> Select:
        stmt = select(Loan)
        if flt.status in LOAN_STATES:
            stmt = stmt.where(Loan.status == flt.status)
        if flt.text.strip():
            ids = search_index.matching_refs(self.db.engine.dialect.name, KIND, flt.text)
            stmt = stmt.where(Loan.id.in_(ids))
        return stmt

    def count_loans(self, actor: Actor, flt: LoanFilter = LoanFilter()) -> int:
        """How many loans :meth:`page_loans` pages through for *flt*."""
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            ids = self._list_statement(flt).with_only_columns(Loan.id)  # counted by id: no row is read whole
            return int(s.scalar(select(func.count()).select_from(ids.subquery())) or 0)

    def page_loans(
        self, actor: Actor, flt: LoanFilter = LoanFilter(), *, offset: int = 0, limit: int = 100
    ) -> list[LoanRecord]:
        """One page of the list, newest first (lent at, then id: pages never overlap)."""
        require(actor, Permission.LENDING_OPERATE)
        stmt = (
            self._list_statement(flt).order_by(Loan.out_at.desc(), Loan.id.desc()).offset(max(0, offset)).limit(limit)
        )
        with self.db.read() as s:
            records = _loan_records(s, list(s.scalars(stmt)))
        audit_shown(self.db, actor, AuditAction.LIST, KIND, [r.id for r in records], "list")
        return records
