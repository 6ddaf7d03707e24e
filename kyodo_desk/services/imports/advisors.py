"""The advisor roster from a spreadsheet: a row whose 氏名 (folded) is already on the roster updates
that advisor, any other row adds one.  分野 and 派遣の種類 may hold several values (会計・広報);
each is matched like any coded value.  The checks are the advisor form's (services/advisors); an
empty cell never erases what is stored; an empty 派遣の種類 on a new row means アドバイザー派遣."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kyodo_desk.db.dispatch_models import Advisor
from kyodo_desk.domain.dispatch import DispatchType, Field
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.text import fold
from kyodo_desk.domain.validation import ValidationError, normalize_phone
from kyodo_desk.i18n import _
from kyodo_desk.services.advisors import AdvisorInput, index_advisor, validate_advisor
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

SPEC = SPECS["advisors"]
_COLUMNS = ("name", "name_kana", "phone", "email", "notes")


def _stored(data: AdvisorInput) -> dict[str, str]:
    return {
        "name": data.name.strip(),
        "name_kana": data.name_kana.strip(),
        "fields": ",".join(data.fields),
        "dispatch_types": ",".join(data.dispatch_types),
        "phone": (normalize_phone(data.phone) or "") if data.phone else "",
        "email": data.email.strip(),
        "notes": data.notes.strip(),
    }


def plan(session: Session, table: Table, mapping: Mapping, values: ValueMap, progress: Progress) -> list[Planned]:
    by_name: dict[str, list[Advisor]] = {}
    for adv in session.scalars(select(Advisor)):
        by_name.setdefault(fold(adv.name).replace(" ", ""), []).append(adv)
    seen: dict[str, int] = {}
    out: list[Planned] = []
    total = len(table.rows)
    for i, row in enumerate(table.rows, start=1):
        tick(progress, i, total, _("行を確かめています…"))
        v = RowValues(SPEC, row, mapping, values)
        name = v.text("name")
        key = fold(name).replace(" ", "")
        matches = by_name.get(key, []) if key else []
        if key in seen:
            v.problems.append(_("氏名「{name}」は {row} 行目と同じです").format(name=name[:40], row=seen[key]))
        elif key:
            seen[key] = row.number
        if len(matches) > 1:
            v.problems.append(
                _("「{name}」というアドバイザーが {n} 人登録されています。画面で確かめてください").format(
                    name=name[:40], n=len(matches)
                )
            )
        found = matches[0] if len(matches) == 1 else None
        field_codes = v.codes("fields", Field) or ()
        types = v.codes("dispatch_types", DispatchType) or ()
        typed: dict[str, Any] = {c: v.text(c) for c in _COLUMNS}
        if found is None:
            data = AdvisorInput(**typed, fields=field_codes, dispatch_types=types or (DispatchType.ADVISOR.value,))
        else:
            data = AdvisorInput(
                name=found.name,
                name_kana=found.name_kana,
                fields=tuple(f for f in found.fields.split(",") if f),
                dispatch_types=tuple(t for t in found.dispatch_types.split(",") if t),
                phone=found.phone,
                email=found.email,
                fee=found.fee,
                travel_cost=found.travel_cost,
                active=found.active,
                notes=found.notes,
            )
            data = replace(data, **{c: t for c, t in typed.items() if t})
            if field_codes:
                data = replace(data, fields=field_codes)
            if types:
                data = replace(data, dispatch_types=types)
        stored: dict[str, str] = {}
        try:
            validate_advisor(data)
            stored = _stored(data)
        except ValidationError as exc:
            if not v.problems:  # an unknown 分野 already says what is wrong
                v.problems.extend(exc.errors.values())
        else:
            v.problems.extend(field_problems(Advisor(**stored)))
        summary = f"{data.name}({'・'.join(Field(f).label() for f in data.fields)})"
        if found is None:
            preview = v.preview(NEW, name, summary)
        else:
            changed = any(getattr(found, c) != stored.get(c, getattr(found, c)) for c in stored)
            preview = v.preview(UPDATE if changed else SAME, name, summary)
        out.append(Planned(preview, stored, {"id": found.id if found else None}))
    return out


def write(session: Session, actor: Actor, planned: list[Planned], progress: Progress) -> tuple[int, int]:
    created = updated = 0
    rows = [p for p in planned if p.row.action in (NEW, UPDATE)]
    for i, p in enumerate(rows, start=1):
        tick(progress, i, len(rows), _("取り込んでいます…"))
        if p.row.action == NEW:
            adv = Advisor(**p.data)
            session.add(adv)
            created += 1
        else:
            adv = session.get_one(Advisor, p.extra["id"])
            for column, value in p.data.items():
                setattr(adv, column, value)
            updated += 1
        session.flush()
        index_advisor(session, adv)
    audit(session, actor, AuditAction.CREATE, "advisor", None, f"import created={created} updated={updated}")
    return created, updated
