"""Programmes (事業区分) and their 部門: a list the administrator edits (part of ProjectService)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.engine import Database
from kyodo_desk.db.plan_models import ProjectDivision, ProjectProgramme
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.text import clean_keep_width
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, require
from kyodo_desk.services.project_records import Division, Programme


class ProgrammeMixin:
    db: Database

    def programmes(self, actor: Actor, *, include_inactive: bool = False) -> list[Programme]:
        """Programmes in display order, each with its 部門."""
        require(actor, Permission.PROJECT_VIEW)
        with self.db.read() as s:
            stmt = select(ProjectProgramme).order_by(ProjectProgramme.sort_order, ProjectProgramme.id)
            dstmt = select(ProjectDivision).order_by(ProjectDivision.sort_order, ProjectDivision.id)
            if not include_inactive:
                stmt = stmt.where(ProjectProgramme.active.is_(True))
                dstmt = dstmt.where(ProjectDivision.active.is_(True))
            divisions: dict[int, list[Division]] = {}
            for d in s.scalars(dstmt):
                divisions.setdefault(d.programme_id, []).append(
                    Division(d.id, d.programme_id, d.name, d.sort_order, d.active)
                )
            return [
                Programme(p.id, p.name, p.sort_order, p.active, p.version, tuple(divisions.get(p.id, ())))
                for p in s.scalars(stmt)
            ]

    def add_programme(self, actor: Actor, name: str) -> Programme:
        require(actor, Permission.PLAN_EDIT)
        name = _checked_name(name, "name", _("事業区分名"))
        with self.db.write() as s:
            if s.scalar(select(ProjectProgramme.id).where(ProjectProgramme.name == name)):
                raise ValidationError({"name": _("事業区分「{name}」はすでにあります。").format(name=name)})
            order = (s.scalar(select(func.max(ProjectProgramme.sort_order))) or 0) + 10
            row = ProjectProgramme(name=name, sort_order=order)
            s.add(row)
            s.flush()
            audit(s, actor, AuditAction.CREATE, "project_programme", row.id)
            return Programme(row.id, row.name, row.sort_order, row.active, row.version)

    def update_programme(self, actor: Actor, programme_id: int, expected_version: int, name: str, active: bool) -> None:
        """Rename or retire a programme (projects keep theirs; a retired one is not offered)."""
        require(actor, Permission.PLAN_EDIT)
        name = _checked_name(name, "name", _("事業区分名"))
        try:
            with self.db.write() as s:
                row = s.get(ProjectProgramme, programme_id)
                if row is None:
                    raise NotFound(_("事業区分が見つかりません。"))
                if row.version != expected_version:
                    raise StaleEdit(_("事業区分"))
                clash = s.scalar(
                    select(ProjectProgramme.id).where(ProjectProgramme.name == name, ProjectProgramme.id != row.id)
                )
                if clash:
                    raise ValidationError({"name": _("事業区分「{name}」はすでにあります。").format(name=name)})
                row.name, row.active = name, active
                audit(s, actor, AuditAction.UPDATE, "project_programme", row.id, "fields=name,active")
        except StaleDataError as exc:
            raise StaleEdit(_("事業区分")) from exc

    def add_division(self, actor: Actor, programme_id: int, name: str) -> Division:
        require(actor, Permission.PLAN_EDIT)
        name = _checked_name(name, "division", _("部門名"))
        with self.db.write() as s:
            if s.get(ProjectProgramme, programme_id) is None:
                raise NotFound(_("事業区分が見つかりません。"))
            clash = s.scalar(
                select(ProjectDivision.id).where(
                    ProjectDivision.programme_id == programme_id, ProjectDivision.name == name
                )
            )
            if clash:
                raise ValidationError({"division": _("部門「{name}」はすでにあります。").format(name=name)})
            order = (
                s.scalar(
                    select(func.max(ProjectDivision.sort_order)).where(ProjectDivision.programme_id == programme_id)
                )
                or 0
            ) + 10
            row = ProjectDivision(programme_id=programme_id, name=name, sort_order=order)
            s.add(row)
            s.flush()
            audit(s, actor, AuditAction.CREATE, "project_division", row.id)
            return Division(row.id, row.programme_id, row.name, row.sort_order, row.active)

    def set_division_active(self, actor: Actor, division_id: int, active: bool) -> None:
        require(actor, Permission.PLAN_EDIT)
        with self.db.write() as s:
            row = s.get(ProjectDivision, division_id)
            if row is None:
                raise NotFound(_("部門が見つかりません。"))
            row.active = active
            audit(s, actor, AuditAction.UPDATE, "project_division", row.id, "fields=active")


def _checked_name(name: str, field: str, label: str) -> str:
    clean = clean_keep_width(name)
    if not clean:
        raise ValidationError({field: _("「{label}」を入力してください。").format(label=label)})
    if len(clean) > 100:
        raise ValidationError({field: _("「{label}」は100文字以内で入力してください。").format(label=label)})
    return clean
