"""The document framework: user text is printed literally, fonts are embedded, metadata is Japanese,
QR codes decode, files are written atomically."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from kyodo_desk.documents.base import A4_GEOMETRY, DocumentMeta, esc, make_styles, para, render_story, write_pdf
from kyodo_desk.documents.qr import QRCodeFlowable, qr_matrix
from tests.documents.conftest import decode_qr, pdf_text, render_page

HOSTILE = '<b>太字</b> & <img src="x.png"/> &amp; <font color=red>赤</font> <a href="javascript:x">リンク</a>'


def test_esc_neutralises_markup():
    assert esc("<b>&") == "&lt;b&gt;&amp;"
    assert esc("一行目\n二行目") == "一行目<br/>二行目"
    assert esc(None) == ""


def test_user_text_with_markup_prints_literally():
    st = make_styles()
    data = render_story([para(HOSTILE, st.body), para("改行も\nそのまま", st.body)], A4_GEOMETRY, DocumentMeta("試験"))
    text = pdf_text(data).replace("\n", "")
    assert '<b>太字</b> & <img src="x.png"/> &amp; <font color=red>赤</font>' in text
    assert "javascript" in text
    assert "\ufffd" not in text


def test_fonts_are_embedded_and_no_unembedded_base_font(center):
    st = make_styles()
    data = render_story([para("日本語の本文", st.body), para("太字", st.h1)], A4_GEOMETRY, DocumentMeta("試験"))
    assert b"/FontFile2" in data
    assert b"/Helvetica" not in data


def test_metadata_is_japanese():
    from io import BytesIO

    from pypdf import PdfReader

    data = render_story([Spacer(1, 1)], A4_GEOMETRY, DocumentMeta("題名のテスト", author="金沢市", subject="件名"))
    meta = PdfReader(BytesIO(data)).metadata
    assert meta.title == "題名のテスト"
    assert meta.author == "金沢市"
    assert meta.subject == "件名"


def test_qr_matrix_levels_and_quiet_zone():
    assert len(qr_matrix("https://example.jp/", "H")) >= len(qr_matrix("https://example.jp/", "L"))
    with pytest.raises(ValueError):
        qr_matrix("x", "Z")


def test_qr_code_decodes_back(tmp_path):
    url = "https://www4.city.kanazawa.lg.jp/soshiki/shiminkyodo/"
    data = render_story([QRCodeFlowable(url, 30 * mm, error_correction="Q")], A4_GEOMETRY, DocumentMeta("QR"))
    assert decode_qr(render_page(data, 1, tmp_path)) == [url]


def test_write_pdf_is_atomic(tmp_path):
    target = tmp_path / "sub" / "out.pdf"
    write_pdf(target, b"%PDF-1.4 first")
    write_pdf(target, b"%PDF-1.4 second")
    assert target.read_bytes() == b"%PDF-1.4 second"
    assert [p.name for p in target.parent.iterdir()] == ["out.pdf"]
