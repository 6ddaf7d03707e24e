"""The 棚卸結果 paper read back: title, dates, staff, counts, the four lists, 「2回続けて未確認」
marked, column heads and the running header repeated on every page, 「n / N」 on every page, and
user text printed literally."""

from __future__ import annotations

import datetime as dt
import re

from kyodo_desk.documents.stocktake import SheetLine, StocktakeSheet, build_stocktake_pdf
from tests.documents.conftest import pdf_pages_text


def _sheet(missing: int) -> StocktakeSheet:
    return StocktakeSheet(
        number=7,
        state_label="終了",
        started_at=dt.datetime(2026, 3, 27, 9, 30),
        finished_at=dt.datetime(2026, 3, 27, 11, 5),
        staff="田中 健一",
        finished_staff="山田 花子",
        note="年度末 <b>棚A〜C</b>",
        expected_total=2 + missing,
        found=[
            SheetLine("KD-0001", "タブレット Apple iPad", "事務室 棚A", "貸出可", "03/27 09:31"),
            SheetLine("KD-0002", "ノートパソコン 富士通", "倉庫", "紛失", "03/27 09:32", "記録上は「紛失」です"),
            SheetLine("KD-0003", "Webカメラ", "倉庫", "貸出可", "03/27 09:33"),
        ],
        missing=[
            SheetLine(f"KD-{100 + i:04d}", "プロジェクター EPSON", "倉庫", "貸出可", "", "2回続けて未確認" if i == 0 else "確認の記録なし", i == 0)
            for i in range(missing)
        ],
        on_loan=[SheetLine("KD-0050", "スピーカーフォン", "事務室 棚B", "貸出中", "03/27 10:00", "棚にありました L2025-00012")],
        unknown=[
            SheetLine("4901234567890", scanned="03/27 10:01", remark="登録されていないコード"),
            SheetLine("<B>&AMP;\x07X", scanned="03/27 10:02", remark="登録されていないコード"),
        ],
    )  # fmt: skip


def test_one_page_result_has_counts_and_all_four_lists(center):
    pages = pdf_pages_text(build_stocktake_pdf(_sheet(2), center))
    assert len(pages) == 1
    text = pages[0]
    assert text.startswith("棚卸結果") and "棚卸 No.7" in text and "田中 健一" in text and "山田 花子" in text
    assert "令和8年3月27日" in text and "09:30" in text and "11:05" in text
    assert "年度末 <b>棚A〜C</b>" in text  # a user's markup is printed, not obeyed
    flat = text.replace("\n", "")
    assert "確認済み3 台棚にあるはずの 4 台のうち" in flat
    assert "未確認2 台" in flat and "うち2回続けて未確認 1 台" in flat
    assert "貸出中1 台" in flat and "うち棚にあった 1 台" in flat and "不明なコード2 件" in flat
    assert "<B>&AMP;X" in text  # a scanned code is printed as it is, never as markup
    for heading in ("確認済み(3)", "未確認(棚にあるはずで見つからなかった機器)(2)", "貸出中(1)", "不明なコード(2)"):
        assert heading in flat
    for code in ("KD-0001", "KD-0002", "KD-0100", "KD-0101", "KD-0050", "4901234567890"):
        assert code in text
    assert "★ 2回続けて未確認" in flat and "記録上は「紛失」です" in flat
    assert "1 / 1" in text


def test_long_result_repeats_headers_and_numbers_pages(center):
    pages = pdf_pages_text(build_stocktake_pdf(_sheet(120), center))
    total = len(pages)
    assert total >= 3
    for n, text in enumerate(pages, start=1):
        assert f"{n} / {total}" in text
        if n > 1:
            assert "棚卸結果(続き)" in text and "棚卸 No.7" in text
    # the 未確認 table runs over pages 1..k: its column heads are printed again on each
    continued = [t for t in pages[1:] if "KD-01" in t]
    assert continued and all("管理番号" in t and "備考" in t for t in continued)
    codes = re.findall(r"KD-0(?:1\d\d|2[01]\d)", "\n".join(pages))
    assert len(set(codes)) == 120  # none lost at a page break
    assert "不明なコード(2)" in pages[-1].replace("\n", "")
