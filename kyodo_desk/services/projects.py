"""Partnership projects (パートナーシップ事業): the list, the editor's save, programmes and their 部門,
and the count per fiscal year behind the plan's target 3 (多様な担い手とのパートナーシップ事業数)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db import search as search_index
from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.dispatch_models import DispatchApplication
from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Organization, now
from kyodo_desk.db.plan_models import (
    Project,
    ProjectDivision,
    ProjectProgramme,
    project_consultation,
    project_dispatch,
    project_partner,
)
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.projects import COUNTED_STATUSES
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, no_permission_needed, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.consultations import next_reference_for
from kyodo_desk.services.project_programmes import ProgrammeMixin
from kyodo_desk.services.project_records import (
    KIND,
    PREFIX,
    LinkedRecord,
    Partner,
    ProjectFilter,
    ProjectInput,
    ProjectRecord,
    ProjectRow,
    validate,
)

_FIELDS = (
    "name",
    "fiscal_year",
    "programme_id",
    "division_id",
    "status",
    "amount",
    "starts_on",
    "ends_on",
    "summary",
    "review_done",
    "review_participants",
    "review_evaluation",
    "reviewed_on",
)


def count_projects(session: Session, fiscal_years: Iterable[int]) -> dict[int, int]:
    """Projects of each fiscal year done in partnership (every status but 中止); 0 for a year without."""
    years = sorted({int(y) for y in fiscal_years})
    out = dict.fromkeys(years, 0)
    if not years:
        return out
    rows = session.execute(
        select(Project.fiscal_year, func.count())
        .where(Project.fiscal_year.in_(years), Project.status.in_([str(s) for s in COUNTED_STATUSES]))
        .group_by(Project.fiscal_year)
    ).all()
    out.update({int(fy): int(n) for fy, n in rows})
    return out


@conflict_retrying
class ProjectService(ProgrammeMixin):
    def __init__(self, db: Database):
        self.db = db

    # ---- counts ---------------------------------------------------------------------
    @no_permission_needed("the number of partnership projects per fiscal year: the plan's published target 3")
    def count_by_fiscal_year(self, fiscal_years: Iterable[int]) -> dict[int, int]:
        with self.db.read() as s:
            return count_projects(s, fiscal_years)

    # ---- the list -------------------------------------------------------------------
    def _filtered(self, flt: ProjectFilter) -> Select:
        stmt = select(Project)
        if flt.fiscal_year:
            stmt = stmt.where(Project.fiscal_year == flt.fiscal_year)
        if flt.programme_id:
            stmt = stmt.where(Project.programme_id == flt.programme_id)
        if flt.status:
            stmt = stmt.where(Project.status == flt.status)
        if flt.text.strip():
            ids = search_index.matching_refs(self.db.engine.dialect.name, KIND, flt.text)
            stmt = stmt.where(or_(Project.id.in_(ids), Project.reference == flt.text.strip().upper()))
        return stmt

    def count(self, actor: Actor, flt: ProjectFilter = ProjectFilter()) -> int:
        require(actor, Permission.PROJECT_VIEW)
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(self._filtered(flt).subquery())) or 0

    def page(
        self, actor: Actor, flt: ProjectFilter = ProjectFilter(), *, offset: int = 0, limit: int = 200
    ) -> list[ProjectRow]:
        """One page, newest fiscal year first, then by reference."""
        require(actor, Permission.PROJECT_VIEW)
        with self.db.read() as s:
            rows = s.scalars(
                self._filtered(flt)
                .order_by(Project.fiscal_year.desc(), Project.reference.desc())
                .offset(offset)
                .limit(limit)
            ).all()
            ids = [r.id for r in rows]
            programmes = dict(s.execute(select(ProjectProgramme.id, ProjectProgramme.name)).all())
            divisions = dict(s.execute(select(ProjectDivision.id, ProjectDivision.name)).all())
            partners: dict[int, list[str]] = {}
            if ids:
                for pid, name in s.execute(
                    select(project_partner.c.project_id, Organization.name)
                    .join(Organization, Organization.id == project_partner.c.organization_id)
                    .where(project_partner.c.project_id.in_(ids))
                    .order_by(Organization.name_kana, Organization.id)
                ):
                    partners.setdefault(pid, []).append(name)
            return [
                ProjectRow(
                    id=r.id,
                    reference=r.reference,
                    name=r.name,
                    fiscal_year=r.fiscal_year,
                    programme=programmes.get(r.programme_id, "") if r.programme_id else "",
                    division=divisions.get(r.division_id, "") if r.division_id else "",
                    status=r.status,
                    amount=r.amount,
                    starts_on=r.starts_on,
                    ends_on=r.ends_on,
                    partners="、".join(partners.get(r.id, []) + [d for d in r.city_departments.splitlines() if d]),
                )
                for r in rows
            ]

    def fiscal_years(self, actor: Actor) -> list[int]:
        """The fiscal years that have projects, newest first (for the list's filter)."""
        require(actor, Permission.PROJECT_VIEW)
        with self.db.read() as s:
            return [
                int(y) for y in s.scalars(select(Project.fiscal_year).distinct().order_by(Project.fiscal_year.desc()))
            ]

    def get(self, actor: Actor, project_id: int) -> ProjectRecord:
        require(actor, Permission.PROJECT_VIEW)
        with self.db.read() as s:
            return self._record(s, self._row(s, project_id))

    # ---- writing --------------------------------------------------------------------
    def create(self, actor: Actor, data: ProjectInput) -> ProjectRecord:
        require(actor, Permission.PROJECT_EDIT)
        clean = validate(data)
        with self.db.write() as s:
            links = self._check_references(s, clean)
            row = Project(**{f: getattr(clean, f) for f in _FIELDS})
            row.city_departments = "\n".join(clean.city_departments)
            row.reference = next_reference_for(s, PREFIX, _fy_start(clean.fiscal_year))
            row.created_by = actor.staff_id
            s.add(row)
            s.flush()
            self._write_links(s, row.id, clean, links)
            _index(s, row)
            audit(s, actor, AuditAction.CREATE, KIND, row.id)
            s.flush()
            return self._record(s, row)

    def update(self, actor: Actor, project_id: int, expected_version: int, data: ProjectInput) -> ProjectRecord:
        """Save an edit of the version loaded; refuse when another desk saved since (input kept)."""
        require(actor, Permission.PROJECT_EDIT)
        clean = validate(data)
        try:
            with self.db.write() as s:
                row = self._row(s, project_id)
                if row.version != expected_version:
                    raise StaleEdit(_("パートナーシップ事業"))
                links = self._check_references(s, clean)
                before = self._record(s, row).as_input()
                changed = [f for f in _FIELDS if getattr(before, f) != getattr(clean, f)]
                changed += [
                    f
                    for f in ("partner_ids", "city_departments", "consultation_refs", "dispatch_refs")
                    if set(getattr(before, f)) != set(getattr(clean, f))
                ]
                if not changed:
                    return self._record(s, row)
                for f in _FIELDS:
                    setattr(row, f, getattr(clean, f))
                row.city_departments = "\n".join(clean.city_departments)
                row.updated_at = now()
                flag_modified(row, "updated_at")  # an UPDATE (and a new version) even when only links changed
                s.flush()
                self._write_links(s, row.id, clean, links)
                _index(s, row)
                audit(s, actor, AuditAction.UPDATE, KIND, row.id, "fields=" + ",".join(changed))
                s.flush()
                return self._record(s, row)
        except StaleDataError as exc:
            raise StaleEdit(_("パートナーシップ事業")) from exc

    # ---- helpers --------------------------------------------------------------------
    def _row(self, s: Session, project_id: int) -> Project:
        row = s.get(Project, project_id)
        if row is None:
            raise NotFound(_("パートナーシップ事業が見つかりません。削除された可能性があります。"))
        return row

    def _check_references(self, s: Session, data: ProjectInput) -> tuple[list[int], list[int]]:
        errors: dict[str, str] = {}
        if data.programme_id is not None and s.get(ProjectProgramme, data.programme_id) is None:
            errors["programme_id"] = _("「事業区分」を一覧から選び直してください。")
        if data.division_id is not None:
            div = s.get(ProjectDivision, data.division_id)
            if div is None or div.programme_id != data.programme_id:
                errors["division_id"] = _("「部門」は選んだ事業区分の部門から選んでください。")
        if data.partner_ids:
            found = set(s.scalars(select(Organization.id).where(Organization.id.in_(data.partner_ids))))
            if found != set(data.partner_ids):
                errors["partners"] = _("「協働の相手」に見つからない団体があります。選び直してください。")
        consultations = _resolve(s, Consultation, data.consultation_refs)
        missing = [r for r in data.consultation_refs if r not in consultations]
        if missing:
            errors["consultation_refs"] = _(
                "「関連する相談」の受付番号 {refs} が見つかりません(例: S2025-00001)。"
            ).format(refs="、".join(missing))
        dispatches = _resolve(s, DispatchApplication, data.dispatch_refs)
        missing = [r for r in data.dispatch_refs if r not in dispatches]
        if missing:
            errors["dispatch_refs"] = _("「関連する派遣」の申請番号 {refs} が見つかりません(例: D2025-00001)。").format(
                refs="、".join(missing)
            )
        if errors:
            raise ValidationError(errors)
        return list(consultations.values()), list(dispatches.values())

    def _write_links(self, s: Session, project_id: int, data: ProjectInput, links: tuple[list[int], list[int]]) -> None:
        for table, column, ids in (
            (project_partner, "organization_id", list(data.partner_ids)),
            (project_consultation, "consultation_id", links[0]),
            (project_dispatch, "dispatch_id", links[1]),
        ):
            s.execute(delete(table).where(table.c.project_id == project_id))
            if ids:
                s.execute(insert(table), [{"project_id": project_id, column: i} for i in ids])

    def _record(self, s: Session, row: Project) -> ProjectRecord:
        partners = tuple(
            Partner(i, n, k)
            for i, n, k in s.execute(
                select(Organization.id, Organization.name, Organization.kind)
                .join(project_partner, project_partner.c.organization_id == Organization.id)
                .where(project_partner.c.project_id == row.id)
                .order_by(Organization.name_kana, Organization.id)
            )
        )
        consultations = tuple(
            LinkedRecord(i, ref, title)
            for i, ref, title in s.execute(
                select(Consultation.id, Consultation.reference, Consultation.summary)
                .join(project_consultation, project_consultation.c.consultation_id == Consultation.id)
                .where(project_consultation.c.project_id == row.id)
                .order_by(Consultation.reference)
            )
        )
        dispatches = tuple(
            LinkedRecord(i, ref, title)
            for i, ref, title in s.execute(
                select(DispatchApplication.id, DispatchApplication.reference, DispatchApplication.topic)
                .join(project_dispatch, project_dispatch.c.dispatch_id == DispatchApplication.id)
                .where(project_dispatch.c.project_id == row.id)
                .order_by(DispatchApplication.reference)
            )
        )
        return ProjectRecord(
            id=row.id,
            reference=row.reference,
            version=row.version,
            name=row.name,
            fiscal_year=row.fiscal_year,
            programme_id=row.programme_id,
            division_id=row.division_id,
            status=row.status,
            amount=row.amount,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            partners=partners,
            city_departments=tuple(d for d in row.city_departments.splitlines() if d),
            summary=row.summary,
            review_done=row.review_done,
            review_participants=row.review_participants,
            review_evaluation=row.review_evaluation,
            reviewed_on=row.reviewed_on,
            consultations=consultations,
            dispatches=dispatches,
        )


def _fy_start(fiscal_year: int) -> dt.date:
    return dt.date(fiscal_year, 4, 1)


def _resolve(s: Session, model, refs: tuple[str, ...]) -> dict[str, int]:
    if not refs:
        return {}
    return {ref: i for i, ref in s.execute(select(model.id, model.reference).where(model.reference.in_(refs)))}


def _index(s: Session, row: Project) -> None:
    search_index.index_document(
        s,
        KIND,
        row.id,
        title=row.name,
        subtitle=_("{fy}年度 パートナーシップ事業").format(fy=row.fiscal_year),
        code=row.reference,
        texts=(row.summary, row.city_departments),
    )
