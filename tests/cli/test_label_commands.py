"""``kyodo-desk labels`` with product sheets: listed by maker with Japanese names, chosen by number."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from kyodo_desk.cli import main


@pytest.fixture
def demo_db(tmp_path, db_url):
    assert main(["--database", db_url, "demo", "--size", "small"]) == 0
    return db_url


def test_cli_lists_and_prints_on_a_product_sheet(demo_db, tmp_path, capsys):
    assert main(["--database", demo_db, "labels", "--list-templates"]) == 0
    out = capsys.readouterr().out
    assert "# エーワン" in out and "# コクヨ" in out
    assert "a-one-72110\tエーワン 72110 (10面 91×55mm)\t10面" in out
    assert out.index("# エーワン") < out.index("# コクヨ") and out.index("a4-44") < out.index("# エーワン")
    pdf_path = tmp_path / "l.pdf"
    assert main(["--database", demo_db, "labels", "--all", "--template", "72110", "--out", str(pdf_path)]) == 0
    reader = PdfReader(pdf_path)
    assert len(reader.pages) >= 2  # the demo's 24 devices on 10-up sheets
    cal = tmp_path / "c.pdf"
    assert (
        main(["--database", demo_db, "labels", "--calibration", "--template", "KPC-E1121-20N", "--out", str(cal)]) == 0
    )
    assert "コクヨ KPC-E1121-20N" in PdfReader(cal).pages[0].extract_text()
    assert main(["--database", demo_db, "labels", "--all", "--template", "nope", "--out", str(pdf_path)]) == 1
    assert "nope" in capsys.readouterr().err
