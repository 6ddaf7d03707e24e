"""Correcting a dispatch application after intake, and adding or calling off visits of a series."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog, SearchDocument
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.dispatch import ApplicationInput
from tests.services.test_dispatch import _app, at, saturday, setup  # noqa: F401 - fixture


def _input(app, **changes) -> ApplicationInput:
    base = ApplicationInput(
        organization_id=app.organization_id,
        dispatch_type=app.dispatch_type,
        field=app.field,
        topic=app.topic,
        preferred=app.preferred,
        venue=app.venue,
        expected_participants=app.expected_participants,
        support=app.support,
    )
    return dataclasses.replace(base, **changes)


def test_correction_is_saved_indexed_and_audited_by_field_name(services, admin, setup, db):
    org, _other, _advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    later = ((at(sat, 13), at(sat, 16)), (at(sat + dt.timedelta(days=7), 13), at(sat + dt.timedelta(days=7), 16)))
    fixed = services.dispatch.update_application(
        admin,
        app.id,
        app.version,
        _input(
            app,
            field="npo_law",
            topic="NPO法人の設立",
            preferred=later,
            venue="市民活動センター",
            expected_participants=20,
            support=("sign_language", "captioning"),
        ),
    )
    assert (fixed.field, fixed.topic, fixed.preferred, fixed.venue, fixed.expected_participants, fixed.support) == (
        "npo_law",
        "NPO法人の設立",
        later,
        "市民活動センター",
        20,
        ("sign_language", "captioning"),
    )
    assert fixed.version > app.version
    assert services.dispatch.get(admin, app.id).topic == "NPO法人の設立"
    with db.read() as s:
        title, body = s.execute(
            select(SearchDocument.title, SearchDocument.text).where(
                SearchDocument.kind == "dispatch", SearchDocument.ref_id == app.id
            )
        ).one()
        detail = s.scalars(
            select(AuditLog.detail).where(AuditLog.entity == "dispatch", AuditLog.entity_id == app.id)
        ).all()[-1]
    assert title == "NPO法人の設立" and "市民活動" in body and "会計" not in body
    assert detail.startswith("fields=") and "topic" in detail and "venue" in detail
    assert "NPO法人の設立" not in detail and "市民活動センター" not in detail  # names only, never values


def test_stale_correction_is_refused(services, admin, setup):
    org, _other, _advisor = setup
    app = _app(services, admin, org, saturday(dt.date(2027, 1, 5)))
    services.dispatch.update_application(admin, app.id, app.version, _input(app, venue="別の会場"))
    with pytest.raises(StaleEdit):  # the other desk's version is gone
        services.dispatch.update_application(admin, app.id, app.version, _input(app, topic="古い画面からの修正"))
    assert services.dispatch.get(admin, app.id).topic == "会計の基礎"


def test_correction_is_validated_like_intake(services, admin, setup):
    org, _other, _advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat)
    four = tuple((at(sat + dt.timedelta(days=7 * i), 13), at(sat + dt.timedelta(days=7 * i), 15)) for i in range(4))
    with pytest.raises(ValidationError) as err:
        services.dispatch.update_application(
            admin, app.id, app.version, _input(app, topic=" ", preferred=four, expected_participants=-1)
        )
    assert set(err.value.errors) == {"topic", "preferred", "expected_participants"}
    assert "3つまで" in err.value.errors["preferred"] and "テーマ" in err.value.errors["topic"]
    with pytest.raises(ValidationError) as err:
        services.dispatch.update_application(
            admin, app.id, app.version, _input(app, preferred=((at(sat, 15), at(sat, 13)),))
        )
    assert "終了は開始より後" in err.value.errors["preferred"]
    services.settings.update(
        admin, services.settings.get().with_changes(dispatch_types_requiring_registration=("facilitator",))
    )
    with pytest.raises(ValidationError) as err:  # the organization is not registered
        services.dispatch.update_application(admin, app.id, app.version, _input(app, dispatch_type="facilitator"))
    assert "協働をすすめる市民団体" in err.value.errors["organization_id"]


def test_finished_or_withdrawn_application_cannot_be_corrected(services, admin, setup):
    org, _other, _advisor = setup
    app = _app(services, admin, org, saturday(dt.date(2027, 1, 5)))
    gone = services.dispatch.change_status(admin, app.id, app.version, "withdrawn", "団体の都合")
    for call in (
        lambda: services.dispatch.update_application(admin, app.id, gone.version, _input(app, topic="修正")),
        lambda: services.dispatch.add_session(admin, app.id),
        lambda: services.dispatch.cancel_session(admin, app.sessions[0].id, "理由"),
    ):
        with pytest.raises(ValidationError) as err:
            call()
        assert "取下げ" in err.value.errors["status"]


def test_topic_or_venue_change_raises_the_calendar_sequence_of_booked_visits(services, admin, setup):
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    app = _app(services, admin, org, sat, sessions=2)
    booked = services.dispatch.book(admin, app.sessions[0].id, advisor.id, at(sat, 13), at(sat, 15))
    app = services.dispatch.get(admin, app.id)
    same = services.dispatch.update_application(admin, app.id, app.version, _input(app, expected_participants=30))
    assert same.sessions[0].ics_sequence == booked.ics_sequence  # a head count is not in the calendar
    moved = services.dispatch.update_application(admin, app.id, same.version, _input(same, venue="第二会議室"))
    assert moved.sessions[0].ics_sequence == booked.ics_sequence + 1
    assert moved.sessions[1].ics_sequence == 0  # not booked: nothing to update
    renamed = services.dispatch.update_application(
        admin, app.id, moved.version, _input(moved, topic="会計ソフトの使い方")
    )
    assert renamed.sessions[0].ics_sequence == booked.ics_sequence + 2


def test_added_and_cancelled_visits_count_in_the_quota(services, admin, setup, db):
    org, _other, advisor = setup
    sat = saturday(dt.date(2027, 1, 5))
    fy = fiscal_year_of(sat)
    app = _app(services, admin, org, sat)
    services.dispatch.book(admin, app.sessions[0].id, advisor.id, at(sat, 13), at(sat, 15))
    added = services.dispatch.add_session(admin, app.id)
    assert (added.number, added.status, added.advisor_id) == (2, "planned", None)
    services.dispatch.book(
        admin, added.id, advisor.id, at(sat + dt.timedelta(days=7), 13), at(sat + dt.timedelta(days=7), 15)
    )
    assert services.dispatch.organization_quota(admin, org.id, fy).used == 2

    with pytest.raises(ValidationError) as err:
        services.dispatch.cancel_session(admin, added.id, "  ")
    assert "中止の理由" in err.value.errors["reason"]
    cancelled = services.dispatch.cancel_session(admin, added.id, "講師の都合")
    assert cancelled.status == "cancelled" and cancelled.ics_sequence == 2  # booked (1), then cancelled
    assert services.dispatch.organization_quota(admin, org.id, fy).used == 1  # a cancelled visit no longer counts
    assert services.dispatch.advisor_quota(admin, advisor.id, sat + dt.timedelta(days=7)).used == 1
    with pytest.raises(ValidationError):  # not twice
        services.dispatch.cancel_session(admin, added.id, "講師の都合")
    third = services.dispatch.add_session(admin, app.id)
    assert third.number == 3  # numbers are never reused
    assert [x.status for x in services.dispatch.get(admin, app.id).sessions] == ["planned", "cancelled", "planned"]
    with db.read() as s:
        details = s.scalars(
            select(AuditLog.detail).where(AuditLog.entity == "dispatch", AuditLog.entity_id == app.id)
        ).all()
    assert "cancel session=2 reason=講師の都合" in details and "add session=3" in details


def test_staff_without_dispatch_rights_cannot_correct(services, admin, ict_actor, setup):
    from kyodo_desk.services.base import PermissionDenied

    org, _other, _advisor = setup
    app = _app(services, admin, org, saturday(dt.date(2027, 1, 5)))
    with pytest.raises(PermissionDenied):
        services.dispatch.update_application(ict_actor, app.id, app.version, _input(app, topic="x"))
    with pytest.raises(PermissionDenied):
        services.dispatch.add_session(ict_actor, app.id)
