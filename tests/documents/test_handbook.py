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


# ---------------------------------------------------------------- page fill (issue 15)


def page_fill(data: bytes, geometry=A4_GEOMETRY) -> list[float]:
    """For each page, how far down the body frame its lowest line of text reaches (0–1)."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        ys: list[float] = []

        def visit(text, cm, tm, font, size, ys=ys):
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and geometry.bottom * 0.8 < y < geometry.height - geometry.top:
                ys.append(y)  # body text only: not the running header or the page number

        page.extract_text(visitor_text=visit)
        low = min(ys) if ys else geometry.height - geometry.top
        out.append((geometry.height - geometry.top - low) / geometry.frame_height)
    return out


FILL_THRESHOLD = 0.55  # under this a page looks half empty


def test_pages_are_filled_sensibly(a4):
    """Before: pages 5, 8, 14 and 19 were 31%, 34%, 15% and 17% filled (every chapter on a new
    page, whole blocks kept together).  Now every page but the last of the body (and the last of
    the table of contents, before the deliberate break to chapter 1) is well filled."""
    fill = page_fill(a4.data)
    first_chapter = next(p for d, t, p in outline_tree(PdfReader(io.BytesIO(a4.data))) if t.startswith("1\u3000"))
    body = range(first_chapter - 1, len(fill) - 2)  # the last body page and the back cover may be short
    low = {i + 1: round(fill[i], 2) for i in body if fill[i] < FILL_THRESHOLD}
    assert not low, low
    assert sum(fill[i] for i in body) / len(body) > 0.85


def test_a_heading_is_never_the_last_thing_on_a_page(a4):
    g = A4_GEOMETRY
    reader = PdfReader(io.BytesIO(a4.data))
    for number, page in enumerate(reader.pages[3:-1], start=4):
        lines: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size, lines=lines):
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and g.bottom * 0.8 < y < g.height - g.top:
                lines.append((round(y), text.strip()))

        page.extract_text(visitor_text=visit)
        lowest = min(y for y, _t in lines)
        last = "".join(t for y, t in lines if y == lowest)
        assert not re.match(r"^\d+(\.\d+)?\u3000", last), (number, last)  # a numbered heading


def test_every_chapter_on_a_new_page_when_the_title_file_asks(tmp_path, center):
    folder = tmp_path / "handbook"
    shutil.copytree(shipped_handbook_dir(), folder)
    title = (folder / "title.toml").read_text(encoding="utf-8")
    (folder / "title.toml").write_text("chapter_new_page = true\n" + title, encoding="utf-8")
    result = build_handbook(load_handbook(folder), center)
    reader = PdfReader(io.BytesIO(result.data))
    frame_top = A4_GEOMETRY.height - A4_GEOMETRY.top
    chapters = [item for item in reader.outline if not isinstance(item, list)][1:]
    assert len(chapters) == len(CHAPTERS)
    for item in chapters:  # each chapter title at the top of its page
        assert frame_top - 30 < float(item.top) <= frame_top + 1, (item.title, item.top)
    shipped = build_handbook(load_handbook(None), center)
    later = [i for i in PdfReader(io.BytesIO(shipped.data)).outline if not isinstance(i, list)][1:]
    assert any(float(i.top) < frame_top - 100 for i in later)  # by default some begin mid-page


def test_long_hostile_source_still_lays_out(tmp_path, center):
    """Headings back to back, a heading before a table taller than a page, a 40-line paragraph,
    a huge word without breaks, markup-looking text: it builds, and the fill rule still holds."""
    folder = tmp_path / "handbook"
    folder.mkdir()
    shutil.copy(shipped_handbook_dir() / "title.toml", folder / "title.toml")
    rows = "\n".join(f"| 行{n} <b>&amp; | {'長い説明' * 12} |" for n in range(80))
    long_para = "とても長い段落です。" * 300
    text = (
        "# 見出しだけの章\n\n## 節\n\n### 小見出し\n\n"
        + long_para
        + "\n\n## 大きな表\n\n次の表です。\n\n| 項目 | 説明 |\n|---|---|\n"
        + rows
        + "\n\n### 続き\n\n"
        + "A" * 400
        + "\n\n# 二つ目の章\n\n"
        + ("- 項目 **太字** <script>\n" * 60)
    )
    (folder / "01_test.md").write_text(text, encoding="utf-8")
    result = build_handbook(load_handbook(folder), center)
    fill = page_fill(result.data)
    body = range(3, len(fill) - 2)
    assert all(fill[i] >= FILL_THRESHOLD for i in body), [round(f, 2) for f in fill]
    assert "<script>" in pdf_text(result.data)


# ---------------------------------------------------------------- bookmarks (issue 15)


def outline_tree(reader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) for every outline entry, in order."""
    out: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return out


