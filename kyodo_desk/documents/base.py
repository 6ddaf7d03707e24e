"""The document framework every printed thing uses: fonts, page sizes, styles, the center's
header/footer, 和暦 dates, escaping of user text, and building a story into PDF bytes.

Rules for callers (receipts, loan slips, notices, label sheets, forms, the handbook):

* Pass plain data (dataclasses, strings, dates) — never ORM objects or Qt types.
* Put text from people (names, notes, settings) into paragraphs with :func:`para`, which escapes it,
  or :func:`esc` when you build markup yourself.  ``<b>``, ``&`` and ``<img src=...>`` typed by a user
  are printed literally.  Only text written by programmers may be passed to :func:`markup_para`.
* Slow builds accept ``progress(done, total, text)``; raising from it cancels the build.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from kyodo_desk.documents.fonts import JapaneseFont, register_reportlab_font
from kyodo_desk.documents.kinsoku import KinsokuParagraph
from kyodo_desk.i18n import _

Progress = Callable[[int, int, str], None]

A4_PORTRAIT = A4
A4_LANDSCAPE = landscape(A4)
A5_PORTRAIT = A5

GRAY_FILL = colors.Color(0.9, 0.9, 0.9)  # light enough for a monochrome laser, visible on paper
GRAY_TEXT = colors.Color(0.3, 0.3, 0.3)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def report(progress: Progress | None, done: int, total: int, text: str) -> None:
    if progress is not None:
        progress(done, total, text)


# --------------------------------------------------------------------------- escaping


def esc(text: object) -> str:
    """Text → ReportLab paragraph markup that prints exactly *text* (newlines become ``<br/>``)."""
    value = _CONTROL.sub("", "" if text is None else str(text))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return value.replace("\n", "<br/>")


def para(text: object, style: ParagraphStyle) -> KinsokuParagraph:
    """A paragraph of user (or any untrusted) text, printed literally."""
    return KinsokuParagraph(esc(text), style)


def markup_para(markup: str, style: ParagraphStyle) -> KinsokuParagraph:
    """A paragraph of trusted markup written by the program (interpolate user text through :func:`esc`)."""
    return KinsokuParagraph(markup, style)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class CenterInfo:
    """The center's details as printed on every document (from ``CenterSettings``)."""

    center_name: str
    department: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    website_url: str = ""
    retention_years: int = 5

    @classmethod
    def from_settings(cls, settings: object) -> "CenterInfo":
        names = cls.__dataclass_fields__
        return cls(**{n: getattr(settings, n) for n in names if hasattr(settings, n)})

    def address_line(self) -> str:
        return " ".join(p for p in (f"〒{self.postal_code}" if self.postal_code else "", self.address) if p)

    def phone_line(self) -> str:
        parts = []
        if self.phone:
            parts.append(_("電話 {n}").format(n=self.phone))
        if self.fax:
            parts.append(_("FAX {n}").format(n=self.fax))
        return "　".join(parts)

    def contact_lines(self) -> list[str]:
        lines = [self.center_name, self.address_line(), self.phone_line()]
        if self.email:
            lines.append(_("メール {a}").format(a=self.email))
        if self.website_url:
            lines.append(self.website_url)
        return [line for line in lines if line]

    def one_line(self) -> str:
        return "　".join(p for p in (self.center_name, self.address_line(), self.phone_line(), self.email) if p)


@dataclass(frozen=True)
class DocumentMeta:
    """PDF metadata (shown by viewers; Japanese is fine)."""

    title: str
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    creator: str = "協働デスク (Kyodo Desk)"


@dataclass(frozen=True)
class PageGeometry:
    pagesize: tuple[float, float]
    left: float = 18 * mm
    right: float = 18 * mm
    top: float = 20 * mm
    bottom: float = 20 * mm

    @property
    def width(self) -> float:
        return self.pagesize[0]

    @property
    def height(self) -> float:
        return self.pagesize[1]

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.height - self.top - self.bottom

    def frame(self, id: str = "body", **kw) -> Frame:  # noqa: A002
        return Frame(
            self.left,
            self.bottom,
            self.frame_width,
            self.frame_height,
            id=id,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            **kw,
        )


A4_GEOMETRY = PageGeometry(A4_PORTRAIT)
A5_GEOMETRY = PageGeometry(A5_PORTRAIT, left=13 * mm, right=13 * mm, top=15 * mm, bottom=15 * mm)


# --------------------------------------------------------------------------- styles


