"""Case groups 5–7: QR labels (against bare ReportLab rectangles of the same matrices), the handbook
A4 and booklet, and the fiscal-year statistics PDFs and annual report."""

from __future__ import annotations

import io

from kyodo_desk.bench.core import CaseResult, Target, interleaved, peak_rss_mib

LABELS = 1000


def _bare_rectangles(matrices: list[list[list[bool]]]) -> bytes:
    """The baseline: every matrix drawn module by module with plain ReportLab rects, 24 per A4 page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    for i, matrix in enumerate(matrices):
        if i and i % 24 == 0:
            c.showPage()
        row_i, col = divmod(i % 24, 3)
        x0, y0 = 10 * mm + col * 66 * mm, A4[1] - (20 + row_i * 34) * mm
        m = 28 * mm / (len(matrix) + 8)
        p = c.beginPath()
        for r, row in enumerate(matrix):
            for k, dark in enumerate(row):
                if dark:
                    p.rect(x0 + (k + 4) * m, y0 - (r + 4) * m, m, m)
        c.drawPath(p, stroke=0, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


def label_case(services, actor, repeat: int) -> CaseResult:
    from kyodo_desk.documents.labels import LabelData, build_label_sheets, builtin_templates
    from kyodo_desk.documents.qr import qr_matrix

    template = builtin_templates()["a4-24"]
    tags = [f"KD-{n:05d}" for n in range(1, LABELS + 1)]
    labels = [LabelData(t, "ノートパソコン(Windows)", "金沢市市民活動サポートセンター", "076-000-0000") for t in tags]
    matrices = [qr_matrix(t, template.error_correction) for t in tags]  # baseline gets its matrices for free
    samples, base = interleaved(
        lambda: build_label_sheets(labels, template), repeat, lambda: _bare_rectangles(matrices)
    )
    return CaseResult(
        "documents",
        f"{LABELS:,} QR labels (a4-24)",
        samples,
        base,
        baseline="bare ReportLab rects of the same matrices (matrices made beforehand)",
        peak_rss_mib=peak_rss_mib(),
        targets=[Target("median_ms", 1200), Target("ratio", 1.3)],
    )


def handbook_cases(services, actor, repeat: int) -> list[CaseResult]:
    import tempfile
    from pathlib import Path

    from kyodo_desk.services.printing import HANDBOOK, Paper, PrintingService

    printing = PrintingService(services.db, services.settings, Path(tempfile.gettempdir()) / "kyodo-bench-no-override")
    out = []
    for paper, name, limit in ((Paper.A4, "handbook A4", 600), (Paper.A5_BOOKLET, "handbook A5 booklet", 1000)):

        def build(p: Paper = paper) -> object:
            return printing.build(actor, HANDBOOK, p)

        samples, _base = interleaved(build, repeat)
        out.append(
            CaseResult("documents", name, samples, peak_rss_mib=peak_rss_mib(), targets=[Target("median_ms", limit)])
        )
    return out


def statistics_cases(services, actor, repeat: int, fiscal_year: int) -> list[CaseResult]:
    from kyodo_desk.documents.statistics import build_statistics_pdf

    settings = services.settings.get()
    makers = {
        "consultations": lambda: services.consultation_stats.statistics(actor, fiscal_year),
        "lending": lambda: services.lending_stats.statistics(actor, fiscal_year),
        "dispatch": lambda: services.dispatch_stats.statistics(actor, fiscal_year),
    }
    out = []
    for kind, make in makers.items():

        def pdf(m=make) -> bytes:
            return build_statistics_pdf(m(), settings)

        samples, _base = interleaved(pdf, repeat)
        out.append(
            CaseResult(
                "reports",
                f"FY{fiscal_year} {kind} statistics PDF",
                samples,
                peak_rss_mib=peak_rss_mib(),
                note="query + PDF",
                targets=[Target("median_ms", 300)],
            )
        )

    def annual() -> bytes:  # the 年次報告: the three statistics, the plan's targets, months, years, charts
        from kyodo_desk.documents.annual_report import build_annual_report_pdf

        return build_annual_report_pdf(services.annual_report.build(actor, fiscal_year), settings)

    samples, _base = interleaved(annual, repeat)
    out.append(
        CaseResult(
            "reports",
            f"FY{fiscal_year} annual report PDF",
            samples,
            peak_rss_mib=peak_rss_mib(),
            note="query + PDF (three statistics, targets, charts)",
            targets=[Target("median_ms", 300)],
        )
    )
    return out
