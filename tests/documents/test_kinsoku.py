"""Japanese line breaking: 。、」 never start a line, 「（ never end one, words and numbers stay whole,
全角スペース is kept — ReportLab's own CJK wrapping gets several of these wrong."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo_desk.documents.base import make_styles, para
from kyodo_desk.documents.kinsoku import CANNOT_END, CANNOT_START, line_texts

STYLES = make_styles()
SAMPLE = (
    "まちづくりは、みんなで「できること」を持ち寄ることから始まります。」「協働（パートナーシップ）」とは、"
    "市民・町会・事業者・学生・市が対等な立場で協力することです。詳しくは https://www4.city.kanazawa.lg.jp/ "
    "をご覧ください。電話076-220-2026まで。"
)


def wrapped(text: str, width: float, style=STYLES.body) -> list[str]:
    p = para(text, style)
    p.wrap(width, 10_000)
    return line_texts(p)


def assert_kinsoku(lines: list[str]) -> None:
    for before, after in zip(lines, lines[1:]):
        assert not (after and after[0] in CANNOT_START), (before, after)
        assert not (before and before[-1] in CANNOT_END), (before, after)


def test_sample_at_every_width_keeps_the_rules_and_the_text():
    for width in range(60, 420, 3):
        lines = wrapped(SAMPLE, width)
        assert_kinsoku(lines)
        assert "".join(lines).replace(" ", "") == SAMPLE.replace(" ", "")


def test_closing_bracket_after_full_stop_is_not_orphaned():
    # "。」" where 。 overflows: ReportLab alone hangs 。 and starts the next line with 」.
    text = "あ" * 20 + "した。」" + "い" * 10
    for width in range(100, 260, 1):
        assert_kinsoku(wrapped(text, width))


def test_urls_and_phone_numbers_are_not_cut_when_they_fit():
    lines = wrapped(SAMPLE, 200)
    assert any("https://www4.city.kanazawa.lg.jp/" in line for line in lines)
    assert any("076-220-2026" in line for line in lines)


def test_ideographic_space_is_kept():
    lines = wrapped("山田　花子　令和　　年", 400)
    assert lines == ["山田　花子　令和　　年"]


def test_table_cell_style_pushes_instead_of_hanging():
    text = "あ" * 9 + "。" + "い" * 5
    width = STYLES.cell.fontSize * 9 + 1
    lines = wrapped(text, width, STYLES.cell)
    assert lines[0] == "あ" * 8  # 。 is not allowed to hang outside the cell: あ。 move down together
    assert lines[1].startswith("あ。")


JAPANESE = st.sampled_from(
    list("あいうえおかきくけこ漢字協働市民町会事業学生ーっゃ") + list("、。」』）！？・「『（") + ["ABC", "2026", " "]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(JAPANESE, min_size=1, max_size=120), st.integers(min_value=40, max_value=400))
def test_random_japanese_text_never_breaks_the_rules(pieces, width):
    text = "".join(pieces).strip() or "あ"
    lines = wrapped(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for before, after in zip(lines, lines[1:]):
        if (after and after[0] in CANNOT_START) or (before and before[-1] in CANNOT_END):
            # allowed only when the line offered no legal break at all (e.g. 「あーーー」 in a tiny box)
            joined = before + after
            starts = [joined[k:].lstrip(" ")[:1] for k in range(len(joined))]  # spaces at a break are dropped
            legal = [
                k
                for k in range(1, len(before) + 1)
                if starts[k] not in CANNOT_START and joined[k - 1] not in CANNOT_END and joined[k - 1] != " "
            ]
            assert not legal, (before, after)
