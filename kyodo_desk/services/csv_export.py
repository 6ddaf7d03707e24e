"""CSV that Japanese Excel opens correctly and that cannot smuggle in formulas.

* UTF-8 with a BOM (Excel on Windows otherwise reads Shift_JIS and shows mojibake), CRLF line ends.
* A cell that starts with ``= + - @``, TAB or CR is prefixed with an apostrophe, so Excel shows it
  as text instead of running it (CSV/formula injection, OWASP).  Plain numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_DANGEROUS) and not _NUMBER.match(text):
        return "'" + text
    return text


def to_csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def write_csv(path: Path, rows: Iterable[Sequence[object]]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(to_csv_bytes(rows))
    tmp.replace(path)
    return path
