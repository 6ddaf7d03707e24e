"""Monthly activity (home page charts, annual report) and the 「今日の窓口」 lists, against a
hand-made fixture: the fiscal year runs April–March, so 2025-03-31 belongs to 令和6年度 (2024)
and 2025-04-01 to 令和7年度 (2025)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.dispatch_models import Advisor, DispatchApplication, DispatchSession
from kyodo_desk.db.lending_models import Device, DeviceModel, Loan, LoanItem, Reservation, ReservationItem
from kyodo_desk.db.models import Organization
from kyodo_desk.services.base import PermissionDenied

DAY = dt.date(2025, 6, 10)


@pytest.fixture
def fixture_rows(services):
    """Consultations, loans and visits on both sides of the 2025-04-01 boundary."""
    with services.db.write() as s:
        org = Organization(kind="citizen_group", name="長町子ども食堂", name_kana="ナガマチ")
        s.add(org)
        s.flush()
        model = DeviceModel(kind="tablet", maker="A", model_name="Tab")
        s.add(model)
        s.flush()
        device = Device(model_id=model.id, asset_tag="KD-0001", state="available")
        s.add(device)
        s.flush()
        advisor = Advisor(name="北村 誠")
        s.add(advisor)
        s.flush()

        def consultation(n: int, at: dt.datetime) -> None:
            s.add(
                Consultation(
                    reference=f"S-{n}",
                    fiscal_year=at.year if at.month >= 4 else at.year - 1,
                    received_at=at,
                    channel="walk_in",
                    requester_type="citizen_group",
                    summary="相談",
                )
            )

        consultation(1, dt.datetime(2025, 3, 31, 23, 59))  # FY2024, March
        consultation(2, dt.datetime(2025, 4, 1, 0, 0))  # FY2025, April
        consultation(3, dt.datetime(2025, 4, 30, 17, 0))
        consultation(4, dt.datetime(2026, 3, 31, 12, 0))  # FY2025, March
        consultation(5, dt.datetime(2026, 4, 1, 9, 0))  # FY2026

        def loan(n: int, at: dt.datetime) -> None:
            row = Loan(
                reference=f"L-{n}",
                organization_id=org.id,
                responsible_name="山田",
                contact_phone="090",
                out_at=at,
                due_on=at.date() + dt.timedelta(days=7),
                status="closed",
                closed_at=at,
            )
            s.add(row)
            s.flush()
            s.add(LoanItem(loan_id=row.id, device_id=device.id, returned_at=at))

        loan(1, dt.datetime(2025, 3, 31, 16, 0))
        loan(2, dt.datetime(2025, 4, 1, 10, 0))
        loan(3, dt.datetime(2025, 12, 31, 10, 0))

        app = DispatchApplication(
            reference="D-1",
            fiscal_year=2025,
            organization_id=org.id,
            dispatch_type="advisor",
            field="management",
            topic="会計の基礎",
            venue="公民館",
            status="decided",
            received_on=dt.date(2025, 3, 1),
        )
        withdrawn = DispatchApplication(
            reference="D-2",
            fiscal_year=2025,
            organization_id=org.id,
            dispatch_type="advisor",
            field="management",
            topic="取下げ",
            status="withdrawn",
            received_on=dt.date(2025, 3, 1),
        )
        s.add_all([app, withdrawn])
        s.flush()

        def visit(application, number: int, at: dt.datetime, status: str = "held") -> None:
            s.add(
                DispatchSession(
                    application_id=application.id,
                    number=number,
                    advisor_id=advisor.id,
                    start_at=at,
                    end_at=at + dt.timedelta(hours=2),
                    status=status,
                )
            )

        visit(app, 1, dt.datetime(2025, 3, 31, 18, 0))  # FY2024
        visit(app, 2, dt.datetime(2025, 4, 1, 10, 0))
        visit(app, 3, dt.datetime(2025, 6, 10, 14, 0), "planned")  # today
        visit(app, 4, dt.datetime(2025, 6, 10, 9, 0), "cancelled")  # not counted, not listed
        visit(app, 5, dt.datetime(2025, 6, 11, 9, 0), "no_show")  # not counted
        visit(withdrawn, 1, dt.datetime(2025, 6, 10, 10, 0))  # withdrawn application: neither

        for n, (start, end, status) in enumerate(
            [
                (DAY, DAY + dt.timedelta(days=2), "active"),  # starts today
                (DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1), "active"),  # began yesterday, not picked up
                (DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=3), "active"),  # tomorrow
                (DAY, DAY, "cancelled"),
                (DAY, DAY, "picked_up"),
            ]
        ):
            res = Reservation(
                organization_id=org.id,
                start_on=start,
                end_on=end,
                contact_name=f"連絡{n}",
                contact_phone="076",
                status=status,
            )
            s.add(res)
            s.flush()
            s.add(ReservationItem(reservation_id=res.id, device_id=device.id))
    return org


def test_monthly_counts_fall_in_the_fiscal_year_of_their_day(services, admin, fixture_rows):
    fy2025 = services.activity.monthly(admin, 2025)
    assert fy2025.months[0] == (2025, 4) and fy2025.months[-1] == (2026, 3) and len(fy2025.months) == 12
    assert fy2025.consultations == (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)
    assert fy2025.loans == (1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)
    # April's held visit and today's planned one; cancelled, no-show and withdrawn are not counted
    assert fy2025.dispatches == (1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert fy2025.totals == (3, 2, 2) and not fy2025.empty

    fy2024 = services.activity.monthly(admin, 2024)
    assert fy2024.consultations[-1] == 1 and sum(fy2024.consultations) == 1
    assert fy2024.loans[-1] == 1 and fy2024.dispatches[-1] == 1
    assert services.activity.monthly(admin, 2026).consultations[0] == 1


def test_monthly_counts_agree_with_the_statistics(services, admin, fixture_rows):
    activity = services.activity.monthly(admin, 2025)
    consultations = services.consultation_stats.statistics(admin, 2025)
    lending = services.lending_stats.statistics(admin, 2025)
    dispatch = services.dispatch_stats.statistics(admin, 2025)
    assert consultations.value("合計", "件数") == sum(activity.consultations)
    assert lending.value("合計", "貸出件数") == sum(activity.loans)
    assert dispatch.value("合計", "派遣回数") == sum(activity.dispatches)


def test_an_empty_database_has_twelve_zero_months(services, admin):
    activity = services.activity.monthly(admin, 2025)
    assert activity.empty and activity.consultations == (0,) * 12


def test_todays_visits_and_reservations_to_hand_out(services, admin, fixture_rows):
    visits = services.desk_today.visits_on(admin, DAY)
    assert [(v.reference, v.start_at.hour, v.status) for v in visits] == [("D-1", 14, "planned")]
    assert visits[0].advisor_name == "北村 誠" and visits[0].organization_name == "長町子ども食堂"
    reservations = services.desk_today.reservations_to_hand_out(admin, DAY)
    assert [r.contact_name for r in reservations] == ["連絡1", "連絡0"]  # the earlier start first
    assert reservations[0].device_tags == ("KD-0001",) and reservations[0].organization_id == fixture_rows.id


def test_the_lists_need_their_domain_permission(services, admin, ict_actor, fixture_rows):
    with pytest.raises(PermissionDenied):
        services.activity.monthly(ict_actor, 2025)  # ICT推進員: lending only, no statistics
    with pytest.raises(PermissionDenied):
        services.desk_today.visits_on(ict_actor, DAY)
    assert len(services.desk_today.reservations_to_hand_out(ict_actor, DAY)) == 2


def test_each_list_costs_the_same_statements_however_long(services, admin, fixture_rows):
    from tests.services.test_query_counts import statements

    def counts() -> tuple[int, ...]:
        out = []
        for call in (
            lambda: services.activity.monthly(admin, 2025),
            lambda: services.desk_today.visits_on(admin, DAY),
            lambda: services.desk_today.reservations_to_hand_out(admin, DAY),
        ):
            with statements(services.db) as seen:
                call()
            out.append(len([s for s in seen if s.lstrip().upper().startswith("SELECT")]))
        return tuple(out)

    before = counts()
    with services.db.write() as s:  # four times the rows of every kind
        org = s.get(Organization, fixture_rows.id)
        device = s.scalars(select(Device)).first()
        app = s.scalars(select(DispatchApplication).where(DispatchApplication.reference == "D-1")).one()
        for n in range(12):
            at = dt.datetime(2025, 4 + n % 9, 5, 10)
            s.add(
                Consultation(
                    reference=f"X-{n}",
                    fiscal_year=2025,
                    received_at=at,
                    channel="walk_in",
                    requester_type="citizen_group",
                    summary="相談",
                )
            )
            s.add(
                DispatchSession(
                    application_id=app.id,
                    number=10 + n,
                    start_at=dt.datetime(2025, 6, 10, 8 + n % 10),
                    status="planned",
                )
            )
            res = Reservation(organization_id=org.id, start_on=DAY, end_on=DAY, contact_name=f"x{n}", status="active")
            s.add(res)
            s.flush()
            s.add(ReservationItem(reservation_id=res.id, device_id=device.id))
    assert counts() == before
    assert (
        len(services.desk_today.visits_on(admin, DAY)) == 13
        and len(services.desk_today.reservations_to_hand_out(admin, DAY)) == 14
    )
