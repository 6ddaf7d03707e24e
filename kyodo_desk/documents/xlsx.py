"""Excel workbooks (.xlsx) through openpyxl: one sheet per table, figures as numbers (never text),
the header row bold and frozen, column widths for Japanese (a full-width character counts as two).

Takes plain data (:class:`Sheet`), returns bytes or writes a file atomically.  Text from people is
written as a string value, never as a formula: a cell starting with ``=`` stays text.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

Cell = str | int | float | None

MAX_WIDTH = 60  # characters (half-width units)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    note: str = ""  # a line under the table (what the figures count)


def display_width(text: str) -> int:
    """Width in half-width units: 全角 (East Asian Wide/Fullwidth/Ambiguous) counts 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1 for ch in text)


def sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts (≤ 31 characters, none of ``[]:*?/\\``), unique in the workbook."""
    base = _BAD_SHEET_CHARS.sub("・", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f"({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def build_xlsx(sheets: Sequence[Sheet], *, title: str = "", author: str = "") -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title or None
    wb.properties.creator = author or "協働デスク (Kyodo Desk)"
    taken: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet_name(sheet.name, taken))
        ws.append([str(c) for c in sheet.columns])
        for cell in ws[1]:
            cell.font = bold
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=False)
        for row in sheet.rows:
            ws.append([_cell(v) for v in row])
        for cells in ws.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.0"
                elif isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif isinstance(cell.value, str):
                    cell.data_type = "s"  # "=SUM(...)" typed by someone stays text
        if sheet.note:
            ws.append([])
            ws.append([sheet.note])
        ws.freeze_panes = "A2"
        widths = [display_width(str(c)) for c in sheet.columns]
        for row in sheet.rows:
            for i, value in enumerate(row):
                if i < len(widths):
                    widths[i] = max(widths[i], display_width(_text(value)))
                else:
                    widths.append(display_width(_text(value)))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(6, width + 2))
    if not wb.sheetnames:
        wb.create_sheet("Sheet")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell(value: Cell) -> Cell:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32)  # control characters break the file
    return value


def write_xlsx(path: str | os.PathLike, data: bytes) -> Path:
    """Write *data* atomically (a half-written workbook never replaces a good one)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kyodo-", suffix=".xlsx", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def stats_sheet(stats, values: Sequence[Sequence[Cell]]) -> Sheet:
    """A statistics table (header + rows from services.consultation_stats.stats_values) as a sheet."""
    header, *rows = values
    return Sheet(stats.title, [str(c) for c in header], rows)
