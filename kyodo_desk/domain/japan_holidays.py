"""Japan's national holidays (国民の祝日に関する法律) computed here: 振替休日 and 国民の休日 included,
the equinoxes by the usual formula (valid 1980–2099), the 2019–2021 special years.

The `holidays` package would load about 250 country modules (~14 MiB, 0.1–0.3 s) to answer for
one country; this is the part of it the center needs.  Checked against that package for every year
2000–2060 in tests/domain/test_japan_holidays.py."""

from __future__ import annotations

import datetime as dt

MONDAY, SUNDAY = 0, 6


def _nth_monday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(MONDAY - first.weekday()) % 7 + 7 * (n - 1))


def _equinox(year: int, base: float) -> int:
    return int(base + 0.242194 * (year - 1980) - int((year - 1980) / 4))


def _national_holidays(year: int) -> dict[dt.date, str]:
    """The 国民の祝日 themselves (no substitute days)."""
    d = dt.date
    out: dict[dt.date, str] = {d(year, 1, 1): "元日"}
    out[_nth_monday(year, 1, 2) if year >= 2000 else d(year, 1, 15)] = "成人の日"
    out[d(year, 2, 11)] = "建国記念の日"
    if 1989 <= year <= 2018:
        out[d(year, 12, 23)] = "天皇誕生日"
    elif year >= 2020:
        out[d(year, 2, 23)] = "天皇誕生日"
    out[d(year, 3, _equinox(year, 20.8431))] = "春分の日"
    out[d(year, 4, 29)] = "昭和の日" if year >= 2007 else "みどりの日"
    out[d(year, 5, 3)] = "憲法記念日"
    if year >= 2007:
        out[d(year, 5, 4)] = "みどりの日"
    out[d(year, 5, 5)] = "こどもの日"
    if year == 2020:
        out[d(2020, 7, 23)] = "海の日"
    elif year == 2021:
        out[d(2021, 7, 22)] = "海の日"
    elif year >= 2003:
        out[_nth_monday(year, 7, 3)] = "海の日"
    else:
        out[d(year, 7, 20)] = "海の日"
    if year == 2020:
        out[d(2020, 8, 10)] = "山の日"
    elif year == 2021:
        out[d(2021, 8, 8)] = "山の日"
    elif year >= 2016:
        out[d(year, 8, 11)] = "山の日"
    out[_nth_monday(year, 9, 3) if year >= 2003 else d(year, 9, 15)] = "敬老の日"
    out[d(year, 9, _equinox(year, 23.2488))] = "秋分の日"
    sports = "スポーツの日" if year >= 2020 else "体育の日"
    if year == 2020:
        out[d(2020, 7, 24)] = sports
    elif year == 2021:
        out[d(2021, 7, 23)] = sports
    else:
        out[_nth_monday(year, 10, 2) if year >= 2000 else d(year, 10, 10)] = sports
    out[d(year, 11, 3)] = "文化の日"
    out[d(year, 11, 23)] = "勤労感謝の日"
    if year == 2019:
        out[d(2019, 5, 1)] = "天皇の即位の日"
        out[d(2019, 10, 22)] = "即位礼正殿の儀が行われる日"
    return out


def japan_holidays(year: int) -> dict[dt.date, str]:
    """Every public holiday of *year*: the 祝日, 国民の休日 (a day between two 祝日) and 振替休日
    (a 祝日 on a Sunday moves to the next day that is not a holiday; only to Monday before 2007)."""
    holidays = _national_holidays(year)
    out = dict(holidays)
    for day in sorted(holidays):
        between = day + dt.timedelta(days=1)
        after = day + dt.timedelta(days=2)
        if between not in holidays and after in holidays and between.year == year:
            if year >= 2007 or between.weekday() != SUNDAY:
                out[between] = "国民の休日"
    for day in sorted(holidays):
        if day.weekday() != SUNDAY:
            continue
        sub = day + dt.timedelta(days=1)
        if year >= 2007:
            while sub in out:
                sub += dt.timedelta(days=1)
        elif sub in out:
            continue
        if sub.year == year:
            out[sub] = "振替休日"
    return dict(sorted(out.items()))
