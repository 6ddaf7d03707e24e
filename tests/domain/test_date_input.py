"""What people type into date and time fields means what they typed, or is refused with an example."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kyodo_desk.domain.date_input import (
    DateInputError,
    format_date,
    format_datetime,
    format_time,
    normalize,
    parse_date,
    parse_datetime,
    parse_time,
)
from kyodo_desk.i18n import wareki

TODAY = dt.date(2025, 11, 2)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2025/11/20", dt.date(2025, 11, 20)),
        ("2025/4/1", dt.date(2025, 4, 1)),
        ("2025-04-01", dt.date(2025, 4, 1)),
        ("2025.4.1", dt.date(2025, 4, 1)),
        ("20250401", dt.date(2025, 4, 1)),
        ("2025年4月1日", dt.date(2025, 4, 1)),
        ("R7.4.1", dt.date(2025, 4, 1)),
        ("r7.4.1", dt.date(2025, 4, 1)),
        ("R7/4/1", dt.date(2025, 4, 1)),
        ("令和7年4月1日", dt.date(2025, 4, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("R1.5.1", dt.date(2019, 5, 1)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("S64.1.7", dt.date(1989, 1, 7)),
        ("4/1", dt.date(2025, 4, 1)),
        ("4月1日", dt.date(2025, 4, 1)),
        ("２０２５／４／１", dt.date(2025, 4, 1)),
        ("２０２５年４月１日", dt.date(2025, 4, 1)),
        ("  2025/4/1  ", dt.date(2025, 4, 1)),
    ],
)
def test_accepted_dates(typed, expected):
    assert parse_date(typed, today=TODAY) == expected


def test_month_and_day_alone_are_this_year():
    assert parse_date("4/1", today=dt.date(2031, 1, 5)) == dt.date(2031, 4, 1)


@pytest.mark.parametrize(
    "typed, words",
    [
        ("2025/02/30", ["2月", "30日", "28日まで", "2025/02/28"]),
        ("2024/02/30", ["29日まで", "2024/02/29"]),
        ("2025/13/1", ["13月", "1〜12", "2025/04/01"]),
        ("H31.5.1", ["平成", "2019/04/30まで", "R7.4.1"]),
        ("令和元年4月30日", ["令和", "2019/05/01から"]),
        ("平成元年1月7日", ["平成", "1989/01/08"]),
        ("2025/11/11 20:14", ["日付として読めません", "2025/04/01"]),
        ("あした", ["日付として読めません", "20250401"]),
        ("", ["日付を入力"]),
    ],
)
def test_impossible_dates_say_what_is_wrong_and_show_an_example(typed, words):
    with pytest.raises(DateInputError) as caught:
        parse_date(typed, today=TODAY)
    assert isinstance(caught.value, ValueError)
    for word in words:
        assert word in caught.value.message


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("14:30", dt.time(14, 30)),
        ("1430", dt.time(14, 30)),
        ("14時30分", dt.time(14, 30)),
        ("9:05", dt.time(9, 5)),
        ("930", dt.time(9, 30)),
        ("14時", dt.time(14)),
        ("１４：３０", dt.time(14, 30)),
        ("0:00", dt.time(0, 0)),
    ],
)
def test_accepted_times(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    "typed, words",
    [
        ("25:00", ["25時", "0〜23", "14:30"]),
        ("24:00", ["24時"]),
        ("12:60", ["60分", "0〜59"]),
        ("2500", ["25時"]),
        ("昼", ["時刻として読めません", "14:30"]),
    ],
)
def test_impossible_times(typed, words):
    with pytest.raises(DateInputError) as caught:
        parse_time(typed)
    for word in words:
        assert word in caught.value.message


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2025/11/20 14:30", dt.datetime(2025, 11, 20, 14, 30)),
        ("2025/4/1 9:05", dt.datetime(2025, 4, 1, 9, 5)),
        ("R7.4.1 1430", dt.datetime(2025, 4, 1, 14, 30)),
        ("2025年11月20日14時30分", dt.datetime(2025, 11, 20, 14, 30)),
        ("2025年11月20日 14時30分", dt.datetime(2025, 11, 20, 14, 30)),
        ("4/1 10:00", dt.datetime(2025, 4, 1, 10, 0)),
        ("２０２５／１１／２０　１４：３０", dt.datetime(2025, 11, 20, 14, 30)),
        ("14:30", dt.datetime(2025, 11, 2, 14, 30)),
    ],
)
def test_accepted_datetimes(typed, expected):
    assert parse_datetime(typed, today=TODAY) == expected


@pytest.mark.parametrize(
    "typed, words",
    [
        ("2025/02/30 10:00", ["2月に30日はありません"]),
        ("2025/11/20 25:00", ["25時"]),
        ("2025/11/20", ["時刻も入力", "2025/11/20 10:00"]),
        ("なし", ["日時として読めません", "2025/04/01 14:30"]),
    ],
)
def test_impossible_datetimes(typed, words):
    with pytest.raises(DateInputError) as caught:
        parse_datetime(typed, today=TODAY)
    for word in words:
        assert word in caught.value.message


def test_normalize_folds_full_width():
    assert normalize("　２０２５／０４／０１　") == "2025/04/01"


dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


@given(dates)
def test_date_round_trip(value):
    assert parse_date(format_date(value)) == value


@given(st.dates(min_value=dt.date(1868, 10, 23), max_value=dt.date(2200, 12, 31)))
def test_wareki_round_trip(value):
    assert parse_date(wareki(value)) == value


@given(st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_time_round_trip(value):
    assert parse_time(format_time(value)) == value


@given(
    st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(
        lambda v: v.replace(second=0, microsecond=0)
    )
)
def test_datetime_round_trip(value):
    assert parse_datetime(format_datetime(value)) == value