@dataclass
class DocStyles:
    font: JapaneseFont
    regular: str
    bold: str
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    note: ParagraphStyle
    caption: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    toc: list[ParagraphStyle] = field(default_factory=list)

    def derive(self, style: ParagraphStyle, **changes) -> ParagraphStyle:
        name = changes.pop("name", style.name + "+")
        return ParagraphStyle(name, parent=style, **changes)


def make_styles(scale: float = 1.0) -> DocStyles:
    """Japanese styles (``wordWrap='CJK'``, kinsoku via :class:`KinsokuParagraph`); *scale* for A5."""
    font = register_reportlab_font()
    reg, bold = font.reportlab_name, font.reportlab_bold_name

    def s(name, size, leading, *, font_name=reg, **kw) -> ParagraphStyle:
        kw.setdefault("textColor", colors.black)
        kw.setdefault("bulletFontName", font_name)  # ReportLab's default is Helvetica: no □ ・ glyphs
        return ParagraphStyle(
            name, fontName=font_name, fontSize=size * scale, leading=leading * scale, wordWrap="CJK", **kw
        )

    body = s("body", 10.5, 17.5, spaceAfter=5 * scale, alignment=TA_LEFT)
    cell = s("cell", 9.5, 14, spaceAfter=0)
    cell.hangPunctuation = False  # a hanging 。 would touch the cell rule
    cell_head = s("cell_head", 9.5, 14, font_name=bold)
    cell_head.hangPunctuation = False
    return DocStyles(
        font=font,
        regular=reg,
        bold=bold,
        title=s("title", 24, 34, font_name=bold, alignment=TA_CENTER, spaceAfter=8 * scale),
        subtitle=s("subtitle", 13, 20, alignment=TA_CENTER, spaceAfter=6 * scale),
        h1=s("h1", 17, 24, font_name=bold, spaceBefore=0, spaceAfter=10 * scale, keepWithNext=1),
        h2=s("h2", 13, 19, font_name=bold, spaceBefore=12 * scale, spaceAfter=5 * scale, keepWithNext=1),
        h3=s("h3", 11, 17, font_name=bold, spaceBefore=8 * scale, spaceAfter=3 * scale, keepWithNext=1),
        body=body,
        small=s("small", 8.5, 12.5, spaceAfter=2 * scale),
        note=s("note", 10, 16, spaceAfter=3 * scale),
        caption=s(
            "caption", 9, 13, alignment=TA_CENTER, spaceBefore=2 * scale, spaceAfter=8 * scale, textColor=GRAY_TEXT
        ),
        cell=cell,
        cell_head=cell_head,
        toc=[
            s("toc1", 11.5, 20, font_name=bold, leftIndent=0, firstLineIndent=0, spaceBefore=4 * scale),
            s("toc2", 10, 16, leftIndent=14 * scale, firstLineIndent=0),
        ],
    )


# --------------------------------------------------------------------------- canvas helpers


def fit_font_size(text: str, font_name: str, size: float, max_width: float, minimum: float = 5.0) -> float:
    """Largest size ≤ *size* at which *text* fits *max_width* (for one-line footers and labels)."""
    width = stringWidth(text, font_name, size)
    if width <= max_width:
        return size
    return max(minimum, size * max_width / width)


def shorten_to_width(text: str, font_name: str, size: float, max_width: float) -> str:
    """*text* cut and ended with … so that it is at most *max_width* wide at *size*."""
    if stringWidth(text, font_name, size) <= max_width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid] + "…", font_name, size) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + "…"


def draw_fitted(
    canvas, text: str, x: float, y: float, font_name: str, size: float, max_width: float, align: str = "left"
) -> None:
    """Draw one line of plain text (never markup) shrunk to fit *max_width*."""
    size = fit_font_size(text, font_name, size, max_width)
    canvas.setFont(font_name, size)
    if align == "center":
        canvas.drawCentredString(x, y, text)
    elif align == "right":
        canvas.drawRightString(x, y, text)
    else:
        canvas.drawString(x, y, text)


def draw_center_footer(
    canvas, geometry: PageGeometry, center: CenterInfo, font_name: str, page_label: str | None = None, size: float = 7.5
) -> None:
    """The center's name, address and numbers in one rule-topped line at the foot of the page."""
    canvas.saveState()
    y = geometry.bottom * 0.45
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.4)
    canvas.line(geometry.left, y + size * 1.5, geometry.width - geometry.right, y + size * 1.5)
    canvas.setFillColor(colors.black)
    width = geometry.frame_width
    if page_label:
        canvas.setFont(font_name, size)
        label_w = stringWidth(page_label, font_name, size) + 4 * mm
        canvas.drawRightString(geometry.width - geometry.right, y, page_label)
        width -= label_w
    line = shorten_to_width(center.one_line(), font_name, 5.0, width)  # shrinks to 5 pt, then is cut
    draw_fitted(canvas, line, geometry.left, y, font_name, size, width)
    canvas.restoreState()


