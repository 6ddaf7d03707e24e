"""FY statistics PDF: every label and figure printed in the Japanese font, long labels wrapped."""

from __future__ import annotations

import io

from pypdf import PdfReader

from kyodo_desk.documents.statistics import build_statistics_pdf
from kyodo_desk.services.consultation_stats import ConsultationStats, StatsRow
from kyodo_desk.services.settings import SettingsService


def test_statistics_pdf_prints_every_label_and_figure(db):
    months = tuple(f"{m}月" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)) + ("合計",)
    long_label = "NPO法人の設立・運営・会計・税務・労務に関するとても長い相談区分の名前"
    rows = tuple(
        StatsRow("分野", label, tuple(range(i, i + 12)) + (12 * i + 66,), indent)
        for i, (label, indent) in enumerate([("団体運営", 0), ("会計", 1), (long_label, 0), ("<b>&", 0)], start=1)
    )
    stats = ConsultationStats(2025, "令和7年度 相談受付統計", months, rows, 5, 3, 2, 1)
    pdf = build_statistics_pdf(stats, SettingsService(db).get())
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert "\ufffd" not in text
    for expected in ("令和7年度 相談受付統計", "団体運営", "会計", "<b>&", "114", "フォローアップ", "4月", "合計"):
        assert expected in text, expected
    assert "とても長い" in text and "相談区分の名前" in text  # the long label wrapped, nothing cut
    fonts = {str(f.get_object().get("/BaseFont")) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("BIZUD" in f for f in fonts), fonts