def test_faq_questions_are_siblings_under_their_chapter(a4):
    """8 よくある質問 is a ``#`` followed by ``###`` questions: each question is a child of the
    chapter (depth 1), not of the question before it."""
    tree = outline_tree(PdfReader(io.BytesIO(a4.data)))
    start = next(i for i, (_d, t, _p) in enumerate(tree) if t.endswith("よくある質問"))
    questions = []
    for depth, title, _page in tree[start + 1 :]:
        if depth == 0:
            break
        questions.append((depth, title))
    assert len(questions) == 9
    assert all(depth == 1 for depth, _t in questions), questions


def test_skipped_levels_nest_under_the_nearest_higher_heading(tmp_path, center):
    folder = tmp_path / "handbook"
    folder.mkdir()
    shutil.copy(shipped_handbook_dir() / "title.toml", folder / "title.toml")
    (folder / "01_a.md").write_text(
        "# 章A\n\n### A小1\n\n本文\n\n### A小2\n\n本文\n\n## A節\n\n### A節小\n\n本文\n\n"
        "#### 深い\n\n本文\n\n## A節2\n\n本文\n",
        encoding="utf-8",
    )
    (folder / "02_b.md").write_text("# 章B\n\n#### 章Bの深い見出し\n\n本文\n", encoding="utf-8")
    result = build_handbook(load_handbook(folder), center)
    tree = [(d, t.split("\u3000")[-1]) for d, t, _p in outline_tree(PdfReader(io.BytesIO(result.data)))]
    assert tree == [
        (0, "もくじ"),
        (0, "章A"),
        (1, "A小1"),
        (1, "A小2"),
        (1, "A節"),
        (2, "A節小"),
        (3, "深い"),
        (1, "A節2"),
        (0, "章B"),
        (1, "章Bの深い見出し"),
    ]


def test_bookmarks_point_at_their_heading(a4):
    reader = PdfReader(io.BytesIO(a4.data))
    for _depth, title, page in outline_tree(reader):
        words = title.replace(" ", "\u3000").split("\u3000")[-1][:8]
        assert words in reader.pages[page - 1].extract_text().replace(" ", "\u3000"), title


# ---------------------------------------------------------------- the plan in the right tense (issue 15)


def _flat(data: bytes) -> str:
    return pdf_text(data).replace("\n", "").replace(" ", "")


def test_the_2021_plan_is_history_when_printed_in_fy2026(center):
    import datetime as dt

    text = _flat(build_handbook(load_handbook(None), center, today=dt.date(2026, 12, 2)).data)
    assert "令和3(2021)年度から令和7(2025)年度までの5年間でした" in text
    assert "この計画は令和7年度で期間を終えました" in text
    assert "次の計画は、いま準備が進められています" in text
    assert "推進してきました" in text
    assert "最終年度の目標値(2025年)" in text and "最終年度の2025年には50団体以上にすることをめざしてきました" in text
    assert "めざします。" not in text and "目標値(2025年)|" not in text
    assert "現状値" not in text  # the 2020 figure is the plan's starting point, not today's


def test_the_same_text_speaks_of_a_current_plan_during_its_period(center):
    import datetime as dt

    text = _flat(build_handbook(load_handbook(None), center, today=dt.date(2024, 6, 1)).data)
    assert "令和7(2025)年度までの5年間です" in text
    assert "期間を終えました" not in text and "準備が進められています" not in text
    assert "50団体以上にすることをめざします" in text


