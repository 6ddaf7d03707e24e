"""Organizations (団体名簿) from a spreadsheet: a row whose 団体名 (folded: ｶﾅ = カナ, spaces ignored)
is already registered updates that organization; any other row is a new one.  Every row passes the
same checks as the 団体 form (services/organizations.validate) and the column limits of the write
session.  An empty cell never erases what is stored; an empty 種別 on a new row means その他."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kyodo_desk.db.models import Organization, now
from kyodo_desk.domain.enums import AuditAction, OrganizationKind
from kyodo_desk.domain.text import fold
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, audit
from kyodo_desk.services.imports.fields import SPECS
from kyodo_desk.services.imports.plan import (
    NEW,
    SAME,
    UPDATE,
    Mapping,
    Planned,
    Progress,
    RowValues,
    ValueMap,
    field_problems,
    tick,
)
from kyodo_desk.services.imports.reading import Table
from kyodo_desk.services.organizations import OrganizationInput, index_organization, validate

SPEC = SPECS["organizations"]
_TEXT_FIELDS = ("name", "name_kana", "representative_name", "contact_name", "phone", "email", "postal_code", "address")
_INPUT = [f.name for f in fields(OrganizationInput)]


def plan(session: Session, table: Table, mapping: Mapping, values: ValueMap, progress: Progress) -> list[Planned]:
    by_name: dict[str, list[Organization]] = {}
    for org in session.scalars(select(Organization)):
        by_name.setdefault(fold(org.name).replace(" ", ""), []).append(org)
    seen: dict[str, int] = {}
    out: list[Planned] = []
    total = len(table.rows)
    for i, row in enumerate(table.rows, start=1):
        tick(progress, i, total, _("行を確かめています…"))
        v = RowValues(SPEC, row, mapping, values)
        name = v.text("name")
        key = fold(name).replace(" ", "")
        kind = v.code("kind", OrganizationKind)
        matches = by_name.get(key, []) if key else []
        if key in seen:
            v.problems.append(_("団体名「{name}」は {row} 行目と同じです").format(name=name[:40], row=seen[key]))
        elif key:
            seen[key] = row.number
        if len(matches) > 1:
            v.problems.append(
                _("「{name}」という団体が {n} 件登録されています。団体の画面でどれか確かめてください").format(
                    name=name[:40], n=len(matches)
                )
            )
        found = matches[0] if len(matches) == 1 else None
        typed: dict[str, Any] = {f: v.text(f) for f in _TEXT_FIELDS}
        if found is None:
            if kind == "":
                v.notes.append(_("種別が空なので「その他」にします"))
            data = OrganizationInput(kind=kind or OrganizationKind.OTHER.value, notes=v.text("notes"), **typed)
        else:
            current = {n: getattr(found, n) for n in _INPUT}
            data = OrganizationInput(**current)
            data = replace(data, **{f: t for f, t in typed.items() if t}, kind=kind or found.kind)
            if v.text("notes"):
                data = replace(data, notes=v.text("notes"))
        clean = data
        try:
            clean = validate(data)
        except ValidationError as exc:
            v.problems.extend(exc.errors.values())
        else:
            v.problems.extend(field_problems(Organization(**{n: getattr(clean, n) for n in _INPUT})))
        summary = f"{clean.name}({OrganizationKind(clean.kind).label()})" if clean.kind else clean.name
        if found is None:
            preview = v.preview(NEW, name, summary)
        else:
            changed = any(getattr(found, n) != getattr(clean, n) for n in _INPUT)
            preview = v.preview(UPDATE if changed else SAME, name, summary)
        out.append(Planned(preview, clean, {"id": found.id if found else None}))
    return out


def write(session: Session, actor: Actor, planned: list[Planned], progress: Progress) -> tuple[int, int]:
    created = updated = 0
    rows = [p for p in planned if p.row.action in (NEW, UPDATE)]
    for i, p in enumerate(rows, start=1):
        tick(progress, i, len(rows), _("取り込んでいます…"))
        data: OrganizationInput = p.data
        if p.row.action == NEW:
            org = Organization(**{n: getattr(data, n) for n in _INPUT})
            session.add(org)
            created += 1
        else:
            org = session.get_one(Organization, p.extra["id"])
            for n in _INPUT:
                setattr(org, n, getattr(data, n))
            org.updated_at = now()
            updated += 1
        session.flush()
        index_organization(session, org)
    audit(session, actor, AuditAction.CREATE, "organization", None, f"import created={created} updated={updated}")
    return created, updated
