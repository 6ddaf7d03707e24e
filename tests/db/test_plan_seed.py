"""Migration 0009 ships 金沢市協働推進計画2021 (令和3–7年度) with the three targets of its table
「目標の設定」 and the programmes of partnership projects."""

from __future__ import annotations

import datetime as dt

from kyodo_desk.db.migrate import upgrade
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.container import Services
from tests.db.conftest import sqlite_only


@sqlite_only
def test_the_2021_plan_and_its_targets_are_seeded(fresh_sqlite, tmp_path):
    upgrade(fresh_sqlite, tmp_path / "backups")
    services = Services(fresh_sqlite)
    periods = services.plan.periods(SYSTEM)
    assert [(p.name, p.first_fiscal_year, p.last_fiscal_year) for p in periods] == [
        ("金沢市協働推進計画2021", 2021, 2025)
    ]
    items = {i.key: i for i in periods[0].items}
    sat, reg, proj = items["satisfaction"], items["registrations"], items["projects"]
    assert sat.name == "市の情報公開・情報共有の取組への満足度" and sat.unit == "%" and sat.source == "survey"
    assert (sat.reference_value, sat.baseline_year, sat.baseline_value, sat.target_value) == (None, 2020, 66.8, 75)
    assert (reg.reference_value, reg.baseline_value, reg.target_value, reg.target_is_minimum) == (35, 43, 50, True)
    assert (proj.reference_value, proj.baseline_value, proj.target_value, proj.target_is_minimum) == (68, 88, 100, True)
    survey = services.plan.surveys(SYSTEM, "satisfaction")[0]
    assert (survey.respondents, survey.satisfied, survey.percent, survey.fiscal_year) == (732, 489, 66.8, 2020)

    kpis = services.plan.kpis(SYSTEM, dt.date(2026, 6, 1))  # 令和8年度: the plan has ended
    assert kpis is not None and kpis.ended and kpis.period_name == "金沢市協働推進計画2021"
    assert [k.unit for k in kpis.kpis] == ["%", "団体", "件"]

    programmes = services.projects.programmes(SYSTEM)
    assert programmes[0].name == "協働のまちづくりチャレンジ事業"
    assert [d.name for d in programmes[0].divisions] == ["スタート部門", "一般部門", "団体連携部門", "学生・高校生部門"]
