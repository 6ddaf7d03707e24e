"""The two-level consultation category list, per fiscal year (admins edit it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.consultation_models import ConsultationCategory
from kyodo_desk.db.engine import Database
from kyodo_desk.domain.consultation import DEFAULT_CATEGORIES
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, require
from kyodo_desk.services.conflict_retry import conflict_retrying


@dataclass(frozen=True)
class Category:
    id: int
    fiscal_year: int
    parent_id: int | None
    name: str
    sort_order: int
    active: bool
    parent_name: str = ""
    version: int = 0  # the row's version when read: rename() refuses a save over a newer one

    @property
    def full_name(self) -> str:
        return f"{self.parent_name} › {self.name}" if self.parent_name else self.name


def seed_year(session: Session, fiscal_year: int) -> None:
    """Give *fiscal_year* its list: a copy of the previous year's, else the defaults."""
    if session.scalar(
        select(func.count()).select_from(ConsultationCategory).where(ConsultationCategory.fiscal_year == fiscal_year)
    ):
        return
    previous = session.scalar(
        select(func.max(ConsultationCategory.fiscal_year)).where(ConsultationCategory.fiscal_year < fiscal_year)
    )
    if previous is not None:
        rows = session.scalars(
            select(ConsultationCategory)
            .where(ConsultationCategory.fiscal_year == previous, ConsultationCategory.active.is_(True))
            .order_by(ConsultationCategory.parent_id.is_not(None), ConsultationCategory.sort_order)
        ).all()
        mapping: dict[int, int] = {}
        for row in rows:
            if row.parent_id is None:
                new = ConsultationCategory(fiscal_year=fiscal_year, name=row.name, sort_order=row.sort_order)
                session.add(new)
                session.flush()
                mapping[row.id] = new.id
        for row in rows:
            if row.parent_id is not None and row.parent_id in mapping:
                session.add(
                    ConsultationCategory(
                        fiscal_year=fiscal_year,
                        parent_id=mapping[row.parent_id],
                        name=row.name,
                        sort_order=row.sort_order,
                    )
                )
        session.flush()
        return
    for i, (top, subs) in enumerate(DEFAULT_CATEGORIES):
        parent = ConsultationCategory(fiscal_year=fiscal_year, name=top, sort_order=i * 10)
        session.add(parent)
        session.flush()
        for j, sub in enumerate(subs):
            session.add(ConsultationCategory(fiscal_year=fiscal_year, parent_id=parent.id, name=sub, sort_order=j))
    session.flush()


@conflict_retrying
class CategoryService:
    def __init__(self, db: Database):
        self.db = db

    def for_year(self, fiscal_year: int, *, include_inactive: bool = False) -> list[Category]:
        """Top-level categories each followed by its children, in display order."""
        with self.db.read() as s:
            count = s.scalar(
                select(func.count())
                .select_from(ConsultationCategory)
                .where(ConsultationCategory.fiscal_year == fiscal_year)
            )
        if not count:
            with self.db.write() as s:
                seed_year(s, fiscal_year)
        with self.db.read() as s:
            stmt = select(ConsultationCategory).where(ConsultationCategory.fiscal_year == fiscal_year)
            if not include_inactive:
                stmt = stmt.where(ConsultationCategory.active.is_(True))
            rows = s.scalars(stmt.order_by(ConsultationCategory.sort_order, ConsultationCategory.id)).all()
        tops = [r for r in rows if r.parent_id is None]
        names = {r.id: r.name for r in tops}
        out: list[Category] = []
        for top in tops:
            out.append(
                Category(top.id, top.fiscal_year, None, top.name, top.sort_order, top.active, version=top.version)
            )
            out += [
                Category(r.id, r.fiscal_year, r.parent_id, r.name, r.sort_order, r.active, names[top.id], r.version)
                for r in rows
                if r.parent_id == top.id
            ]
        return out

    def add(self, actor: Actor, fiscal_year: int, name: str, parent_id: int | None = None) -> Category:
        require(actor, Permission.SETTINGS_EDIT)
        name = name.strip()
        if not name:
            raise ValidationError({"name": _("「分類名」を入力してください。")})
        with self.db.write() as s:
            seed_year(s, fiscal_year)
            exists = s.scalar(
                select(ConsultationCategory.id).where(
                    ConsultationCategory.fiscal_year == fiscal_year,
                    ConsultationCategory.parent_id.is_(parent_id)
                    if parent_id is None
                    else ConsultationCategory.parent_id == parent_id,
                    ConsultationCategory.name == name,
                )
            )
            if exists:
                raise ValidationError({"name": _("分類「{name}」はすでにあります。").format(name=name)})
            order = (
                s.scalar(
                    select(func.max(ConsultationCategory.sort_order)).where(
                        ConsultationCategory.fiscal_year == fiscal_year
                    )
                )
                or 0
            ) + 10
            row = ConsultationCategory(fiscal_year=fiscal_year, parent_id=parent_id, name=name, sort_order=order)
            s.add(row)
            s.flush()
            audit(s, actor, AuditAction.CREATE, "consultation_category", row.id)
            return Category(
                row.id, row.fiscal_year, row.parent_id, row.name, row.sort_order, row.active, version=row.version
            )

    def set_active(self, actor: Actor, category_id: int, active: bool) -> None:
        """Categories already used are never deleted, only hidden for new consultations."""
        require(actor, Permission.SETTINGS_EDIT)
        with self.db.write() as s:
            row = s.get(ConsultationCategory, category_id)
            if row is None:
                raise NotFound(_("分類が見つかりません。"))
            row.active = active
            audit(s, actor, AuditAction.UPDATE, "consultation_category", row.id, "fields=active")

    def rename(self, actor: Actor, category_id: int, name: str, expected_version: int | None = None) -> Category:
        """*expected_version*: the category's version the desk showed; when another desk renamed it
        (or hid it, or showed it again) since, the rename is refused (StaleEdit)."""
        require(actor, Permission.SETTINGS_EDIT)
        if not name.strip():
            raise ValidationError({"name": _("「分類名」を入力してください。")})
        try:
            with self.db.write() as s:
                row = s.get(ConsultationCategory, category_id)
                if row is None:
                    raise NotFound(_("分類が見つかりません。"))
                if expected_version is not None and row.version != expected_version:
                    raise StaleEdit(_("分類"))
                row.name = name.strip()
                s.flush()  # the UPDATE ... WHERE version=? (StaleDataError when another desk got there first)
                audit(s, actor, AuditAction.UPDATE, "consultation_category", row.id, "fields=name")
                parent = s.get(ConsultationCategory, row.parent_id) if row.parent_id is not None else None
                return Category(
                    row.id, row.fiscal_year, row.parent_id, row.name, row.sort_order, row.active,
                    parent.name if parent else "", row.version,
                )  # fmt: skip
        except StaleDataError as exc:
            raise StaleEdit(_("分類")) from exc
