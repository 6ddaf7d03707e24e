"""金沢市協働推進計画2021 (令和3–7年度), its table 「目標の設定」, as data.

Migration 0009 ships the same figures (a migration keeps its own frozen copy); the demo uses this
module to put the plan back into a database whose seeded rows were removed (test databases).
"""

from __future__ import annotations

import datetime as dt

NAME = "金沢市協働推進計画2021"
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2021, 2025
NOTE = "令和3(2021)年3月策定。期間は令和3(2021)年度から令和7(2025)年度までの5年間。"
# key, name, unit, source, reference (2016), baseline (2020), target (2025), 以上, note
ITEMS = (
    (
        "satisfaction",
        "市の情報公開・情報共有の取組への満足度",
        "%",
        "survey",
        None,
        66.8,
        75.0,
        False,
        "目標1(基本方針Ⅰ)。「市民の地域活動・市民活動に関する意識調査」で「とても満足している」"
        "又は「ある程度満足している」と答えた人の割合(2020年: 回答者732人)。",
    ),
    (
        "registrations",
        "協働をすすめる市民団体登録団体数",
        "団体",
        "registrations",
        35.0,
        43.0,
        50.0,
        True,
        "目標2(基本方針Ⅱ)。",
    ),
    (
        "projects",
        "多様な担い手とのパートナーシップにより取り組む事業数",
        "件",
        "projects",
        68.0,
        88.0,
        100.0,
        True,
        "目標3(基本方針Ⅲ)。",
    ),
)
# the survey the plan's 66.8% comes from: 489 of 732 respondents
SURVEY_2020 = ("市民の地域活動・市民活動に関する意識調査", dt.date(2020, 8, 1), 2020, 732, 489)
CHALLENGE = "協働のまちづくりチャレンジ事業"
DIVISIONS = ("スタート部門", "一般部門", "団体連携部門", "学生・高校生部門")
OTHER = "その他の協働事業"
