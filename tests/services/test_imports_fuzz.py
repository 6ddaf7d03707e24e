"""No file a person can choose makes the import fail with a traceback: random bytes and hostile cells
(NUL, control characters, formula prefixes, 20,000-character cells, impossible dates, unknown codes)
through the reader, the preview and the write.  The only exceptions allowed are the ones that explain
themselves in Japanese: ImportFileRefused (the file), ServiceError (the mapping) and ImportRowsRefused."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.imports import ImportFileRefused, ImportService
from kyodo_desk.services.imports.fields import SPECS

FUZZ = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
KINDS = ("devices", "organizations", "advisors")


@pytest.fixture
def imports(services):
    return ImportService(services.db, services.settings)


def _explained(exc: BaseException) -> bool:
    return isinstance(exc, ServiceError) and type(exc).__name__ != "PermissionDenied" and bool(str(exc).strip())


def _through(imports, admin, kind: str, data: bytes, *, write: bool = False) -> None:
    try:
        table, mapping, values = imports.open_file(admin, kind, data, "fuzz")
        preview = imports.preview(admin, kind, table, mapping, values)
        assert len(preview.rows) == len(table.rows)
        for row in preview.rows:
            assert row.action != "error" or row.problems  # an error row always says why
        if write:
            imports.run(admin, kind, table, mapping, values, skip_errors=True)
    except ServiceError as exc:
        assert _explained(exc), repr(exc)


_MAGIC = st.sampled_from(
    [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b"\x89PNG", b"%PDF", b"\xd0\xcf\x11\xe0"]
)


@FUZZ
@given(prefix=_MAGIC, body=st.binary(max_size=600), kind=st.sampled_from(KINDS))
def test_random_bytes_never_raise_anything_unexplained(imports, admin, prefix, body, kind):
    _through(imports, admin, kind, prefix + body)


_HOSTILE = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3000), max_size=60),
    st.sampled_from(
        [
            "=1+1",
            "'=cmd|' /C calc'!A0",
            "+81",
            "-",
            "@SUM(A1)",
            "\t",
            "\r",
            "\x00",
            "a\x00b",
            "\x1b[31m",
            "2024/13/1",
            "令和99年1月1日",
            "R0.1.1",
            "H31.5.1",
            "0000/00/00",
            "99999999",
            "元年",
            "\u202e",
            "ﾉｰﾄPC",
            "モバイルWi-Fi",
            "電子レンジ",
            "貸出中",
            "廃棄",
            "町内会",
            "会計・広報",
            "・・・",
            "、、",
            "×2",
            "充電器×0",
            "充電器×999",
            "'",
            "''",
            '"',
            '""',
            ",",
            "\n",
            " ",
            "\u3000",
        ]
    ),  # fmt: skip
    st.integers(min_value=10, max_value=20_000).map(lambda n: "長" * n),
)


def _csv_bytes(rows: list[list[str]], encoding: str, delimiter: str) -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    text = buf.getvalue()
    if encoding == "cp932":
        return text.encode("cp932", errors="replace")
    return text.encode(encoding, errors="surrogatepass") if encoding == "utf-16" else text.encode("utf-8", "replace")


@FUZZ
@given(
    kind=st.sampled_from(KINDS),
    extra_headings=st.lists(_HOSTILE, max_size=2),
    cells=st.lists(st.lists(_HOSTILE, min_size=1, max_size=12), min_size=1, max_size=4),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp932"]),
    delimiter=st.sampled_from([",", "\t"]),
)
def test_hostile_cells_never_raise_anything_unexplained(
    imports, admin, kind, extra_headings, cells, encoding, delimiter
):
    headings = [f.label_msgid for f in SPECS[kind].fields] + extra_headings
    data = _csv_bytes([headings, *cells], encoding, delimiter)
    _through(imports, admin, kind, data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(KINDS),
    extra_headings=st.lists(_HOSTILE, max_size=2),
    cells=st.lists(st.lists(_HOSTILE, min_size=1, max_size=12), min_size=1, max_size=4),
)
def test_hostile_cells_written_with_error_rows_skipped(imports, admin, kind, extra_headings, cells):
    """What the preview lets through, the write session accepts on SQLite and PostgreSQL alike."""
    headings = [f.label_msgid for f in SPECS[kind].fields] + extra_headings
    _through(imports, admin, kind, _csv_bytes([headings, *cells], "utf-8", ","), write=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), cells=st.lists(st.lists(_HOSTILE, min_size=1, max_size=10), min_size=1, max_size=3))
def test_hostile_cells_in_excel_files(imports, admin, kind, cells):
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f.label_msgid for f in SPECS[kind].fields])
    for row in cells:  # openpyxl itself cannot write control characters into a sheet
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
    out = io.BytesIO()
    book.save(out)
    _through(imports, admin, kind, out.getvalue(), write=True)


def test_refusal_messages_name_what_was_expected(imports, admin):
    with pytest.raises(ImportFileRefused, match="Excel"):
        imports.open_file(admin, "devices", b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png")
