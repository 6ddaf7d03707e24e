"""The one translation module.

Source strings (msgids) are Japanese: the desk is Japanese first.  The English catalogue
translates them.  ``_`` looks the string up in the active catalogue each time it is called, so
text built after :func:`setup_i18n` follows the chosen language.

Catalogues are looked up in order:
1. ``kyodo_desk/locale/<lang>/LC_MESSAGES/kyodo_desk.mo`` (compiled by ``build_installer.py``
   or ``python -m kyodo_desk.i18n compile``), and
2. the source ``i18n/<lang>/LC_MESSAGES/kyodo_desk.po`` next to the package (a source checkout
   or an editable install), compiled in memory with Babel.

Dates and numbers are formatted with Babel; :func:`wareki` writes Japanese era dates.
"""

from __future__ import annotations

import datetime as _dt
import gettext as _gettext
import io
import sys
from decimal import Decimal
from pathlib import Path

DOMAIN = "kyodo_desk"
SUPPORTED_LANGUAGES = ("ja", "en")

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_locale = "ja"


def _(message: str) -> str:
    """Translate *message* into the active language."""
    return _translations.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark *message* for extraction without translating it now."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def current_locale() -> str:
    return _locale


def source_catalog_dir() -> Path:
    """The ``i18n/`` folder of a source checkout (or a PyInstaller bundle)."""
    base = getattr(sys, "_MEIPASS", None)
    if base:
        return Path(base) / "i18n"
    return Path(__file__).resolve().parent.parent / "i18n"


def compiled_catalog_dir() -> Path:
    return Path(__file__).resolve().parent / "locale"


def _load_catalog(lang: str) -> _gettext.NullTranslations | None:
    mo = compiled_catalog_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file():
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    po = source_catalog_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.is_file():
        return None
    cached = _cached_mo(po, lang)
    if cached is not None and cached.is_file():
        with cached.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    data = _compile_po(po, lang)
    if cached is not None:
        _write_quietly(cached, data)
    return _gettext.GNUTranslations(io.BytesIO(data))


def _compile_po(po: Path, lang: str) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def _cached_mo(po: Path, lang: str) -> Path | None:
    """Where a source checkout keeps the compiled catalogue between starts (compiling the .po
    costs ~40 ms of every start): the user's cache folder, named after the .po's size and time,
    so an edited catalogue is compiled again.  None when there is no such folder."""
    try:
        from platformdirs import user_cache_dir

        stat = po.stat()
        folder = Path(user_cache_dir("KyodoDesk", appauthor=False)) / "i18n"
        return folder / f"{DOMAIN}-{lang}-{stat.st_size}-{stat.st_mtime_ns}.mo"
    except Exception:  # noqa: BLE001 - no cache: compile every time, as before
        return None


