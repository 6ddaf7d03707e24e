"""The partnership handbook: content, layout features, booklet, admin overrides."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from pypdf import PdfReader

from kyodo_desk.documents.base import A4_GEOMETRY, CenterInfo, make_styles
from kyodo_desk.documents.handbook import build_handbook, load_handbook, shipped_handbook_dir
from kyodo_desk.documents.handbook.layout import placeholder_values
from kyodo_desk.documents.handbook.markdown import ChapterRenderer, RenderContext
from kyodo_desk.documents.kinsoku import CANNOT_END, CANNOT_START, KinsokuParagraph, line_texts
from tests.documents.conftest import decode_qr, pdf_pages_text, pdf_text, render_page, visual_lines

CHAPTERS = [
    "はじめに",
    "パートナーシップ(協働)ってなに?",
    "3つの基本方針",
    "市民活動サポートセンターでできること",
    "「協働をすすめる市民団体」に登録しよう",
    "パートナーシップ事業をはじめよう",
    "計画の目標と進め方",
    "よくある質問",
    "相談先・問い合わせ先",
]


@pytest.fixture(scope="module")
def a4():
    from kyodo_desk.services.settings import CenterSettings

    center = CenterInfo.from_settings(CenterSettings(website_url="https://example.kanazawa.jp/center/"))
    return build_handbook(load_handbook(None), center)


def test_a4_handbook_has_real_content(a4):
    assert a4.pages >= 12
    assert a4.warnings == ()
    text = pdf_text(a4.data)
    assert "\ufffd" not in text
    for i, chapter in enumerate(CHAPTERS, start=1):
        assert f"{i}\u3000{chapter}" in text.replace(" ", "\u3000") or f"{i} {chapter}" in text, chapter
    for fact in (
        "35団体",
        "43団体",
        "50団体以上",
        "68事業",
        "88事業",
        "100事業以上",
        "66.8%",
        "75%",
        "076-220-2026",
        "076-260-1178",
        "kyoudou@city.kanazawa.lg.jp",
        "〒920-8577",
        "ICT推進員",
        "かなざわコミュニティ・コーディネーター",
        "協働のまちづくりチャレンジ事業",
        "まちづくりサロン",
        "協働と交流のつどい",
        "託児",
    ):
        assert fact in text, fact
    assert "**" not in text and "{{" not in text


def test_fonts_embedded_and_metadata(a4):
    assert b"/FontFile2" in a4.data
    meta = PdfReader(io.BytesIO(a4.data)).metadata
    assert meta.title == "金沢版パートナーシップをすすめるハンドブック"
    assert "市民協働推進課" in meta.author
    assert meta.subject


def test_table_of_contents_has_page_numbers_that_match(a4):
    pages = pdf_pages_text(a4.data)
    toc = visual_lines(a4.data, 2) + visual_lines(a4.data, 3)
    assert "もくじ" in toc[1]
    for chapter in ("はじめに", "3つの基本方針", "よくある質問"):
        m = next((re.search(re.escape(chapter) + r"[ .]+(\d+)$", line) for line in toc if chapter in line), None)
        assert m, (chapter, toc)
        number = int(m.group(1))
        assert chapter in pages[number - 1], (chapter, number)  # the chapter really starts there


def test_bookmarks_follow_the_chapters(a4):
    outline = PdfReader(io.BytesIO(a4.data)).outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top[0] == "もくじ"
    assert [t.split("\u3000", 1)[1] for t in top[1:]] == CHAPTERS
    assert any(isinstance(item, list) for item in outline)  # sections nested under chapters


def test_running_header_and_page_numbers(a4):
    pages = pdf_pages_text(a4.data)
    assert "- 5 -" in pages[4]
    assert "金沢版パートナーシップをすすめるハンドブック" in pages[4]
    assert "- 1 -" not in pages[0]  # the cover has no number


def test_cover_qr_decodes_to_the_website_setting(a4, tmp_path):
    assert decode_qr(render_page(a4.data, 1, tmp_path, dpi=200)) == ["https://example.kanazawa.jp/center/"]


def test_booklet_is_a4_landscape_with_whole_sheets(center):
    result = build_handbook(load_handbook(None), center, booklet=True)
    reader = PdfReader(io.BytesIO(result.data))
    assert len(reader.pages) == result.sheets_sides == 2 * (-(-result.pages // 4))
    assert all(float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages)
    first = reader.pages[0].extract_text()
    assert "お問い合わせ" in first and "すすめるハンドブック" in first  # back cover + cover on the outside


def test_every_paragraph_follows_kinsoku(center):
    source = load_handbook(None)
    styles = make_styles()
    ctx = RenderContext(styles, source, placeholder_values(center), A4_GEOMETRY.frame_width, A4_GEOMETRY.frame_height)
    checked = 0
    for chapter in source.chapters:
        for flowable in ChapterRenderer(ctx, chapter.filename).render(chapter.text):
            for p in _paragraphs(flowable):
                p.wrap(A4_GEOMETRY.frame_width, 10_000)
                lines = line_texts(p)
                for before, after in zip(lines, lines[1:]):
                    assert not (after and after[0] in CANNOT_START), (chapter.filename, before, after)
                    assert not (before and before[-1] in CANNOT_END), (chapter.filename, before, after)
                checked += 1
    assert checked > 200


def _paragraphs(flowable):
    if isinstance(flowable, KinsokuParagraph):
        yield flowable
    for attr in ("_content", "_cellvalues"):
        for item in getattr(flowable, attr, []) or []:
            for sub in item if isinstance(item, (list, tuple)) else [item]:
                for leaf in sub if isinstance(sub, (list, tuple)) else [sub]:
                    yield from _paragraphs(leaf)


def _override(tmp_path, text: str):
    folder = tmp_path / "handbook"
    folder.mkdir()
    (folder / "01_custom.md").write_text(text, encoding="utf-8")
    return folder


def test_override_folder_is_used_and_said(tmp_path, center):
    folder = _override(tmp_path, "# 編集版の章\n\n管理者が書きかえた本文です。{{center_phone}}\n")
    source = load_handbook(folder)
    assert source.is_override and "編集版" in source.describe()
    result = build_handbook(source, center)
    text = pdf_text(result.data)
    assert "編集版の章" in text and center.phone in text
    assert "3つの基本方針" not in text  # the shipped chapters are not mixed in
    assert "すすめるハンドブック" in text  # title.toml falls back to the shipped one


def test_empty_override_folder_falls_back_to_shipped(tmp_path):
    (tmp_path / "handbook").mkdir()
    source = load_handbook(tmp_path / "handbook")
    assert not source.is_override and source.folder == shipped_handbook_dir()


def test_markup_in_the_source_prints_literally_and_problems_are_reported(tmp_path, center):
    folder = _override(
        tmp_path,
        '# 試験\n\n<b>太字</b> & <img src="x.png"> & AT&T\n\n'
        "ことばとして**「かっこ」**と書く\n\n![図](images/none.png)\n\n{{no_such}}\n",
    )
    result = build_handbook(load_handbook(folder), center)
    text = pdf_text(result.data).replace("\n", "")
    assert '<b>太字</b> & <img src="x.png"> & AT&T' in text
    warnings = " ".join(result.warnings)
    assert "none.png" in warnings and "**" in warnings and "no_such" in warnings


def test_shipped_source_is_complete():
    folder = shipped_handbook_dir()
    assert (folder / "title.toml").is_file() and (folder / "README.md").is_file()
    assert (folder / "images" / "partners.png").is_file()
    assert not any(ch.filename.lower() == "readme.md" for ch in load_handbook(None).chapters)
    shutil.disk_usage(folder)  # the folder exists on disk (not only inside a zip)
