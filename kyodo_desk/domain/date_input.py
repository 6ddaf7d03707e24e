"""Reading the dates and times people type at the desk.

Accepted dates: ``2025/11/20``, ``2025/4/1``, ``2025-04-01``, ``2025.4.1``, ``20250401``,
``2025年4月1日``, ``R7.4.1``, ``R7/4/1``, ``令和7年4月1日``, ``令和元年5月1日``, ``H31.4.30``,
``令7.4.1`` (the era's first kanji),
and ``4/1`` or ``4月1日`` (this year).  Times: ``14:30``, ``9:05``, ``1430``, ``930``,
``14時30分``, ``14時``.  A date-time is a date, a space and a time (``2025/11/20 14:30``);
``2025年11月20日14時30分`` needs no space.  Full-width characters (``２０２５／４／１``) are
folded to ASCII first.

An impossible value raises :class:`DateInputError` (a ``ValueError``) whose message, in the
desk's language, says what is wrong and shows a value that would be accepted.  Nothing is ever
guessed: a value that cannot be read whole is refused, never read in part.

The canonical forms the fields show are :func:`format_date` (``2025/04/01``),
:func:`format_time` (``14:30``) and :func:`format_datetime` (``2025/04/01 14:30``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from kyodo_desk.i18n import ERAS, _

DATE_EXAMPLE = "2025/04/01"
TIME_EXAMPLE = "14:30"
DATETIME_EXAMPLE = "2025/04/01 14:30"

# Latin initials people write for the eras (R7.4.1, H31.4.30 ...).
_ERA_INITIALS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治"}
# … and the era's first kanji (令3.5.10, 平31.4.30), as registers and Excel sheets abbreviate them.
_ERA_KANJI = {name[0]: name for name, _start in ERAS}
_ERA_NAMES = "|".join([name for name, _start in ERAS] + list(_ERA_KANJI))

_SEP = r"\s*[/.\-]\s*"
_WESTERN = re.compile(r"(\d{4})(?:" + _SEP + r"|\s*年\s*)(\d{1,2})(?:" + _SEP + r"|\s*月\s*)(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_DAY = re.compile(r"(\d{1,2})(?:" + _SEP + r"|\s*月\s*)(\d{1,2})\s*日?")
_ERA = re.compile(
    r"("
    + _ERA_NAMES
    + r"|[RHSTM])\s*(元|\d{1,3})(?:"
    + _SEP
    + r"|\s*年\s*)(\d{1,2})(?:"
    + _SEP
    + r"|\s*月\s*)(\d{1,2})\s*日?",
    re.IGNORECASE,
)
_TIME_COLON = re.compile(r"(\d{1,2})\s*[:時]\s*(\d{1,2})\s*分?")
_TIME_HOUR = re.compile(r"(\d{1,2})\s*時")
_TIME_DIGITS = re.compile(r"(\d{3,4})")


class DateInputError(ValueError):
    """A typed date or time that cannot be read or does not exist; ``message`` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalize(text: str) -> str:
    """Fold full-width digits and punctuation to ASCII (NFKC) and trim; ``㋿`` becomes 令和."""
    folded = unicodedata.normalize("NFKC", text)
    folded = folded.replace("〜", "-").replace("ー", "-").replace("−", "-")
    return " ".join(folded.split())