# --------------------------------------------------------------------------- building


class ProgressDocTemplate(BaseDocTemplate):
    """BaseDocTemplate that reports progress per flowable (and lets *progress* cancel by raising)."""

    progress: Progress | None = None
    progress_total: int = 0
    progress_done: int = 0
    progress_text: str = ""

    def handle_flowable(self, flowables):
        if self.progress is not None:
            self.progress_done += 1
            total = max(self.progress_total, self.progress_done + 1)
            self.progress(self.progress_done, total, self.progress_text)
        return super().handle_flowable(flowables)


def new_doc(buffer, geometry: PageGeometry, meta: DocumentMeta, *, cls: type = ProgressDocTemplate, **kw):
    """A document template of *cls* with the page size, margins and metadata filled in."""
    return cls(
        buffer,
        pagesize=geometry.pagesize,
        leftMargin=geometry.left,
        rightMargin=geometry.right,
        topMargin=geometry.top,
        bottomMargin=geometry.bottom,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=list(meta.keywords),
        creator=meta.creator,
        lang="ja-JP",
        # the canvas' starting font: without this an unused, unembedded Helvetica is listed in the PDF
        initialFontName=kw.pop("initialFontName", None) or register_reportlab_font().reportlab_name,
        **kw,
    )


def page_of(page: int, total: int) -> str:
    """「2 / 5」: the page number with the page count, printed on every page of a document."""
    return _("{n} / {total}").format(n=page, total=total)


LatePage = Callable[[object, int, int], None]


def counting_canvas(late_page: LatePage) -> type:
    """A canvas class that holds every page back until the document is complete, then draws
    *late_page(canvas, page, total)* on each — so headers and footers can say 「n / N」."""
    from reportlab.pdfgen.canvas import Canvas

    class CountingCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                late_page(self, number, total)
                super().showPage()
            super().save()

    return CountingCanvas


def render_story(
    story: Sequence,
    geometry: PageGeometry,
    meta: DocumentMeta,
    *,
    on_page: Callable | None = None,
    late_page: LatePage | None = None,
    progress: Progress | None = None,
    progress_text: str = "",
) -> bytes:
    """Lay out *story* on identical pages (with *on_page(canvas, doc)* drawn on each); PDF bytes.

    *late_page(canvas, page, total)* is drawn on each page once the page count is known
    (running headers and 「n / N」 footers)."""
    buffer = io.BytesIO()
    doc = new_doc(buffer, geometry, meta)
    doc.addPageTemplates([PageTemplate("page", [geometry.frame()], onPage=on_page or (lambda c, d: None))])
    doc.progress, doc.progress_total, doc.progress_text = progress, len(story), progress_text
    if late_page is None:
        doc.build(list(story))
    else:
        doc.build(list(story), canvasmaker=counting_canvas(late_page))
    return buffer.getvalue()


def draw_running_header(
    canvas, geometry: PageGeometry, title: str, reference: str, page: int, total: int, font_name: str, size: float = 8
) -> None:
    """The continuation header of pages 2..N: 「title(続き)」 left, 「reference　n / N」 right."""
    canvas.saveState()
    y = geometry.height - geometry.top * 0.55
    right = "　".join(x for x in (shorten_to_width(reference, font_name, size, 60 * mm), page_of(page, total)) if x)
    right_w = stringWidth(right, font_name, size) + 4 * mm
    left = shorten_to_width(_("{title}(続き)").format(title=title), font_name, size, geometry.frame_width - right_w)
    canvas.setFont(font_name, size)
    canvas.drawString(geometry.left, y, left)
    canvas.drawRightString(geometry.width - geometry.right, y, right)
    canvas.setLineWidth(0.3)
    canvas.line(geometry.left, y - 2.5, geometry.width - geometry.right, y - 2.5)
    canvas.restoreState()


def write_pdf(path: str | os.PathLike, data: bytes) -> Path:
    """Write *data* atomically (a half-written PDF never replaces a good one)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kyodo-", suffix=".pdf", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def with_center(meta: DocumentMeta, center: CenterInfo) -> DocumentMeta:
    return meta if meta.author else replace(meta, author=center.center_name)
