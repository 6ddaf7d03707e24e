"""``kyodo-desk handbook`` and ``kyodo-desk form`` from the command line."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from kyodo_desk.cli import main


def _pages(path) -> list:
    return PdfReader(io.BytesIO(path.read_bytes())).pages


def test_form_list_names_every_form(capsys):
    assert main(["form", "--list"]) == 0
    out = capsys.readouterr().out
    for name, title in (
        ("lending", "機器貸出申請書"),
        ("dispatch", "アドバイザー派遣申請書"),
        ("registration", "協働をすすめる市民団体 登録申請書"),
        ("consultation", "相談票"),
    ):
        assert f"{name}\t{title}\t" in out


def test_form_writes_a_one_page_pdf(tmp_path, capsys):
    out = tmp_path / "forms" / "相談票.pdf"
    assert main(["form", "consultation", "--out", str(out)]) == 0
    assert len(_pages(out)) == 1
    assert "相談票" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["form", "nope", "--out", "x.pdf"], ["form", "lending"], ["form"]])
def test_form_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "kyodo-desk form" in err and ("--list" in err or "様式" in err)


def test_handbook_a4_and_booklet(tmp_path, capsys):
    a4 = tmp_path / "handbook.pdf"
    assert main(["handbook", "--out", str(a4)]) == 0
    out = capsys.readouterr().out
    assert "標準の原稿" in out
    pages = _pages(a4)
    assert len(pages) >= 12 and float(pages[0].mediabox.height) > float(pages[0].mediabox.width)

    booklet = tmp_path / "booklet.pdf"
    assert main(["handbook", "--booklet", "--out", str(booklet)]) == 0
    assert "短辺とじ" in capsys.readouterr().out
    sheets = _pages(booklet)
    assert len(sheets) % 2 == 0 and float(sheets[0].mediabox.width) > float(sheets[0].mediabox.height)


def test_handbook_says_when_the_edited_copy_is_used(tmp_path, capsys, _isolated_home):
    folder = _isolated_home / "data" / "handbook"
    folder.mkdir(parents=True)
    (folder / "01.md").write_text("# 窓口で直した章\n\n本文です。\n", encoding="utf-8")
    out_pdf = tmp_path / "h.pdf"
    assert main(["handbook", "--out", str(out_pdf)]) == 0
    assert "編集版" in capsys.readouterr().out
    assert "窓口で直した章" in "".join(p.extract_text() for p in _pages(out_pdf))
