"""Helpers for reading PDFs back: text per page, page images, QR decoding."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.pdf_render import render_pdf


@pytest.fixture
def center():
    from kyodo_desk.documents.base import CenterInfo
    from kyodo_desk.services.settings import CenterSettings

    return CenterInfo.from_settings(CenterSettings())


def pdf_pages_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages_text(data))


def render_page(data: bytes, page: int, tmp_path: Path | None = None, dpi: int = 200) -> Image.Image:
    """Image of 1-based *page*, rendered with QtPdf (no system package needed)."""
    return render_pdf(data, dpi, [page])[0]


def decode_qr(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def visual_lines(data: bytes, page: int) -> list[str]:
    """Text of 1-based *page* grouped into lines by position (y), left to right (x)."""
    reader = PdfReader(io.BytesIO(data))
    pieces: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            pieces.append((round(y), x, text.strip()))

    reader.pages[page - 1].extract_text(visitor_text=visit)
    lines: dict[int, list[tuple[float, str]]] = {}
    for y, x, text in pieces:
        key = next((k for k in lines if abs(k - y) <= 2), y)
        lines.setdefault(key, []).append((x, text))
    return [" ".join(t for _x, t in sorted(parts)) for _y, parts in sorted(lines.items(), reverse=True)]
