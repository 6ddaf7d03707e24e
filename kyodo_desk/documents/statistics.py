"""Statistics tables (consultations, lending, dispatch) as an A4 landscape PDF for the city."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import LongTable, Spacer, TableStyle

from kyodo_desk.documents.base import (
    A4_LANDSCAPE,
    GRAY_FILL,
    CenterInfo,
    DocumentMeta,
    PageGeometry,
    Progress,
    draw_center_footer,
    draw_running_header,
    fit_font_size,
    make_styles,
    page_of,
    para,
    render_story,
)
from kyodo_desk.i18n import _, wareki

NUMBER_PAD = 3  # points left and right of a figure
NEGATIVE = colors.Color(0.75, 0, 0)  # dark red: still dark on a monochrome laser, and bold


def build_statistics_pdf(stats, settings, *, today: dt.date | None = None, progress: Progress | None = None) -> bytes:
    """*stats* has ``title``, ``columns`` and ``rows`` (section, label, values, indent)."""
    center = CenterInfo.from_settings(settings)
    geometry = PageGeometry(A4_LANDSCAPE, left=12 * mm, right=12 * mm, top=14 * mm, bottom=16 * mm)
    st = make_styles()
    t = statistics_table(stats, st, geometry.frame_width)
    today = today or dt.date.today()
    story = [
        para(stats.title, st.h2),
        para(_("{center}　作成日 {date}").format(center=center.center_name, date=wareki(today)), st.small),
        Spacer(1, 3 * mm),
        t,
    ]
    story += [para(n, st.derive(st.small, spaceBefore=3)) for n in statistics_notes(stats)]

    def late_page(canvas, page: int, total: int) -> None:
        if page > 1:  # the title on every page, not only the first
            draw_running_header(canvas, geometry, stats.title, "", page, total, st.regular, size=9)
        draw_center_footer(canvas, geometry, center, st.regular, page_label=page_of(page, total))

    meta = DocumentMeta(title=stats.title, author=center.center_name, subject=_("統計"))
    return render_story(story, geometry, meta, late_page=late_page, progress=progress, progress_text=_("統計表"))


def is_money_section(section: object) -> bool:
    """費用(円): figures are yen."""
    return "円" in str(section or "")


def is_percent_section(section: object) -> bool:
    """稼働率(%): figures are percentages."""
    text = str(section or "")
    return "%" in text or "％" in text


def is_average_section(section: object) -> bool:
    """稼働率(%) and 参加者数の平均: the last column is the year's average, not a total."""
    text = str(section or "")
    return is_percent_section(text) or "平均" in text or text == _("参加者数の平均(人)")


def money(value: int) -> str:
    """1383000 → 「1,383,000円」; a negative amount (an overspent budget) → 「▲521,200円」."""
    return f"▲{-value:,}円" if value < 0 else f"{value:,}円"


def statistics_notes(stats) -> list[str]:
    """Notes printed under the table: what ▲ means, and which figures are averages."""
    from kyodo_desk.services.consultation_stats import stats_values

    rows = stats_values(stats)[1:]
    notes = []
    if any(is_money_section(r[0]) and isinstance(v, int) and v < 0 for r in rows for v in r[2:]):
        notes.append(_("▲ はマイナス(予算を超えて支出した額)です。"))
    if any(is_percent_section(r[0]) for r in rows):
        notes.append(_("稼働率の行の最後の列は年度の平均です(合計ではありません)。"))
    if any(is_average_section(r[0]) and not is_percent_section(r[0]) for r in rows):
        notes.append(_("参加者数の平均は、参加者数を記録した実施1回あたりの人数です(最後の列は年度の平均、四捨五入)。"))
    return notes


def statistics_table(stats, st, frame_width: float) -> LongTable:
    """The statistics as one table flowable (header repeated on every page) *frame_width* wide."""
    from kyodo_desk.services.consultation_stats import stats_table, stats_values

    small = st.derive(st.cell, fontSize=8, leading=10)
    head = st.derive(st.cell_head, fontSize=8, leading=10)
    table = stats_table(stats)
    values = stats_values(stats)
    data: list[list[Any]] = [[para(c, head) for c in table[0]]]
    extra: list[tuple] = []
    numeric_from = 2
    label_w = 34 * mm
    section_w = 34 * mm

    def label(text, width: float):
        """A plain string when it fits on one line (cheap to draw), else a wrapping Paragraph."""
        text = "" if text is None else str(text)
        if stringWidth(text, st.regular, 8) <= width - 12:  # 6 pt padding each side
            return text
        return para(text, small)

    rest = (frame_width - label_w - section_w) / max(1, len(table[0]) - 2)
    previous = None
    for row, raw in zip(table[1:], values[1:], strict=True):
        section = raw[0]
        if is_average_section(section) and section != previous:
            # the section's own heading row says its last column is an average
            data.append(["", ""] + [para(c, head) for c in table[0][numeric_from:-1]] + [para(_("平均"), head)])
            extra.append(("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), GRAY_FILL))
        cells = []
        for c, v in zip(row[numeric_from:], raw[numeric_from:], strict=True):
            if v is None:
                cells.append("")
            elif is_money_section(section) and isinstance(v, int):
                cells.append(money(v))
                r, col = len(data), numeric_from + len(cells) - 1
                size = fit_font_size(cells[-1], st.bold if v < 0 else st.regular, 8, rest - 2 * NUMBER_PAD, 5.5)
                if size < 8:  # 「1,383,000円」 in a month-wide column: a smaller size, never past the rule
                    extra.append(("FONTSIZE", (col, r), (col, r), size))
                if v < 0:
                    extra += [
                        ("TEXTCOLOR", (col, r), (col, r), NEGATIVE),
                        ("FONTNAME", (col, r), (col, r), st.bold),
                    ]
            elif is_percent_section(section) and isinstance(v, int):
                cells.append(f"{v}%")
            else:
                cells.append(c)
        # figures never wrap: plain strings, drawn by the table itself (a Paragraph per number
        # was most of this PDF's time); a section name is printed once, at its first row
        data.append([label(row[0], section_w) if section != previous else "", label(row[1], label_w)] + cells)
        previous = section
    t = LongTable(data, colWidths=[section_w, label_w] + [rest] * (len(table[0]) - 2), repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
        ("BACKGROUND", (-1, 1), (-1, -1), GRAY_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("FONTNAME", (0, 1), (-1, -1), st.regular),
        ("FONTSIZE", (0, 1), (-1, -1), 8),
        ("LEADING", (0, 1), (-1, -1), 10),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("LEFTPADDING", (numeric_from, 1), (-1, -1), NUMBER_PAD),
        ("RIGHTPADDING", (numeric_from, 1), (-1, -1), NUMBER_PAD),
        *extra,
    ]
    t.setStyle(TableStyle(style))
    return t
