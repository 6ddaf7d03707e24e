"""What stays together in the handbook, and nothing more.

A heading keeps with the first lines of what follows it — not with the whole of it.  ReportLab's
``keepWithNext`` chains a heading to its *entire* next flowable (a long paragraph, a table), and a
block that does not fit moves to the next page whole, leaving the foot of the page empty.
:class:`KeepStart` instead asks only for room for the heading and about three lines (a table's
header and first two rows, a note box's first row); what follows then splits normally.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, HRFlowable, KeepTogether, Paragraph, Spacer, Table

FIRST_LINES = 3  # lines of a paragraph that must follow its heading on the same page
INTRO_LINES = 2  # a paragraph this short before a table or list travels with the table's first rows
LOOSE_SPACE = 1e6


def _height(f: Flowable, width: float, canv=None) -> float:
    _w, h = f.wrapOn(canv, width, LOOSE_SPACE) if canv is not None else f.wrap(width, LOOSE_SPACE)
    if isinstance(f, KeepTogether):  # its wrap answers "too tall" on purpose; _H is its content's height
        h = float(getattr(f, "_H", h))
    return h + f.getSpaceBefore() + f.getSpaceAfter()


def _lines(p: Paragraph) -> int:
    bl = getattr(p, "blPara", None)
    return len(getattr(bl, "lines", ()) or ()) or 1


def _is_heading(f: Flowable) -> bool:
    """A heading, or the rule under a chapter title (marked ``under_heading``)."""
    from kyodo_desk.documents.handbook.markdown import HeadingParagraph

    return isinstance(f, HeadingParagraph) or (isinstance(f, HRFlowable) and getattr(f, "under_heading", False))


def _is_list_item(f: Flowable) -> bool:
    return isinstance(f, Paragraph) and bool(getattr(f, "bulletText", None))


def _start_of(f: Flowable, width: float, canv=None) -> float:
    """The height of the part of *f* that must not be separated from what comes before it."""
    if isinstance(f, Paragraph):
        h = _height(f, width, canv)
        n = _lines(f)
        if n <= FIRST_LINES + 1:  # four lines or fewer: a split would leave one alone
            return h
        return f.getSpaceBefore() + h * FIRST_LINES / n
    if isinstance(f, Table):
        _height(f, width, canv)
        rows = list(getattr(f, "_rowHeights", []) or [])
        keep = (f.repeatRows + 2) if f.repeatRows else 1  # header + 2 rows; a note box: its first row
        return f.getSpaceBefore() + sum(rows[:keep])
    return _height(f, width, canv)  # images, QR codes, short tables (KeepTogether): whole


class KeepStart(CondPageBreak):
    """Zero height.  Starts a new page unless *items* (headings, then the block they introduce)
    fit with the block's first lines; with *minimum*, also unless that much of the page is left."""

    def __init__(self, items: list[Flowable], frame_height: float, *, minimum: float = 0.0):
        super().__init__(0)
        self.items = items
        self.frame_height = frame_height
        self.minimum = minimum

    def __repr__(self) -> str:
        return f"KeepStart({len(self.items)} items, min={self.minimum:.0f})"

    def needed(self, width: float) -> float:
        canv = getattr(self, "canv", None)  # the frame sets it before wrap; KeepTogether needs one
        need, items = 0.0, [f for f in self.items if not isinstance(f, (CondPageBreak, Spacer))]
        i = 0
        while i < len(items) and _is_heading(items[i]):
            need += _height(items[i], width, canv)
            i += 1
        if i < len(items):
            first = items[i]
            nxt = items[i + 1] if i + 1 < len(items) else None
            if (
                isinstance(first, Paragraph)
                and not _is_list_item(first)
                and nxt is not None
                and (isinstance(nxt, (Table, KeepTogether)) or _is_list_item(nxt))
                and _height(first, width, canv) > 0  # wraps it, so its lines are known
                and _lines(first) <= INTRO_LINES
            ):
                need += _height(first, width, canv) + _start_of(nxt, width, canv)
            else:
                need += _start_of(first, width, canv)
        # never ask for more than most of an empty page (that would break page after page)
        return min(max(need, self.minimum), self.frame_height * 0.8)

    def wrap(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        self.height = self.needed(availWidth)
        return super().wrap(availWidth, availHeight)


def add_keeps(flowables: list[Flowable], frame_height: float, *, chapter_minimum: float) -> list[Flowable]:
    """*flowables* with a :class:`KeepStart` before every heading and before a short paragraph that
    introduces a table.  A chapter heading (level 1) also needs *chapter_minimum* of the page."""
    from kyodo_desk.documents.handbook.markdown import HeadingParagraph

    out: list[Flowable] = []
    for i, f in enumerate(flowables):
        after = flowables[i : i + 6]
        previous = flowables[i - 1] if i else None
        if isinstance(f, HeadingParagraph) and not (previous is not None and _is_heading(previous)):
            minimum = chapter_minimum if f.level == 1 else 0.0
            out.append(KeepStart(after, frame_height, minimum=minimum))
        elif (
            isinstance(f, Paragraph)
            and not isinstance(f, HeadingParagraph)
            and not _is_list_item(f)
            and not (previous is not None and _is_heading(previous))
            and len(after) > 1
            and isinstance(after[1], (Table, KeepTogether))
        ):
            out.append(KeepStart(after[:2], frame_height))
        out.append(f)
    return out
