"""The annual report (年次報告) as an A4 landscape PDF for 市民協働推進課: the plan's targets with
their trend charts, the month-by-month activity, registered groups and projects per fiscal year,
then the consultation, lending and dispatch statistics.  Charts are vector drawings
(documents/charts.py); every page carries the report's title and 「n / N」 at its foot."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, PageBreak, PageTemplate, Spacer, Table, TableStyle

from kyodo_desk.documents.base import (
    A4_LANDSCAPE,
    GRAY_FILL,
    CenterInfo,
    DocumentMeta,
    PageGeometry,
    Progress,
    draw_center_footer,
    make_styles,
    new_doc,
    para,
)
from kyodo_desk.documents.charts import MUTED, SERIES, bar_chart, line_chart
from kyodo_desk.documents.statistics import statistics_table
from kyodo_desk.i18n import _, wareki, wareki_fiscal_year

GEOMETRY = PageGeometry(A4_LANDSCAPE, left=12 * mm, right=12 * mm, top=14 * mm, bottom=16 * mm)


def _short_year(fiscal_year: int) -> str:
    name = wareki_fiscal_year(fiscal_year)  # 令和7年度 → R7 (chart axes; tables name the year in full)
    initial = {"令和": "R", "平成": "H", "昭和": "S"}.get(name[:2])
    return f"{initial}{name[2:-2].replace('元', '1')}" if initial else str(fiscal_year)


def _value(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{float(value):.1f}%"
    if float(value).is_integer():
        return f"{int(value):,}{unit}"
    return f"{float(value):,.1f}{unit}"


def _grid(data: list[list[Any]], widths: Sequence[float], st, *, numeric_from: int = 1, total_row: bool = False):
    table = Table(data, colWidths=list(widths), repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
        ("FONTNAME", (0, 0), (-1, -1), st.regular),
        ("FONTNAME", (0, 0), (-1, 0), st.bold),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
    ]
    if total_row:
        style.append(("BACKGROUND", (0, -1), (-1, -1), GRAY_FILL))
    table.setStyle(TableStyle(style))
    return table


def _targets(report, st, width: float) -> list:
    out: list = [para(_("1 計画の目標と達成状況"), st.h2)]
    plan = report.plan
    if plan is None:
        out.append(para(_("計画の目標は登録されていません。"), st.body))
        return out
    span = f"{wareki_fiscal_year(plan.first_fiscal_year)}〜{wareki_fiscal_year(plan.last_fiscal_year)}"
    line = _("{name}(計画期間 {span})").format(name=plan.period_name, span=span)
    if plan.ended:
        line += _("・計画期間は終了し、次期計画は策定中です。")
    out.append(para(line, st.body))
    cell = st.derive(st.cell, fontSize=8, leading=10)
    data: list[list[Any]] = [
        [_("項目"), _("計画策定時"), _("目標"), _("最新値"), _("進み具合")],
    ]
    for k in plan.kpis:
        start = f"{_value(k.reference_value, k.unit)}({k.reference_year}年度)" if k.reference_year is not None else "—"
        target = _value(k.target_value, k.unit) + (_("以上") if k.target_is_minimum else "")
        target += f"({k.target_year}年度)"
        current = (
            f"{_value(k.current_value, k.unit)}({k.current_fiscal_year}年度)"
            if k.current_value is not None and k.current_fiscal_year is not None
            else _("記録なし")
        )
        if k.progress is None or k.current_value is None:
            progress = "—"
        elif k.progress < 0:
            progress = _("策定時を下回る")
        else:
            progress = f"{round(100 * k.progress)}%"
        data.append([para(k.name, cell), start, target, current, progress])
    rest = (width - 100 * mm) / 4
    out.append(_grid(data, [100 * mm, rest, rest, rest, rest], st))
    out.append(Spacer(1, 3 * mm))
    if plan.kpis:
        chart_w = (width - 6 * mm * (len(plan.kpis) - 1)) / len(plan.kpis)
        drawings = []
        for k in plan.kpis:
            years = [p.fiscal_year for p in k.trend]
            recorded = [None if y < plan.first_fiscal_year else p.value for y, p in zip(years, k.trend)]
            reference = [p.value if y < plan.first_fiscal_year else None for y, p in zip(years, k.trend)]
            drawings.append(
                bar_chart(
                    [_short_year(y) for y in years],
                    [(_("計画策定時"), reference), (_("実績"), recorded)],
                    width=chart_w,
                    height=48 * mm,
                    font=st.regular,
                    target=k.target_value,
                    target_label=_("目標 {v}").format(v=_value(k.target_value, k.unit)),
                    fills=(MUTED, SERIES[0]),
                    percent=k.unit == "%",
                    title=k.name if len(k.name) <= 26 else k.name[:25] + "…",
                    stacked=True,
                )
            )
        row = Table(
            [drawings], colWidths=[chart_w + (6 * mm if i < len(drawings) - 1 else 0) for i in range(len(drawings))]
        )
        row.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        out.append(row)
    return out


def _monthly(report, st, width: float) -> list:
    a = report.activity
    labels = list(report.month_labels)
    series = [(_("相談件数"), a.consultations), (_("貸出件数"), a.loans), (_("派遣回数"), a.dispatches)]
    gap = 8 * mm  # consultations and loans (hundreds a month) beside the visits (a few): two scales
    left_w = (width - gap) * 0.66
    chart = Table(
        [
            [
                bar_chart(labels, series[:2], width=left_w, height=62 * mm, font=st.regular, title=_("相談・貸出(件)")),
                bar_chart(
                    labels,
                    series[2:],
                    width=width - gap - left_w,
                    height=62 * mm,
                    font=st.regular,
                    fills=(SERIES[2],),
                    title=_("アドバイザー派遣(回)"),
                ),
            ]
        ],
        colWidths=[left_w + gap, width - gap - left_w],
    )
    chart.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    data: list[list[Any]] = [[_("区分"), *labels, _("合計")]]
    for name, values in series:
        data.append([name, *[f"{v:,}" for v in values], f"{sum(values):,}"])
    first = 30 * mm
    rest = (width - first) / (len(labels) + 1)
    table = _grid(data, [first] + [rest] * (len(labels) + 1), st)
    body: list = [chart, Spacer(1, 2 * mm), table]
    if a.empty:
        body = [para(_("この年度の相談・貸出・派遣の記録はありません。"), st.body), table]
    return [KeepTogether([para(_("3 月別の活動"), st.h2), *body])]


def _years(report, st, width: float) -> list:
    years = report.years
    chart = line_chart(
        [_short_year(y.fiscal_year) for y in years],
        [
            (_("協働をすすめる市民団体(年度末)"), [y.registered_groups for y in years]),
            (_("パートナーシップ事業数"), [y.projects for y in years]),
        ],
        width=width * 0.55,
        height=48 * mm,
        font=st.regular,
    )
    data: list[list[Any]] = [[_("年度"), _("登録団体数(年度末)"), _("パートナーシップ事業数")]]
    for y in years:
        data.append([wareki_fiscal_year(y.fiscal_year), f"{y.registered_groups:,}", f"{y.projects:,}"])
    table_w = width * 0.42
    table = _grid(data, [table_w * 0.34, table_w * 0.33, table_w * 0.33], st)
    side = Table([[chart, table]], colWidths=[width * 0.58, width * 0.42])
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    year_end = dt.date(report.fiscal_year + 1, 3, 31)
    note_text = (
        _("登録団体数は各年度の3月31日現在。")
        if report.as_of >= year_end
        else _("登録団体数は各年度の3月31日現在(今年度は{day}現在)。").format(day=wareki(report.as_of))
    )
    note = para(note_text, st.small)
    return [KeepTogether([para(_("2 登録団体数とパートナーシップ事業数"), st.h2), side, note])]


def _footer_canvas(geometry: PageGeometry, center: CenterInfo, title: str, font: str):
    """A canvas that holds its pages until the end, then draws 「title　n / N」 on each."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - ReportLab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                label = _("{title}　{n} / {total}").format(title=title, n=self._pageNumber, total=total)
                draw_center_footer(self, geometry, center, font, page_label=label)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_annual_report_pdf(
    report, settings, *, today: dt.date | None = None, progress: Progress | None = None
) -> bytes:
    """*report* is a services.annual_report.AnnualReport (plain data)."""
    center = CenterInfo.from_settings(settings)
    st = make_styles()
    width = GEOMETRY.frame_width
    today = today or dt.date.today()
    title = report.title
    story: list = [
        para(title, st.h1),
        para(
            _("{center}　提出先 市民協働推進課　作成日 {made}　集計基準日 {as_of}").format(
                center=center.center_name, made=wareki(today), as_of=wareki(report.as_of)
            ),
            st.small,
        ),
        Spacer(1, 2 * mm),
    ]
    story += _targets(report, st, width)
    story += _years(report, st, width)
    story += _monthly(report, st, width)
    for number, stats in ((4, report.consultations), (5, report.lending), (6, report.dispatch)):
        story.append(PageBreak())
        story.append(para(f"{number} {stats.title}", st.h2))
        story.append(statistics_table(stats, st, width))

    buffer = io.BytesIO()
    meta = DocumentMeta(title=title, author=center.center_name, subject=_("年次報告"))
    doc = new_doc(buffer, GEOMETRY, meta)
    doc.addPageTemplates([PageTemplate("page", [GEOMETRY.frame()])])
    doc.progress, doc.progress_total, doc.progress_text = progress, len(story), _("年次報告")
    doc.build(story, canvasmaker=_footer_canvas(GEOMETRY, center, title, st.regular))
    return buffer.getvalue()
