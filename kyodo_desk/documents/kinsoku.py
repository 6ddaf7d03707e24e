"""Japanese line breaking (禁則処理) for ReportLab paragraphs.

ReportLab's ``wordWrap='CJK'`` cuts between any two characters and lets at most ONE
"cannot start a line" character hang in the margin.  That is not enough for ordinary Japanese:
``…した。」`` puts 」 at the start of the next line when 。 is the character that overflows,
opening brackets 「（ may be left at the end of a line, full-width ！？：； are missing from its
list, and URLs, e-mail addresses and phone numbers are cut in the middle.

:class:`KinsokuParagraph` replaces only the line-splitting step (``breakLinesCJK``) and keeps
ReportLab's own line objects, so drawing, splitting across pages and markup work unchanged:

* a line never starts with a character in :data:`CANNOT_START` (、。」』）ー っ … ！？ etc.);
* a line never ends with a character in :data:`CANNOT_END` (「『（〒 etc.);
* 、。，． may hang one character into the right margin (ぶら下げ) when that alone fixes the line,
  otherwise characters are pushed to the next line (追い出し); set ``hangPunctuation = False``
  on a style (table cells, ruled form boxes) to always push;
* runs of half-width letters, digits and URL punctuation are kept together unless a run is longer
  than the whole line;
* a date or time is one unit: 「令和8年12月3日」「(2026年12月3日)」「12月3日(水)」「18:00〜20:00」
  never break inside (:data:`NO_BREAK`), unless the token alone is wider than the line.
"""

from __future__ import annotations

import re

from reportlab.platypus.paragraph import (
    Paragraph,
    ParaLines,
    _handleBulletWidth,
    cjkU,
    cleanBlockQuotedText,
    makeCJKParaLine,
)
from reportlab.rl_config import _FUZZ

CANNOT_START = frozenset(
    "、。，．,.：；:;？！?!‼⁇⁈⁉・…‥"
    "）］｝〕〉》」』】〙〗〟’”)]}»"
    "ゝゞヽヾ々〻ー―‐゠–〜～"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "％%℃°′″‰"
)
CANNOT_END = frozenset("（［｛〔〈《「『【〘〖〝‘“([{«＄$￥¥＃#＠@〒№")
HANGABLE = frozenset("、。，．,.")
# Half-width characters that together make one "word" (names, numbers, URLs, e-mail addresses).
_WORD_PUNCT = frozenset("-_.,:/@%+#&=?~")


# Tokens that must stay on one line: era and Western dates (with their brackets and weekday),
# times and time ranges.  ``\\d`` also matches full-width digits.
NO_BREAK = re.compile(
    r"[(（]?(?:令和|平成|昭和|大正)?(?:元|\d{1,4})年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:[(（][月火水木金土日][)）])?[)）]?"
    r"|[(（]?\d{1,2}月\d{1,2}日(?:[(（][月火水木金土日][)）])?[)）]?"
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"
    r"|\d{1,2}[:：]\d{2}(?:\s?[〜～~\-－]\s?\d{1,2}[:：]\d{2})?"
)


def glued_positions(text: str) -> frozenset[int]:
    """Indices *b* of *text* where a line must not start because ``text[b-1:b+1]`` is inside a token."""
    out: set[int] = set()
    for m in NO_BREAK.finditer(text):
        out.update(range(m.start() + 1, m.end()))
    return frozenset(out)