def _write_quietly(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{id(data)}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        for old in path.parent.glob(f"{DOMAIN}-{path.name.split('-')[1]}-*.mo"):
            if old != path:
                old.unlink(missing_ok=True)  # an earlier version of the catalogue
    except OSError:
        pass  # a read-only or full disk: the catalogue still works from memory


def all_translations(message: str) -> set[str]:
    """*message* in every supported language (for reading files written on another desk)."""
    out = {message}
    for lang in SUPPORTED_LANGUAGES:
        catalog = _load_catalog(lang)
        if catalog is not None:
            out.add(catalog.gettext(message))
    return out


def setup_i18n(locale: str | None = "ja") -> str:
    """Activate *locale* ("ja" or "en"); returns the locale actually used."""
    global _translations, _locale
    lang = (locale or "ja").split("_")[0].split("-")[0].lower()
    if lang not in SUPPORTED_LANGUAGES:
        lang = "ja"
    catalog = _load_catalog(lang)
    _translations = catalog if catalog is not None else _gettext.NullTranslations()
    _locale = lang
    return lang


def compile_catalogs(target: Path | None = None) -> list[Path]:
    """Compile every ``i18n/*/LC_MESSAGES/*.po`` into ``.mo`` files; returns the written paths."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    target = target or compiled_catalog_dir()
    written = []
    for po in sorted(source_catalog_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        lang = po.parent.parent.name
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        out = target / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as fh:
            write_mo(fh, catalog)
        written.append(out)
    return written


# --------------------------------------------------------------------------- formatting


def _babel_locale() -> str:
    return "ja_JP" if _locale == "ja" else "en_GB"


def format_date(value: _dt.date, format: str = "medium") -> str:  # noqa: A002
    from babel.dates import format_date as _fd

    return _fd(value, format=format, locale=_babel_locale())


def format_datetime(value: _dt.datetime, format: str = "medium") -> str:  # noqa: A002
    from babel.dates import format_datetime as _fdt

    return _fdt(value, format=format, locale=_babel_locale())


def weekday_short(value: _dt.date | int) -> str:
    """Short weekday name in the active language (月 / Mon); *value* is a date or 0=Monday..6."""
    from babel.dates import format_date as _fd

    day = value if isinstance(value, _dt.date) else _dt.date(2024, 1, 1) + _dt.timedelta(days=int(value))
    return _fd(day, "EEE", locale=_babel_locale())


def month_short(year: int, month: int) -> str:
    """Short month name in the active language (4月 / Apr), e.g. for statistics columns."""
    from babel.dates import format_date as _fd

    return _fd(_dt.date(year, month, 1), "MMM", locale=_babel_locale())


def format_number(value: int | float | Decimal) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_babel_locale())


def format_money(value: int | Decimal) -> str:
    from babel.numbers import format_currency

    return format_currency(value, "JPY", locale=_babel_locale())


# --------------------------------------------------------------------------- 和暦

# (era name, first day) newest first.  Only eras a living person or record can need.
ERAS: tuple[tuple[str, _dt.date], ...] = (
    ("令和", _dt.date(2019, 5, 1)),
    ("平成", _dt.date(1989, 1, 8)),
    ("昭和", _dt.date(1926, 12, 25)),
    ("大正", _dt.date(1912, 7, 30)),
    ("明治", _dt.date(1868, 10, 23)),
)


def wareki_parts(value: _dt.date) -> tuple[str, int]:
    """Era name and year in that era for *value* (``("令和", 7)``)."""
    for name, start in ERAS:
        if value >= start:
            return name, value.year - start.year + 1
    raise ValueError(f"date before 明治: {value.isoformat()}")


def _era_year(name: str, year: int) -> str:
    return f"{name}{'元' if year == 1 else year}年"


def wareki(value: _dt.date, *, weekday: bool = False) -> str:
    """``2025-04-01`` → ``令和7年4月1日``; the first year of an era is 元年."""
    name, year = wareki_parts(value)
    text = f"{_era_year(name, year)}{value.month}月{value.day}日"
    if weekday:
        text += f"({'月火水木金土日'[value.weekday()]})"
    return text


def wareki_year(value: _dt.date) -> str:
    """``2025-04-01`` → ``令和7年``."""
    return _era_year(*wareki_parts(value))


def wareki_fiscal_year(fiscal_year: int) -> str:
    """Fiscal year starting April *fiscal_year* → ``令和7年度``.

    A fiscal year is named in the era that is in effect for most of it (its December): FY2019
    began under 平成 on 2019-04-01, but is 令和元年度 in every report, as the government named it;
    FY1988 stays 昭和63年度 and FY1989 is 平成元年度.
    """
    name, year = wareki_parts(_dt.date(fiscal_year, 12, 31))
    return f"{name}{'元' if year == 1 else year}年度"


def date_both(value: _dt.date) -> str:
    """和暦 and 西暦 together: ``令和7年4月1日(2025年4月1日)``."""
    return f"{wareki(value)}({value.year}年{value.month}月{value.day}日)"


if __name__ == "__main__":  # python -m kyodo_desk.i18n compile
    if sys.argv[1:2] == ["compile"]:
        for path in compile_catalogs():
            print(path)
    else:
        print("usage: python -m kyodo_desk.i18n compile")