def test_plan_years_come_from_the_plan_periods_table(services, admin, center):
    """The period as the 計画と目標 screen keeps it wins over title.toml; a later period entered
    there is named as the plan now in force."""
    import datetime as dt

    from kyodo_desk.db.plan_models import PlanPeriod
    from kyodo_desk.services.handbook_plan import handbook_plan

    source = load_handbook(None)
    with services.db.write() as s:
        s.query(PlanPeriod).delete()
        s.add(PlanPeriod(name="金沢市協働推進計画2021", first_fiscal_year=2021, last_fiscal_year=2026))
    plan = handbook_plan(services.db, source.title.plan)
    assert plan is not None and plan.last_fiscal_year == 2026
    text = _flat(build_handbook(source, center, plan=plan, today=dt.date(2026, 12, 2)).data)
    assert "令和8(2026)年度までの6年間です" in text and "期間を終えました" not in text

    with services.db.write() as s:
        s.add(PlanPeriod(name="金沢市協働推進計画2027", first_fiscal_year=2027, last_fiscal_year=2031))
    plan = handbook_plan(services.db, source.title.plan)
    text = _flat(build_handbook(source, center, plan=plan, today=dt.date(2027, 5, 1)).data)
    assert "いまは次の計画「金沢市協働推進計画2027」(令和9〜13年度)にもとづいて" in text
    assert "準備が進められています" not in text


def test_printing_service_uses_the_print_date(services, admin):
    import datetime as dt

    from kyodo_desk.services.printing import HANDBOOK, Paper, PrintingService

    printing = PrintingService(services.db, services.settings)
    later = printing.build(admin, HANDBOOK, Paper.A4, today=dt.date(2026, 12, 2))
    assert "期間を終えました" in _flat(later.data)
    earlier = printing.build(admin, HANDBOOK, Paper.A4, today=dt.date(2023, 4, 1))
    assert "期間を終えました" not in _flat(earlier.data)


def test_condition_blocks_and_plan_placeholders():
    import datetime as dt

    from kyodo_desk.documents.handbook.plan_text import PlanPeriodText, apply_conditions, years_text

    plan = PlanPeriodText("計画X", 2016, 2020)
    assert years_text(2016, 2020) == "平成28〜令和2年度"
    assert years_text(2021, 2025) == "令和3〜7年度"
    text = "A<!-- 計画期間中 -->今<!-- /計画期間中 --><!-- 計画終了後 -->昔<!-- 次の計画準備中 -->準備<!-- /次の計画準備中 --><!-- /計画終了後 -->Z"
    assert apply_conditions(text, plan.conditions(dt.date(2019, 1, 1))) == "A今Z"
    assert apply_conditions(text, plan.conditions(dt.date(2021, 4, 1))) == "A昔準備Z"
    assert apply_conditions(text, plan.conditions(dt.date(2021, 3, 31))) == "A今Z"  # FY2020 until March


def test_a5_booklet_pages_are_filled_sensibly(center, monkeypatch):
    """The A5 pages before imposition (before: pages 7, 16 and 23 were 5%, 12% and 12% filled)."""
    from kyodo_desk.documents.base import A5_GEOMETRY
    from kyodo_desk.documents.handbook import layout

    pages: dict[str, bytes] = {}
    impose = layout.impose_booklet

    def keep(data, **kw):
        pages["a5"] = data
        return impose(data, **kw)

    monkeypatch.setattr(layout, "impose_booklet", keep)
    build_handbook(load_handbook(None), center, booklet=True)
    fill = page_fill(pages["a5"], A5_GEOMETRY)
    first_chapter = next(p for d, t, p in outline_tree(PdfReader(io.BytesIO(pages["a5"]))) if t.startswith("1\u3000"))
    body = range(first_chapter - 1, len(fill) - 2)
    low = {i + 1: round(fill[i], 2) for i in body if fill[i] < FILL_THRESHOLD}
    assert not low, low