def format_date(value: dt.date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def format_time(value: dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def format_datetime(value: dt.datetime) -> str:
    return f"{format_date(value.date())} {format_time(value.time())}"


def _not_a_date(text: str) -> DateInputError:
    return DateInputError(
        _("「{text}」は日付として読めません。例: {example}、20250401、令和7年4月1日、R7.4.1、4/1(今年)").format(
            text=text, example=DATE_EXAMPLE
        )
    )


def _not_a_time(text: str) -> DateInputError:
    return DateInputError(
        _("「{text}」は時刻として読めません。例: {example}、1430、14時30分").format(text=text, example=TIME_EXAMPLE)
    )


def _make_date(year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        raise DateInputError(
            _("{month}月はありません。月は1〜12で入力してください。例: {example}").format(
                month=month, example=DATE_EXAMPLE
            )
        )
    if not 1 <= year <= 9999:
        raise DateInputError(_("{year}年は入力できません。例: {example}").format(year=year, example=DATE_EXAMPLE))
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateInputError(
            _("{year}年{month}月に{day}日はありません(この月は{last}日までです)。例: {example}").format(
                year=year, month=month, day=day, last=last, example=f"{year:04d}/{month:02d}/{last:02d}"
            )
        )
    return dt.date(year, month, day)


def _era_date(era: str, era_year: int, month: int, day: int) -> dt.date:
    names = [name for name, _start in ERAS]
    index = names.index(era)
    start = ERAS[index][1]
    value = _make_date(start.year + era_year - 1, month, day)
    following = ERAS[index - 1][1] if index > 0 else None
    if era_year < 1 or value < start or (following is not None and value >= following):
        last = following - dt.timedelta(days=1) if following is not None else None
        if last is not None:
            span = _("{era}は{first}から{last}までです。").format(
                era=era, first=format_date(start), last=format_date(last)
            )
        else:
            span = _("{era}は{first}からです。").format(era=era, first=format_date(start))
        raise DateInputError(
            _("{era}{year}年{month}月{day}日はありません。").format(
                era=era, year="元" if era_year == 1 else era_year, month=month, day=day
            )
            + span
            + _("例: 令和7年4月1日、R7.4.1")
        )
    return value


def parse_date(text: str, *, today: dt.date | None = None) -> dt.date:
    """The date *text* means; ``4/1`` is in *today*'s year (default: the real today)."""
    clean = normalize(text)
    if not clean:
        raise DateInputError(_("日付を入力してください。例: {example}").format(example=DATE_EXAMPLE))
    if m := _ERA.fullmatch(clean):
        era = m.group(1)
        era = _ERA_INITIALS.get(era.upper(), _ERA_KANJI.get(era, era))
        year = 1 if m.group(2) == "元" else int(m.group(2))
        return _era_date(era, year, int(m.group(3)), int(m.group(4)))
    if m := _WESTERN.fullmatch(clean) or _COMPACT.fullmatch(clean):
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _MONTH_DAY.fullmatch(clean):
        year = (today or dt.date.today()).year
        return _make_date(year, int(m.group(1)), int(m.group(2)))
    raise _not_a_date(text.strip())


def _make_time(hour: int, minute: int) -> dt.time:
    if not 0 <= hour <= 23:
        raise DateInputError(
            _("{hour}時はありません。時は0〜23で入力してください。例: {example}").format(
                hour=hour, example=TIME_EXAMPLE
            )
        )
    if not 0 <= minute <= 59:
        raise DateInputError(
            _("{minute}分はありません。分は0〜59で入力してください。例: {example}").format(
                minute=minute, example=TIME_EXAMPLE
            )
        )
    return dt.time(hour, minute)


def parse_time(text: str) -> dt.time:
    """The time of day *text* means (minutes; no seconds)."""
    clean = normalize(text)
    if not clean:
        raise DateInputError(_("時刻を入力してください。例: {example}").format(example=TIME_EXAMPLE))
    if m := _TIME_COLON.fullmatch(clean):
        return _make_time(int(m.group(1)), int(m.group(2)))
    if m := _TIME_HOUR.fullmatch(clean):
        return _make_time(int(m.group(1)), 0)
    if m := _TIME_DIGITS.fullmatch(clean):
        digits = m.group(1)
        return _make_time(int(digits[:-2]), int(digits[-2:]))
    raise _not_a_time(text.strip())


def _split_datetime(clean: str) -> tuple[str, str] | None:
    if " " in clean:
        date_part, time_part = clean.rsplit(" ", 1)
        return date_part, time_part
    if "日" in clean and not clean.endswith("日"):
        date_part, time_part = clean.split("日", 1)
        return date_part + "日", time_part
    if re.fullmatch(r"\d{12}", clean):
        return clean[:8], clean[8:]
    return None


def parse_datetime(text: str, *, today: dt.date | None = None) -> dt.datetime:
    """Date and time: ``2025/11/20 14:30``.  A time alone means that time *today*."""
    clean = normalize(text)
    if not clean:
        raise DateInputError(_("日時を入力してください。例: {example}").format(example=DATETIME_EXAMPLE))
    parts = _split_datetime(clean)
    if parts is None:
        try:
            day = parse_date(clean, today=today)
        except DateInputError:
            pass
        else:
            raise DateInputError(_("時刻も入力してください。例: {example}").format(example=f"{format_date(day)} 10:00"))
        try:
            return dt.datetime.combine(today or dt.date.today(), parse_time(clean))
        except DateInputError:
            raise DateInputError(
                _("「{text}」は日時として読めません。例: {example}、R7.4.1 9:30、4/1 14:30").format(
                    text=text.strip(), example=DATETIME_EXAMPLE
                )
            ) from None
    date_part, time_part = parts
    return dt.datetime.combine(parse_date(date_part, today=today), parse_time(time_part))


__all__ = [
    "DATETIME_EXAMPLE",
    "DATE_EXAMPLE",
    "TIME_EXAMPLE",
    "DateInputError",
    "format_date",
    "format_datetime",
    "format_time",
    "normalize",
    "parse_date",
    "parse_datetime",
    "parse_time",
]
