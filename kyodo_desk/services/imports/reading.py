"""Read a table out of the file a person chose: Excel (.xlsx) or CSV/text as Excel saves them.

* ``.xlsx`` through openpyxl (read-only, values not formulas); the first sheet; date cells arrive as
  :class:`datetime.date` values.
* CSV or text: UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's 「Unicode テキスト」) or
  Shift_JIS (cp932, Excel's 「CSV」); comma or tab separated (sniffed from the first line).

Anything else — an image, a PDF, a zip that is not a workbook, an old binary .xls, a file too big — is
refused with :class:`ImportFileRefused`, a message for people naming what was expected and what the
file is.  No input makes this module raise anything else.  A cell longer than :data:`MAX_CELL_CHARS`
is cut and its row marked (the preview shows it as an error row).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.base import ServiceError

MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
_FORMULA_GUARDED = ("=", "+", "-", "@", "\t", "\r")

Cell = str | dt.date


class ImportFileRefused(ServiceError):
    """The file cannot be read as a table; ``str(exc)`` says why and what to choose instead."""


@dataclass(frozen=True)
class Row:
    number: int  # the row number as the spreadsheet shows it (1 = first line)
    cells: tuple[Cell, ...]
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    file_kind: str  # "xlsx" | "csv"
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str = ""
    delimiter: str = ""
    notes: tuple[str, ...] = field(default=())

    def column(self, index: int, limit: int = 5) -> list[str]:
        """The first *limit* values of one column, as text (for the mapping step)."""
        out = []
        for row in self.rows[:limit]:
            value = row.cells[index] if index < len(row.cells) else ""
            out.append(cell_text(value))
        return out


def cell_text(value: Cell | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"
    return value


def _expected(what: str) -> ImportFileRefused:
    return ImportFileRefused(
        _("Excel (.xlsx) か CSV のファイルを選んでください。このファイルは {what} です。").format(what=what)
    )


def _sniff_binary(data: bytes) -> str | None:
    """What a non-table file is (in words), or None when it may be a table."""
    signatures = [
        (b"\x89PNG", _("PNG 画像")),
        (b"\xff\xd8\xff", _("JPEG 画像")),
        (b"GIF8", _("GIF 画像")),
        (b"BM", None),  # too short a signature to refuse on alone
        (b"%PDF", "PDF"),
        (b"\xd0\xcf\x11\xe0", _("古い形式の Excel (.xls) か Word などの文書")),
        (b"Rar!", _("RAR の圧縮ファイル")),
        (b"7z\xbc\xaf", _("7-Zip の圧縮ファイル")),
        (b"\x1f\x8b", _("gzip の圧縮ファイル")),
        (b"SQLite format 3", _("データベース(SQLite)")),
        (b"MZ", None),
    ]
    for magic, what in signatures:
        if data.startswith(magic) and what:
            return what
    if data[:4] in (b"RIFF",) or data[4:8] == b"ftyp":
        return _("画像か動画")
    return None


def read_table(data: bytes, filename: str = "") -> Table:
    """The table in *data* (the file's bytes); *filename* only helps the message."""
    try:
        return _read(data, filename)
    except ImportFileRefused:
        raise
    except MemoryError:
        raise ImportFileRefused(_("ファイルが大きすぎて読めません。行を分けて取り込んでください。")) from None
    except Exception as exc:  # noqa: BLE001 - any other failure is explained, never a traceback
        raise ImportFileRefused(
            _("ファイルを表として読めませんでした({detail})。Excel (.xlsx) か CSV で保存し直してください。").format(
                detail=type(exc).__name__
            )
        ) from exc


def _read(data: bytes, filename: str) -> Table:
    if not data:
        raise ImportFileRefused(_("ファイルが空です。"))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileRefused(
            _("ファイルが大きすぎます({size} MB)。{limit} MB までにしてください。").format(
                size=format_number(len(data) // (1024 * 1024)), limit=MAX_FILE_BYTES // (1024 * 1024)
            )
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _read_xlsx(data)
    what = _sniff_binary(data)
    if what:
        raise _expected(what)
    return _read_text(data)


# ---- Excel ----------------------------------------------------------------------------------
def _read_xlsx(data: bytes) -> Table:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _expected(_("壊れた ZIP ファイル")) from exc
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise _expected(_("Word の文書 (.docx)"))
        if "ppt/presentation.xml" in names:
            raise _expected(_("PowerPoint の資料 (.pptx)"))
        if "content.xml" in names:
            raise _expected(_("OpenDocument の文書(.ods なら Excel 形式で保存し直してください)"))
        raise _expected(_("ZIP の圧縮ファイル"))
    import openpyxl  # only when an Excel file is chosen

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken or locked book
        raise ImportFileRefused(
            _("Excel ファイルを開けませんでした。壊れているか、パスワードがかかっています。")
        ) from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ImportFileRefused(_("Excel ファイルにシートがありません。"))
        raw_rows = []
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            raw_rows.append([_excel_cell(v) for v in values])
            if len(raw_rows) > MAX_ROWS + 1:
                raise _too_many_rows()
    finally:
        book.close()
    header, rows = _table(raw_rows)
    notes = (_("最初のシート「{name}」を読みました。").format(name=sheet.title),) if len(book.sheetnames) > 1 else ()
    return Table("xlsx", header, rows, notes=notes + _skipped(raw_rows))


def _excel_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    return str(value)


# ---- CSV / text -----------------------------------------------------------------------------
def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if b"\x00" in data[:4096]:
        raise _expected(_("文字のファイルではないもの(画像・文書などのバイナリ)"))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "Shift_JIS"
    except UnicodeDecodeError:
        raise ImportFileRefused(
            _(
                "文字コードが読めません。Excel で「CSV UTF-8」か「CSV」(Shift_JIS)として保存し直すか、"
                "Excel (.xlsx) のまま選んでください。"
            )
        ) from None


def _read_text(data: bytes) -> Table:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError:
        raise ImportFileRefused(_("文字コードが読めません(UTF-16 のファイルが途中で壊れています)。")) from None
    text = text.replace("\x00", "")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, MAX_FILE_BYTES))
    raw_rows: list[list[Cell]] = []
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False):
            raw_rows.append(list(values[:MAX_COLUMNS]))
            if len(raw_rows) > MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error as exc:
        raise ImportFileRefused(
            _("CSV として読めませんでした({detail})。Excel で開いて保存し直してください。").format(detail=exc)
        ) from exc
    header, rows = _table(raw_rows)
    return Table("csv", header, rows, encoding=encoding, delimiter=delimiter, notes=_skipped(raw_rows))


