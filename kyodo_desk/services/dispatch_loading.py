"""Dispatch applications as records for the screens: rows of several tables turned into
:class:`ApplicationRecord` in a fixed number of queries, whatever the number of applications."""

from __future__ import annotations

import builtins
import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from kyodo_desk.db.dispatch_models import Advisor, DispatchApplication, DispatchSession, DispatchStatusChange
from kyodo_desk.db.models import Organization, Staff
from kyodo_desk.domain.enums import RegistrationStatus
from kyodo_desk.services.dispatch_records import ApplicationRecord, SessionRecord


def app_record(s: Session, app: DispatchApplication, *, history: bool = False) -> ApplicationRecord:
    return app_records(s, [app], history=history)[0]


def app_records(
    s: Session, apps: builtins.list[DispatchApplication], *, history: bool = False
) -> builtins.list[ApplicationRecord]:
    """Records of *apps* in a fixed number of queries (organizations, advisors, sessions, history)."""
    if not apps:
        return []
    ids = [a.id for a in apps]
    orgs = {
        o_id: (name, status)
        for o_id, name, status in s.execute(
            select(Organization.id, Organization.name, Organization.registration_status).where(
                Organization.id.in_({a.organization_id for a in apps})
            )
        )
    }
    names: dict[int | None, str] = dict(s.execute(select(Advisor.id, Advisor.name)).all())
    sessions: dict[int, builtins.list[SessionRecord]] = {i: [] for i in ids}
    for x in s.scalars(
        select(DispatchSession)
        .where(DispatchSession.application_id.in_(ids))
        .order_by(DispatchSession.application_id, DispatchSession.number)
    ):
        sessions[x.application_id].append(
            SessionRecord(
                x.id,
                x.number,
                x.advisor_id,
                names.get(x.advisor_id, ""),
                x.start_at,
                x.end_at,
                x.status,
                x.attendance,
                x.report_summary,
                x.fee,
                x.travel_cost,
                x.ics_sequence,
                x.override_reason,
                x.version,
            )
        )
    hist: dict[int, builtins.list[tuple]] = {i: [] for i in ids}
    if history:
        for h, name in s.execute(
            select(DispatchStatusChange, Staff.display_name)
            .outerjoin(Staff, Staff.id == DispatchStatusChange.staff_id)
            .where(DispatchStatusChange.application_id.in_(ids))
            .order_by(DispatchStatusChange.application_id, DispatchStatusChange.at, DispatchStatusChange.id)
        ):
            hist[h.application_id].append((h.at, h.from_status, h.to_status, name or "", h.note))
    out = []
    for app in apps:
        org_name, org_status = orgs.get(app.organization_id, ("", None))
        preferred = tuple(
            (dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in json.loads(app.preferred or "[]")
        )
        out.append(
            ApplicationRecord(
                app.id,
                app.reference,
                app.fiscal_year,
                app.organization_id,
                org_name or "",
                org_status == RegistrationStatus.REGISTERED.value,
                app.dispatch_type,
                app.field,
                app.topic,
                preferred,
                app.venue,
                app.expected_participants,
                tuple(x for x in app.support.split(",") if x),
                app.status,
                app.received_on,
                tuple(sessions[app.id]),
                tuple(hist[app.id]),
                app.version,
            )
        )
    return out
