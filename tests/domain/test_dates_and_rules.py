"""Fiscal years, 和暦, the closed-days calendar and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kyodo_desk.domain.calendar import ClosedCalendar, public_holiday
from kyodo_desk.domain.enums import ClosedDayKind, StaffRole
from kyodo_desk.domain.fiscal import fiscal_months, fiscal_year_of, fiscal_year_range
from kyodo_desk.domain.permissions import Permission, allowed
from kyodo_desk.i18n import date_both, wareki, wareki_fiscal_year, wareki_year

D = dt.date

# ---------------------------------------------------------------- fiscal year


def test_fiscal_year_boundary_is_april_first():
    assert fiscal_year_of(D(2026, 3, 31)) == 2025
    assert fiscal_year_of(D(2026, 4, 1)) == 2026
    assert fiscal_year_of(D(2025, 12, 31)) == 2025
    assert fiscal_year_of(D(2026, 1, 1)) == 2025


def test_fiscal_year_range_and_months():
    assert fiscal_year_range(2025) == (D(2025, 4, 1), D(2026, 3, 31))
    months = fiscal_months(2025)
    assert months[0] == (2025, 4) and months[-1] == (2026, 3) and len(months) == 12


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)))
def test_every_day_lies_inside_its_fiscal_year(day):
    start, end = fiscal_year_range(fiscal_year_of(day))
    assert start <= day <= end


# ---------------------------------------------------------------- 和暦


@pytest.mark.parametrize(
    "day, text",
    [
        (D(2019, 4, 30), "平成31年4月30日"),
        (D(2019, 5, 1), "令和元年5月1日"),
        (D(2025, 4, 1), "令和7年4月1日"),
        (D(1989, 1, 7), "昭和64年1月7日"),
        (D(1989, 1, 8), "平成元年1月8日"),
        (D(2020, 1, 1), "令和2年1月1日"),
    ],
)
def test_wareki(day, text):
    assert wareki(day) == text


def test_wareki_year_weekday_and_both():
    assert wareki_year(D(2019, 5, 1)) == "令和元年"
    assert wareki_year(D(2019, 4, 30)) == "平成31年"
    assert wareki(D(2025, 4, 1), weekday=True) == "令和7年4月1日(火)"
    assert date_both(D(2025, 4, 1)) == "令和7年4月1日(2025年4月1日)"


@pytest.mark.parametrize(
    "fy, text",
    [
        (2025, "令和7年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_wareki_fiscal_year(fy, text):
    assert wareki_fiscal_year(fy) == text


def test_wareki_before_meiji_is_an_error():
    with pytest.raises(ValueError):
        wareki(D(1868, 1, 1))


# ---------------------------------------------------------------- closed days


def test_public_holidays_include_substitute_holidays():
    assert public_holiday(D(2025, 5, 6)) == "振替休日"  # みどりの日 5/4 fell on a Sunday
    assert public_holiday(D(2024, 2, 12)) == "振替休日"  # 建国記念の日 on a Sunday
    assert public_holiday(D(2025, 11, 3)) == "文化の日"
    assert public_holiday(D(2025, 11, 4)) is None


@pytest.mark.parametrize("day", [D(2025, 12, 29), D(2025, 12, 31), D(2026, 1, 2), D(2026, 1, 3)])
def test_year_end_closing_runs_from_12_29_to_1_3(day):
    reason = ClosedCalendar().reason(day)
    assert reason is not None and reason.kind == ClosedDayKind.YEAR_END and reason.reason == "年末年始"


def test_days_around_year_end_are_open():
    cal = ClosedCalendar()
    assert not cal.is_closed(D(2025, 12, 26))  # Friday
    assert not cal.is_closed(D(2026, 1, 5))  # Monday


def test_center_days_and_weekly_closing():
    cal = ClosedCalendar(
        center_days=frozenset({D(2026, 6, 15)}),
        center_reasons=((D(2026, 6, 15), "館内設備点検"),),
        weekly_closed=frozenset({0}),  # Mondays
    )
    center = cal.reason(D(2026, 6, 15))
    assert center.kind == ClosedDayKind.CENTER and center.reason == "館内設備点検"
    monday = cal.reason(D(2026, 6, 22))
    assert monday.kind == ClosedDayKind.WEEKLY
    assert not cal.is_closed(D(2026, 6, 16))


def test_next_open_day_moves_a_due_date_past_closures():
    cal = ClosedCalendar()
    # Sunday 2025-12-28 is open (no weekly closing), 12/29..1/3 closed
    assert cal.next_open_day(D(2025, 12, 29)) == D(2026, 1, 4)
    # Golden week 2025: 5/3 (Sat) 憲法記念日, 5/4 みどりの日, 5/5 こどもの日, 5/6 振替休日
    assert cal.next_open_day(D(2025, 5, 3)) == D(2025, 5, 7)
    # an open day stays where it is
    assert cal.next_open_day(D(2025, 5, 7)) == D(2025, 5, 7)
    with_monday = ClosedCalendar(weekly_closed=frozenset({6, 0}))
    assert with_monday.next_open_day(D(2026, 1, 3)) == D(2026, 1, 6)  # Sun 4, Mon 5 closed too


def test_holiday_rules_can_be_switched_off():
    cal = ClosedCalendar(observe_public_holidays=False, observe_year_end=False)
    assert not cal.is_closed(D(2025, 11, 3))
    assert not cal.is_closed(D(2025, 12, 30))


def test_closed_between_lists_each_day_with_its_kind():
    cal = ClosedCalendar(center_days=frozenset({D(2025, 12, 27)}), center_reasons=((D(2025, 12, 27), "清掃"),))
    days = cal.closed_between(D(2025, 12, 26), D(2026, 1, 5))
    assert [d.day for d in days] == [D(2025, 12, 27)] + [D(2025, 12, 29) + dt.timedelta(days=i) for i in range(6)]
    assert {d.kind for d in days} == {ClosedDayKind.CENTER, ClosedDayKind.YEAR_END}


# ---------------------------------------------------------------- permissions


def test_ict_promoter_is_limited_to_lending():
    r = StaffRole.ICT_PROMOTER
    assert allowed(r, Permission.LENDING_OPERATE)
    assert allowed(r, Permission.ORGANIZATION_VIEW)
    for p in (
        Permission.ORGANIZATION_EDIT,
        Permission.SETTINGS_EDIT,
        Permission.PERSON_VIEW,
        Permission.CONSULTATION_VIEW,
        Permission.STAFF_MANAGE,
        Permission.AUDIT_VIEW,
    ):
        assert not allowed(r, p), p


def test_staff_edits_records_but_not_settings_or_accounts():
    r = StaffRole.STAFF
    assert allowed(r, Permission.ORGANIZATION_EDIT) and allowed(r, Permission.CONSULTATION_EDIT)
    for p in (Permission.SETTINGS_EDIT, Permission.STAFF_MANAGE, Permission.ORGANIZATION_DELETE, Permission.AUDIT_VIEW):
        assert not allowed("staff", p), p


def test_admin_may_do_everything():
    assert all(allowed(StaffRole.ADMIN, p) for p in Permission)


def test_unknown_role_is_an_error():
    with pytest.raises(ValueError):
        allowed("guest", Permission.ORGANIZATION_VIEW)
