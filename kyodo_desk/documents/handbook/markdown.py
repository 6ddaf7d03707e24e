"""Handbook Markdown → platypus flowables (markdown-it-py, CommonMark + tables).

Block syntax understood (documented for the administrator in resources/handbook/README.md):
``#`` chapter (numbered 1, 2 …), ``##`` section (1.1 …), ``###`` unnumbered sub-heading,
paragraphs, ``-``/``1.`` lists (nested), tables, ``> **注意**`` note boxes, images
``![説明](images/x.png)``, ``![説明](qr:website)`` for a QR code of the center's website,
``---`` a rule, ``<!-- pagebreak -->`` a page break.  Other HTML is printed as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from kyodo_desk.documents.base import GRAY_FILL, DocStyles, esc, para
from kyodo_desk.documents.handbook.inline import InlineRenderer
from kyodo_desk.documents.handbook.keeps import add_keeps
from kyodo_desk.documents.handbook.source import HandbookSource
from kyodo_desk.documents.kinsoku import KinsokuParagraph
from kyodo_desk.documents.qr import QRCodeFlowable
from kyodo_desk.i18n import _

NOTE_FILL = colors.Color(0.95, 0.95, 0.95)
SHORT_TABLE_ROWS = 5  # longer tables split between rows (header repeated) instead of leaving a gap
CHAPTER_ROOM = 0.35  # a chapter starts on the same page as the last one ends only with this much left


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def fit_columns(natural: list[float], width: float) -> list[float]:
    """Column widths: columns narrower than a fair share keep their natural width (no wrapping of
    short cells such as numbers); the wide columns share what is left in proportion."""
    widths = [0.0] * len(natural)
    remaining, open_cols = width, set(range(len(natural)))
    while open_cols:
        share = remaining / len(open_cols)
        small = [i for i in open_cols if natural[i] <= share]
        if not small:
            break
        for i in small:
            widths[i] = natural[i]
            remaining -= natural[i]
            open_cols.discard(i)
    if open_cols:
        total = sum(natural[i] for i in open_cols)
        for i in open_cols:
            widths[i] = remaining * natural[i] / total
    elif remaining > 0:
        widths[widths.index(max(widths))] += remaining
    return widths


class HeadingParagraph(KinsokuParagraph):
    """A heading the document template turns into a bookmark, outline entry and TOC line."""

    def __init__(self, markup: str, style, *, level: int, plain: str, key: str, in_toc: bool = True):
        super().__init__(markup, style)
        self.level, self.plain, self.key, self.in_toc = level, plain, key, in_toc
        self.outline_level = level  # the Markdown level (####… stay deeper than ### in the bookmarks)


@dataclass
class RenderContext:
    styles: DocStyles
    source: HandbookSource
    values: dict[str, str]
    frame_width: float
    frame_height: float
    website_url: str = ""
    counters: list[int] = field(default_factory=lambda: [0, 0])
    warnings: list[str] = field(default_factory=list)
    next_key: int = 0


class ChapterRenderer:
    def __init__(self, ctx: RenderContext, filename: str):
        self.ctx = ctx
        self.st = ctx.styles
        self.filename = filename
        self.inline = InlineRenderer(ctx.values)

    # ------------------------------------------------------------------ entry point

    def render(self, text: str) -> list[Flowable]:
        tree = SyntaxTreeNode(parser().parse(text))
        out: list[Flowable] = []
        for node in tree.children:
            out.extend(self.block(node, indent=0.0, width=self.ctx.frame_width))
        out = add_keeps(out, self.ctx.frame_height, chapter_minimum=self.ctx.frame_height * CHAPTER_ROOM)
        if self.inline.stray_markers:
            self.warn(
                _(
                    "{file}: 閉じていない ** があります(「」やかっこの外側に ** を置くと太字になりません。"
                    "「**ことば**」のように内側に置いてください)。"
                ).format(file=self.filename)
            )
        for name in sorted(self.inline.unknown_placeholders):
            self.warn(_("{file}: 差し込み項目 {{{{{name}}}}} はありません。").format(file=self.filename, name=name))
        return out

    def warn(self, message: str) -> None:
        if message not in self.ctx.warnings:
            self.ctx.warnings.append(message)

    # ------------------------------------------------------------------ blocks

    def block(self, node, *, indent: float, width: float, style=None) -> list[Flowable]:
        t = node.type
        style = style or self.st.body
        if t == "heading":
            return self.heading(node)
        if t == "paragraph":
            return self.paragraph(node, indent=indent, width=width, style=style)
        if t in ("bullet_list", "ordered_list"):
            return self.list_(node, indent=indent, width=width, style=style)
        if t == "blockquote":
            return [self.note(node, indent=indent, width=width)]
        if t == "table":
            return [self.table(node, width=width - indent, indent=indent)]
        if t in ("fence", "code_block"):
            s = self.st.derive(style, leftIndent=indent + 4 * mm, backColor=NOTE_FILL, borderPadding=3)
            return [para(self.inline.text(node.content.rstrip("\n")), s)]
        if t == "hr":
            return [HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceBefore=4, spaceAfter=8)]
        if t == "html_block":
            content = node.content.strip()
            if content.startswith("<!--"):
                return [PageBreak()] if "pagebreak" in content.lower() else []
            return [para(content, self.st.derive(style, leftIndent=indent))]
        return [para(node.content, style)] if node.content else []

    def heading(self, node) -> list[Flowable]:
        level = int(node.tag[1])
        inline = node.children[0] if node.children else None
        plain = self.inline.plain(inline) if inline else ""
        markup = self.inline.markup(inline) if inline else ""
        c = self.ctx.counters
        if level == 1:
            c[0] += 1
            c[1] = 0
            number = f"{c[0]}"
        elif level == 2:
            c[1] += 1
            number = f"{max(c[0], 1)}.{c[1]}"
        else:
            number = ""
        self.ctx.next_key += 1
        key = f"h{self.ctx.next_key}"
        # no keepWithNext: it would chain the heading to the whole of the next block (see keeps.py)
        base = {1: self.st.h1, 2: self.st.h2}.get(level, self.st.h3)
        extra = {"spaceBefore": base.fontSize * 1.6} if level == 1 else {}  # a chapter begun mid-page
        style = self.st.derive(base, keepWithNext=0, **extra)
        if number:
            label = f"{number}\u3000{plain}"
            markup = f"{esc(number)}\u3000{markup}"
        else:
            label = plain
        heading = HeadingParagraph(markup, style, level=min(level, 3), plain=label, key=key, in_toc=level <= 2)
        heading.outline_level = level
        if level == 1:
            rule = HRFlowable(width="100%", thickness=1.2, color=colors.black, spaceBefore=0, spaceAfter=10)
            rule.under_heading = True  # keeps.KeepStart keeps it with the title and the first lines
            return [heading, rule]
        return [heading]

    def paragraph(self, node, *, indent: float, width: float, style, bullet: str | None = None) -> list[Flowable]:
        inline = node.children[0] if node.children else None
        if inline is None:
            return []
        images = [c for c in inline.children if c.type == "image"]
        rest = [
            c
            for c in inline.children
            if c.type not in ("image", "softbreak") and not (c.type == "text" and not c.content.strip())
        ]
        if images and not rest and bullet is None:
            out: list[Flowable] = []
            for img in images:
                out.extend(self.image(img, width=width - indent))
            return out
        markup = self.inline.markup(inline)
        s = style if not indent else self.st.derive(style, leftIndent=indent)
        if bullet is not None:
            return [KinsokuParagraph(markup, s, bulletText=bullet)]
        return [KinsokuParagraph(markup, s)]

    def list_(self, node, *, indent: float, width: float, style) -> list[Flowable]:
        ordered = node.type == "ordered_list"
        start = int(node.attrs.get("start", 1) or 1) if ordered else 1
        step = self.st.body.fontSize * 1.3
        item_indent = indent + (step * 1.4 if ordered else step)
        item_style = self.st.derive(
            style,
            leftIndent=item_indent,
            bulletIndent=indent,
            bulletFontName=self.st.regular,
            spaceAfter=2.5,
            bulletFontSize=style.fontSize,
        )
        out: list[Flowable] = []
        for n, item in enumerate(node.children):
            bullet = f"{start + n}." if ordered else "・"
            first = True
            for child in item.children:
                if child.type == "paragraph":
                    out.extend(
                        self.paragraph(child, indent=0, width=width, style=item_style, bullet=bullet if first else None)
                    )
                else:
                    if first:  # an item that starts with a nested list still gets its bullet
                        out.append(KinsokuParagraph("", item_style, bulletText=bullet))
                    out.extend(self.block(child, indent=item_indent, width=width, style=style))
                first = False
        if out:
            out.append(Spacer(1, style.spaceAfter))
        return out

    def note(self, node, *, indent: float, width: float) -> Flowable:
        """``> **注意**`` … : a ruled box with an optional bold label, splittable between paragraphs."""
        children = list(node.children)
        label = ""
        rows: list[Flowable] = []
        inner = width - indent - 18
        if children and children[0].type == "paragraph" and children[0].children:
            inline = children[0].children[0]
            kids = [k for k in inline.children if not (k.type == "text" and not k.content.strip())]
            if kids and kids[0].type == "strong" and (len(kids) == 1 or kids[1].type in ("softbreak", "hardbreak")):
                label = self.inline.plain(kids[0])
                inline.children = kids[2:]
                if not inline.children:
                    children = children[1:]
        for child in children:
            rows.extend(self.block(child, indent=0, width=inner, style=self.st.note))
        cells: list = [[r] for r in rows]
        if label:  # the label travels with the first paragraph; the box may split after it
            head = para(label, self.st.derive(self.st.note, fontName=self.st.bold, spaceAfter=2))
            cells = [[[head] + (cells[0] if cells else [])]] + cells[1:]
        if not cells:
            return Spacer(1, 0)
        table = Table(cells, colWidths=[width - indent], hAlign="RIGHT" if indent else "CENTER")
        cmds = [
            ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
            ("LINEBEFORE", (0, 0), (0, -1), 3, colors.black),
            ("BACKGROUND", (0, 0), (-1, -1), NOTE_FILL),
            ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 0), (-1, 0), 7),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
        ]
        table.setStyle(TableStyle(cmds))
        table.spaceBefore, table.spaceAfter = 4, 10
        return table

    def table(self, node, *, width: float, indent: float) -> Flowable:
        rows: list[list] = []
        aligns: list[list[str]] = []
        header_rows = 0
        for section in node.children:
            for tr in section.children:
                cells, row_align = [], []
                for cell in tr.children:
                    style_attr = str(cell.attrs.get("style", ""))
                    align = "center" if "center" in style_attr else "right" if "right" in style_attr else "left"
                    row_align.append(align)
                    cells.append(cell)
                rows.append(cells)
                aligns.append(row_align)
                if section.type == "thead":
                    header_rows += 1
        ncols = max((len(r) for r in rows), default=1)
        widths = self._column_widths(rows, ncols, width)
        data = []
        for r, (cells, row_align) in enumerate(zip(rows, aligns)):
            out_row: list = []
            for cell, align in zip(cells, row_align):
                base = self.st.cell_head if r < header_rows else self.st.cell
                s = (
                    base
                    if align == "left"
                    else self.st.derive(base, alignment=TA_CENTER if align == "center" else TA_RIGHT)
                )
                inline = cell.children[0] if cell.children else None
                out_row.append(KinsokuParagraph(self.inline.markup(inline) if inline else "", s))
            out_row += [""] * (ncols - len(out_row))
            data.append(out_row)
        table = Table(data, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
        cmds = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        if header_rows:
            cmds.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), GRAY_FILL))
            cmds.append(("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 1.2, colors.black))
        table.setStyle(TableStyle(cmds))
        table.spaceBefore, table.spaceAfter = 4, 10
        if len(data) <= SHORT_TABLE_ROWS:  # a short table moves to the next page whole rather than split
            return KeepTogether([table])
        return table

    def _column_widths(self, rows, ncols: int, width: float) -> list[float]:
        font, size = self.st.regular, self.st.cell.fontSize
        pad = 12
        natural = [size * 3 + pad] * ncols
        for cells in rows:
            for i, cell in enumerate(cells):
                inline = cell.children[0] if cell.children else None
                text = self.inline.plain(inline) if inline else ""
                natural[i] = max(natural[i], stringWidth(text, font, size) + pad)
        return fit_columns(natural, width)

    def image(self, node, *, width: float) -> list[Flowable]:
        src = str(node.attrs.get("src", ""))
        alt = self.inline.plain(node)
        caption_style = self.st.caption
        if src.startswith("qr:"):
            url = self.ctx.website_url if src[3:] in ("website", "website_url") else src[3:]
            if not url:
                self.warn(
                    _("{file}: ホームページのアドレスが設定されていないため QR コードを省きました。").format(
                        file=self.filename
                    )
                )
                return []
            size = min(32 * mm, width * 0.4)
            caption = f"{alt}\n{url}" if alt else url
            return [KeepTogether([Spacer(1, 4), QRCodeFlowable(url, size), para(caption, caption_style)])]
        path = self.ctx.source.find_file(src)
        if path is None:
            self.warn(_("{file}: 画像 {src} が見つかりません。").format(file=self.filename, src=src))
            box = self.st.derive(
                self.st.note, borderWidth=0.8, borderColor=colors.black, borderPadding=6, alignment=TA_CENTER
            )
            return [Spacer(1, 6), para(_("[画像が見つかりません: {src}]").format(src=src), box), Spacer(1, 6)]
        try:
            iw, ih = ImageReader(str(path)).getSize()
        except Exception as exc:  # noqa: BLE001 - a broken image must not stop the handbook
            self.warn(_("{file}: 画像 {src} を読めません: {err}").format(file=self.filename, src=src, err=exc))
            return []
        scale = min(width * 0.95 / iw, self.ctx.frame_height * 0.38 / ih)
        flow = [Image(str(path), width=iw * scale, height=ih * scale)]
        if alt:
            flow.append(para(alt, caption_style))
        return [KeepTogether([Spacer(1, 4)] + flow)]
