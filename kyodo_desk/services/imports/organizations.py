"""Organizations (団体名簿) from a spreadsheet: a row whose 団体名 (folded: ｶﾅ = カナ, spaces ignored)
is already registered updates that organization; any other row is a new one.  Every row passes the
same checks as the 団体 form (services/organizations.validate) and the column limits of the write
session.  An empty cell never erases what is stored; an empty 種別 on a new row means その他."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kyodo_desk.db.models import Organization, SearchDocument, now
from kyodo_desk.db.search import with_phone_digits
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
from kyodo_desk.services.organizations import KIND, OrganizationInput, index_organization, organization_code, validate

SPEC = SPECS["organizations"]
_BATCH = 500  # new organizations per executemany
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
    """New organizations in bulk (one executemany INSERT … RETURNING id, then their search rows in
    one more), updates one by one — so a long 団体名簿 holds the write lock as briefly as it can."""
    new_rows = [p for p in planned if p.row.action == NEW]
    changed = [p for p in planned if p.row.action == UPDATE]
    total = len(new_rows) + len(changed)
    created = updated = 0
    for start in range(0, len(new_rows), _BATCH):
        chunk = [{n: getattr(p.data, n) for n in _INPUT} for p in new_rows[start : start + _BATCH]]
        ids = session.scalars(insert(Organization).returning(Organization.id, sort_by_parameter_order=True), chunk)
        session.execute(insert(SearchDocument), [_search_row(i, d) for i, d in zip(ids, chunk, strict=True)])
        created += len(chunk)
        tick(progress, created, total, _("取り込んでいます…"))
    for p in changed:
        data: OrganizationInput = p.data
        org = session.get_one(Organization, p.extra["id"])
        for n in _INPUT:
            setattr(org, n, getattr(data, n))
        org.updated_at = now()
        session.flush()
        index_organization(session, org)
        updated += 1
        tick(progress, created + updated, total, _("取り込んでいます…"))
    audit(session, actor, AuditAction.CREATE, "organization", None, f"import created={created} updated={updated}")
    return created, updated


def _search_row(org_id: int, d: dict[str, Any]) -> dict[str, Any]:
    """The search_document row :func:`index_organization` would write for a new organization."""
    title, subtitle, code = d["name"], OrganizationKind(d["kind"]).label(), organization_code(org_id)
    texts = (
        title,
        subtitle,
        code,
        d["name_kana"],
        d["representative_name"],
        d["contact_name"],
        d["address"],
        d["phone"],
    )
    body = with_phone_digits(" ".join(fold(t) for t in texts if t))
    return {"kind": KIND, "ref_id": org_id, "title": title, "subtitle": subtitle, "code": code, "text": body}