def _is_word_char(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or ch in _WORD_PUNCT


def _bad_break(units: list, b: int, *, words: bool, glued: frozenset[int] = frozenset()) -> bool:
    """Would breaking before ``units[b]`` violate a rule?"""
    if b in glued:
        return True
    prev = str(units[b - 1])
    j = b
    while j < len(units) - 1 and str(units[j]) == " ":  # spaces at a soft break are dropped,
        j += 1  # so the character after them is what starts the next line
    nxt = str(units[j])
    if nxt and nxt in CANNOT_START:
        return True
    if prev and prev in CANNOT_END:
        return True
    if words and nxt and prev and _is_word_char(nxt) and _is_word_char(prev):
        return True
    return False


def choose_break(units: list, start: int, overflow: int, *, hang: bool, glued: frozenset[int] = frozenset()) -> int:
    """Index where the next line starts, given that ``units[overflow]`` does not fit.

    Always returns a value in ``start+1 .. overflow+1`` so every line holds at least one character.
    """
    n = len(units)
    if overflow <= start:
        return start + 1
    if not _bad_break(units, overflow, words=True, glued=glued):
        return overflow
    # ぶら下げ: one small punctuation mark may hang if the break after it is clean.
    if hang and str(units[overflow]) in HANGABLE and overflow > start:
        after = overflow + 1
        if after >= n or not _bad_break(units, after, words=False, glued=glued):
            return after
    # 追い出し: move the break left until it is clean; first honouring words and dates, then
    # dates and kinsoku, then kinsoku only (a token wider than the whole line must break somewhere).
    for words, keep in ((True, glued), (False, glued), (False, frozenset())):
        b = overflow
        while b > start + 1 and _bad_break(units, b, words=words, glued=keep):
            b -= 1
        if not _bad_break(units, b, words=words, glued=keep):
            return b
    return overflow


def kinsoku_frag_split(frags, max_widths, calc_bounds: bool, *, hang: bool = True) -> ParaLines:
    """Split ReportLab frags into CJK lines following the rules above."""
    units: list = []
    for f in frags:
        text = f.text.decode("utf8") if isinstance(f.text, bytes) else f.text
        if text:
            units.extend(cjkU(t, f, "utf8") for t in text)
        else:
            units.append(cjkU(text, f, "utf8"))
    glued = glued_positions("".join(str(u)[:1] or "\x00" for u in units))
    lines: list = []
    start = 0
    n = len(units)
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0
        i = start
        hard_break = False
        overflow = None
        while i < n:
            u = units[i]
            if hasattr(u.frag, "lineBreak"):
                i += 1
                hard_break = True
                break
            if used + u.width > max_width + _FUZZ and i > start:
                overflow = i
                break
            used += u.width
            i += 1
        end = i if overflow is None else choose_break(units, start, overflow, hang=hang, glued=glued)
        used = sum(u.width for u in units[start:end])
        lines.append(makeCJKParaLine(units[start:end], max_width, used, max_width - used, hard_break, calc_bounds))
        start = end
        if overflow is not None:  # a soft break swallows the half-width spaces it falls on
            while start < n and str(units[start]) == " ":
                start += 1
    return ParaLines(kind=1, lines=lines)


_KEEP = "\ue000"  # private-use stand-in for U+3000 while ReportLab collapses whitespace


def clean_text(text: str) -> str:
    """ReportLab's whitespace clean-up, except that 全角スペース (U+3000) is kept as typed:
    Japanese uses it for spacing (「山田　花子」, 「令和　　年　　月」), not as a word separator."""
    return cleanBlockQuotedText(text.replace("\u3000", _KEEP)).replace(_KEEP, "\u3000")


class KinsokuParagraph(Paragraph):
    """A ReportLab Paragraph with Japanese line-breaking rules (use ``wordWrap='CJK'`` styles)."""

    def _setup(self, text, style, bulletText, frags, cleaner):  # noqa: N803 - ReportLab's names
        if cleaner is cleanBlockQuotedText:
            cleaner = clean_text
        return super()._setup(text, style, bulletText, frags, cleaner)

    def breakLinesCJK(self, maxWidths):  # noqa: N802, N803 - ReportLab's names
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        if not self.frags:
            return ParaLines(
                kind=0,
                fontSize=style.fontSize,
                fontName=style.fontName,
                textColor=style.textColor,
                lines=[],
                ascent=style.fontSize,
                descent=-0.2 * style.fontSize,
            )
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        return kinsoku_frag_split(
            self.frags, maxWidths, auto_leading not in ("", "off"), hang=getattr(style, "hangPunctuation", True)
        )


def line_texts(paragraph: Paragraph) -> list[str]:
    """The text of each wrapped line (after ``wrap``); used by tests and layout checks."""
    out = []
    for line in paragraph.blPara.lines:
        words = getattr(line, "words", None)
        if words is None:  # kind 0: (extraSpace, [words])
            out.append(" ".join(line[1]))
        else:
            out.append("".join(getattr(w, "text", "") for w in words))
    return out
