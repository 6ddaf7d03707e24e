"""Text that stays inside a box on a label: shrink to a floor, then wrap, then end with ….

:func:`fit_text` decides the size and the lines of one piece of text for a box *width* × *height*
(points): the text is drawn at *size* if it fits on one line; otherwise it shrinks, down to
*floor*; if it still does not fit it wraps onto up to *max_lines* lines (Japanese per character,
following the 禁則 rules of :mod:`kyodo_desk.documents.kinsoku`; Latin at spaces, a word longer
than the line is cut); whatever is left after the last line is replaced by 「…」.  Characters the
label font has no glyph for (emoji, control characters such as NUL) are dropped first, so what
is measured is what is printed.  :func:`draw_text_box` draws the result with every glyph's box
(ascent to descent, advance width) inside the rectangle.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

from kyodo_desk.documents.kinsoku import choose_break, glued_positions

ELLIPSIS = "…"
LEADING = 1.12  # line pitch as a multiple of the font size


@dataclass(frozen=True)
class FittedText:
    size: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.lines)


def _has_glyph(font_name: str, ch: str) -> bool:
    face = getattr(pdfmetrics.getFont(font_name), "face", None)
    table = getattr(face, "charToGlyph", None)
    return True if table is None else ord(ch) in table


def printable(text: str, font_name: str) -> str:
    """*text* with what cannot be printed removed: control and format characters (NUL, TAB,
    zero-width joiners, variation selectors), characters without a glyph in the font (emoji);
    runs of whitespace become one space."""
    out: list[str] = []
    for ch in text:
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") or not _has_glyph(font_name, ch):
            continue
        out.append(ch)
    return "".join(out).strip()


def line_height(size: float) -> float:
    return size * LEADING


def glyph_extent(font_name: str, size: float) -> tuple[float, float]:
    """(ascent, descent) of the font at *size*: a drawn glyph's box runs from baseline + descent
    (negative) to baseline + ascent."""
    ascent, descent = pdfmetrics.getAscentDescent(font_name, size)
    return ascent, descent


def block_height(fitted: FittedText, font_name: str) -> float:
    """Height the lines take: ascent of the first line to descent of the last."""
    if not fitted.lines:
        return 0.0
    ascent, descent = glyph_extent(font_name, fitted.size)
    return ascent - descent + (len(fitted.lines) - 1) * line_height(fitted.size)


@lru_cache(maxsize=20000)
def _char_width(ch: str, font_name: str) -> float:
    """Advance width of *ch* at 1 pt (ReportLab does not kern, so a string's width is the sum)."""
    return stringWidth(ch, font_name, 1000.0) / 1000.0


def _width(text: str, font_name: str, size: float) -> float:
    return sum(_char_width(ch, font_name) for ch in text) * size


def ellipsize(text: str, font_name: str, size: float, width: float) -> str:
    """*text* if it fits *width*, else its longest prefix that fits with 「…」 (or "" if not even
    「…」 fits)."""
    if _width(text, font_name, size) <= width:
        return text
    if _width(ELLIPSIS, font_name, size) > width:
        return ""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _width(text[:mid].rstrip() + ELLIPSIS, font_name, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ELLIPSIS


def wrap(text: str, font_name: str, size: float, width: float) -> list[str]:
    """Every line of *text* at *size* within *width* (禁則; half-width words kept whole when they
    fit a line; spaces at a break dropped)."""
    units = list(text)
    glued = glued_positions(text)
    lines: list[str] = []
    start, n = 0, len(units)
    while start < n:
        used, i, overflow = 0.0, start, None
        while i < n:
            w = _char_width(units[i], font_name) * size
            if used + w > width and i > start:
                overflow = i
                break
            used += w
            i += 1
        if overflow is None:
            end = n
        elif units[overflow] == " ":  # a space is always a clean place to break
            end = overflow
        else:
            end = choose_break(units, start, overflow, hang=False, glued=glued)
        line = "".join(units[start:end]).rstrip()
        while end > start + 1 and _width(line, font_name, size) > width:  # a single glyph too wide is
            end -= 1  # the only way here
            line = "".join(units[start:end]).rstrip()
        lines.append(line)
        start = end
        while start < n and units[start] == " ":
            start += 1
    return lines


@lru_cache(maxsize=4096)  # a sheet repeats the center's name and phone on every label
def fit_text(
    text: str,
    font_name: str,
    size: float,
    width: float,
    height: float,
    *,
    floor: float,
    max_lines: int = 1,
) -> FittedText:
    """Size and lines for *text* in a *width* × *height* box (see the module docstring)."""
    text = printable(text, font_name)
    if not text or width <= 0 or height <= 0:
        return FittedText(size, ())
    one_line = block_height(FittedText(1.0, ("x",)), font_name)  # glyph height per point of size
    size = min(size, height / one_line)  # one line must fit the height
    floor = min(floor, size)
    natural = _width(text, font_name, size)
    if natural <= width:
        return FittedText(size, (text,))
    shrunk = size * width / natural
    if shrunk >= floor:
        shrunk = _settle(text, font_name, shrunk, width)
        return FittedText(shrunk, (text,))
    # wrapping: the largest size (floor … size) at which it fits in max_lines lines and the height
    # max_lines full lines hold at most max_lines × width: no larger size can work
    candidate = min(size, int(max_lines * width / (natural / size) * 4) / 4)
    while candidate >= floor:
        lines = tuple(wrap(text, font_name, candidate, width))
        if (
            len(lines) <= max_lines
            and block_height(FittedText(candidate, lines), font_name) <= height
            and all(_width(line, font_name, candidate) <= width for line in lines)
        ):
            return FittedText(candidate, lines)
        candidate = round(candidate - 0.25, 2)
    size = floor
    lines_all = wrap(text, font_name, size, width)
    lines_fit = max_lines
    while lines_fit > 1 and block_height(FittedText(size, tuple(lines_all[:lines_fit])), font_name) > height:
        lines_fit -= 1
    kept = lines_all[: lines_fit - 1]
    if any(_width(line, font_name, size) > width for line in kept):  # not even one glyph fits a line
        kept = []
    last = ellipsize(_remainder(text, kept), font_name, size, width)  # what is left, cut with …
    return FittedText(size, tuple(line for line in [*kept, last] if line))


def _remainder(text: str, kept: list[str]) -> str:
    """*text* after the characters of *kept* lines (spaces dropped at the breaks are skipped)."""
    pos = 0
    for line in kept:
        idx = text.find(line, pos)
        pos = (idx if idx >= 0 else pos) + len(line)
        while pos < len(text) and text[pos] == " ":
            pos += 1
    return text[pos:]


def _settle(text: str, font_name: str, size: float, width: float) -> float:
    """*size* rounded down to 0.05 pt so that *text* fits *width* despite floating point."""
    size = int(size * 20) / 20
    while size > 0.1 and _width(text, font_name, size) > width:
        size -= 0.05
    return size


def draw_text_box(
    canvas,
    fitted: FittedText,
    font_name: str,
    x: float,
    top: float,
    width: float,
    *,
    align: str = "left",
) -> float:
    """Draw *fitted* with the first line's ascent at *top*; returns the y of the last line's
    descent (where the block ends).  *x*, *width*: the box's left edge and width."""
    if not fitted.lines:
        return top
    ascent, _descent = glyph_extent(font_name, fitted.size)
    canvas.setFont(font_name, fitted.size)
    baseline = top - ascent
    for k, line in enumerate(fitted.lines):
        y = baseline - k * line_height(fitted.size)
        if align == "center":
            canvas.drawCentredString(x + width / 2, y, line)
        elif align == "right":
            canvas.drawRightString(x + width, y, line)
        else:
            canvas.drawString(x, y, line)
    return top - block_height(fitted, font_name)