def _skipped(raw_rows: list[list[Cell]]) -> tuple[str, ...]:
    numbered = [(n, r) for n, r in enumerate(raw_rows, start=1) if _filled(r)]
    if not numbered:
        return ()
    first = numbered[_header_index(numbered)][0]
    if first == numbered[0][0]:
        return ()
    return (_("{n}行目を見出しとして読みました(その上の行は表題として読みません)。").format(n=first),)


def _too_many_rows() -> ImportFileRefused:
    return ImportFileRefused(
        _("行が多すぎます。{limit} 行までにして、残りは別のファイルで取り込んでください。").format(
            limit=format_number(MAX_ROWS)
        )
    )


# ---- common ---------------------------------------------------------------------------------
def _unguard(value: str) -> str:
    """Drop the apostrophe our own CSV export puts before = + - @ so Excel does not run a formula."""
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_GUARDED:
        return value[1:]
    return value


def _cell(value: Cell, problems: list[str], column: int) -> Cell:
    if isinstance(value, dt.date):
        return value
    if len(value) > MAX_CELL_CHARS:
        problems.append(
            _("{column}列目のセルが長すぎます({count}文字。{limit}文字まで読みます)").format(
                column=column + 1, count=format_number(len(value)), limit=format_number(MAX_CELL_CHARS)
            )
        )
        value = value[:MAX_CELL_CHARS]
    return _unguard(value.strip())


def _filled(values: list[Cell]) -> int:
    return sum(1 for c in values if cell_text(c).strip())


def _header_index(numbered: list[tuple[int, list[Cell]]]) -> int:
    """The heading row: the first of the top ten rows with two or more values — a title line above
    it (「備品台帳 令和5年4月現在」 alone in A1) is skipped; a one-column table starts at its first row."""
    top = [_filled(values) for _n, values in numbered[:10]]
    return next((i for i, count in enumerate(top) if count >= 2), 0)


def _table(raw_rows: list[list[Cell]]) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    numbered = [(n, r) for n, r in enumerate(raw_rows, start=1) if _filled(r)]
    if not numbered:
        raise ImportFileRefused(_("ファイルに表がありません(すべての行が空です)。"))
    numbered = numbered[_header_index(numbered) :]
    _n, head = numbered[0]
    header_problems: list[str] = []
    header = [cell_text(_cell(c, header_problems, i))[:200] for i, c in enumerate(head)]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise ImportFileRefused(_("1行目に見出しがありません。"))
    width = len(header)
    rows = []
    for number, values in numbered[1:]:
        problems: list[str] = []
        cells = tuple(_cell(c, problems, i) for i, c in enumerate(values[:width]))
        cells += ("",) * (width - len(cells))
        notes: tuple[str, ...] = ()
        if any(cell_text(c).strip() for c in values[width:]):
            notes = (_("見出しのない列の値は読みません"),)
        rows.append(Row(number, cells, tuple(problems), notes))
    return tuple(header), tuple(rows)
