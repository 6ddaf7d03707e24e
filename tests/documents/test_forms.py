"""Blank forms: one A4 page each, center details and APPI statement on it, rows big enough to write in."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from kyodo_desk.documents.forms import FORMS, get_form
from kyodo_desk.documents.forms.common import ROW, SMALL_ROW, Field, FormBuilder
from tests.documents.conftest import pdf_text

TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize("name", list(FORMS))
def test_each_form_is_one_page_with_center_details_and_privacy_statement(name, center):
    spec = FORMS[name]
    data = spec.build(center, today=TODAY)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert reader.metadata.title == spec.title
    text = pdf_text(data)
    assert "\ufffd" not in text
    assert spec.title in text.replace("\n", "")
    assert "個人情報の取り扱いについて" in text
    assert "第三者に提供することはありません" in text.replace("\n", "")
    assert f"{center.retention_years}年間保存" in text.replace("\n", "")
    assert center.center_name in text and center.phone in text and center.fax in text
    assert "令和" in text  # blank dates are in 和暦
    assert b"/FontFile2" in data


def test_registry_names_and_unknown_form():
    assert set(FORMS) == {"lending", "dispatch", "registration", "consultation"}
    assert all(spec.description for spec in FORMS.values())
    with pytest.raises(KeyError, match="lending"):
        get_form("nope")


def test_center_name_with_markup_prints_literally(center):
    hostile = dataclasses.replace(center, center_name='<b>センター</b> & <img src="x"/>')
    text = pdf_text(FORMS["consultation"].build(hostile, today=TODAY)).replace("\n", "")
    assert '<b>センター</b> & <img src="x"/>' in text


def test_rows_are_big_enough_for_handwriting(center):
    f = FormBuilder(center, TODAY)
    f.grid(
        [
            Field("氏名"),
            Field("ふりがな", small=True),
            (Field("電話"), Field("メール")),
            Field("内容", lines=3),
            Field("分野", options=[f"選択肢{i}" for i in range(30)]),
        ]
    )
    table = f.story[0]
    heights = table._argH
    assert ROW >= 10 * mm and SMALL_ROW >= 8 * mm
    assert min(heights) >= 8 * mm - 0.01
    assert heights[0] >= 10 * mm - 0.01 and heights[3] == 3 * ROW
    assert heights[4] > ROW  # many tick boxes: the row grows instead of overflowing


def test_tick_boxes_are_never_split_across_lines(center):
    f = FormBuilder(center, TODAY)
    options = ["町会等地域団体", "市民活動団体", "NPO法人", "事業者", "高等教育機関", "学生団体", "その他(　　)"]
    lines = f.options_lines(options, 60 * mm)
    assert len(lines) > 1
    for option in options:
        assert sum(line.count(f"□ {option}") for line in lines) == 1, option
    assert sum(line.count("□") for line in lines) == len(options)


def test_blank_date_uses_the_current_era(center):
    assert FormBuilder(center, dt.date(2019, 4, 30)).blank_date().startswith("平成")
    assert FormBuilder(center, TODAY).blank_date(weekday=True).startswith("令和")
