"""The annual report (年次報告): the service's figures against the hand-made fixture, the PDF read
back with pypdf (title, 年度, figures, 「n / N」 on every page), the .xlsx read back with openpyxl
(sheet names, numbers as numbers, frozen bold header, Japanese widths), and the CLI."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kyodo_desk.documents.annual_report import build_annual_report_pdf
from kyodo_desk.documents.xlsx import Sheet, build_xlsx, display_width, sheet_name
from tests.services.test_activity import fixture_rows  # noqa: F401  (the hand-made fixture)

TODAY = dt.date(2026, 5, 1)  # FY2025 is over: its figures are those of 2026-03-31


@pytest.fixture
def plan(services, admin):
    """A 2021–2025 period with two of the 2021 plan's items, made by hand (PostgreSQL tests start
    from empty tables, without the migration's seed)."""
    from sqlalchemy import delete

    from kyodo_desk.db.plan_models import PlanPeriod
    from kyodo_desk.services.plan_records import PeriodInput, PlanItemInput

    with services.db.write() as s:
        s.execute(delete(PlanPeriod))
    period = services.plan.create_period(admin, PeriodInput("金沢市協働推進計画2021", 2021, 2025))
    for item in (
        PlanItemInput("協働をすすめる市民団体登録団体数", "団体", "registrations", 2016, 35, 2020, 43, 2025, 50, True),
        PlanItemInput(
            "多様な担い手とのパートナーシップにより取り組む事業数",
            "件",
            "projects",
            2016,
            68,
            2020,
            88,
            2025,
            100,
            True,
        ),
    ):
        services.plan.save_item(admin, period.id, item)
    return period


@pytest.fixture
def report(services, admin, fixture_rows, plan):  # noqa: F811
    return services.annual_report.build(admin, 2025, today=TODAY)


def test_the_report_gathers_the_year(report):
    assert report.title == "令和7年度 年次報告" and report.as_of == dt.date(2026, 3, 31)
    assert report.activity.consultations[0] == 2 and report.activity.totals == (3, 2, 2)
    assert report.consultations.value("合計", "件数") == 3
    assert report.lending.value("合計", "貸出件数") == 2
    assert report.dispatch.value("合計", "派遣回数") == 2
    assert report.plan is not None and report.plan.first_fiscal_year == 2021 and not report.plan.ended
    assert [y.fiscal_year for y in report.years] == [2021, 2022, 2023, 2024, 2025]
    names = [t.name for t in report.tables()]
    assert names == ["計画の目標", "月別の活動", "登録団体・事業", "相談受付", "機器貸出", "アドバイザー派遣"]
    monthly = report.monthly_table()
    assert monthly.rows[0] == ("4月", 2, 1, 1) and monthly.rows[-1] == ("合計", 3, 2, 2)


def test_pdf_has_title_year_figures_and_page_numbers(report, services):
    pdf = build_annual_report_pdf(report, services.settings.get(), today=TODAY)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [p.extract_text() for p in reader.pages]
    total = len(pages)
    assert total >= 4
    assert reader.metadata.title == "令和7年度 年次報告"
    first = pages[0]
    assert "令和7年度 年次報告" in first and "市民協働推進課" in first and "金沢市協働推進計画2021" in first
    assert "協働をすすめる市民団体登録団体数" in first and "50団体以上" in first
    text = "\n".join(pages)
    assert (
        "3 月別の活動" in text
        and "2 登録団体数とパートナーシップ事業数" in text
        and "令和7年度 相談受付統計" in text
        and "令和7年度 アドバイザー派遣統計" in text
    )
    assert "\ufffd" not in text
    for n, page in enumerate(pages, start=1):
        assert f"令和7年度 年次報告　{n} / {total}" in page


def test_pdf_of_an_empty_database(services, admin):
    report = services.annual_report.build(admin, 2025, today=TODAY)
    assert report.activity.empty
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(build_annual_report_pdf(report, services.settings.get()))).pages
    )
    assert "この年度の相談・貸出・派遣の記録はありません。" in text


