"""`kyodo-desk report ...` and `kyodo-desk labels ...` from the command line, read back."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from kyodo_desk.cli import main


@pytest.fixture
def demo_db(tmp_path, db_url):
    assert main(["--database", db_url, "demo", "--size", "small"]) == 0
    return db_url


@pytest.mark.parametrize(
    "kind,title", [("consultations", "相談受付統計"), ("lending", "機器貸出統計"), ("dispatch", "アドバイザー派遣統計")]
)
def test_reports_as_csv_and_pdf(demo_db, tmp_path, kind, title, capsys):
    out_csv, out_pdf = tmp_path / "r.csv", tmp_path / "r.pdf"
    assert main(["--database", demo_db, "report", kind, "--fiscal-year", "2026", "--out", str(out_csv)]) == 0
    rows = list(csv.reader(io.StringIO(out_csv.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:3] == ["区分", "項目", "4月"] and rows[0][-1] == "合計"
    assert int(rows[1][-1]) > 0  # the demo year has activity
    assert main(["--database", demo_db, "report", kind, "--fiscal-year", "2026", "--out", str(out_pdf)]) == 0
    text = "".join(p.extract_text() for p in PdfReader(out_pdf).pages)
    assert f"令和8年度 {title}" in text and "\ufffd" not in text
    assert title in capsys.readouterr().out


def test_report_refuses_other_extensions(demo_db, tmp_path):
    assert main(["--database", demo_db, "report", "lending", "--out", str(tmp_path / "r.docx")]) == 2


def test_labels_command(demo_db, tmp_path, capsys):
    out = tmp_path / "labels.pdf"
    assert (
        main(
            [
                "--database",
                demo_db,
                "labels",
                "--tags",
                "KD-0001,kd-0002",
                "--template",
                "a4-44",
                "--start",
                "3",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "KD-0002" in PdfReader(out).pages[0].extract_text()
    assert main(["--database", demo_db, "labels", "--all", "--out", str(out)]) == 0
    assert len(PdfReader(out).pages) == 1  # 24 demo devices on one 24-up sheet
    assert main(["--database", demo_db, "labels", "--tags", "KD-9999", "--out", str(out)]) == 1
    assert "KD-9999" in capsys.readouterr().err
    assert main(["--database", demo_db, "labels", "--list-templates"]) == 0
    assert "a4-12" in capsys.readouterr().out
