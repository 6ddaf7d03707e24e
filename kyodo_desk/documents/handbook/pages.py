"""The handbook's cover, back cover and running header/footer (drawn straight onto the canvas)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from kyodo_desk.documents.base import CenterInfo, DocStyles, PageGeometry, draw_fitted, fit_font_size, para
from kyodo_desk.documents.handbook.source import HandbookSource
from kyodo_desk.documents.qr import draw_qr
from kyodo_desk.i18n import _


def title_lines(title: str) -> list[str]:
    return [line.strip() for line in title.splitlines() if line.strip()]


def plain_title(title: str) -> str:
    return "".join(title_lines(title))


class _FullPage(Flowable):
    """Occupies the whole frame; subclasses draw with frame-relative coordinates."""

    def __init__(self, styles: DocStyles, source: HandbookSource, center: CenterInfo):
        super().__init__()
        self.st, self.source, self.center = styles, source, center

    def wrap(self, availWidth, availHeight):  # noqa: N803
        self.width, self.height = availWidth, availHeight - 1
        return self.width, self.height

    def _para(self, text: str, style, y_top: float, width: float | None = None, x: float = 0) -> float:
        """Draw *text* (escaped) with its top at *y_top*; returns the y of its bottom."""
        p = para(text, style)
        w = width or self.width
        _w, h = p.wrap(w, self.height)
        p.drawOn(self.canv, x, y_top - h)
        return y_top - h

    def _qr(self, x: float, y: float, size: float, caption: str) -> None:
        url = self.center.website_url
        if not url:
            return
        draw_qr(self.canv, url, x, y, size, error_correction="M")
        style = self.st.derive(self.st.small, alignment=TA_CENTER, fontSize=self.st.small.fontSize * 0.95)
        for i, line in enumerate((caption, url)):  # right-aligned under the code: never past the page edge
            draw_fitted(
                self.canv,
                line,
                x + size,
                y - (i + 1) * style.fontSize * 1.35,
                self.st.regular,
                style.fontSize,
                size * 2.2,
                align="right",
            )


class CoverPage(_FullPage):
    def draw(self):
        c, t, w, h = self.canv, self.source.title, self.width, self.height
        s = w / (174 * mm)  # 1.0 on A4, ~0.7 on A5
        c.setStrokeColor(colors.black)
        c.setLineWidth(2.5 * s)
        c.line(0, h, w, h)
        c.setLineWidth(0.6 * s)
        c.line(0, h - 4 * s, w, h - 4 * s)
        y = h - 26 * mm * s
        lines = title_lines(t.title)
        size = min(30 * s, *(fit_font_size(line, self.st.bold, 30 * s, w) for line in lines))
        c.setFillColor(colors.black)
        for line in lines:
            y -= size * 1.05
            c.setFont(self.st.bold, size)
            c.drawCentredString(w / 2, y, line)
            y -= size * 0.35
        if t.subtitle:
            y -= 6 * mm * s
            sub = self.st.derive(self.st.subtitle, fontSize=14 * s, leading=20 * s)
            c.setLineWidth(0.8 * s)
            c.line(w * 0.12, y, w * 0.88, y)
            y = self._para(t.subtitle, sub, y - 3 * mm * s, w * 0.8, w * 0.1) - 2 * mm * s
            c.line(w * 0.12, y, w * 0.88, y)
        bottom_block = 48 * mm * s
        if t.image:
            path = self.source.find_file(t.image)
            if path is not None:
                iw, ih = ImageReader(str(path)).getSize()
                room = y - bottom_block - 34 * mm * s
                scale = min(w * 0.92 / iw, max(room, 20 * mm) / ih)
                y -= 8 * mm * s + ih * scale
                c.drawImage(str(path), (w - iw * scale) / 2, y, iw * scale, ih * scale, mask="auto")
        if t.lead:
            lead = self.st.derive(self.st.body, fontSize=11.5 * s, leading=19 * s, alignment=TA_LEFT)
            box_w = w * 0.82
            p = para(t.lead, lead)
            _pw, ph = p.wrap(box_w - 12 * mm * s, h)
            y -= 8 * mm * s
            c.setLineWidth(0.8 * s)
            c.roundRect((w - box_w) / 2, y - ph - 8 * mm * s, box_w, ph + 8 * mm * s, 3 * mm * s)
            p.drawOn(c, (w - box_w) / 2 + 6 * mm * s, y - ph - 4 * mm * s)
        # foot: date, issuer, note on the left; QR code on the right
        qr = 27 * mm * s if (t.qr and self.center.website_url) else 0
        text_w = w - qr - 8 * mm * s
        foot = self.st.derive(self.st.body, fontSize=10.5 * s, leading=16 * s, spaceAfter=0)
        small = self.st.derive(self.st.small, fontSize=8.5 * s, leading=12 * s)
        yy = 40 * mm * s
        if t.date_text:
            yy = self._para(t.date_text, self.st.derive(foot, fontName=self.st.bold), yy, text_w)
        if t.issuer:
            yy = self._para(t.issuer, foot, yy - 1.5 * mm * s, text_w)
        if t.based_on:
            self._para(t.based_on, small, yy - 3 * mm * s, text_w)
        if qr:
            self._qr(w - qr, 40 * mm * s - qr, qr, _("センターのホームページ"))
        c.setLineWidth(2.5 * s)
        c.line(0, 0, w, 0)


class BackCover(_FullPage):
    def draw(self):
        c, w = self.canv, self.width
        s = w / (174 * mm)
        inset = 7 * mm * s
        qr = 27 * mm * s if (self.source.title.qr and self.center.website_url) else 0
        lines = self.center.contact_lines()
        body = self.st.derive(self.st.body, fontSize=10.5 * s, leading=16.5 * s, spaceAfter=0)
        head = self.st.derive(body, fontName=self.st.bold, fontSize=12 * s, leading=18 * s)
        small = self.st.derive(self.st.small, fontSize=8.5 * s, leading=12.5 * s)
        text_w = w - qr - 3 * inset
        box_h = len(lines) * body.leading + head.leading + 2 * inset + 3 * mm * s
        y0 = 34 * mm * s
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.9 * s)
        c.rect(0, y0, w, box_h)
        y = self._para(_("お問い合わせ"), head, y0 + box_h - inset, text_w, inset)
        self._para("\n".join(lines), body, y - 3 * mm * s, text_w, inset)
        if qr:
            self._qr(w - qr - inset, y0 + box_h - qr - inset, qr, _("ホームページ"))
        y = y0 - 6 * mm * s
        if self.source.title.based_on:
            y = self._para(self.source.title.based_on, small, y)
        self._para(
            _("内容は変わることがあります。最新の情報は窓口かホームページでご確認ください。"), small, y - 1 * mm * s
        )
        centred = self.st.derive(small, alignment=TA_CENTER)
        self._para(plain_title(self.source.title.title), centred, 8 * mm * s)
        c.setLineWidth(2.5 * s)
        c.line(0, 0, w, 0)


def draw_running_header(canvas, doc, geometry: PageGeometry, styles: DocStyles, title: str, chapter: str) -> None:
    """Handbook title left, current chapter right, a rule under them; page number at the foot."""
    canvas.saveState()
    size = styles.small.fontSize
    y = geometry.height - geometry.top * 0.55
    half = geometry.frame_width / 2 - 4 * mm
    canvas.setFillColor(colors.black)
    draw_fitted(canvas, title, geometry.left, y, styles.regular, size, half)
    if chapter:
        draw_fitted(canvas, chapter, geometry.width - geometry.right, y, styles.bold, size, half, align="right")
    canvas.setLineWidth(0.5)
    canvas.line(geometry.left, y - size * 0.6, geometry.width - geometry.right, y - size * 0.6)
    number = f"- {canvas.getPageNumber()} -"
    canvas.setFont(styles.regular, size * 1.1)
    canvas.drawCentredString(geometry.width / 2, geometry.bottom * 0.45, number)
    canvas.restoreState()
