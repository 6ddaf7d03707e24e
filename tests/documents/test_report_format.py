"""Statistics PDFs read back (issue 15): yen with separators and 円, an overspent budget marked
▲ in red and bold with a note, the 稼働率 column labelled 平均, and title and 「n / N」 on every page."""

from __future__ import annotations

import io

from pypdf import PdfReader

from kyodo_desk.documents.statistics import build_statistics_pdf, money
from kyodo_desk.services.consultation_stats import StatsRow
from kyodo_desk.services.lending_stats import LendingStats
from kyodo_desk.services.settings import CenterSettings

MONTHS = tuple(f"{m}月" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)) + ("合計",)
TITLE = "令和8年度 アドバイザー派遣統計"


def _stats(advisors: int = 60) -> LendingStats:
    fees = tuple([120_000] * 12) + (1_440_000,)
    rows = [StatsRow("合計", "派遣回数", tuple(range(12)) + (66,))]
    rows += [StatsRow("アドバイザー別", f"アドバイザー {i}", tuple([1] * 12) + (12,)) for i in range(advisors)]
    rows += [
        StatsRow("稼働率(%)", "タブレット", tuple([40] * 12) + (40,)),
        StatsRow("費用(円)", "謝金", fees),
        StatsRow("費用(円)", "予算", tuple([0] * 12) + (1_383_000,)),
        StatsRow("費用(円)", "予算残額", tuple([0] * 12) + (-521_200,)),
    ]
    return LendingStats(2026, TITLE, MONTHS, tuple(rows))


def test_money_format():
    assert money(1_383_000) == "1,383,000円"
    assert money(-521_200) == "▲521,200円"
    assert money(0) == "0円"


def test_statistics_pdf_money_averages_and_every_page_titled():
    pdf = build_statistics_pdf(_stats(), CenterSettings())
    reader = PdfReader(io.BytesIO(pdf))
    texts = [(p.extract_text() or "").replace("\n", "") for p in reader.pages]
    total = len(texts)
    assert total >= 2
    for n, text in enumerate(texts, start=1):
        assert TITLE in text, f"page {n} has no title"
        assert f"{n} / {total}" in text
        assert "合計" in text  # the header row repeats
    flat = "".join(texts)
    assert "1,383,000円" in flat and "1,440,000円" in flat and "120,000円" in flat
    assert "1383000" not in flat
    assert "▲521,200円" in flat and "予算を超えて支出した額" in flat
    assert "平均" in flat and "40%" in flat
    last = reader.pages[-1].get_contents().get_data()
    assert b".75 0 0 rg" in last  # the overspent remainder is printed in red


def test_statistics_pdf_without_negative_or_average_has_no_notes():
    rows = (StatsRow("費用(円)", "謝金", tuple([1000] * 12) + (12000,)),)
    pdf = build_statistics_pdf(LendingStats(2026, TITLE, MONTHS, rows), CenterSettings())
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "12,000円" in text and "▲" not in text and "平均" not in text and "1 / 1" in text
