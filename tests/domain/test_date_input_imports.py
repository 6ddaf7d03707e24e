"""The 和暦 and western forms found in office spreadsheets (the import reads dates with parse_date)."""

from __future__ import annotations

import datetime as dt

import pytest

from kyodo_desk.domain.date_input import DateInputError, parse_date


@pytest.mark.parametrize(
    "text",
    [
        "令和3年5月10日", "R3.5.10", "R3/5/10", "R3-5-10", "r3.5.10", "Ｒ３．５．１０", "令3.5.10", "令3/5/10",
        "令和3.5.10", "令和３年５月１０日", "2021/5/10", "2021-05-10", "2021.5.10", "2021年5月10日", "20210510",
        " 2021/05/10 ", "R 3.5.10",
    ],
)  # fmt: skip
def test_common_forms_of_one_day(text):
    assert parse_date(text) == dt.date(2021, 5, 10)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("平31.4.30", dt.date(2019, 4, 30)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("令元.5.1", dt.date(2019, 5, 1)),
        ("S64.1.7", dt.date(1989, 1, 7)),
        ("昭64.1.7", dt.date(1989, 1, 7)),
    ],
)
def test_era_boundaries_and_first_kanji(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize(
    "text", ["H31.5.1", "令1.4.30", "R3.13.1", "2024/13/1", "令和3年2月30日", "R3.5", "3年5月10日"]
)
def test_impossible_or_partial_dates_are_refused_in_words(text):
    with pytest.raises(DateInputError) as refused:
        parse_date(text)
    assert refused.value.message and "例" in refused.value.message
