"""Build the handbook PDF: cover, table of contents (multiBuild), numbered chapters, running
header and page numbers, bookmarks, metadata; A4 pages or an imposed A5 booklet."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from reportlab.platypus import NextPageTemplate, PageBreak, PageTemplate
from reportlab.platypus.tableofcontents import TableOfContents

from kyodo_desk.documents.base import (
    A4_GEOMETRY,
    A5_GEOMETRY,
    CenterInfo,
    DocStyles,
    DocumentMeta,
    PageGeometry,
    Progress,
    ProgressDocTemplate,
    esc,
    make_styles,
    new_doc,
    report,
)
from kyodo_desk.documents.booklet import impose_booklet
from kyodo_desk.documents.handbook.markdown import ChapterRenderer, HeadingParagraph, RenderContext
from kyodo_desk.documents.handbook.pages import BackCover, CoverPage, draw_running_header, plain_title
from kyodo_desk.documents.handbook.plan_text import PlanPeriodText, apply_conditions
from kyodo_desk.documents.handbook.source import HandbookSource
from kyodo_desk.i18n import _


@dataclass(frozen=True)
class HandbookPDF:
    data: bytes
    pages: int  # pages of the document (A4 or A5), before imposition
    sheets_sides: int  # physical page faces in *data* (= pages for A4; A4 landscape faces for a booklet)
    booklet: bool
    warnings: tuple[str, ...]
    source_note: str


def placeholder_values(center: CenterInfo) -> dict[str, str]:
    return {
        "center_name": center.center_name,
        "center_department": center.department,
        "center_postal_code": center.postal_code,
        "center_address": center.address,
        "center_phone": center.phone,
        "center_fax": center.fax,
        "center_email": center.email,
        "center_website": center.website_url,
    }


class HandbookDocTemplate(ProgressDocTemplate):
    chapter = ""
    _open_levels: list[int] = []  # heading levels of the open outline entries, outermost first

    def setup(self, geometry: PageGeometry, styles: DocStyles, title: str) -> None:
        self.geometry, self.styles, self.handbook_title = geometry, styles, title
        self._open_levels = []
        frame = geometry.frame()
        self.addPageTemplates(
            [
                PageTemplate("cover", [geometry.frame("cover")]),
                PageTemplate("body", [frame], onPageEnd=self._decorate),
            ]
        )

    def _decorate(self, canvas, doc) -> None:
        draw_running_header(canvas, doc, self.geometry, self.styles, self.handbook_title, self.chapter)

    def afterFlowable(self, flowable):  # noqa: N802 - ReportLab hook
        if not isinstance(flowable, HeadingParagraph):
            return
        level = self._outline_depth(flowable.outline_level)
        # the destination is the heading itself (an imposed booklet moves it with its page)
        frame = getattr(self, "frame", None)
        top = frame._y + flowable.height + flowable.style.leading * 0.3 if frame is not None else None  # noqa: SLF001
        self.canv.bookmarkPage(flowable.key, fit="XYZ", left=0, top=top)
        self.canv.addOutlineEntry(flowable.plain, flowable.key, level=level, closed=level > 0)
        if flowable.level == 1:
            self.chapter = flowable.plain
        if flowable.in_toc:
            self.notify("TOCEntry", (flowable.level - 1, esc(flowable.plain), self.page, flowable.key))

    def _outline_depth(self, heading_level: int) -> int:
        """The outline depth of a heading: one below the nearest enclosing heading of a higher level.

        A skipped level (``#`` then ``###``) makes the ``###`` a child of the ``#``; its siblings stay
        siblings (ReportLab's addOutlineEntry accepts at most one level deeper than the last entry)."""
        while self._open_levels and self._open_levels[-1] >= heading_level:
            self._open_levels.pop()
        self._open_levels.append(heading_level)
        return len(self._open_levels) - 1

    def beforeDocument(self):  # noqa: N802 - each multiBuild pass starts afresh
        self.chapter = ""
        self._open_levels = []


def build_story(
    source: HandbookSource,
    center: CenterInfo,
    styles: DocStyles,
    geometry: PageGeometry,
    plan: PlanPeriodText | None = None,
    today: dt.date | None = None,
):
    plan = plan or source.title.plan
    today = today or dt.date.today()
    values = placeholder_values(center)
    conditions: dict[str, bool] = {}
    if plan is not None:
        values |= plan.values()
        conditions = plan.conditions(today)
    ctx = RenderContext(
        styles,
        source,
        values,
        geometry.frame_width,
        geometry.frame_height,
        website_url=center.website_url,
    )
    toc = TableOfContents(levelStyles=styles.toc, dotsMinLevel=0)
    story = [CoverPage(styles, source, center), NextPageTemplate("body"), PageBreak()]
    story.append(HeadingParagraph(esc(_("もくじ")), styles.h1, level=1, plain=_("もくじ"), key="toc", in_toc=False))
    story.append(toc)
    for n, chapter in enumerate(source.chapters):
        if n == 0 or source.title.chapter_new_page:
            story.append(PageBreak())  # else the chapter's KeepStart decides (keeps.py)
        story.extend(ChapterRenderer(ctx, chapter.filename).render(apply_conditions(chapter.text, conditions)))
    story += [NextPageTemplate("cover"), PageBreak(), BackCover(styles, source, center)]
    return story, ctx.warnings


def _headings(flowables):
    for f in flowables:
        if isinstance(f, HeadingParagraph):
            yield f
        content = getattr(f, "_content", None)  # KeepTogether and friends
        if isinstance(content, list):
            yield from _headings(content)


def _seed_table_of_contents(story) -> None:
    """Give the table of contents its lines (page numbers still unknown) before the first pass.

    An empty contents page in pass 1 shifts every chapter when pass 2 fills it in, so ReportLab
    needed a third pass to settle the numbers; laid out at its final height from the start, two
    passes suffice (about a third of the handbook's build time)."""
    tocs = [f for f in story if isinstance(f, TableOfContents)]
    if not tocs:
        return
    entries = [(h.level - 1, esc(h.plain), 88, h.key) for h in _headings(story) if h.in_toc]
    for toc in tocs:
        toc._entries = list(entries)  # noqa: SLF001 - beforeBuild() turns these into what pass 1 draws


def build_handbook(
    source: HandbookSource,
    center: CenterInfo,
    *,
    booklet: bool = False,
    progress: Progress | None = None,
    plan: PlanPeriodText | None = None,
    today: dt.date | None = None,
) -> HandbookPDF:
    """The handbook as A4 pages, or (``booklet=True``) A5 pages imposed two-up for saddle stitching.

    *plan*: the handbook's plan as the plan periods table has it (else title.toml's ``[plan]``);
    with *today* (the print date) it decides whether the text speaks of the plan as current or past."""
    geometry = A5_GEOMETRY if booklet else A4_GEOMETRY
    styles = make_styles(scale=0.9 if booklet else 1.0)
    report(progress, 0, 1, _("原稿を読み込み中"))
    title = plain_title(source.title.title)
    meta = DocumentMeta(
        title=title,
        author=source.title.issuer or center.center_name,
        subject=source.title.subtitle or source.title.based_on,
        keywords=("パートナーシップ", "協働", "まちづくり", "金沢市"),
    )
    story, warnings = build_story(source, center, styles, geometry, plan, today)
    buffer = io.BytesIO()
    doc = new_doc(buffer, geometry, meta, cls=HandbookDocTemplate)
    doc.setup(geometry, styles, title)
    doc.progress = progress
    doc.progress_total = len(story) * 3  # multiBuild usually needs 2–3 passes for the TOC page numbers
    doc.progress_text = _("ページを組んでいます")
    _seed_table_of_contents(story)
    doc.multiBuild(story, maxPasses=6)
    data = buffer.getvalue()
    pages = doc.page
    faces = pages
    if booklet:
        data = impose_booklet(data, back_cover=True, progress=progress)
        faces = -(-pages // 4) * 2
    report(progress, 1, 1, _("できあがりました"))
    return HandbookPDF(data, pages, faces, booklet, tuple(warnings), source.describe())