def test_xlsx_one_sheet_per_table_with_numbers(report):
    data = build_xlsx([Sheet(t.name, t.columns, t.rows, t.note) for t in report.tables()], title=report.title)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["計画の目標", "月別の活動", "登録団体・事業", "相談受付", "機器貸出", "アドバイザー派遣"]
    monthly = wb["月別の活動"]
    assert [c.value for c in monthly[1]] == ["月", "相談件数", "貸出件数", "派遣回数"]
    assert [c.value for c in monthly[2]] == ["4月", 2, 1, 1]
    assert all(isinstance(c.value, int) for c in monthly[2][1:])
    assert [c.value for c in monthly[14]] == ["合計", 3, 2, 2]
    assert monthly.freeze_panes == "A2" and monthly["A1"].font.bold
    consultations = wb["相談受付"]
    header = [c.value for c in consultations[1]]
    assert header[:3] == ["区分", "項目", "4月"] and header[-1] == "合計"
    count_row = next(r for r in consultations.iter_rows(min_row=2, values_only=True) if r[1] == "件数")
    assert count_row[2] == 2 and count_row[-1] == 3 and isinstance(count_row[-1], int)
    targets = wb["計画の目標"]
    row = next(r for r in targets.iter_rows(min_row=2, values_only=True) if r[0] == "協働をすすめる市民団体登録団体数")
    assert row[5] == 50 and isinstance(row[5], int) and row[6] == "以上"
    # Japanese column widths: a full-width character counts as two
    assert targets.column_dimensions["A"].width >= display_width("多様な担い手とのパートナーシップにより取り組む事業数")


def test_xlsx_text_stays_text_and_sheet_names_are_valid():
    data = build_xlsx(
        [Sheet("a/b:c*?[d]" * 5, ["名前"], [["=1+1"], ["@SUM(A1)"]]), Sheet("a/b:c*?[d]" * 5, ["x"], [[1.5]])]
    )
    wb = load_workbook(io.BytesIO(data))
    first, second = wb.worksheets
    assert len(first.title) <= 31 and not set("[]:*?/\\") & set(first.title) and first.title != second.title
    assert first["A2"].value == "=1+1" and first["A2"].data_type == "s"
    assert second["A2"].value == 1.5
    assert display_width("相談ab") == 6 and sheet_name("x", {"x"}) == "x(2)"


def test_cli_annual_report_pdf_and_xlsx_with_progress(db_url, tmp_path, capsys):
    from kyodo_desk.cli import main

    assert main(["--database", db_url, "demo", "--size", "small"]) == 0
    capsys.readouterr()
    pdf, xlsx = tmp_path / "annual.pdf", tmp_path / "annual.xlsx"
    assert main(["--database", db_url, "report", "annual", "--fiscal-year", "2025", "--out", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert "[3/6] 相談受付統計" in out and "令和7年度 年次報告 を" in out
    assert "令和7年度 年次報告" in PdfReader(pdf).pages[0].extract_text()
    assert main(["--database", db_url, "report", "annual", "--fiscal-year", "2025", "--out", str(xlsx)]) == 0
    assert "月別の活動" in load_workbook(xlsx).sheetnames
    assert main(["--database", db_url, "report", "annual", "--out", str(tmp_path / "annual.csv")]) == 2


def test_cli_statistics_as_xlsx(db_url, tmp_path):
    from kyodo_desk.cli import main

    assert main(["--database", db_url, "demo", "--size", "small"]) == 0
    out = tmp_path / "consultations.xlsx"
    assert main(["--database", db_url, "report", "consultations", "--fiscal-year", "2026", "--out", str(out)]) == 0
    ws = load_workbook(out).active
    assert ws.title == "令和8年度 相談受付統計"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["区分", "項目", "4月"]
    total = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "件数")
    assert isinstance(total[-1], int) and total[-1] > 0
