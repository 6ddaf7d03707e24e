"""Filled documents handed to people at the desk: consultation receipts, loan slips (借用書),
return receipts, reminder letters (督促状), dispatch notices (派遣決定通知書), requests to advisors
(依頼書) and report forms (実施報告書).  All share one layout: reference and date in 和暦 and
西暦, addressee, sender, title, a key–value table, optional item table and text, signature lines,
and the center's details.  Every value is user text and is escaped (printed literally).

Any length and number of entries fits: long values are cut into row pieces (a table row is never
taller than a page), item tables repeat their header, pages 2..N repeat the title and reference,
every page says 「n / N」, and the signature block is kept with the last lines of content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from kyodo_desk.documents.base import (
    A4_GEOMETRY,
    GRAY_FILL,
    CenterInfo,
    DocumentMeta,
    Progress,
    draw_center_footer,
    draw_running_header,
    make_styles,
    page_of,
    para,
    render_story,
)
from kyodo_desk.documents.kinsoku import NO_BREAK
from kyodo_desk.i18n import _, date_both, wareki

PIECE_CHARS = 300  # characters of one value per table row
PIECE_LINES = 12  # lines of one value per table row (a row stays far below a page)


@dataclass(frozen=True)
class Addressee:
    """Whom a letter is for, written the Japanese business way: 「〇〇 様」 to a named person (with
    the organization on the line above), 「〇〇 御中」 to an organization with no person named —
    never both; the postal address above the name when the letter may be mailed."""

    organization: str = ""
    person: str = ""
    person_title: str = ""  # 「代表者」「担当」 printed before the person's name
    postal_code: str = ""
    address: str = ""

    def mail_line(self) -> str:
        code = self.postal_code.strip()
        return " ".join(p for p in (f"〒{code}" if code else "", self.address.strip()) if p)

    def name_lines(self) -> list[str]:
        org, person = self.organization.strip(), self.person.strip()
        if person:
            name = " ".join(x for x in (self.person_title.strip(), person) if x)
            return [x for x in (org, _("{name} 様").format(name=name)) if x]
        if org:
            return [_("{org} 御中").format(org=org)]
        return []


@dataclass(frozen=True)
class Letter:
    title: str
    reference: str
    issued: dt.date
    addressee: str = ""  # free text (prefer *to*)
    lead: str = ""  # opening paragraph
    fields: Sequence[tuple[str, str]] = ()
    items_header: Sequence[str] = ()
    items: Sequence[Sequence[str]] = ()
    items_widths: Sequence[float] = ()  # fractions of the width, one per column (optional)
    paragraphs: Sequence[str] = ()
    terms_title: str = ""
    terms: Sequence[str] = ()
    signatures: Sequence[str] = ()  # labels of signature lines
    writing_lines: Sequence[tuple[str, int]] = ()  # (label, lines) blank areas to fill by hand
    copy_label: str = ""  # e.g. "(センター控)"
    to: Addressee | None = None
    from_center: bool = True  # False on documents addressed TO the center (借用書, 報告書)
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- pieces


def _cut(line: str, size: int) -> int:
    """Where to cut a line longer than *size*: after 。、 or a space near the end, never in a date."""
    inside = {i for m in NO_BREAK.finditer(line[: size + 40]) for i in range(m.start() + 1, m.end())}
    for i in range(size, size // 2, -1):
        if line[i - 1] in "。、．，) 　」" and i not in inside:
            return i
    for i in range(size, size // 2, -1):
        if i not in inside:
            return i
    return size


def pieces(text: object, size: int = PIECE_CHARS, max_lines: int = PIECE_LINES) -> list[str]:
    """*text* in pieces of at most *size* characters and *max_lines* lines, cut at line ends
    where possible (each piece becomes one table row)."""
    lines: list[str] = []
    for line in ("" if text is None else str(text)).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        while len(line) > size:
            cut = _cut(line, size)
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    out: list[str] = []
    current: list[str] = []
    chars = 0
    for line in lines:
        if current and (chars + len(line) > size or len(current) >= max_lines):
            out.append("\n".join(current))
            current, chars = [], 0
        current.append(line)
        chars += len(line)
    out.append("\n".join(current))
    return out


def row_pieces(cells: Sequence[object]) -> list[list[str]]:
    """One logical row → physical rows: piece k of every cell in row k."""
    split = [pieces(c) for c in cells]
    n = max((len(p) for p in split), default=1)
    return [[p[k] if k < len(p) else "" for p in split] for k in range(n)]


@dataclass
class _Grid:
    """A ruled table kept as logical rows until the story is assembled (so its last row can be
    kept with the signatures)."""

    rows: list[list[list[str]]]  # logical rows → physical rows → cells
    widths: list[float]
    header: list[str] | None = None
    label_column: bool = False  # gray first column (key–value tables)

    def table(self, st, cell, head, rows: list[list[list[str]]] | None = None, *, with_header: bool = True) -> Table:
        logical = self.rows if rows is None else rows
        data: list[list] = []
        style: list[tuple] = [
            ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        header = self.header if with_header else None
        if header:
            data.append([para(h, head) for h in header])
            style += [("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL), ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black)]
        for physical in logical:
            for k, cells in enumerate(physical):
                data.append([para(c, head if self.label_column and i == 0 else cell) for i, c in enumerate(cells)])
                r = len(data) - 1
                if k == len(physical) - 1:
                    style.append(("LINEBELOW", (0, r), (-1, r), 0.5, colors.black))
                else:
                    style += [("BOTTOMPADDING", (0, r), (-1, r), 0), ("TOPPADDING", (0, r + 1), (-1, r + 1), 0)]
        for c in range(len(self.widths) - 1):
            style.append(("LINEAFTER", (c, 0), (c, -1), 0.5, colors.black))
        if self.label_column:
            style.append(("BACKGROUND", (0, 1 if header else 0), (0, -1), GRAY_FILL))
        t = Table(data, colWidths=self.widths, repeatRows=1 if header else 0)
        t.setStyle(TableStyle(style))
        return t


def _split_tail(p: Paragraph, width: float, keep: int = 3) -> tuple[Paragraph | None, Paragraph]:
    """A paragraph as (all but its last *keep* lines, its last lines)."""
    p.wrap(width, 1e9)
    lines = p.blPara.lines
    if len(lines) <= keep:
        return None, p
    parts = p.split(width, (len(lines) - keep) * p.style.leading + 0.1)
    if len(parts) != 2:
        return None, p
    return parts[0], parts[1]


# --------------------------------------------------------------------------- build


def build_letter(letter: Letter, center: CenterInfo, *, progress: Progress | None = None) -> bytes:
    st = make_styles()
    geometry = A4_GEOMETRY
    width = geometry.frame_width
    cell = st.derive(st.cell, fontSize=10, leading=14)
    head = st.derive(st.cell_head, fontSize=10, leading=14)
    right = st.derive(st.small, alignment=TA_RIGHT)
    blocks: list = []  # flowables and _Grid tables, in order
    blocks.append(para(_("{ref}　{date}").format(ref=letter.reference, date=date_both(letter.issued)), right))
    if letter.copy_label:
        blocks.append(para(letter.copy_label, right))
    to = letter.to
    if to is not None:
        if to.mail_line():
            blocks.append(para(to.mail_line(), st.derive(st.body, spaceAfter=0)))
        for line in to.name_lines():
            blocks.append(para(line, st.derive(st.h3, spaceBefore=2, spaceAfter=0, keepWithNext=0)))
    if letter.addressee:
        blocks.append(para(letter.addressee, st.derive(st.h3, keepWithNext=0)))
    if letter.from_center:
        sender = [center.center_name, center.address_line(), center.phone_line()]
        blocks.append(para("\n".join(x for x in sender if x), right))
    blocks.append(Spacer(1, 2 * mm))
    blocks.append(para(letter.title, st.derive(st.title, fontSize=20, leading=28, spaceAfter=4 * mm)))
    if letter.lead:
        blocks.append(para(letter.lead, st.body))
    if letter.fields:
        rows = [row_pieces([k, v]) for k, v in letter.fields]
        blocks += [_Grid(rows, [38 * mm, width - 38 * mm], label_column=True), Spacer(1, 4 * mm)]
    if letter.items:
        n = max(1, len(letter.items_header))
        widths = [width / n] * n
        if len(letter.items_widths) == n:
            total = sum(letter.items_widths) or 1.0
            widths = [width * f / total for f in letter.items_widths]
        elif n >= 3:
            widths = [26 * mm, 52 * mm] + [(width - 78 * mm) / (n - 2)] * (n - 2)
        rows = [row_pieces(list(row)[:n] + [""] * (n - len(row))) for row in letter.items]
        blocks += [_Grid(rows, widths, header=list(letter.items_header)), Spacer(1, 4 * mm)]
    for text in letter.paragraphs:
        blocks.append(para(text, st.body))
    group = None  # first block of the closing group the signatures should travel with
    if letter.terms:
        group = len(blocks)
        blocks.append(para(letter.terms_title, st.h3))
        blocks += [para(f"{i}. {t}", st.small) for i, t in enumerate(letter.terms, start=1)]
    for label, lines in letter.writing_lines:
        box: list[list] = [[para(label, head)]] + [[""] for _ in range(lines)]
        t = Table(box, colWidths=[width], rowHeights=[None] + [10 * mm] * lines)
        t.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.3, colors.Color(0.6, 0.6, 0.6)),
                ]
            )
        )
        blocks += [Spacer(1, 3 * mm), t]

    def flow(block) -> object:
        return block.table(st, cell, head) if isinstance(block, _Grid) else block

    story: list = [flow(b) for b in blocks]
    if letter.signatures:
        signature_rows: list[list] = [
            [para(lb, head), para(_("令和　　年　　月　　日"), cell), ""] for lb in letter.signatures
        ]
        t = Table(
            signature_rows, colWidths=[45 * mm, 45 * mm, width - 90 * mm], rowHeights=[13 * mm] * len(signature_rows)
        )
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (0, -1), GRAY_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        signature = [Spacer(1, 4 * mm), para(_("署名"), st.h3), t]
        if letter.writing_lines:
            group = None
        story = _keep_with_last_content(blocks, story, signature, st, cell, head, width, group)

    def late_page(canvas, page: int, total: int) -> None:
        if page > 1:
            draw_running_header(canvas, geometry, letter.title, letter.reference, page, total, st.regular)
        draw_center_footer(canvas, geometry, center, st.regular, page_label=page_of(page, total))

    meta = DocumentMeta(title=letter.title, author=center.center_name, subject=letter.reference)
    return render_story(story, geometry, meta, late_page=late_page, progress=progress, progress_text=letter.title)


def _keep_with_last_content(
    blocks: list, story: list, signature: list, st, cell, head, width: float, group: int | None = None
) -> list:
    """*story* with *signature* kept on one page with the last lines of content before it: the
    whole closing group from *group* on (the terms under their heading) when it is short, else the
    last three lines of a paragraph, the last row of a table, or the last writing box — so the
    signatures never stand alone at the top of a page."""
    if group is not None:
        height = sum(f.wrap(width, 1e9)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in story[group:])
        if height < A4_GEOMETRY.frame_height / 3:
            return story[:group] + [KeepTogether([*story[group:], *signature])]
    last = len(blocks) - 1
    while last >= 0 and isinstance(blocks[last], Spacer):
        last -= 1
    if last < 0:
        return story + [KeepTogether(signature)]
    block = blocks[last]
    after = story[last + 1 :]
    if isinstance(block, _Grid) and len(block.rows) > 1:
        body = block.table(st, cell, head, block.rows[:-1])
        tail = block.table(st, cell, head, block.rows[-1:], with_header=False)
        return story[:last] + [body, KeepTogether([tail, *after, *signature])]
    if isinstance(block, Paragraph):
        first, tail = _split_tail(block, width)
        return story[:last] + ([first] if first is not None else []) + [KeepTogether([tail, *after, *signature])]
    return story[:last] + [KeepTogether([story[last], *after, *signature])]


def issued_line(day: dt.date) -> str:
    return wareki(day)
