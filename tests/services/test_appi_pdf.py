"""The disclosure PDF with long, many and hostile values: every value printed literally, nothing
lost at page breaks, no row too tall for a page."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from kyodo_desk.documents.base import CenterInfo
from kyodo_desk.documents.forms.disclosure import build_disclosure_pdf, pieces
from kyodo_desk.services.appi import DisclosedValue, Disclosure
from tests.pdf_render import render_pdf

HOSTILE = '<b>太字</b> & <img src="x"/> <font size=40>大</font> =SUM(A1)'


def _text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def test_long_many_and_hostile_values_print_literally():
    long_value = "".join(f"{i:05d}行目の相談内容。" for i in range(1500))  # ~21,000 characters
    unbroken = "A" * 5000  # no place to break a line
    values = [DisclosedValue("相談受付 › 相談者(個人)", "個人 #1", "備考", "person.notes", long_value)]
    values.append(
        DisclosedValue("相談受付", "相談 S2025-00001" + "長" * 400, "相談内容", "consultation.details", unbroken)
    )
    values += [
        DisclosedValue(
            "機器貸出 › 貸出", f"貸出 L2025-{i:05d}", "責任者", "loan.responsible_name", f"{HOSTILE} {i}\x07\x1b"
        )
        for i in range(300)
    ]
    disclosure = Disclosure("person", 1, "山田 太郎" + HOSTILE, dt.datetime(2026, 12, 1, 10), tuple(values), (HOSTILE,))
    data = build_disclosure_pdf(disclosure, CenterInfo("<i>センター</i>", phone="076-000-0000"))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 10
    text = _text(data)
    assert HOSTILE.replace(" ", "") in text.replace(" ", "")  # markup printed, not obeyed
    assert "<i>センター</i>" in text
    assert "01499行目の相談内容。" in text and "00000行目" in text  # the end and the start of a long value
    assert f"{HOSTILE} 299".replace(" ", "") in text.replace(" ", "")
    first, last = render_pdf(data, 40, [1, len(reader.pages)], gray=True)
    assert first.getextrema()[0] < 100 and last.getextrema()[0] < 100  # ink on both


def test_values_are_cut_into_pieces_without_losing_characters():
    text = ("一行の文章です。\n" * 300) + "最後"
    parts = pieces(text, 400)
    assert "".join(parts) == text and all(len(p) <= 400 for p in parts)
    assert all(p.endswith("\n") for p in parts[:-1])  # cut at line ends where there are some
    assert pieces("") == [""]
